"""Sun et al. with explicit rectangular buildings (isac_core.models.sun_blockage.buildings).

The segment--rectangle geometry against hand-made cases and against brute force, the
Boolean scheme's LoS probability for an outdoor node, and the SINR kernel against the
independent-link results without buildings. Tolerances as in
``test_sun_blockage_simulation.py``: Monte Carlo against analysis within ``z SE + approx``,
two Monte Carlo estimates within ``z sqrt(SE_1^2 + SE_2^2)``. All seeds are fixed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from isac_core.models.sun_blockage import analytic, buildings, simulation
from isac_core.stats import agreement, bonferroni_z
from tests.unit.test_sun_blockage_simulation import BETA, C_E, C_L, C_N, N_MC, NOISE, PT, SENS, SERIES, _db, _rng


def _one_building(x, y, length, width, angle):
    return np.array([[x, y, math.cos(angle), math.sin(angle), 0.5 * length, 0.5 * width]])


def test_segment_rectangle_geometry():
    b = _one_building(50.0, 0.0, 10.0, 4.0, math.pi / 4)
    start = np.zeros((5, 2))
    end = np.array([[100.0, 0.0], [100.0, 40.0], [40.0, 0.0], [50.0, 0.5], [50.0, -100.0]])
    # through it; passes beside it; stops before it; ends inside it; perpendicular, misses
    expect = np.array([True, False, False, True, False])
    assert np.array_equal(buildings.segments_blocked(start, end, b), expect)
    assert np.array_equal(buildings.star_blocked((0.0, 0.0), end, b), expect)
    assert not buildings.segments_blocked(start, end, np.zeros((0, 6))).any()


def test_star_test_equals_brute_force():
    rng = _rng(200)
    for i in range(20):
        b = buildings.draw_buildings(rng, 5e-4, 15.0, 20.0, 600.0)
        centre = rng.uniform(-200.0, 200.0, 2) if i % 2 else np.zeros(2)
        ends = rng.uniform(-600.0, 600.0, (200, 2))
        brute = buildings.segments_blocked(np.broadcast_to(centre, ends.shape), ends, b)
        assert np.array_equal(buildings.star_blocked(centre, ends, b), brute)


def test_rectangles_give_the_boolean_los_probability_outdoors():
    """Outdoor typical node: P(segment of length r is clear) = exp(-beta r) exactly."""
    rng = _rng(210)
    r, n = 100.0, 1500
    clear = 0
    for _ in range(n):
        b = buildings.draw_buildings(rng, 5e-4, 15.0, 15.0, 150.0)
        u, v = -(b[:, 0] * b[:, 2] + b[:, 1] * b[:, 3]), b[:, 0] * b[:, 3] - b[:, 1] * b[:, 2]
        assert not np.any((np.abs(u) <= b[:, 4]) & (np.abs(v) <= b[:, 5]))  # origin outdoors
        a = rng.random() * 2.0 * math.pi
        clear += not buildings.star_blocked((0.0, 0.0), [[r * math.cos(a), r * math.sin(a)]], b)[0]
    res = agreement([math.exp(-BETA * r)], [clear / n], n)
    assert res["passed"], res


def test_rectangle_kernel_without_buildings_matches_no_blockage():
    T = _db([-10.0, 0.0, 10.0])
    n = 3000
    kw = dict(lam=1e-4, lam_b=0.0, length=15.0, width=15.0, P_t=PT, C_L=C_L, C_N=C_N, alpha_L=4.0, alpha_N=4.0,
              K=1.0, mu=1.0, noise=NOISE)
    s = buildings.rectangle_sinr_samples(_rng(220), n, kind="comm", **kw)
    ref = analytic.special_case_1(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L)
    res = agreement(ref, simulation.coverage(s, T)[0], n, approx=SERIES)
    assert res["passed"], res
    # sensing with the exclusion, no TRC: the single-network MC-S1 kernel at beta = p = 0
    T = _db([10.0, 20.0, 30.0])
    s1 = buildings.rectangle_sinr_samples(_rng(221), n, kind="sensing", C_E=C_E, alpha_E=4.0, rcs_mean=1.0,
                                           trc=False, exclusion=True, **kw)
    s2 = simulation.sensing_sinr_samples(_rng(222), N_MC, lam=1e-4, **dict(SENS, beta=0.0, p=0.0, alpha_L=4.0),
                                         trc=False, variant="shared_excluded")
    p1, p2 = simulation.coverage(s1, T), simulation.coverage(s2, T)
    tol = bonferroni_z(T.size) * np.sqrt(p1[1] ** 2 + p2[1] ** 2)
    assert np.all(np.abs(p1[0] - p2[0]) <= tol), (p1[0], p2[0])


def test_rectangle_kernel_is_deterministic():
    kw = dict(lam=3e-5, lam_b=5e-4, length=15.0, width=15.0, P_t=PT, C_L=C_L, C_N=C_N, alpha_L=2.0, alpha_N=4.0,
              K=1.0, mu=1.0, noise=NOISE, C_E=C_E, alpha_E=4.0, rcs_mean=1.0)
    for kind in ("comm", "sensing"):
        a = buildings.rectangle_sinr_samples(_rng(230), 40, kind=kind, **kw)
        b = buildings.rectangle_sinr_samples(_rng(230), 40, kind=kind, **kw)
        assert np.array_equal(a, b) and a.shape == (40,) and np.all(a >= 0.0) and np.any(a > 0.0)
    with pytest.raises(ValueError, match="kind"):
        buildings.rectangle_sinr_samples(_rng(0), 1, kind="radar", **kw)
