"""Small-scale fading and radar cross-section samplers.

All samplers take an explicit :class:`numpy.random.Generator` first.
"""

from __future__ import annotations

import numpy as np

__all__ = ["rayleigh_power", "swerling1_rcs", "gamma_power"]


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
