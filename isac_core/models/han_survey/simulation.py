r"""Monte Carlo and analytic curves of the survey's localisation results (Fig. 4(b), Table III).

Fig. 4(b) (docs/errata.md). ``M = M_t = M_r`` antennas per BS at BS density
``lambda = lambda_t / M`` (fixed antenna density ``lambda_t``, 50 km^-2). All BSs in a
cooperation disk of radius ``R_c`` (400 m, calibrated) around the target cooperate:
``N ~ Poisson(mu)``, ``mu = lambda pi R_c^2``, positions iid uniform in the disk. Per
drop the unit-gain FIMs are computed once (:func:`disk_unit_fims`) and the six
per-drop traces -- {AoA, ToF, hybrid} x {power models "P", "MtP"} -- follow from the
gain constants of :mod:`.gains` on the *same* drops (:func:`fig4b_samples`), so
``tr^MtP(M) = tr^P(M) / M`` per drop. With ``N`` Poisson the plain mean is infinite
(``P(N <= 1) = e^-mu (1 + mu)`` makes AoA-only and ToF-only singular, ``P(N = 0) = e^-mu``
the hybrid; :func:`singular_probabilities`), so the plotted "average CRLB" is the
median over drops (``isac_core.stats.median_interval`` handles the ``+inf`` drops).

Table III (docs/errata.md). The ``N`` nearest BSs of a PPP of density ``lambda``
(ordered distances ``pi lambda d_k^2 = E_1 + ... + E_k``, uniform bearings):
:func:`table3_samples` returns per-drop traces for AoA, ToF and hybrid for several
``N`` from nested clusters of the same drops; :func:`table3_summary` gives means
(only where every drop is finite), standard errors and medians. Analytic overlays:
the mean-field closed form (:func:`mean_field_crlb`, docs/errata.md, not in the paper)
and the fitted laws ``c_R / ln^2 N``, ``c_A / ln N`` and ``1 / (a ln^2 N + b ln N)``
(:func:`tof_law`, :func:`aoa_law`, :func:`hybrid_law` and their least-squares fits
in log space, docs/errata.md).

Units: densities in m^-2 (convert km^-2 with ``isac_core.units``), distances in m,
traces (CRLBs) in m^2.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _opt
from scipy import special as _sp

from ...geometry import ppp_ordered_distances, uniform_disk_distances
from ...validation import positive
from .fim import SCHEMES, crlb_traces, unit_fims
from .gains import POWER_MODELS, gain_constants

__all__ = [
    "FIG4B_COLUMNS",
    "ANTENNA_DENSITY",
    "COOPERATION_RADIUS",
    "TABLE3_DENSITY",
    "TABLE3_ANTENNAS",
    "BLOCK_POINTS",
    "singular_probabilities",
    "disk_drops",
    "disk_unit_fims",
    "fig4b_traces",
    "fig4b_samples",
    "table3_samples",
    "table3_summary",
    "mean_field_crlb",
    "tof_law",
    "aoa_law",
    "hybrid_law",
    "loglog_slope",
    "fit_tof_law",
    "fit_aoa_law",
    "fit_hybrid_law",
]

#: Column order of :func:`fig4b_samples`: scheme x power model.
FIG4B_COLUMNS = tuple(f"{scheme}_{model}" for model in POWER_MODELS for scheme in SCHEMES)
#: Antenna density ``lambda_t = lambda_r`` [m^-2] (50 km^-2, stated).
ANTENNA_DENSITY = 50e-6
#: Cooperation radius ``R_c`` [m] (calibrated, not stated in the paper).
COOPERATION_RADIUS = 400.0
#: BS density of the Table III experiment [m^-2] (5 km^-2, docs/errata.md).
TABLE3_DENSITY = 5e-6
#: Antennas per BS of the Table III experiment (docs/errata.md).
TABLE3_ANTENNAS = 10
#: Padded BS slots (drops x BSs) per Monte Carlo block; the work arrays of a block take
#: about 200 bytes per slot (~25 MB), independent of the number of drops.
BLOCK_POINTS = 1 << 17


def _n_drops(n_drops):
    n = int(n_drops)
    if n != n_drops or n < 0:
        raise ValueError(f"n_drops must be a non-negative integer, got {n_drops!r}")
    return n


# --------------------------------------------------------------------------- Fig. 4(b)


def singular_probabilities(mean_count):
    r"""Probabilities of a singular FIM when ``N ~ Poisson(mu)``.

    Parameters
    ----------
    mean_count : array_like
        ``mu = lambda pi R_c^2`` [1].

    Returns
    -------
    single : ndarray
        ``P(N <= 1) = e^-mu (1 + mu)``: AoA-only and ToF-only.
    hybrid : ndarray
        ``P(N = 0) = e^-mu``: hybrid (a single BS exactly at endfire has probability 0).
    """
    mu = np.asarray(mean_count, dtype=float)
    if np.any(~(mu >= 0.0)):
        raise ValueError("mean_count must be >= 0")
    p0 = np.exp(-mu)
    return (p0 * (1.0 + mu))[()], p0[()]


def disk_drops(rng, n_drops, density, radius=COOPERATION_RADIUS):
    r"""One block of Poisson-in-disk drops in the padded representation of :mod:`.fim`.

    Draw order: ``n_drops`` Poisson counts, then for all ``sum N`` BSs (drop by drop)
    the distances ``R sqrt(U)`` (:func:`isac_core.geometry.uniform_disk_distances`),
    then the bearings. The bearing from BS to target is uniform on ``[-pi, pi)``
    independently of the distance (the BS sits at polar angle ``theta + pi``).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_drops : int
    density : float
        BS density ``lambda`` [m^-2].
    radius : float
        Cooperation radius ``R_c`` [m].

    Returns
    -------
    d : ndarray, shape (n_drops, N_max)
        Distances [m] (1 in absent slots).
    theta : ndarray, shape (n_drops, N_max)
        Bearings [rad] (0 in absent slots).
    mask : ndarray of bool, shape (n_drops, N_max)
        True where a BS is present; ``mask.sum(1)`` is the Poisson count.
    """
    n = _n_drops(n_drops)
    mu = positive(density, "density", scalar=True) * np.pi * positive(radius, "radius", scalar=True) ** 2
    counts = rng.poisson(mu, size=n)
    total = int(counts.sum())
    r = uniform_disk_distances(rng, radius, total)
    phi = 2.0 * np.pi * rng.random(total) - np.pi
    width = int(counts.max(initial=0))
    mask = np.arange(width) < counts[:, None]
    d = np.ones((n, width))
    theta = np.zeros((n, width))
    d[mask] = r  # row-major: drop by drop, in draw order
    theta[mask] = phi
    return d, theta, mask


def disk_unit_fims(rng, n_drops, density, *, radius=COOPERATION_RADIUS, beta=2.0):
    r"""Unit-gain AoA and ToF FIMs of ``n_drops`` Poisson-in-disk drops (docs/errata.md).

    Drops are generated in blocks of about :data:`BLOCK_POINTS` padded BS slots by
    :func:`disk_drops`; the result depends only on the generator state, ``n_drops``,
    ``density``, ``radius`` and ``beta``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_drops : int
    density : float
        BS density ``lambda`` [m^-2].
    radius : float
        Cooperation radius [m].
    beta : float
        Path-loss exponent of the ToF FIM (eq. (16)).

    Returns
    -------
    aoa : ndarray, shape (n_drops, 3)
        Unit-gain ``F_A`` entries [m^-6].
    tof : ndarray, shape (n_drops, 3)
        Unit-gain ``F_R`` entries [m^-(2 beta)].
    counts : ndarray of int, shape (n_drops,)
        Number of BSs ``N`` per drop.

    Notes
    -----
    The entries are expressed, per drop, in the frame whose x axis points along the
    bearing of the nearest BS (``frame="nearest"`` of :func:`.fim.unit_fims`); every
    trace and determinant is frame-independent.
    """
    n = _n_drops(n_drops)
    mu = positive(density, "density", scalar=True) * np.pi * positive(radius, "radius", scalar=True) ** 2
    per_block = max(64, int(BLOCK_POINTS // (mu + 4.0 * np.sqrt(mu) + 4.0)))
    aoa, tof = np.empty((n, 3)), np.empty((n, 3))
    counts = np.empty(n, dtype=np.int64)
    for start in range(0, n, per_block):
        stop = min(n, start + per_block)
        d, theta, mask = disk_drops(rng, stop - start, density, radius)
        aoa[start:stop], tof[start:stop] = unit_fims(d, theta, mask, beta, frame="nearest")
        counts[start:stop] = mask.sum(axis=1)
    return aoa, tof, counts


def fig4b_traces(aoa, tof, M, **calibration):
    r"""The six per-drop traces of Fig. 4(b) from unit-gain FIMs (docs/errata.md).

    Parameters
    ----------
    aoa, tof : array_like, shape (..., 3)
        Unit-gain FIMs (``beta = 2``), e.g. from :func:`disk_unit_fims`.
    M : float
        Antennas per BS ``M = M_t = M_r`` (>= 1).
    **calibration
        Keyword arguments of :func:`.gains.gain_constants` (``xi``, ``bandwidth``,
        ``carrier``, ``noise``, ``rcs``, ``power``, ``snapshots``).

    Returns
    -------
    ndarray, shape (..., 6)
        ``tr(F^-1)`` [m^2] in the order of :data:`FIG4B_COLUMNS`; ``+inf`` for
        singular drops.
    """
    fixed = crlb_traces(aoa, tof, *gain_constants(M, "P", **calibration))
    # "MtP" multiplies both gains by exactly M (gains.gain_constants), so every FIM by M
    # and every trace by 1/M. Dividing keeps this exact per drop; recomputing from the
    # scaled entries would differ by round-off in ill-conditioned drops (~1e-8 relative).
    return np.concatenate((fixed, fixed / float(M)), axis=-1)


def fig4b_samples(rng, n_drops, M, *, antenna_density=ANTENNA_DENSITY, radius=COOPERATION_RADIUS,
                  return_counts=False, **calibration):
    r"""Per-drop CRLB traces of Fig. 4(b) at ``M`` antennas per BS (docs/errata.md).

    BS density ``lambda = antenna_density / M``; ``N ~ Poisson(lambda pi R_c^2)`` BSs
    uniform in the cooperation disk; ``beta = 2``. All six columns come from the same
    drops (common random numbers).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_drops : int
    M : float
        Antennas per BS (>= 1).
    antenna_density : float
        ``lambda_t = lambda_r`` [m^-2] (default 50 km^-2).
    radius : float
        Cooperation radius ``R_c`` [m] (default 400).
    return_counts : bool
        Also return the number of BSs per drop.
    **calibration
        Keyword arguments of :func:`.gains.gain_constants`.

    Returns
    -------
    samples : ndarray, shape (n_drops, 6)
        ``tr(F^-1)`` [m^2], columns :data:`FIG4B_COLUMNS`; ``+inf`` for singular drops.
    counts : ndarray of int, shape (n_drops,)
        Only if ``return_counts``.
    """
    M = float(M)
    if not (np.isfinite(M) and M >= 1.0):
        raise ValueError(f"M must be finite and >= 1, got {M!r}")
    density = positive(antenna_density, "antenna_density", scalar=True) / M
    aoa, tof, counts = disk_unit_fims(rng, n_drops, density, radius=radius)
    samples = fig4b_traces(aoa, tof, M, **calibration)
    return (samples, counts) if return_counts else samples


# --------------------------------------------------------------------------- Table III


def table3_samples(rng, n_drops, N, *, density=TABLE3_DENSITY, M=TABLE3_ANTENNAS, power_model="P", beta=2.0,
                   n_nearest=None, **calibration):
    r"""Per-drop CRLB traces of the ``N`` nearest BSs of a PPP (docs/errata.md), for several ``N``.

    Per drop the ``K`` nearest BSs are drawn once (:func:`isac_core.geometry.ppp_ordered_distances`,
    then ``K`` bearings uniform on ``[-pi, pi)``), and the cluster of size ``N`` is the
    first ``N`` of them: the columns for different ``N`` are nested clusters of the same
    drops, and the three schemes share them too.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_drops : int
    N : array_like of int
        Cluster sizes (>= 1), 1-d.
    density : float
        BS density [m^-2] (default 5 km^-2).
    M : float
        Antennas per BS (default 10).
    power_model : {"P", "MtP"}
    beta : float
        Path-loss exponent of the ToF FIM (2 for the Table III laws; the AoA FIM has
        ``d^2`` hard-wired).
    n_nearest : int, optional
        ``K`` (default ``max(N)``); fix it to make the draws independent of which ``N``
        are requested.
    **calibration
        Keyword arguments of :func:`.gains.gain_constants`.

    Returns
    -------
    ndarray, shape (n_drops, len(N), 3)
        ``tr(F^-1)`` [m^2] for the schemes of :data:`.fim.SCHEMES`; ``+inf`` where singular
        (AoA-only and ToF-only at ``N = 1``).

    Notes
    -----
    Drops are processed in blocks of ``max(1, BLOCK_POINTS // K)``; per block the
    generator gives the distances ``(n, K)`` and then the bearings ``(n, K)``. ``beta != 2``
    only changes the ToF FIM, whose gain ``|zeta_r|^2`` is then not in m^2.
    """
    sizes = np.atleast_1d(np.asarray(N))
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError("N must be a scalar or a non-empty 1-d array")
    if np.any(~np.isfinite(sizes.astype(float))) or np.any(sizes != np.round(sizes)) or np.any(sizes < 1):
        raise ValueError("N must be whole numbers >= 1")
    sizes = sizes.astype(np.int64)
    K = int(sizes.max()) if n_nearest is None else int(n_nearest)
    if K < sizes.max():
        raise ValueError("n_nearest must be >= max(N)")
    n = _n_drops(n_drops)
    density = positive(density, "density", scalar=True)
    zeta_a2, zeta_r2 = gain_constants(M, power_model, **calibration)
    out = np.empty((n, sizes.size, 3))
    per_block = max(1, BLOCK_POINTS // K)
    for start in range(0, n, per_block):
        stop = min(n, start + per_block)
        d = ppp_ordered_distances(rng, density, K, stop - start)
        theta = 2.0 * np.pi * rng.random(d.shape) - np.pi
        fa, fr = unit_fims(d, theta, beta=beta, sizes=sizes, frame="nearest")
        out[start:stop] = crlb_traces(fa, fr, zeta_a2, zeta_r2)
    return out


def table3_summary(samples, axis=0):
    r"""Mean, standard error and median of per-drop traces (docs/errata.md).

    Parameters
    ----------
    samples : array_like
        Per-drop ``tr(F^-1)`` (e.g. from :func:`table3_samples`), drops along ``axis``.
    axis : int

    Returns
    -------
    dict of ndarray
        ``mean`` and ``se`` (sample std / sqrt(T)): NaN wherever a drop is singular
        (the mean does not exist); ``median`` (``+inf`` drops sort last);
        ``singular`` (fraction of ``+inf`` drops); ``n`` (number of drops).
    """
    x = np.moveaxis(np.asarray(samples, dtype=float), axis, 0)
    n = x.shape[0]
    if n < 2:
        raise ValueError("need at least two drops")
    finite = np.all(np.isfinite(x), axis=0)
    safe = np.where(np.isfinite(x), x, 0.0)
    mean = np.where(finite, safe.mean(axis=0), np.nan)
    se = np.where(finite, safe.std(axis=0, ddof=1) / np.sqrt(n), np.nan)
    return {"mean": mean, "se": se, "median": np.median(x, axis=0), "singular": np.isinf(x).mean(axis=0), "n": n}


def _harmonic_numbers(N):
    """``H_N = psi(N + 1) + gamma`` and ``H_N^(2) = pi^2/6 - psi'(N + 1)`` (any real ``N >= 1``)."""
    return _sp.digamma(N + 1.0) + np.euler_gamma, np.pi**2 / 6.0 - _sp.polygamma(1, N + 1.0)


def mean_field_crlb(N, density, zeta_a2, zeta_r2):
    r"""Mean-field CRLBs of the ``N`` nearest BSs (our derivation, not in the paper; docs/errata.md).

    With ``d_k^-2 ~ pi lambda / k`` and the angles averaged (``E[cos^2 t t^T] = diag(1/8, 3/8)``,
    ``E[e e^T] = I/2``), ``S_2 = pi lambda H_N``, ``S_4 = (pi lambda)^2 H_N^(2)``:

    .. math::
        \mathrm{CRLB}_R = \frac{2}{|\zeta_r|^2 S_2^2},\quad
        \mathrm{CRLB}_A = \frac{32/3}{|\zeta_a|^2 S_2 S_4},\quad
        \mathrm{CRLB}_H = \frac{1}{|\zeta_r|^2 S_2^2 + |\zeta_a|^2 S_2 S_4/8}
                        + \frac{1}{|\zeta_r|^2 S_2^2 + 3|\zeta_a|^2 S_2 S_4/8}.

    Parameters
    ----------
    N : array_like
        Cluster sizes (>= 1; real values via digamma/trigamma).
    density : float
        BS density [m^-2].
    zeta_a2, zeta_r2 : float
        Gains [m^4] and [m^2] (:func:`.gains.gain_constants`).

    Returns
    -------
    ndarray, shape (..., 3)
        AoA, ToF, hybrid [m^2] (AoA ``inf`` when ``zeta_a2 = 0``).
    """
    N = np.asarray(N, dtype=float)
    if np.any(~(N >= 1.0)) or np.any(~np.isfinite(N)):
        raise ValueError("N must be finite and >= 1")
    pl = np.pi * positive(density, "density", scalar=True)
    h1, h2 = _harmonic_numbers(N)
    s2, s4 = pl * h1, pl * pl * h2
    info_r = float(zeta_r2) * s2 * s2
    info_a = float(zeta_a2) * s2 * s4
    with np.errstate(divide="ignore"):
        aoa = (32.0 / 3.0) / info_a
        tof = 2.0 / info_r
        hybrid = 1.0 / (info_r + info_a / 8.0) + 1.0 / (info_r + 3.0 * info_a / 8.0)
    return np.stack(np.broadcast_arrays(aoa, tof, hybrid), axis=-1)


def _log_n(N, minimum=2.0):
    N = np.asarray(N, dtype=float)
    if np.any(~(N >= minimum)) or np.any(~np.isfinite(N)):
        raise ValueError(f"N must be finite and >= {minimum:g}")
    return np.log(N)


def tof_law(N, c_r):
    r"""Table III ToF law ``c_R / ln^2 N`` [m^2] (``c_R`` in m^2; ``N >= 2``)."""
    L = _log_n(N)
    return (float(c_r) / (L * L))[()]


def aoa_law(N, c_a):
    r"""Table III AoA law ``c_A / ln N`` [m^2] (``c_A`` in m^2; ``N >= 2``)."""
    return (float(c_a) / _log_n(N))[()]


def hybrid_law(N, a, b):
    r"""Table III hybrid law ``1 / (a ln^2 N + b ln N)`` [m^2] (``a``, ``b`` in m^-2; ``N >= 2``)."""
    L = _log_n(N)
    return (1.0 / (float(a) * L * L + float(b) * L))[()]


def _fit_data(N, crlb):
    L = _log_n(N)
    y = np.asarray(crlb, dtype=float)
    if L.ndim != 1 or y.shape != L.shape or L.size < 2:
        raise ValueError("N and crlb must be 1-d of the same length >= 2")
    if np.any(~(y > 0.0)) or np.any(~np.isfinite(y)):
        raise ValueError("crlb must be finite and > 0")
    return L, np.log(y)


def loglog_slope(N, crlb):
    r"""OLS slope of ``ln CRLB`` against ``ln ln N`` (-2 for ``1/ln^2 N``, -1 for ``1/ln N``)."""
    L, ly = _fit_data(N, crlb)
    return float(np.polyfit(np.log(L), ly, 1)[0])


def fit_tof_law(N, crlb):
    r"""Least-squares ``c_R`` of :func:`tof_law` on ``ln CRLB`` (closed form: geometric mean of ``CRLB ln^2 N``)."""
    L, ly = _fit_data(N, crlb)
    return float(np.exp(np.mean(ly + 2.0 * np.log(L))))


def fit_aoa_law(N, crlb):
    r"""Least-squares ``c_A`` of :func:`aoa_law` on ``ln CRLB`` (geometric mean of ``CRLB ln N``)."""
    L, ly = _fit_data(N, crlb)
    return float(np.exp(np.mean(ly + np.log(L))))


def fit_hybrid_law(N, crlb):
    r"""Least-squares ``(a, b) >= 0`` of :func:`hybrid_law` on ``ln CRLB``.

    Started from the non-negative linear fit of ``1/CRLB = a ln^2 N + b ln N`` in
    relative error, then refined on the log residuals with bounds ``a, b >= 0``.

    Returns
    -------
    a, b : float
        [m^-2] when ``crlb`` is in m^2.
    """
    L, ly = _fit_data(N, crlb)
    y = np.exp(ly)
    start, _ = _opt.nnls(np.column_stack((y * L * L, y * L)), np.ones_like(L))
    scale = max(float(start.max()), np.finfo(float).tiny)
    x0 = np.maximum(start / scale, 1e-6)

    def residual(x):
        return ly + np.log(scale * (x[0] * L * L + x[1] * L))

    fit = _opt.least_squares(residual, x0, bounds=(0.0, np.inf))
    a, b = scale * fit.x
    return float(a), float(b)
