r"""Downlink coverage of a Poisson cellular network (Andrews, Baccelli and Ganti, 2011).

BSs form a PPP of density :math:`\lambda`; the typical user is served by its nearest BS
with transmit power :math:`P`, all links see Rayleigh fading and path loss
:math:`r^{-\alpha}`, every other BS interferes. The coverage probability
:math:`P_c = P[\mathrm{SINR} > T]` is (Theorem 1 of the paper, with :math:`\mu = 1`)

.. math:: P_c = \pi\lambda \int_0^\infty e^{-\pi\lambda v (1 + \rho(T, \alpha))
          - T \sigma^2 v^{\alpha/2} / P}\, dv,
          \qquad \rho(T, \alpha) = T^{2/\alpha} \int_{T^{-2/\alpha}}^\infty \frac{du}{1 + u^{\alpha/2}},

and without noise :math:`P_c = 1 / (1 + \rho(T, \alpha))`, independent of the density; at
:math:`\alpha = 4`, :math:`\rho = \sqrt{T}\,(\pi/2 - \arctan(1/\sqrt{T}))` (eq. (8) of the paper).
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

from isac_core.fading import rayleigh_power
from isac_core.geometry import ppp_ordered_distances
from isac_core.model import Metric, Model, Parameter, per_distinct

__all__ = ["MODEL", "rho", "coverage"]

#: BSs simulated explicitly; the interference beyond the K-th is replaced by its conditional mean.
K_NEAREST = 200


def rho(T, alpha):
    r""":math:`\rho(T, \alpha) = \frac{2T}{\alpha - 2}\, {}_2F_1(1, 1 - 2/\alpha; 2 - 2/\alpha; -T)`."""
    T = np.asarray(T, float)
    delta = 2.0 / alpha
    return 2.0 * T / (alpha - 2.0) * special.hyp2f1(1.0, 1.0 - delta, 2.0 - delta, -T)


def coverage(T, lam, alpha, snr_inverse):
    r"""Coverage probability :math:`P_c` (Theorem 1); ``snr_inverse`` is :math:`\sigma^2 / P` [m^-alpha].

    Without noise the closed form :math:`1/(1 + \rho)`; with noise a one-dimensional
    integral in :math:`u = \pi\lambda r^2`, evaluated by adaptive quadrature.
    """
    T = np.atleast_1d(np.asarray(T, float))
    r = rho(T, alpha)
    if snr_inverse == 0.0:
        return 1.0 / (1.0 + r)
    out = np.empty(T.shape)
    for i, (t, ri) in enumerate(zip(T, r, strict=True)):
        # in u = pi lam v, so the integrand decays on a scale of one whatever the density
        def f(u, t=t, ri=ri):
            return np.exp(-u * (1.0 + ri) - t * snr_inverse * (u / (np.pi * lam)) ** (alpha / 2.0))
        out[i] = integrate.quad(f, 0.0, np.inf, epsabs=1e-13, epsrel=1e-11, limit=200)[0]
    return out


def _analytic(params):
    def group(scalars, sel):
        snr_inverse = scalars["noise"] / scalars["P"]
        return coverage(np.asarray(params["T"], float)[sel], scalars["lam"], scalars["alpha"], snr_inverse)

    return per_distinct(params, ("lam", "alpha", "noise", "P"), group)


def _simulate(rng, n_trials, params):
    """One drop per trial: the K nearest BSs, Exp(1) fading, the mean interference beyond the K-th."""
    lam, alpha = float(params["lam"]), float(params["alpha"])
    r = ppp_ordered_distances(rng, lam, K_NEAREST, n_trials)
    h = rayleigh_power(rng, (n_trials, K_NEAREST))
    gain = h * r ** -alpha
    # mean interference of the PPP beyond r_K: 2 pi lam r_K^(2 - alpha) / (alpha - 2)
    tail = 2.0 * np.pi * lam * r[:, -1] ** (2.0 - alpha) / (alpha - 2.0)
    interference = gain[:, 1:].sum(axis=1) + tail + float(params["noise"]) / float(params["P"])
    sinr = gain[:, 0] / interference
    return sinr[:, None] > np.asarray(params["T"], float)[None, :]


MODEL = Model(
    key="cellular",
    title="A Tractable Approach to Coverage and Rate in Cellular Networks",
    reference="J. G. Andrews, F. Baccelli and R. K. Ganti, IEEE Trans. Commun., 2011",
    parameters={
        "lam": Parameter("m^-2", "BS density", "1 km^-2", minimum=0.0, exclusive_minimum=True, symbol=r"\lambda"),
        "T": Parameter("1", "SINR threshold", 1.0, minimum=0.0, exclusive_minimum=True, symbol="T"),
        "alpha": Parameter("1", "path-loss exponent", 4.0, minimum=2.0, exclusive_minimum=True, symbol=r"\alpha"),
        "P": Parameter("W", "BS transmit power", 1.0, minimum=0.0, exclusive_minimum=True, symbol="P"),
        "noise": Parameter("W", "noise power at the user (0: interference-limited)", 0.0, minimum=0.0,
                           symbol=r"\sigma^2"),
    },
    metrics={
        "p_cov": Metric("1", "coverage probability", _analytic, _simulate, shared_sample_parameters=("T",),
                        symbol="P_c", reference="Theorem 1 (eq. (8) without noise at alpha = 4)"),
    },
)
