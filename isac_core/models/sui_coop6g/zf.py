"""Gain laws under actual zero-forcing precoders (extension of Sui et al.).

Each BS ``i`` transmits ``x_i = W_i s_i`` with ``W_i = [sqrt(p^s) w^s, sqrt(p^c) w^c]``
and the zero-forcing precoder of eq. (1) on ``H = [a^H(theta); h_c^H]`` (2 x M_t),
``W ∝ H^H (H H^H)^-1``, **with each column normalised to unit norm** so that
``p^s`` and ``p^c`` are the radiated powers (eq. (1) omits the normalisation).
``a(theta) = [1, e^{j pi cos theta}, ..., e^{j pi (M_t-1) cos theta}]^T`` and
``h_c ~ CN(0, I)``.

With ``zeta = |a^H h_c|^2 / (M_t ||h_c||^2) ~ Beta(1, M_t - 1)`` (the squared
cosine between ``a`` and an isotropic ``h_c``) the gains have these exact laws:

* desired communication gain ``|h_c^H w^c|^2 = ||P_a^perp h_c||^2 ~ Gamma(M_t-1, 1)``
  -- what the paper assumes in eq. (3);
* echo gain ``|a^H w^s|^2 = ||P_h^perp a||^2 = M_t (1 - zeta) ~ M_t Beta(M_t-1, 1)``
  (mean ``M_t - 1``, variance ``(M_t-1)/(M_t+1)``, support ``[0, M_t]``) -- the
  paper's eq. (6) assumes Gamma(M_t-1, 1) (same mean, variance ``M_t - 1``);
* interference gain ``p^c |h^H w^c|^2 + p^s |h^H w^s|^2`` for a channel ``h ~ CN(0, I)``
  independent of the precoder: since ``|w^{cH} w^s|^2 = zeta``, it is the
  hypoexponential ``mu_1 E_1 + mu_2 E_2`` (``E_i ~ Exp(1)``) with
  ``mu_{1,2} = [p^t ± sqrt(p^t^2 - 4 p^c p^s (1 - zeta))] / 2``, the eigenvalues of
  ``diag(sqrt p) W^H W diag(sqrt p)``. Its mean is ``p^t`` but its variance is
  ``p^t^2 - 2 p^c p^s (M_t-1)/M_t``; eqs. (3) and (6) assume ``p^t Exp(1)``
  (variance ``p^t^2``). The sensing interference
  ``p^s |v H_1q w^s|^2 + p^c |v H_1q w^c|^2`` has the same law, because
  ``v H_1q ~ CN(0, I)`` for a unit-norm combiner ``v`` and iid CN(0, 1) entries of
  ``H_1q``.

The reduced samplers (:func:`desired_comm_gain`, :func:`echo_gain`,
:func:`interference_gain`) draw these laws directly and are meant for large Monte
Carlo runs; :func:`matrix_gains` builds the precoders from random channels and is
used to validate them. The discussion is in ``docs/errata.md``.
"""

from __future__ import annotations

import numpy as np

from ...fading import gamma_power, rayleigh_power
from ...validation import whole

__all__ = [
    "desired_comm_gain",
    "echo_gain",
    "interference_gain",
    "zf_precoder",
    "matrix_gains",
]


# --------------------------------------------------------------------------- reduced laws


def desired_comm_gain(rng: np.random.Generator, M_t, size) -> np.ndarray:
    """Desired communication gain ``|h_c^H w^c|^2`` under ZF: exactly Gamma(M_t - 1, 1).

    ``w^c`` is the unit-norm projection of ``h_c`` orthogonal to ``a(theta)``, so the
    gain is ``||P_a^perp h_c||^2``, a sum of ``M_t - 1`` iid Exp(1) terms. This is the
    law the paper assumes for ``g_i`` in eq. (3).

    Parameters
    ----------
    rng : numpy.random.Generator
    M_t : int
        Transmit antennas (>= 2).
    size : int or tuple of int

    Returns
    -------
    ndarray
        Gains with mean ``M_t - 1``.
    """
    return gamma_power(rng, whole(M_t, "M_t", 2, scalar=True) - 1.0, size)


def echo_gain(rng: np.random.Generator, M_t, size) -> np.ndarray:
    """Echo (sensing beam) gain ``|a^H(theta) w^s|^2`` under ZF: ``M_t Beta(M_t - 1, 1)``.

    ``w^s`` is the unit-norm projection of ``a`` orthogonal to ``h_c``, so the gain is
    ``M_t (1 - zeta)`` with ``zeta ~ Beta(1, M_t - 1)``. Mean ``M_t - 1`` and variance
    ``(M_t - 1)/(M_t + 1)``, bounded by ``M_t``. The paper's eq. (6) assumes
    ``f_i ~ Gamma(M_t - 1, 1)`` instead (same mean, variance ``M_t - 1``).

    Parameters
    ----------
    rng : numpy.random.Generator
    M_t : int
        Transmit antennas (>= 2).
    size : int or tuple of int

    Returns
    -------
    ndarray
        Gains in ``[0, M_t]``.
    """
    M_t = whole(M_t, "M_t", 2, scalar=True)
    return M_t * rng.beta(M_t - 1.0, 1.0, size)


def interference_gain(rng: np.random.Generator, M_t, p_c, p_s, size) -> np.ndarray:
    """Normalised interference gain under ZF, a drop-in for the paper's Exp(1).

    Draws ``(p^c |h^H w^c|^2 + p^s |h^H w^s|^2) / p^t`` with ``p^t = p^c + p^s`` and
    ``h ~ CN(0, I)`` independent of the precoder: ``(mu_1 E_1 + mu_2 E_2) / p^t`` with
    ``E_i ~ Exp(1)``, ``mu_{1,2} = [p^t ± sqrt(p^t^2 - 4 p^c p^s (1 - zeta))] / 2`` and
    ``zeta ~ Beta(1, M_t - 1)``. Mean 1, variance ``1 - 2 p^c p^s (M_t - 1) / (M_t p^t^2)``.
    The same law holds for the sensing interference
    ``p^s |v H_1q w^s|^2 + p^c |v H_1q w^c|^2``. The paper's eqs. (3) and (6) model both
    as ``p^t Exp(1)``, which is exact only when ``p^c = 0`` or ``p^s = 0``.

    Parameters
    ----------
    rng : numpy.random.Generator
    M_t : int
        Transmit antennas (>= 2).
    p_c, p_s : float or array_like
        Communication and sensing powers (>= 0, with a positive sum); broadcast
        against ``size``.
    size : int or tuple of int

    Returns
    -------
    ndarray
        Gains with mean 1.
    """
    M_t = whole(M_t, "M_t", 2, scalar=True)
    p_c, p_s = np.asarray(p_c, float), np.asarray(p_s, float)
    p_t = p_c + p_s
    if np.any(p_c < 0.0) or np.any(p_s < 0.0) or np.any(p_t <= 0.0):
        raise ValueError("p_c and p_s must be non-negative with a positive sum")
    # the arithmetic of the comments, in place (the same operations in the same order)
    product = rng.beta(1.0, M_t - 1.0, size)  # zeta
    np.subtract(1.0, product, out=product)
    product *= p_c * p_s / p_t**2  # mu_1 mu_2 / p^t^2 = (p_c p_s / p_t^2)(1 - zeta), in [0, 1/4]
    mu_1 = np.multiply(4.0, product)
    np.subtract(1.0, mu_1, out=mu_1)
    np.maximum(mu_1, 0.0, out=mu_1)
    np.sqrt(mu_1, out=mu_1)
    mu_1 += 1.0
    mu_1 *= 0.5  # 0.5 (1 + sqrt(max(1 - 4 product, 0))), in [1/2, 1]
    mu_2 = np.divide(product, mu_1, out=product)  # = 1 - mu_1 without the cancellation
    gain = rayleigh_power(rng, size)
    gain *= mu_1
    second = rayleigh_power(rng, size)
    second *= mu_2
    gain += second
    return gain


# --------------------------------------------------------------------------- matrix construction


def _steering(theta, M) -> np.ndarray:
    """Half-wavelength ULA steering vector ``[e^{j pi m cos theta}]_{m < M}`` on the last axis."""
    return np.exp(1j * np.pi * np.arange(M) * np.cos(np.asarray(theta, float))[..., None])


def _complex_normal(rng: np.random.Generator, shape) -> np.ndarray:
    """iid CN(0, 1) entries."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * np.sqrt(0.5)


def _unit(x) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _inner(x, y) -> np.ndarray:
    """``x^H y`` over the last axis."""
    return np.sum(np.conj(x) * y, axis=-1)


def zf_precoder(theta, h_c):
    """Unit-norm columns of the ZF precoder of eq. (1), batched over leading axes.

    With ``H = [a^H(theta); h_c^H]``, ``H H^H = [[A, alpha], [alpha*, B]]`` where
    ``A = ||a||^2 = M_t``, ``B = ||h_c||^2`` and ``alpha = a^H h_c``, the explicit inverse
    gives ``H^H (H H^H)^-1 = [B a - alpha* h_c, A h_c - alpha a] / (A B - |alpha|^2)``.
    The positive determinant cancels in the column normalisation.

    Parameters
    ----------
    theta : array_like, shape (...)
        Target angle [rad].
    h_c : array_like of complex, shape (..., M_t)
        Channel to the BS's own user.

    Returns
    -------
    w_s, w_c : ndarray of complex, shape (..., M_t)
        Unit-norm sensing and communication beams, ``h_c^H w_s = 0`` and ``a^H w_c = 0``.
    """
    h_c = np.asarray(h_c)
    a = _steering(theta, h_c.shape[-1])
    A = np.sum(np.abs(a) ** 2, axis=-1)[..., None]
    B = np.sum(np.abs(h_c) ** 2, axis=-1)[..., None]
    alpha = _inner(a, h_c)[..., None]
    w_s = _unit(B * a - np.conj(alpha) * h_c)
    w_c = _unit(A * h_c - alpha * a)
    return w_s, w_c


def matrix_gains(rng: np.random.Generator, n, M_t, M_r, p_c, p_s) -> dict:
    """Gains of ``n`` independent BSs with ZF precoders built from random channels.

    Per BS: ``theta ~ U(0, pi)``, ``h_c ~ CN(0, I_{M_t})``, the precoder of
    :func:`zf_precoder`, an independent channel ``h ~ CN(0, I_{M_t})`` to an unrelated
    user, an ``M_r x M_t`` channel ``H_1q`` with iid CN(0, 1) entries to another BS's
    receiver and that receiver's unit-norm combiner ``v(theta')``,
    ``theta' ~ U(0, pi)``. Memory is ``O(n M_r M_t)``; meant for validation (about
    1e5 draws), not for production Monte Carlo.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of draws.
    M_t, M_r : int
        Transmit and receive antennas.
    p_c, p_s : float
        Communication and sensing powers [W].

    Returns
    -------
    dict of ndarray, each shape (n,)
        ``desired_comm`` ``|h_c^H w^c|^2``; ``echo`` ``|a^H w^s|^2``;
        ``comm_interference`` ``p^c |h^H w^c|^2 + p^s |h^H w^s|^2`` and
        ``sensing_interference`` ``p^s |v H_1q w^s|^2 + p^c |v H_1q w^c|^2`` -- physical
        gains in W, **not** divided by ``p^t`` (mean ``p^t``, unlike
        :func:`interference_gain`); ``leakage`` ``max(|a^H w^c|^2, |h_c^H w^s|^2)``
        (zero up to rounding).
    """
    M_t = whole(M_t, "M_t", 2, scalar=True)
    theta = rng.uniform(0.0, np.pi, n)
    h_c = _complex_normal(rng, (n, M_t))
    w_s, w_c = zf_precoder(theta, h_c)
    a = _steering(theta, M_t)

    h = _complex_normal(rng, (n, M_t))
    H_1q = _complex_normal(rng, (n, M_r, M_t))
    v = _steering(rng.uniform(0.0, np.pi, n), M_r) / np.sqrt(M_r)  # the row combiner v(theta')
    g = np.einsum("nr,nrt->nt", v, H_1q)  # the row v H_1q

    def power(x, w):
        return np.abs(_inner(x, w)) ** 2

    return {
        "desired_comm": power(h_c, w_c),
        "echo": power(a, w_s),
        "comm_interference": p_c * power(h, w_c) + p_s * power(h, w_s),
        "sensing_interference": p_s * power(np.conj(g), w_s) + p_c * power(np.conj(g), w_c),
        "leakage": np.maximum(power(a, w_c), power(h_c, w_s)),
    }
