r"""Explicit rectangular buildings instead of independent LoS marks (docs/errata.md).

Sun et al. assume that every link is LoS independently of every other link with
probability ``P_L(r) = exp(-(beta r + p))`` (:func:`.blockage.los_probability`). Physical
buildings correlate links that share an endpoint or a direction, and a BS inside a
building is blocked on every link. This module simulates that physical model: a Boolean
scheme of rectangles (:func:`draw_buildings`, the typical node outdoors), the LoS state of
each link from the rectangles it crosses (:func:`segments_blocked`, and the fast
:func:`star_blocked` for links sharing their start point), and SINR samples of the
communication and sensing links (:func:`rectangle_sinr_samples`), to compare with the
independent-link results of :mod:`.simulation` and :mod:`.analytic`. The marginal LoS
probability of a link from the outdoor typical node is ``exp(-beta r)`` with
``beta = 2 lam_b (length + width) / pi`` (Bai, Vaze and Heath). About 1e3 drops/s: a study
tool, not a sweep kernel; no figure's metric uses it.
"""

from __future__ import annotations

import math

import numpy as np

from ...fading import rayleigh_power, rician_power, swerling1_rcs
from ...validation import nonnegative, positive, whole

__all__ = ["RECT_MARGIN", "draw_buildings", "segments_blocked", "star_blocked", "rectangle_sinr_samples"]

#: Buildings are dropped in a disc this much larger than the BS disc [m].
RECT_MARGIN = 30.0


def draw_buildings(rng: np.random.Generator, lam_b, length, width, radius):
    """Rectangular buildings of a Boolean scheme, conditioned on the origin being outdoors.

    Centres: PPP of density ``lam_b`` [m^-2] in a disc of radius ``radius + RECT_MARGIN``
    [m] around the origin; fixed size ``length x width`` [m]; orientation uniform on
    ``[0, pi)``. If the origin lies inside a building the whole set is redrawn (the
    typical node is outdoors). Without that conditioning the LoS probability of a
    segment of length ``r`` is ``exp(-(beta r + p))`` (Bai et al.); with it,
    ``exp(-beta r)``.

    Draw order per attempt: the count, radius uniforms, angle uniforms, orientation
    uniforms.

    Returns
    -------
    ndarray, shape (n, 6)
        Columns: centre x, centre y [m], cos and sin of the orientation, half length,
        half width [m].
    """
    lam_b = nonnegative(lam_b, "lam_b", scalar=True)
    hl = 0.5 * positive(length, "length", scalar=True)
    hw = 0.5 * positive(width, "width", scalar=True)
    r_b = positive(radius, "radius", scalar=True) + RECT_MARGIN
    for _ in range(10_000):
        n = rng.poisson(lam_b * math.pi * r_b * r_b)
        rad = r_b * np.sqrt(rng.random(n))
        ang = rng.random(n) * (2.0 * math.pi)
        ori = rng.random(n) * math.pi
        out = np.empty((n, 6))
        out[:, 0] = rad * np.cos(ang)
        out[:, 1] = rad * np.sin(ang)
        out[:, 2] = np.cos(ori)
        out[:, 3] = np.sin(ori)
        out[:, 4] = hl
        out[:, 5] = hw
        # origin in local coordinates: (-c) rotated by -theta
        u = -(out[:, 0] * out[:, 2] + out[:, 1] * out[:, 3])
        v = out[:, 0] * out[:, 3] - out[:, 1] * out[:, 2]
        if not np.any((np.abs(u) <= hl) & (np.abs(v) <= hw)):
            return out
    raise RuntimeError("could not place the typical node outdoors")


def _pairs_hit(start, end, buildings, seg, rect):
    """Slab (Liang--Barsky) test of the (segment, rectangle) pairs ``(seg[k], rect[k])``."""
    b = buildings[rect]
    cx, cy, ct, st, hl, hw = (b[:, k] for k in range(6))
    ox = start[seg, 0] - cx
    oy = start[seg, 1] - cy
    dx = end[seg, 0] - start[seg, 0]
    dy = end[seg, 1] - start[seg, 1]
    u0 = ox * ct + oy * st
    v0 = oy * ct - ox * st
    du = dx * ct + dy * st
    dv = dy * ct - dx * st
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / du
        t1 = (-hl - u0) * inv
        t2 = (hl - u0) * inv
        t_in = np.minimum(t1, t2)
        t_out = np.maximum(t1, t2)
        inv = 1.0 / dv
        t1 = (-hw - v0) * inv
        t2 = (hw - v0) * inv
        np.maximum(t_in, np.minimum(t1, t2), out=t_in)
        np.minimum(t_out, np.maximum(t1, t2), out=t_out)
        np.maximum(t_in, 0.0, out=t_in)
        np.minimum(t_out, 1.0, out=t_out)
    return t_in <= t_out


def segments_blocked(start, end, buildings, chunk=1 << 20):
    """Whether each segment ``start -> end`` intersects at least one building.

    Slab (Liang--Barsky) test in every rectangle's frame; a segment with an endpoint
    inside a building is blocked. Brute force over all (segment, building) pairs, in
    chunks of about ``chunk`` pairs (:func:`star_blocked` is the fast version for
    segments sharing their start point).

    Parameters
    ----------
    start, end : array_like, shape (m, 2)
        Segment endpoints [m].
    buildings : ndarray, shape (n, 6)
        As returned by :func:`draw_buildings`.
    chunk : int
        Pairs per vectorised chunk.

    Returns
    -------
    ndarray of bool, shape (m,)
    """
    start = np.atleast_2d(np.asarray(start, dtype=float))
    end = np.atleast_2d(np.asarray(end, dtype=float))
    m, nb = start.shape[0], buildings.shape[0]
    out = np.zeros(m, dtype=bool)
    if m == 0 or nb == 0:
        return out
    step = max(1, int(chunk) // nb)
    for lo in range(0, m, step):
        idx = np.arange(lo, min(m, lo + step))
        seg = np.repeat(idx, nb)
        rect = np.tile(np.arange(nb), idx.size)
        out[idx] = _pairs_hit(start, end, buildings, seg, rect).reshape(idx.size, nb).any(axis=1)
    return out


#: Buildings farther than this many half-diagonals from the common start point of
#: :func:`star_blocked` subtend at most ``asin(1/_STAR_FAR)`` around their centre angle.
_STAR_FAR = 8.0


def star_blocked(centre, ends, buildings):
    """:func:`segments_blocked` for segments ``centre -> ends[i]`` sharing their start point.

    Only candidate rectangles are tested: those within ``_STAR_FAR`` half-diagonals of
    ``centre`` (few), and farther ones whose centre angle is within
    ``asin(1/_STAR_FAR)`` of the segment's angle (found by binary search in the sorted
    angles) and whose bounding circle starts before the segment's end. A rectangle
    outside this set cannot meet the segment (its bounding circle is outside the
    angular window or beyond the segment's end), so the result equals the brute force.

    Parameters
    ----------
    centre : array_like, shape (2,)
        Common start point [m].
    ends : array_like, shape (m, 2)
        End points [m].
    buildings : ndarray, shape (n, 6)

    Returns
    -------
    ndarray of bool, shape (m,)
    """
    centre = np.asarray(centre, dtype=float).reshape(2)
    ends = np.atleast_2d(np.asarray(ends, dtype=float))
    m, nb = ends.shape[0], buildings.shape[0]
    if m == 0 or nb == 0:
        return np.zeros(m, dtype=bool)
    rel_x = buildings[:, 0] - centre[0]
    rel_y = buildings[:, 1] - centre[1]
    rho_c = np.hypot(rel_x, rel_y)
    half_diag = np.hypot(buildings[:, 4], buildings[:, 5])
    near = np.flatnonzero(rho_c <= _STAR_FAR * half_diag)
    far = np.flatnonzero(rho_c > _STAR_FAR * half_diag)
    order = far[np.argsort(np.arctan2(rel_y[far], rel_x[far]))]
    phi = np.arctan2(rel_y[order], rel_x[order])
    nf = order.size
    phi_ext = np.concatenate((phi - 2.0 * math.pi, phi, phi + 2.0 * math.pi))
    dx = ends[:, 0] - centre[0]
    dy = ends[:, 1] - centre[1]
    seg_len = np.hypot(dx, dy)
    seg_phi = np.arctan2(dy, dx)
    width = math.asin(1.0 / _STAR_FAR)
    lo = np.searchsorted(phi_ext, seg_phi - width)
    hi = np.searchsorted(phi_ext, seg_phi + width, side="right")
    counts = hi - lo
    seg_far = np.repeat(np.arange(m), counts)
    pos = np.arange(seg_far.size) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    rect_far = order[pos % nf] if nf else pos
    seg = np.concatenate((np.repeat(np.arange(m), near.size), seg_far))
    rect = np.concatenate((np.tile(near, m), rect_far))
    keep = rho_c[rect] - half_diag[rect] <= seg_len[seg]
    seg, rect = seg[keep], rect[keep]
    start = np.broadcast_to(centre, ends.shape)
    hit = _pairs_hit(start, ends, buildings, seg, rect)
    return np.bincount(seg[hit], minlength=m) > 0


def _rect_drop(rng, lam, radius, buildings):
    """BSs uniform in the disc (Poisson count) and their LoS state to the origin."""
    n = rng.poisson(lam * math.pi * radius * radius)
    rad = radius * np.sqrt(rng.random(n))
    ang = rng.random(n) * (2.0 * math.pi)
    pos = np.stack((rad * np.cos(ang), rad * np.sin(ang)), axis=1)
    los = ~star_blocked((0.0, 0.0), pos, buildings)
    return pos, rad, los


def rectangle_sinr_samples(
    rng: np.random.Generator,
    n_trials: int,
    *,
    kind,
    lam,
    lam_b,
    length,
    width,
    P_t,
    C_L,
    C_N,
    alpha_L,
    alpha_N,
    K,
    mu,
    noise,
    C_E=None,
    alpha_E=None,
    rcs_mean=None,
    trc=True,
    exclusion=True,
    radius=1000.0,
):
    r"""SINR samples with explicit rectangular buildings instead of independent LoS marks (docs/errata.md).

    Per drop: buildings (:func:`draw_buildings`, typical node outdoors), BSs of density
    ``lam`` uniform in a disc of radius ``radius`` (no far field beyond it), and the LoS
    state of every link from the rectangles (:func:`star_blocked`), so links that
    share an endpoint or a direction are correlated and a BS inside a building is
    blocked on every link. The typical node associates with its nearest LoS BS (SINR 0
    if there is none). The marginal LoS probability of a link from the outdoor typical
    node is ``exp(-beta r)`` with ``beta = 2 lam_b (length + width) / pi``; compare with the
    independent-link results at ``(beta, p)`` and at ``(beta, 0)``.

    * ``kind="comm"``: as :func:`.simulation.comm_sinr_samples` (``mu`` is ``mu_c``).
    * ``kind="sensing"``: as :func:`.simulation.sensing_sinr_samples` with a single network; the
      BS--B_0 links are also tested against the rectangles, and with ``exclusion`` LoS
      BS--B_0 interferers within ``d_0`` of ``B_0`` are discarded (the paper's assumption;
      ``mu`` is ``mu_s``). Needs ``C_E``, ``alpha_E`` and ``rcs_mean``.

    Units as in :func:`.simulation.comm_sinr_samples`; ``lam_b`` [m^-2], ``length``, ``width``,
    ``radius`` [m]. Cost: about ``lam pi radius^2`` (comm) or twice that (sensing)
    segments against ``lam_b pi (radius + 30)^2`` buildings per drop, a few ms per drop
    at the default parameters (not meant for large sweeps).

    Returns
    -------
    ndarray, shape (n_trials,)
        Linear SINR per drop.

    Notes
    -----
    Per drop: buildings, BS count, radii, angles; then (comm) the desired Rician gain,
    the interferers' Rician and Exp gains, or (sensing) the echo cross-section, the TRC
    cross-sections, the BS--B_0 Rician and Exp gains.
    """
    if kind not in ("comm", "sensing"):
        raise ValueError(f"kind must be 'comm' or 'sensing', got {kind!r}")
    lam = positive(lam, "lam", scalar=True)
    radius = positive(radius, "radius", scalar=True)
    P_t, C_L = positive(P_t, "P_t", scalar=True), positive(C_L, "C_L", scalar=True)
    C_N = nonnegative(C_N, "C_N", scalar=True)
    alpha_L, alpha_N = positive(alpha_L, "alpha_L", scalar=True), positive(alpha_N, "alpha_N", scalar=True)
    K = nonnegative(K, "K", scalar=True, allow_inf=True)
    mu = positive(mu, "mu", scalar=True)
    noise = nonnegative(noise, "noise", scalar=True)
    if kind == "sensing":
        C_E, alpha_E = positive(C_E, "C_E", scalar=True), positive(alpha_E, "alpha_E", scalar=True)
        rcs_mean = positive(rcs_mean, "rcs_mean", scalar=True)
    n_trials = whole(n_trials, "n_trials", 0, scalar=True)
    out = np.zeros(n_trials)
    for i in range(n_trials):
        buildings = draw_buildings(rng, lam_b, length, width, radius)
        pos, rad, los = _rect_drop(rng, lam, radius, buildings)
        if not np.any(los):
            continue
        j0 = np.flatnonzero(los)[np.argmin(rad[los])]
        r0 = rad[j0]
        rest = np.ones(rad.size, dtype=bool)
        rest[j0] = False
        if kind == "comm":
            g0 = rician_power(rng, K, 1)[0]
            li, ni = rest & los, rest & ~los
            interference = C_L * np.sum(rician_power(rng, K, int(li.sum())) * rad[li] ** -alpha_L)
            interference += C_N * np.sum(rayleigh_power(rng, int(ni.sum())) / mu * rad[ni] ** -alpha_N)
            signal = C_L * g0 * r0**-alpha_L
        else:
            sigma0 = swerling1_rcs(rng, rcs_mean, 1)[0]
            signal = C_E * sigma0 * r0**-alpha_E
            interference = 0.0
            if trc:
                ti = rest & los
                interference += (
                    C_E
                    * r0 ** (-0.5 * alpha_E)
                    * np.sum(swerling1_rcs(rng, rcs_mean, int(ti.sum())) * rad[ti] ** (-0.5 * alpha_E))
                )
            others = pos[rest]
            x = np.hypot(others[:, 0] - pos[j0, 0], others[:, 1] - pos[j0, 1])
            los_b = ~star_blocked(pos[j0], others, buildings)
            li = los_b & (x > r0) if exclusion else los_b
            ni = ~los_b
            interference += C_L * np.sum(rician_power(rng, K, int(li.sum())) * x[li] ** -alpha_L)
            interference += C_N * np.sum(rayleigh_power(rng, int(ni.sum())) / mu * x[ni] ** -alpha_N)
        with np.errstate(divide="ignore"):
            out[i] = P_t * signal / (P_t * interference + noise)
    return out
