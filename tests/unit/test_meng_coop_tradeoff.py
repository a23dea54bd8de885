"""Fig. 5 of meng_coop: the backhaul-constrained boundary and the time-sharing baseline.

Reference numbers: the reconstruction of Fig. 5 in docs/errata.md (the same search grid, Theorem 2
for the rate and eq. (16) with the corrected kappa_s for the CRLB).
"""

from __future__ import annotations

import numpy as np
import pytest

from isac_core.models.meng_coop import acceptance, crlb, rate, tradeoff

SETTING = {"e": 0.2, "mu_c": 1.0, "mu_s": 1.0, "psi": 15, "M_t": 4, "alpha": 4.0}
LEVELS = np.array([0.25, 0.4, 1.0, 2.0])

# (C, c level) -> (cooperative rate, time-sharing rate, L, N, p_c)
REFERENCE = {
    (4, 0.25): (2.380, 1.401, 14, 8, 0.06), (4, 0.4): (2.795, 2.305, 6, 6, 0.15),
    (4, 1.0): (3.381, 3.209, 12, 3, 0.17), (4, 2.0): (3.398, 3.511, 18, 3, 0.32),
    (6, 0.25): (3.797, 1.866, 10, 11, 0.28), (6, 0.4): (4.233, 3.070, 12, 8, 0.42),
    (6, 1.0): (4.700, 4.275, 12, 6, 0.68), (6, 2.0): (4.859, 4.676, 12, 5, 0.80),
    (8, 0.25): (4.086, 1.866, 12, 15, 0.36), (8, 0.4): (4.578, 3.070, 12, 15, 0.60),
    (8, 1.0): (4.907, 4.275, 12, 15, 0.84), (8, 2.0): (4.996, 4.676, 12, 15, 0.92),
}


@pytest.mark.parametrize("C", [4, 6, 8])
def test_boundary_and_time_sharing_reference(C):
    best = tradeoff.cooperative_boundary(LEVELS, C=C, **SETTING)
    ts = tradeoff.time_sharing(LEVELS, C=C, **SETTING)
    for i, level in enumerate(LEVELS):
        coop, shared, L, N, p_c = REFERENCE[(C, level)]
        assert best["rate"][i] == pytest.approx(coop, abs=1.5e-3)
        assert ts[i] == pytest.approx(shared, abs=1.5e-3)
        assert (best["L"][i], best["N"][i], best["p_c"][i]) == (L, N, pytest.approx(p_c))


def test_boundary_is_feasible_and_optimal():
    C, level = 6.0, 0.4
    best = tradeoff.cooperative_boundary(level, C=C, **SETTING)
    L, N, p_c = int(best["L"]), int(best["N"]), float(best["p_c"])
    # the optimum meets both constraints ...
    r = rate.rate_theorem2(L, p_c, acceptance.kappa_comm(L, 1.0, 15), 4, 4.0)
    c = crlb.crlb_with_acceptance(N, acceptance.kappa_sensing(N, 1.0, 15)) / (1.0 - p_c)
    assert r == pytest.approx(float(best["rate"]), rel=1e-12)
    assert r + 0.2 * N <= C and c <= level
    assert float(best["crlb"]) == pytest.approx(c, rel=1e-12)
    # ... and no feasible configuration on the grid does better (brute force)
    Ls, pcs = tradeoff.L_GRID, tradeoff.PC_GRID
    R = rate.rate_theorem2(Ls[:, None], pcs[None, :], acceptance.kappa_comm(Ls, 1.0, 15)[:, None], 4, 4.0)
    best_brute = -np.inf
    for n in tradeoff.N_GRID:
        cn = crlb.crlb_with_acceptance(n, acceptance.kappa_sensing(n, 1.0, 15)) / (1.0 - pcs)
        ok = (R + 0.2 * n <= C) & (cn <= level)[None, :]
        if ok.any():
            best_brute = max(best_brute, R[ok].max())
    assert float(best["rate"]) == pytest.approx(best_brute, rel=1e-12)


def test_boundary_shape():
    levels = np.geomspace(0.16, 3.0, 40)
    rates = {C: tradeoff.cooperative_boundary(levels, C=C, **SETTING)["rate"] for C in (4, 6, 8)}
    for r in rates.values():
        assert np.all(np.diff(r) >= 0)  # a looser CRLB target never lowers the rate
    assert np.all(rates[4] <= rates[6]) and np.all(rates[6] <= rates[8])  # nested regions
    # below the best CRLB any configuration reaches there is no boundary, and no time sharing
    assert np.isnan(tradeoff.cooperative_boundary(0.1, C=6, **SETTING)["rate"])
    assert np.isnan(tradeoff.time_sharing(0.1, C=6, **SETTING))


def test_invalid_settings():
    with pytest.raises(ValueError, match="capacity"):
        tradeoff.cooperative_boundary(0.4, **{**SETTING, "C": 0.0})
    with pytest.raises(ValueError, match="backhaul rate"):
        tradeoff.time_sharing(0.4, **{**SETTING, "C": 6.0, "e": -1.0})
