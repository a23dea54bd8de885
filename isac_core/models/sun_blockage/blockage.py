"""Boolean blockage, nearest-visible association and Rician fading (Sun et al.).

Blockage (Bai--Vaze--Heath Boolean scheme). Rectangle centres form a PPP of
density ``lambda_b`` (m^-2) with i.i.d. lengths / widths and uniform
orientations. The number of rectangles cut by a segment of length ``r`` is
Poisson with mean ``beta r + p``, hence the LoS probability

    P_L(r) = exp(-(beta r + p)),   beta = 2 lambda_b (E[L] + E[W]) / pi,
                                   p = lambda_b E[L] E[W].

Association. The typical UE / sensing target attaches to the nearest *visible*
(LoS) BS. LoS BSs form an inhomogeneous PPP of intensity ``lambda P_L(|x|)``,
so with

    Q(r) = int_0^r t P_L(t) dt = e^-p [1 - (1 + beta r) e^(-beta r)] / beta^2

the distance to the nearest visible BS has the defective density (eq 4)

    f_V(r) = 2 pi lambda r P_L(r) exp(-2 pi lambda Q(r)),

whose missing mass is the coverage-hole probability (eq 5)

    P_hole = exp(-2 pi lambda e^-p / beta^2).

Without blockage (``beta = p = 0``) ``Q(r) = r^2 / 2`` and ``f_V`` is the
Rayleigh nearest-neighbour density (eq 6-7).

Rician fading (eq 12-14, Table II). The unit-mean Rician power ``g`` with
K-factor ``K`` is approximated by a four-term exponential series. The Table II
pairs are coefficients of the *CCDF*:

    P(g > x) ~ sum_k a_k exp(-b_k x),   f_g(x) ~ sum_k a_k b_k exp(-b_k x),
    E[exp(-v g)] ~ sum_k a_k b_k / (b_k + v).

The three column pairs correspond to ``K = 1, 5, 10``. The exact CCDF is that of
``ncx2(2, 2K) / (2 (K + 1))``, i.e. the Marcum function
``Q_1(sqrt(2K), sqrt(2 (K + 1) x))``.
"""

from __future__ import annotations

import numpy as np

from ...validation import nonnegative, positive

__all__ = [
    "RICIAN_SERIES",
    "los_probability",
    "q_integral",
    "nearest_visible_pdf",
    "hole_probability",
    "visible_mass",
    "association_probability",
    "blockage_parameters",
    "rician_series",
    "rician_ccdf_exact",
    "rician_ccdf_series",
]

#: Table II: K-factor -> ((a_1..a_4), (b_1..b_4)), CCDF reading.
RICIAN_SERIES = {
    1: ((-0.8993, 5.9324, -5.4477, 1.4145), (1.2475, 1.4298, 1.7436, 2.0326)),
    5: ((42.243, -189.99, 192.97, -44.229), (2.9576, 3.7559, 4.1436, 4.7715)),
    10: ((177.75, -338.04, 297.00, -135.71), (3.8741, 4.3761, 5.3985, 5.9937)),
}

# Below this |beta r| the closed form of Q(r) is replaced by its Taylor series.
_Q_SERIES = 1e-3


def los_probability(r, beta, p):
    """LoS probability of a link of length ``r``, ``P_L(r) = exp(-(beta r + p))``.

    Parameters
    ----------
    r : array_like
        Link length (m), >= 0.
    beta : array_like
        Blockage shape parameter (m^-1), >= 0.
    p : array_like
        Blocked-area proportion (dimensionless), >= 0.

    Returns
    -------
    ndarray
        ``P_L(r)``; the NLoS probability is ``1 - P_L(r)``.
    """
    r = nonnegative(r, "r (m)", allow_inf=True)
    beta, p = nonnegative(beta, "beta (m^-1)"), nonnegative(p, "p")
    return np.exp(-(beta * r + p))


def q_integral(r, beta, p):
    """``Q(r) = int_0^r t P_L(t) dt`` (m^2), the LoS-weighted area integral of eq (4).

    ``Q(r) = e^-p [1 - (1 + beta r) e^(-beta r)] / beta^2``, evaluated by its Taylor
    series ``e^-p r^2 (1/2 - x/3 + x^2/8 - x^3/30)``, ``x = beta r``, for small
    ``x`` (no cancellation) and equal to ``e^-p r^2 / 2`` at ``beta = 0``.

    Parameters
    ----------
    r : array_like
        Distance (m), >= 0 (``inf`` allowed).
    beta : array_like
        Blockage shape parameter (m^-1), >= 0.
    p : array_like
        Blocked-area proportion, >= 0.

    Returns
    -------
    ndarray
        ``Q(r)`` in m^2.
    """
    r = nonnegative(r, "r (m)", allow_inf=True)
    beta, p = nonnegative(beta, "beta (m^-1)"), nonnegative(p, "p")
    r, beta, p = np.broadcast_arrays(r, beta, p)
    with np.errstate(invalid="ignore"):
        x = beta * r
    small = ~(x >= _Q_SERIES)  # also catches beta = 0 with r = inf (nan product)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        bb = np.where(small, 1.0, beta)
        xx = np.where(small, 1.0, x)
        closed = -np.expm1(-xx) - xx * np.exp(-xx)
        closed = np.where(np.isinf(xx), 1.0, closed) / (bb * bb)
        xs = np.where(small, x, 0.0)
        xs = np.where(np.isnan(xs), 0.0, xs)
        series = r * r * (0.5 - xs / 3.0 + xs * xs / 8.0 - xs**3 / 30.0)
    return np.exp(-p) * np.where(small, series, closed)


def nearest_visible_pdf(r, lam, beta, p):
    """Defective density of the distance to the nearest visible BS, eq (4).

    ``f_V(r) = 2 pi lam r P_L(r) exp(-2 pi lam Q(r))``; it integrates to
    ``1 - P_hole`` (eq 5).

    Parameters
    ----------
    r : array_like
        Distance (m), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    beta : array_like
        Blockage shape parameter (m^-1), >= 0.
    p : array_like
        Blocked-area proportion, >= 0.

    Returns
    -------
    ndarray
        ``f_V(r)`` in m^-1.
    """
    lam = positive(lam, "lam (m^-2)")
    q = q_integral(r, beta, p)
    r = np.asarray(r, dtype=float)
    return 2.0 * np.pi * lam * r * los_probability(r, beta, p) * np.exp(-2.0 * np.pi * lam * q)


def visible_mass(lam, beta, p):
    """Mean number of visible (LoS) BSs, ``Lambda = 2 pi lam e^-p / beta^2`` (the mass of eq (4)).

    The LoS BSs seen from a point form a PPP of intensity ``lam P_L(|x|)``; its total
    mass is finite with blockage and infinite without (``beta = 0``).

    Parameters
    ----------
    lam : array_like
        BS density (m^-2), > 0.
    beta : array_like
        Blockage shape parameter (m^-1), >= 0.
    p : array_like
        Blocked-area proportion, >= 0.

    Returns
    -------
    ndarray
    """
    lam = positive(lam, "lam (m^-2)")
    beta, p = nonnegative(beta, "beta (m^-1)"), nonnegative(p, "p")
    with np.errstate(divide="ignore"):
        return 2.0 * np.pi * lam * np.exp(-p) / (beta * beta)


def hole_probability(lam, beta, p):
    """Probability that no BS is visible (coverage hole), eq (5).

    ``P_hole = exp(-Lambda)`` with :func:`visible_mass` ``Lambda``; zero without
    blockage (``beta = 0``). Arguments as in :func:`visible_mass`.
    """
    return np.exp(-visible_mass(lam, beta, p))


def association_probability(lam, beta, p):
    """Mass of ``f_V``: probability that at least one BS is visible, eq (5).

    ``P_assoc = 1 - exp(-Lambda)`` (computed with ``expm1``); arguments as in
    :func:`visible_mass`.
    """
    return -np.expm1(-visible_mass(lam, beta, p))


def blockage_parameters(lam_b, mean_length, mean_width):
    """Boolean-scheme parameters ``(beta, p)`` from the building statistics (sec. 2.2).

    ``beta = 2 lam_b (E[L] + E[W]) / pi`` and ``p = lam_b E[L] E[W]``.

    Parameters
    ----------
    lam_b : array_like
        Density of blockage centres (m^-2), >= 0.
    mean_length, mean_width : array_like
        Mean length and width of the rectangles (m), >= 0.

    Returns
    -------
    beta : ndarray
        Shape parameter (m^-1).
    p : ndarray
        Proportion of the area covered by blockages (dimensionless).
    """
    lam_b = np.asarray(lam_b, dtype=float)
    length = np.asarray(mean_length, dtype=float)
    width = np.asarray(mean_width, dtype=float)
    for name, v in (("lam_b", lam_b), ("mean_length", length), ("mean_width", width)):
        if np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"{name} must be finite and >= 0")
    return 2.0 * lam_b * (length + width) / np.pi, lam_b * length * width


def rician_series(K):
    """Exponential-series coefficients of the Rician power CCDF, Table II (eq 13-14).

    Parameters
    ----------
    K : int
        Rician K-factor; one of 1, 5, 10.

    Returns
    -------
    a, b : ndarray, shape (4,)
        ``P(g > x) ~ sum_k a_k exp(-b_k x)`` for the unit-mean power ``g``.
    """
    try:
        key = int(K)
    except (TypeError, ValueError):
        raise ValueError(f"K must be one of {sorted(RICIAN_SERIES)}, got {K!r}") from None
    if key != K or key not in RICIAN_SERIES:
        raise ValueError(f"K must be one of {sorted(RICIAN_SERIES)}, got {K!r}")
    a, b = RICIAN_SERIES[key]
    return np.array(a, dtype=float), np.array(b, dtype=float)


def rician_ccdf_series(x, K):
    """Series CCDF ``sum_k a_k exp(-b_k x)`` of the unit-mean Rician power (eq 14).

    Parameters
    ----------
    x : array_like
        Power level (normalised to the mean), >= 0.
    K : int
        Rician K-factor; one of 1, 5, 10.

    Returns
    -------
    ndarray
    """
    a, b = rician_series(K)
    x = np.asarray(x, dtype=float)
    if np.any(np.isnan(x)) or np.any(x < 0):
        raise ValueError("x must be >= 0")
    return np.sum(a * np.exp(-b * x[..., None]), axis=-1)


def rician_ccdf_exact(x, K):
    """Exact CCDF ``P(g > x)`` of the unit-mean Rician power (eq 12).

    ``2 (K + 1) g`` is non-central chi-square with 2 degrees of freedom and
    non-centrality ``2K``, so ``P(g > x) = Q_1(sqrt(2K), sqrt(2 (K + 1) x))``.

    Parameters
    ----------
    x : array_like
        Power level (normalised to the mean), >= 0.
    K : float
        Rician K-factor, >= 0 (``K = 0`` is Rayleigh, ``exp(-x)``).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    K = float(K)
    if not np.isfinite(K) or K < 0:
        raise ValueError("K must be finite and >= 0")
    if np.any(np.isnan(x)) or np.any(x < 0):
        raise ValueError("x must be >= 0")
    if K == 0.0:
        return np.exp(-x)
    from scipy import stats  # here, not at import: scipy.stats takes about a second to import

    return stats.ncx2.sf(2.0 * (K + 1.0) * x, 2.0, 2.0 * K)
