"""Small-scale fading and radar cross-section samplers.

All samplers take an explicit :class:`numpy.random.Generator` first.
"""

from __future__ import annotations

import numpy as np

__all__ = ["rayleigh_power", "swerling1_rcs", "gamma_power", "rician_power"]


def rayleigh_power(rng: np.random.Generator, size) -> np.ndarray:
    """Power gain ``h = |g|^2`` of a unit-mean Rayleigh channel: ``h ~ Exp(1)``.

    Parameters
    ----------
    rng : numpy.random.Generator
    size : int or tuple of int

    Returns
    -------
    ndarray
        Dimensionless power gains with mean 1.
    """
    return rng.standard_exponential(size)


def swerling1_rcs(rng: np.random.Generator, mean, size) -> np.ndarray:
    """Swerling-I radar cross-section: exponential with mean ``mean``.

    Paper eq. (2): ``f(sigma) = exp(-sigma / mean) / mean``, ``sigma >= 0``
    (a scaled chi-square variable with 2 degrees of freedom).

    Parameters
    ----------
    rng : numpy.random.Generator
    mean : float
        Mean cross-section ``sigma_bar`` [m^2].
    size : int or tuple of int

    Returns
    -------
    ndarray
        Cross-sections [m^2].
    """
    sigma = rng.standard_exponential(size)
    sigma *= mean
    return sigma


def gamma_power(rng: np.random.Generator, shape, size, scale=1.0) -> np.ndarray:
    """Gamma-distributed power gain (Nakagami-m fading has ``shape = m``).

    Unit-mean Nakagami-m power is ``gamma_power(rng, m, size, scale=1/m)``;
    ``shape = 1`` reduces to Rayleigh fading (Exp(``scale``)).

    Parameters
    ----------
    rng : numpy.random.Generator
    shape : float
        Shape parameter (> 0).
    size : int or tuple of int
    scale : float
        Scale parameter; the mean is ``shape * scale``.

    Returns
    -------
    ndarray
    """
    return rng.gamma(shape, scale, size)


def rician_power(rng: np.random.Generator, K, size) -> np.ndarray:
    """Power gain of a unit-mean Rician channel with K-factor ``K``.

    ``g = |sqrt(K / (K + 1)) + w|^2`` with ``w ~ CN(0, 1 / (K + 1))``, i.e.
    ``g = (m + s X)^2 + (s Y)^2``, ``m = sqrt(K / (K + 1))``,
    ``s = 1 / sqrt(2 (K + 1))``, ``X, Y ~ N(0, 1)``. The pdf is
    ``(K + 1) e^-K exp(-(K + 1) x) I_0(2 sqrt(K (K + 1) x))`` and ``2 (K + 1) g`` is
    non-central chi-square with 2 degrees of freedom and non-centrality ``2 K``.
    ``K = 0`` is Rayleigh fading (the Exp(1) law, drawn from two normals here);
    ``K = inf`` is a fixed gain of 1 (no draws).

    Parameters
    ----------
    rng : numpy.random.Generator
    K : float
        Rician K-factor (ratio of the specular to the diffuse power), ``>= 0``.
    size : int or tuple of int

    Returns
    -------
    ndarray
        Dimensionless power gains with mean 1.

    Notes
    -----
    Draw order: the in-phase normals ``X`` (shape ``size``), then the quadrature
    normals ``Y``.
    """
    K = float(K)
    if not K >= 0.0:
        raise ValueError(f"K must be >= 0, got {K!r}")
    if np.isinf(K):
        return np.ones(size)
    s = 1.0 / np.sqrt(2.0 * (K + 1.0))
    m = np.sqrt(K / (K + 1.0))
    g = rng.standard_normal(size)
    y = rng.standard_normal(size)
    g *= s
    g += m
    g *= g
    y *= s
    y *= y
    g += y
    return g
