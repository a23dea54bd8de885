"""Han et al. survey: Fig. 4(b) Monte Carlo, Table III experiment and overlays (docs/errata.md, han_survey)."""

from __future__ import annotations

import numpy as np
import pytest

from isac_core.models.han_survey import gains
from isac_core.models.han_survey import simulation as sim

Z = 4.0  # z-score of the Monte Carlo tolerances (deterministic seeds)


def _rank_deviation(samples, reference, n_reference):
    r"""Distance of a reference median from ours, in standard deviations of the rank statistic.

    Tolerance derivation (distribution-free, order statistics). Let ``F`` be the true
    CDF of a column. The reference value is the sample median of ``n_ref`` drops, so
    ``F(ref) = 1/2 + e_ref`` with ``e_ref ~ N(0, 1/(4 n_ref))`` (the rank of the median
    among ``n_ref`` draws is Binomial(n_ref, 1/2)). Our fraction of drops at or below
    the reference, ``Fhat(ref)``, is Binomial(T, F(ref)) / T, with standard deviation
    ``1/(2 sqrt(T))``. Hence, if both were drawn from the same distribution,
    ``Fhat(ref) - 1/2`` has standard deviation ``sigma = (1/2) sqrt(1/T + 1/n_ref)``.
    ``|Fhat(ref) - 1/2| <= Z sigma`` is the same as the reference lying inside the
    order-statistic interval of our median between ranks ``T/2 -+ Z sigma T``; at
    ``T = n_ref = 40 000`` and ``Z = 4`` that is ranks 0.5 -+ 0.014, i.e. about
    +-4-6 % in value near the Fig. 4(b) optima (the reference run's 95 % CI half-width
    at 40 000 drops is 1.3-4 %). ``+inf`` drops count as above every finite reference.
    """
    samples = np.asarray(samples, dtype=float)
    fraction = (samples <= reference).mean(axis=0)
    sigma = 0.5 * np.sqrt(1.0 / samples.shape[0] + 1.0 / n_reference)
    return (fraction - 0.5) / sigma


# --------------------------------------------------------------------------- Fig. 4(b) (median CRLB over drops)

# reference medians from an independent 40 000-drop Monte Carlo run (R_c = 400 m, xi = 3, one seed):
# M -> medians [m^2], columns of FIG4B_COLUMNS (inf: > half the drops singular)
INF = np.inf
FIG4B_REFERENCE = {
    1: [INF, 13.47, 13.47, INF, 13.47, 13.47],  # lambda = 50 km^-2
    5: [1040, 37.53, 25.24, 208.0, 7.505, 5.047],  # lambda = 10
    6: [988.5, 45.57, 27.58, 164.7, 7.594, 4.596],  # lambda = 8.33, fixed-P AoA optimum
    30: [INF, INF, 68.19, INF, INF, 2.273],  # lambda = 1.67, M_t P hybrid optimum
}
T_FIG4B = 40_000


@pytest.fixture(scope="module")
def fig4b_runs():
    return {M: sim.fig4b_samples(np.random.default_rng(600 + M), T_FIG4B, M, return_counts=True)
            for M in FIG4B_REFERENCE}


@pytest.mark.parametrize("M", sorted(FIG4B_REFERENCE))
def test_fig4b_reference_medians(fig4b_runs, M):
    samples, _ = fig4b_runs[M]
    ref = np.array(FIG4B_REFERENCE[M], dtype=float)
    median = np.median(samples, axis=0)  # +inf drops sort last
    finite = np.isfinite(ref)
    assert np.array_equal(np.isinf(median), ~finite)
    z = _rank_deviation(samples[:, finite], ref[finite], 40_000)
    assert np.all(np.abs(z) <= Z), (M, median, z)


def test_fig4b_singular_fractions_and_power_models(fig4b_runs):
    for M, (samples, counts) in fig4b_runs.items():
        mu = sim.ANTENNA_DENSITY / M * np.pi * sim.COOPERATION_RADIUS**2
        p_single, p_hybrid = sim.singular_probabilities(mu)
        observed = np.isinf(samples).mean(axis=0)
        se1 = np.sqrt(p_single * (1 - p_single) / T_FIG4B) + 1e-12
        se0 = np.sqrt(p_hybrid * (1 - p_hybrid) / T_FIG4B) + 1e-12
        if M > 1:  # at M = 1 the AoA FIM is identically zero
            assert abs(observed[0] - p_single) <= Z * se1
        assert abs(observed[1] - p_single) <= Z * se1
        assert abs(observed[2] - p_hybrid) <= Z * se0
        assert np.array_equal(np.isinf(samples[:, 1]), counts <= 1)
        assert abs((counts == 0).mean() - p_hybrid) <= Z * se0
        assert abs(counts.mean() - mu) <= Z * np.sqrt(mu / T_FIG4B)
        # same drops for both power models: CRLB^{MtP}(M) M = CRLB^{P}(M) per drop
        p, mtp = samples[:, :3], samples[:, 3:]
        assert np.array_equal(np.isinf(p), np.isinf(mtp))
        fin = np.isfinite(p)
        np.testing.assert_allclose(mtp[fin] * M, p[fin], rtol=1e-12)
        # hybrid <= min(AoA, ToF) per drop
        for cols in ((0, 1, 2), (3, 4, 5)):
            a, r, h = (samples[:, c] for c in cols)
            assert np.all(h <= np.minimum(a, r) * (1 + 1e-12))
    # the same reference run: P(singular, AoA/ToF) at lambda = 8.33 is 0.078 (theory e^-mu (1 + mu) = 0.0787)
    assert sim.singular_probabilities(50.0 / 6 * 1e-6 * np.pi * 400.0**2)[0] == pytest.approx(0.0787, abs=5e-5)


def test_fig4b_determinism_and_blocks():
    a = sim.fig4b_samples(np.random.default_rng(1), 3000, 4)
    b = sim.fig4b_samples(np.random.default_rng(1), 3000, 4)
    assert a.shape == (3000, 6) and np.array_equal(a, b)
    assert not np.array_equal(a, sim.fig4b_samples(np.random.default_rng(2), 3000, 4))
    # more drops than one block: the unit FIMs equal a block-by-block replay of disk_drops
    density = sim.ANTENNA_DENSITY / 2
    n = 2 * (sim.BLOCK_POINTS // 30) + 17
    fa, fr, counts = sim.disk_unit_fims(np.random.default_rng(3), n, density)
    mu = density * np.pi * sim.COOPERATION_RADIUS**2
    per_block = max(64, int(sim.BLOCK_POINTS // (mu + 4.0 * np.sqrt(mu) + 4.0)))
    assert n > per_block
    rng = np.random.default_rng(3)
    d, theta, mask = sim.disk_drops(rng, per_block, density)
    assert np.array_equal(counts[:per_block], mask.sum(1))
    assert np.all(d[mask] <= sim.COOPERATION_RADIUS) and np.all(d[mask] > 0)
    d2, theta2, mask2 = sim.disk_drops(rng, min(per_block, n - per_block), density)
    assert np.array_equal(counts[per_block:2 * per_block], mask2.sum(1))
    samples = sim.fig4b_traces(fa, fr, 2)
    assert samples.shape == (n, 6)


def test_fig4b_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        sim.fig4b_samples(rng, 10, 0.5)
    with pytest.raises(ValueError):
        sim.fig4b_samples(rng, 10, 2, radius=-1.0)
    with pytest.raises(ValueError):
        sim.fig4b_samples(rng, 2.5, 2)
    with pytest.raises(TypeError):
        sim.fig4b_samples(rng, 10, 2, eta=1.0)
    assert sim.fig4b_samples(rng, 0, 3).shape == (0, 6)


# --------------------------------------------------------------------------- Table III (Sec. III-C scaling laws)

N_GRID = np.array([8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024, 2048])
# independent reference values [m^2]: means and medians averaged over 8 Monte Carlo runs of 20 000 drops each
# (160 000 drops); m-f = the mean-field closed form. N -> AoA mean, AoA median, AoA m-f, ToF mean, median, m-f,
# Hyb mean, median, m-f
TABLE3_REFERENCE = {
    8: [1574, 394.1, 367.0, 50.07, 27.07, 40.54, 39.98, 17.77, 35.48],
    16: [874.7, 290.2, 284.5, 26.80, 17.16, 26.20, 22.37, 12.41, 23.41],
    64: [467.8, 206.6, 197.1, 11.55, 9.171, 13.31, 9.993, 7.390, 12.23],
    256: [327.7, 164.6, 151.6, 6.525, 5.802, 7.984, 5.743, 4.936, 7.468],
    1024: [256.6, 137.1, 123.4, 4.249, 4.029, 5.311, 3.783, 3.550, 5.026],
    2048: [233.1, 127.7, 113.0, 3.556, 3.445, 4.451, 3.180, 3.065, 4.232],
}
T_TABLE3 = 4000


@pytest.fixture(scope="module")
def table3_run():
    samples = sim.table3_samples(np.random.default_rng(33), T_TABLE3, N_GRID)
    return samples, sim.table3_summary(samples)


def test_mean_field_matches_the_reference_table():
    za, zr = gains.gain_constants(sim.TABLE3_ANTENNAS, "P")
    N = np.array(sorted(TABLE3_REFERENCE))
    mf = sim.mean_field_crlb(N, sim.TABLE3_DENSITY, za, zr)
    ref = np.array([TABLE3_REFERENCE[n] for n in N])[:, [2, 5, 8]]
    np.testing.assert_allclose(mf, ref, rtol=6e-4)  # 4 printed significant digits
    assert np.all(np.isinf(sim.mean_field_crlb(N, 5e-6, 0.0, zr)[:, 0]))


def test_table3_reference_values(table3_run):
    samples, summary = table3_run
    for n in (16, 64, 256):
        k = int(np.flatnonzero(N_GRID == n)[0])
        ref = TABLE3_REFERENCE[n]
        # medians: rank test against the 160 000-drop reference (see _rank_deviation)
        z = _rank_deviation(samples[:, k, :], np.array([ref[1], ref[4], ref[7]]), 160_000)
        assert np.all(np.abs(z) <= Z), (n, z)
        # ToF and hybrid means; the reference's own error is ~sqrt(T / 160 000) of ours
        for col, ref_mean in ((1, ref[3]), (2, ref[6])):
            tol = Z * summary["se"][k, col] * np.sqrt(1.0 + T_TABLE3 / 160_000)
            assert abs(summary["mean"][k, col] - ref_mean) <= tol, (n, col, summary["mean"][k, col], ref_mean)


def test_table3_scaling_laws(table3_run):
    _, summary = table3_run
    mean, median = summary["mean"], summary["median"]
    assert np.all(np.isfinite(mean)) and np.all(summary["singular"] == 0.0)
    fit = N_GRID >= 16
    tail = N_GRID >= 256
    # ToF ~ 1/ln^2 N (Table III; acceptance bounds: slope in [-2.10, -1.90], CRLB ln^2 N within 1.08x)
    assert -2.10 <= sim.loglog_slope(N_GRID[fit], mean[fit, 1]) <= -1.90
    product = mean[fit, 1] * np.log(N_GRID[fit]) ** 2
    assert product.max() / product.min() <= 1.08
    # AoA ~ 1/ln N, approached slowly (heavy tail, docs/errata.md han_survey): the mean is fitted on N >= 256 only
    assert -1.25 <= sim.loglog_slope(N_GRID[tail], mean[tail, 0]) <= -0.85
    assert -0.95 <= sim.loglog_slope(N_GRID[fit], median[fit, 0]) <= -0.65
    # hybrid ~ 1/(a ln^2 N + b ln N)
    a, b = sim.fit_hybrid_law(N_GRID[fit], mean[fit, 2])
    assert a > 0 and b > 0
    assert np.max(np.abs(sim.hybrid_law(N_GRID[fit], a, b) / mean[fit, 2] - 1)) <= 0.10
    # mean-field / MC within [0.8, 1.4] (ToF and hybrid means, AoA median)
    mf = sim.mean_field_crlb(N_GRID[fit], sim.TABLE3_DENSITY, *gains.gain_constants(sim.TABLE3_ANTENNAS))
    for ratio in (mf[:, 1] / mean[fit, 1], mf[:, 2] / mean[fit, 2], mf[:, 0] / median[fit, 0]):
        assert np.all((ratio >= 0.8) & (ratio <= 1.4))


def test_table3_nested_columns_and_determinism():
    a = sim.table3_samples(np.random.default_rng(4), 50, [3, 12], n_nearest=12)
    b = sim.table3_samples(np.random.default_rng(4), 50, [12], n_nearest=12)
    np.testing.assert_allclose(a[:, 1], b[:, 0], rtol=1e-12)
    assert a.shape == (50, 2, 3)
    one = sim.table3_samples(np.random.default_rng(4), 20, 1)
    assert np.all(np.isinf(one[:, 0, :2])) and np.all(np.isfinite(one[:, 0, 2]))
    with pytest.raises(ValueError):
        sim.table3_samples(np.random.default_rng(4), 10, [0, 4])
    with pytest.raises(ValueError):
        sim.table3_samples(np.random.default_rng(4), 10, [8], n_nearest=4)
    summary = sim.table3_summary(one[:, 0, :])
    assert np.isnan(summary["mean"][0]) and np.isfinite(summary["mean"][2]) and summary["singular"][0] == 1.0


def test_fitted_laws_recover_parameters():
    N = np.array([16.0, 64.0, 256.0, 2048.0])
    assert sim.fit_tof_law(N, sim.tof_law(N, 200.0)) == pytest.approx(200.0, rel=1e-12)
    assert sim.fit_aoa_law(N, sim.aoa_law(N, 1800.0)) == pytest.approx(1800.0, rel=1e-12)
    assert sim.loglog_slope(N, sim.tof_law(N, 3.0)) == pytest.approx(-2.0, abs=1e-12)
    assert sim.loglog_slope(N, sim.aoa_law(N, 3.0)) == pytest.approx(-1.0, abs=1e-12)
    a, b = sim.fit_hybrid_law(N, sim.hybrid_law(N, 5e-3, 3.5e-3))
    assert a == pytest.approx(5e-3, rel=1e-6) and b == pytest.approx(3.5e-3, rel=1e-6)
    with pytest.raises(ValueError):
        sim.tof_law(1, 1.0)
    with pytest.raises(ValueError):
        sim.fit_aoa_law(N, -sim.aoa_law(N, 1.0))
