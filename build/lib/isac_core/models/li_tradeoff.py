"""Sensing/communication trade-off in a distributed ISAC network (X. Li et al.).

System model (paper Sec. II): a typical ISAC user (IU) at the centre of a disk
of radius ``R`` is both the radar receiver and the communication receiver.

* Sensing: the echo of a Swerling-I target at distance ``D`` (eqs. (1)-(2))
  competes with the Rayleigh-faded sensing signals of ``n`` interfering IUs
  uniform in the disk and with the noise ``N_0 = K0 T0 B_s L`` (eq. (3)).
  Detection succeeds when the radar estimation rate
  ``R_B = delta/(2T) log2(1 + 2 T B_s SINR_s)`` exceeds ``zeta_s``, i.e. when
  ``SINR_s > gamma_s`` (eq. (6)).
* Communication: the desired transmitter and ``m - 1`` interferers are uniform
  in the disk, all with Rayleigh fading and power ``p_c`` (eq. (4)). Coverage
  holds when ``B_c log2(1 + SINR_c) > zeta_c``, i.e. ``SINR_c > gamma_c``.

Analytic results: Theorem 1 (eq. (5)) for ``P_D`` and the corrected Theorem 2
(eq. (11); the printed prefactor ``2m / R^{2m}`` and the missing Jacobian
``2 r_0 / R^2`` are replaced as in docs/errata.md) for
``P_C``. Both derivations assume a *fixed* number of i.i.d. uniform
interferers (a binomial point process); ``count="poisson"`` gives the
Poisson-count variant of the text's "PPP with expected number n".

Noise. Table I gives ``N_0 = K0 T0 B_s L``. The quoted figure values are only
reproduced with an effective noise ``F K0 T0 B L`` with ``F = 3971.7``
(``noise_factor``, reproduction "Profile P", not stated in the paper), used for
both ``N_0`` (with ``B_s``) and ``N_c`` (with ``B_c``). ``noise_factor = 1`` is
Table I literally.

All quantities are in SI units (lengths in metres: the model uses a 1 m
reference distance, so it is not unit-invariant for ``alpha != 2``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ..fading import rayleigh_power, swerling1_rcs
from ..geometry import disk_interference, uniform_disk_distances
from ..model import Metric, Model, Parameter
from ..numerics import (
    composite_gauss_legendre,
    integrate,
    interference_defect,
    inverse_power,
    log_one_minus_defect,
    power,
)

__all__ = [
    "noise_power",
    "rate_to_sinr_threshold_sensing",
    "rate_to_sinr_threshold_comm",
    "detection_probability",
    "detection_probability_rate",
    "coverage_probability",
    "simulate_detection",
    "simulate_coverage",
    "COVERAGE_RULE_EDGES",
    "COVERAGE_RULE_NODES",
    "MODEL",
]

_LN2 = np.log(2.0)
_FOUR_PI = 4.0 * np.pi
_COUNTS = ("fixed", "poisson")

#: Panels of the composite Gauss-Legendre rule for Theorem 2 in ``u = (r_0/R)^2``:
#: geometrically graded towards ``u = 0``, where the integrand of a small P_C
#: (large ``gamma_c``, or a small ``p_c`` with noise) has its only feature.
COVERAGE_RULE_EDGES = (0.0, *(10.0**k for k in range(-12, 0)), 1.0)
#: Gauss-Legendre nodes per panel.
COVERAGE_RULE_NODES = 32


def _check_count(count):
    if count not in _COUNTS:
        raise ValueError(f"count must be one of {_COUNTS}, got {count!r}")


# --------------------------------------------------------------------------
# Thresholds and noise
# --------------------------------------------------------------------------


def noise_power(bandwidth, *, K0, T0, L, noise_factor=1.0):
    """Thermal noise power ``F K0 T0 B L`` [W] (Sec. II-B, below eq. (3)).

    Parameters
    ----------
    bandwidth : array_like
        Noise bandwidth ``B_s`` or ``B_c`` [Hz].
    K0 : array_like
        Boltzmann constant [J/K] (Table I writes "w/s").
    T0 : array_like
        Standard temperature [K].
    L : array_like
        System loss factor (linear, multiplies the noise).
    noise_factor : array_like
        Effective-noise excess ``F`` (1 = Table I; 3971.7 in Profile P).

    Returns
    -------
    ndarray
        Noise power [W].
    """
    return np.asarray(noise_factor, dtype=float) * K0 * T0 * L * np.asarray(bandwidth, dtype=float)


def _rate_excess_per_hz(zeta_s, T, delta):
    """``(2^{2 T zeta_s / delta} - 1) / (2T)`` [Hz], so that ``gamma_s = this / B_s``."""
    zeta_s = np.asarray(zeta_s, dtype=float)
    with np.errstate(over="ignore"):
        return np.expm1((2.0 * T / delta * _LN2) * zeta_s) / (2.0 * T)


def rate_to_sinr_threshold_sensing(zeta_s, B_s, T, delta):
    """SINR threshold of a radar-rate threshold (eq. (6)).

    ``gamma_s = (2^{2 T zeta_s / delta} - 1) / (2 T B_s)``, evaluated with
    ``expm1`` (the exponent is ~5e-4 in the reproduced figures).

    Parameters
    ----------
    zeta_s : array_like
        Radar estimation rate threshold [bit/s].
    B_s : array_like
        Sensing bandwidth [Hz]; ``B_s = 0`` gives ``inf``.
    T : array_like
        Pulse duration [s].
    delta : array_like
        Duty cycle.

    Returns
    -------
    ndarray
        Linear SINR threshold; ``inf`` on overflow (``zeta_s > 5.12e6`` bit/s in
        Table I units) or for ``B_s = 0``.
    """
    excess = _rate_excess_per_hz(zeta_s, T, delta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(np.asarray(B_s) > 0, excess / B_s, np.inf)


def rate_to_sinr_threshold_comm(zeta_c, B_c):
    """SINR threshold of a capacity threshold: ``gamma_c = 2^{zeta_c / B_c} - 1`` (eq. (12a)).

    Evaluated as ``expm1(ln2 zeta_c / B_c)``; overflow (``zeta_c / B_c > 1024``)
    and ``B_c = 0`` give ``inf`` (hence ``P_C = 0``).

    Parameters
    ----------
    zeta_c : array_like
        Capacity threshold [bit/s].
    B_c : array_like
        Communication bandwidth [Hz].

    Returns
    -------
    ndarray
        Linear SINR threshold.
    """
    zeta_c = np.asarray(zeta_c, dtype=float)
    B_c = np.asarray(B_c, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(B_c > 0, np.expm1(_LN2 * zeta_c / B_c), np.inf)


# --------------------------------------------------------------------------
# Theorem 1: probability of detection
# --------------------------------------------------------------------------


def _detection_reduced(k, t, p_s, n, alpha, count):
    """``exp(-k/p_s) (1 - d(t))^n`` (or ``exp(-k/p_s - n d(t))``), 0 for ``p_s = 0``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        noise = k / p_s
        if count == "fixed":
            interference = np.where(n == 0, 0.0, n * log_one_minus_defect(t, alpha))
        else:
            interference = -n * interference_defect(t, alpha)
        p = np.exp(interference - noise)
    return np.where(p_s > 0, p, np.where(p_s == 0, 0.0, np.nan))


def _echo_noise_scale(D, alpha, sigma_mean, G_t, G_r, wavelength):
    """``(4 pi)^3 D^{2 alpha} / (G_t G_r lambda_w^2 sigma_bar)``, so ``k = gamma_s N_0 * this``."""
    return _FOUR_PI**3 * np.power(D, 2.0 * alpha) / (G_t * G_r * np.square(wavelength) * sigma_mean)


def _disk_scale(D, alpha, R, sigma_mean):
    """``R^alpha sigma_bar / (4 pi D^{2 alpha})``: ``t = this / gamma_s``."""
    return np.power(R / np.square(D), alpha) * (sigma_mean / _FOUR_PI)


def detection_probability(
    gamma_s, *, D, p_s, n, alpha, R, sigma_mean, G_t, G_r, wavelength, noise_power, count="fixed"
):
    r"""Probability of detection for an SINR threshold (Theorem 1, eq. (5)).

    Evaluated in the reduced form (docs/errata.md)

    .. math::

        P_D = \exp(-k/p_s)\,\bigl(1 - d(R^\alpha / s;\ \alpha)\bigr)^n,\qquad
        k = \frac{\gamma_s (4\pi)^3 D^{2\alpha} N_0}{G_t G_r \lambda_w^2 \bar\sigma},\quad
        s = \frac{4\pi \gamma_s D^{2\alpha}}{\bar\sigma},

    where ``k/p_s = eta D^{2 alpha} N_0 / sigma_bar`` is the noise term of eq. (5),
    ``(1 - d)^n`` is its bracket (eq. (10)) with ``d`` from
    :func:`isac_core.numerics.interference_defect`, and ``p_s`` cancels from the
    interference term. ``(1 - d)^n`` is evaluated as ``exp(n log(1 - d))``.
    With ``count="poisson"`` the bracket becomes ``exp(-n d)`` (a Poisson number
    of interferers with mean ``n``).

    All arguments broadcast against each other.

    Parameters
    ----------
    gamma_s : array_like
        Linear SINR threshold (eq. (6)); ``inf`` gives 0.
    D : array_like
        Target distance [m].
    p_s : array_like
        Sensing transmit power [W]; ``p_s = 0`` gives 0.
    n : array_like
        Number (or mean number) of sensing interferers.
    alpha : array_like
        Path-loss exponent.
    R : array_like
        Network radius [m].
    sigma_mean : array_like
        Mean radar cross-section ``sigma_bar`` [m^2] (eq. (2)).
    G_t, G_r : array_like
        Antenna gains (linear).
    wavelength : array_like
        Wavelength ``lambda_w`` [m].
    noise_power : array_like
        Noise power ``N_0`` [W] (may be 0).
    count : {"fixed", "poisson"}
        Interferer count model.

    Returns
    -------
    ndarray
        ``P_D`` in ``[0, 1]``.
    """
    _check_count(count)
    gamma_s = np.asarray(gamma_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k = gamma_s * noise_power * _echo_noise_scale(D, alpha, sigma_mean, G_t, G_r, wavelength)
        t = _disk_scale(D, alpha, R, sigma_mean) / gamma_s
    p = _detection_reduced(k, t, np.asarray(p_s, dtype=float), np.asarray(n, dtype=float),
                           alpha, count)
    return np.where(np.isposinf(gamma_s), 0.0, p)[()]


def detection_probability_rate(
    zeta_s, *, B_s, T, delta, D, p_s, n, alpha, R, sigma_mean, G_t, G_r, wavelength,
    noise_density, count="fixed"
):
    r"""Probability of detection for a radar-rate threshold, ``P_D(zeta_s)`` (eq. (5)).

    As :func:`detection_probability` with ``gamma_s`` from eq. (6) and
    ``N_0 = noise_density * B_s``, but with the noise term computed from the
    bandwidth-free product (docs/errata.md)

    .. math::

        \gamma_s N_0 = \frac{2^{2T\zeta_s/\delta} - 1}{2T}\, N_0 / B_s,

    so that ``B_s -> 0`` (``gamma_s -> inf``, ``N_0 -> 0``) stays finite. ``B_s = 0``
    gives ``P_D = 0`` (``R_B = 0``).

    Parameters
    ----------
    zeta_s : array_like
        Radar estimation rate threshold [bit/s].
    B_s : array_like
        Sensing bandwidth [Hz].
    T : array_like
        Pulse duration [s].
    delta : array_like
        Duty cycle.
    noise_density : array_like
        ``N_0 / B_s = F K0 T0 L`` [W/Hz].
    D, p_s, n, alpha, R, sigma_mean, G_t, G_r, wavelength, count
        As in :func:`detection_probability`.

    Returns
    -------
    ndarray
        ``P_D`` in ``[0, 1]``.
    """
    _check_count(count)
    excess = _rate_excess_per_hz(zeta_s, T, delta)  # gamma_s * B_s [Hz]
    B_s = np.asarray(B_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k = excess * noise_density * _echo_noise_scale(D, alpha, sigma_mean, G_t, G_r, wavelength)
        t = _disk_scale(D, alpha, R, sigma_mean) * B_s / excess
    p = _detection_reduced(k, t, np.asarray(p_s, dtype=float), np.asarray(n, dtype=float),
                           alpha, count)
    return np.where((B_s > 0) & ~np.isposinf(excess), p, 0.0)[()]


# --------------------------------------------------------------------------
# Theorem 2 (corrected): probability of coverage
# --------------------------------------------------------------------------


def _node_powers(u, beta):
    """``u**beta`` with shape ``beta.shape + u.shape``.

    Computed once per distinct exponent with a scalar exponent, so each row
    depends only on its own ``beta`` (a broadcast ``np.power`` may take a
    different code path, and round differently, depending on the batch).
    """
    values, inverse = np.unique(beta.ravel(), return_inverse=True)
    table = np.empty((values.size, u.size))
    for row, b in zip(table, values, strict=True):
        power(u, float(b), out=row)
    return table[inverse.reshape(beta.shape)]


def coverage_probability(gamma_c, *, p_c, m, alpha, R, G_t, G_r, noise_power, count="fixed"):
    r"""Probability of coverage for an SINR threshold (Theorem 2, eq. (11) corrected).

    With ``u = (r_0/R)^2`` (uniform on ``(0, 1)``) the corrected eq. (11)
    (docs/errata.md, derived from eqs. (12)-(15)) reads

    .. math::

        P_C = \int_0^1 \exp\!\Bigl(-\frac{\gamma_c R^\alpha u^{\alpha/2} N_c}{p_c G_t G_r}\Bigr)
              \Bigl(1 - d\bigl(1/(\gamma_c u^{\alpha/2});\ \alpha\bigr)\Bigr)^{m-1} du,

    where the bracket is eq. (14) with ``d`` from
    :func:`isac_core.numerics.interference_defect`. The printed eq. (11) has a
    prefactor ``2m / R^{2m}`` and lacks the Jacobian ``2 r_0 / R^2``; both are
    corrected here. With ``count="poisson"`` the bracket becomes
    ``exp(-(m-1) d)``.

    The integral uses a fixed composite Gauss-Legendre rule
    (:data:`COVERAGE_RULE_EDGES`, :data:`COVERAGE_RULE_NODES` per panel) with
    the nodes as a trailing array axis (416 nodes, graded towards ``u = 0``).
    Against nested adaptive quadrature of the corrected eq. (11) the absolute
    error is ~1e-15 in the reproduced figures and below 1e-11 over
    ``alpha`` in [2, 6], ``gamma_c`` in [1e-8, 1e12] and noise-limited cases.

    All arguments broadcast against each other.

    Parameters
    ----------
    gamma_c : array_like
        Linear SINR threshold; ``inf`` gives 0.
    p_c : array_like
        Communication transmit power [W]; ``p_c = 0`` gives 0.
    m : array_like
        Number of transmitters including the desired one (``m - 1`` interferers;
        the mean ``m - 1`` for ``count="poisson"``).
    alpha : array_like
        Path-loss exponent.
    R : array_like
        Network radius [m].
    G_t, G_r : array_like
        Antenna gains (linear).
    noise_power : array_like
        Communication noise ``N_c`` [W] (may be 0).
    count : {"fixed", "poisson"}
        Interferer count model.

    Returns
    -------
    ndarray
        ``P_C`` in ``[0, 1]``.
    """
    _check_count(count)
    gamma_c, p_c, m, alpha, R, G_t, G_r, noise_power = (
        np.ascontiguousarray(a)  # no stride-0 views: same code paths whatever the batch
        for a in np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in
                                       (gamma_c, p_c, m, alpha, R, G_t, G_r, noise_power)))
    )
    u, w = composite_gauss_legendre(COVERAGE_RULE_EDGES, COVERAGE_RULE_NODES)
    a = alpha[..., None]
    interferers = (m - 1.0)[..., None]
    u_beta = _node_powers(u, 0.5 * alpha)  # (r_0 / R)^alpha at the nodes
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        noise = (gamma_c * np.power(R, alpha) * noise_power / (p_c * G_t * G_r))[..., None]
        t = 1.0 / (gamma_c[..., None] * u_beta)
        if count == "fixed":
            logq = log_one_minus_defect(t, a)
            bracket = np.where(interferers == 0, 0.0, interferers * logq)
        else:
            bracket = -interferers * interference_defect(t, a)
        integrand = np.exp(bracket - noise * u_beta)
    p = integrate(integrand, w)
    p = np.where((p_c > 0) & ~np.isposinf(gamma_c), p, 0.0)
    return np.where(p_c < 0, np.nan, p)[()]


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


def _thresholds(gamma):
    gamma = np.asarray(gamma, dtype=float)
    if gamma.ndim != 1:
        raise ValueError("thresholds must be a 1-D array")
    return gamma


def simulate_detection(
    rng, n_trials, gamma_s, *, D, p_s, n, alpha, R, sigma_mean, G_t, G_r, wavelength,
    noise_power, count="fixed"
):
    """Monte Carlo detection events ``SINR_s > gamma_s`` (eqs. (1)-(3), docs/errata.md).

    Per trial: ``sigma ~ Exp(mean sigma_bar)`` (eq. (2)), then exactly ``n``
    (``count="fixed"``) or Poisson(``n``) interferers uniform in the disk with
    ``h_j ~ Exp(1)``; ``P_ech`` from eq. (1),
    ``I_s = p_s G_t G_r lambda_w^2 / (4 pi)^2 sum_j h_j l_j^-alpha`` and
    ``SINR_s = P_ech / (I_s + N_0)`` (eq. (3)). One set of samples is compared
    with every threshold; the draws do not depend on ``gamma_s``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    gamma_s : array_like, shape (k,)
        Linear SINR thresholds.
    D, p_s, n, alpha, R, sigma_mean, G_t, G_r, wavelength, noise_power, count
        Scalars, as in :func:`detection_probability`.

    Returns
    -------
    ndarray of bool, shape (n_trials, k)
    """
    _check_count(count)
    gamma_s = _thresholds(gamma_s)
    sigma = swerling1_rcs(rng, sigma_mean, n_trials)
    interference = disk_interference(rng, n_trials, n, alpha, R, count)
    gain = p_s * G_t * G_r * wavelength**2 / _FOUR_PI**2  # A_e S [W m^2]
    echo = sigma * (gain / (_FOUR_PI * D ** (2.0 * alpha)))  # eq. (1)
    interference *= gain
    interference += noise_power
    with np.errstate(divide="ignore", invalid="ignore"):
        sinr = np.divide(echo, interference, out=echo)  # 0/0 (p_s = N_0 = 0) -> NaN -> False
    return sinr[:, None] > gamma_s[None, :]


def simulate_coverage(
    rng, n_trials, gamma_c, *, p_c, m, alpha, R, G_t, G_r, noise_power, count="fixed"
):
    """Monte Carlo coverage events ``SINR_c > gamma_c`` (eq. (4), docs/errata.md).

    Per trial: ``r_0 = R sqrt(U_0)`` and ``h_0 ~ Exp(1)`` for the desired link,
    then exactly ``m - 1`` (``count="fixed"``) or Poisson(``m - 1``) interferers
    uniform in the disk with ``h_i ~ Exp(1)``;
    ``SINR_c = p_c G_t G_r h_0 r_0^-alpha / (N_c + p_c G_t G_r sum_i h_i r_i^-alpha)``.
    One set of samples is compared with every threshold.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    gamma_c : array_like, shape (k,)
        Linear SINR thresholds.
    p_c, m, alpha, R, G_t, G_r, noise_power, count
        Scalars, as in :func:`coverage_probability`.

    Returns
    -------
    ndarray of bool, shape (n_trials, k)
    """
    _check_count(count)
    gamma_c = _thresholds(gamma_c)
    r0 = uniform_disk_distances(rng, R, n_trials)
    h0 = rayleigh_power(rng, n_trials)
    interference = disk_interference(rng, n_trials, m - 1, alpha, R, count)
    gain = p_c * G_t * G_r
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        signal = h0 * inverse_power(r0, alpha, out=r0)  # r_0 = 0: infinite signal
        signal *= gain
        interference *= gain
        interference += noise_power
        sinr = np.divide(signal, interference, out=signal)
    return sinr[:, None] > gamma_c[None, :]


# --------------------------------------------------------------------------
# Adapters for the sweep engine (see isac_core.model)
# --------------------------------------------------------------------------


def _count_model(params):
    return str(params.get("count_model", "fixed"))


def _sensing_args(params):
    return {key: params[key] for key in
            ("D", "p_s", "n", "alpha", "R", "sigma_mean", "G_t", "G_r", "wavelength")}


def _comm_args(params):
    return {key: params[key] for key in ("p_c", "m", "alpha", "R", "G_t", "G_r")}


def _noise(params, bandwidth):
    return noise_power(bandwidth, K0=params["K0"], T0=params["T0"], L=params["L"],
                       noise_factor=params["noise_factor"])


def _p_d_analytic(params: Mapping[str, object]) -> np.ndarray:
    """``P_D`` at each state point. ``gamma_s`` (if set) overrides ``zeta_s``.

    ``B_s = 0`` gives 0 in both cases (no sensing bandwidth, ``R_B = 0``).
    """
    count = _count_model(params)
    args = {k: np.ascontiguousarray(v, dtype=float) for k, v in _sensing_args(params).items()}
    B_s = np.asarray(params["B_s"], dtype=float)
    if params.get("gamma_s") is not None:
        p = detection_probability(params["gamma_s"], noise_power=_noise(params, B_s),
                                  count=count, **args)
        return np.where(B_s > 0, p, 0.0)
    density = _noise(params, 1.0)
    return detection_probability_rate(params["zeta_s"], B_s=B_s, T=params["T"],
                                      delta=params["delta"], noise_density=density,
                                      count=count, **args)


def _p_c_analytic(params: Mapping[str, object]) -> np.ndarray:
    """``P_C`` at each state point. ``gamma_c`` (if set) overrides ``zeta_c``.

    ``B_c = 0`` gives 0 in both cases.
    """
    count = _count_model(params)
    args = {k: np.ascontiguousarray(v, dtype=float) for k, v in _comm_args(params).items()}
    B_c = np.asarray(params["B_c"], dtype=float)
    if params.get("gamma_c") is not None:
        gamma_c = params["gamma_c"]
    else:
        gamma_c = rate_to_sinr_threshold_comm(params["zeta_c"], B_c)
    p = coverage_probability(gamma_c, noise_power=_noise(params, B_c), count=count, **args)
    return np.where(B_c > 0, p, 0.0)


def _events(kernel, rng, n_trials, params, gamma, bandwidth, args):
    """Run a Monte Carlo kernel; no bandwidth (``B = 0``) means no success (rate 0)."""
    if not bandwidth > 0:
        return np.zeros((int(n_trials), np.shape(gamma)[0]), dtype=bool)
    return kernel(rng, n_trials, gamma, noise_power=float(_noise(params, bandwidth)),
                  count=_count_model(params), **{k: float(v) for k, v in args.items()})


def _p_d_simulate(rng, n_trials, params: Mapping[str, object]) -> np.ndarray:
    """Detection events; thresholds (``gamma_s`` or ``zeta_s``) arrive as 1-D arrays."""
    B_s = float(params["B_s"])
    if params.get("gamma_s") is not None:
        gamma = np.asarray(params["gamma_s"], dtype=float)
    else:
        gamma = rate_to_sinr_threshold_sensing(params["zeta_s"], B_s, params["T"], params["delta"])
    return _events(simulate_detection, rng, n_trials, params, gamma, B_s, _sensing_args(params))


def _p_c_simulate(rng, n_trials, params: Mapping[str, object]) -> np.ndarray:
    """Coverage events; thresholds (``gamma_c`` or ``zeta_c``) arrive as 1-D arrays."""
    B_c = float(params["B_c"])
    if params.get("gamma_c") is not None:
        gamma = np.asarray(params["gamma_c"], dtype=float)
    else:
        gamma = rate_to_sinr_threshold_comm(params["zeta_c"], B_c)
    return _events(simulate_coverage, rng, n_trials, params, gamma, B_c, _comm_args(params))


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

_TABLE_I = "Table I"
_PROFILE_P = "not stated in the paper; reconstructed (Profile P, docs/errata.md)"

#: Where each default comes from; the report marks reconstructed values.
SOURCES = {
    "alpha": "Table I gives 2 to 5; 4 is " + _PROFILE_P,
    "n": "Table I gives 10 to 50; Fig. 5 text: 50",
    "m": "Table I gives 10 to 50; m = n " + _PROFILE_P,
    "D": "Sec. IV text (20 m); Table I gives 5 to 50 m",
    "R": _TABLE_I,
    "p_s": "Table I gives 0 to 30 dBm; 0.5 W is " + _PROFILE_P,
    "p_c": "Table I gives 0 to 30 dBm; 0.5 W is " + _PROFILE_P,
    "p_t": "Sec. IV text (30 dBm)",
    "B": "Fig. 5 text (B_c from 20 MHz to 0)",
    "B_s": "Table I gives 0 to 20 MHz; 10 MHz is " + _PROFILE_P,
    "B_c": "Table I gives 0 to 20 MHz; 10 MHz is " + _PROFILE_P,
    "zeta_s": _PROFILE_P + ": fitted to Fig. 3's 0.3245 and 0.5926",
    "zeta_c": _PROFILE_P + ": calibrated to Fig. 5's 0.928",
    "gamma_s": "Fig. 2 axis",
    "gamma_c": "optional",
    "wavelength": _TABLE_I,
    "G_t": _TABLE_I,
    "G_r": _TABLE_I,
    "sigma_mean": _TABLE_I,
    "T0": _TABLE_I,
    "K0": "Table I (unit J/K; the table says w/s)",
    "L": _TABLE_I,
    "T": _TABLE_I,
    "delta": _TABLE_I,
    "noise_factor": _PROFILE_P + ": fitted to Fig. 3 (Table I literal: 1)",
    "count_model": "eq. (9) step (d): fixed count (binomial point process)",
}


def _P(units, long_name, default=None, **kw):
    return Parameter(units, long_name, default, **kw)

MODEL = Model(
    key="li_tradeoff",
    title="On the Performance Trade-off of Distributed Integrated Sensing and Communication Networks",
    reference=(
        "X. Li et al., On the Performance Trade-off of Distributed Integrated Sensing "
        "and Communication Networks (IEEE letter)"
    ),
    parameters={name: dataclasses.replace(p, source=SOURCES[name]) for name, p in {
        "alpha": _P("1", "path-loss exponent", 4, minimum=2, maximum=6, symbol=r"\alpha"),
        "n": _P("1", "number of sensing interferers", 50, minimum=0, integer=True, symbol="n"),
        "m": _P("1", "number of transmitters (desired one plus m - 1 interferers)", 50,
                minimum=1, integer=True, symbol="m"),
        "D": _P("m", "target distance", 20, minimum=0, exclusive_minimum=True, symbol="D"),
        "R": _P("m", "network radius", "0.5 km", minimum=0, exclusive_minimum=True,
                symbol="R"),
        "p_s": _P("W", "sensing transmit power", 0.5, minimum=0, symbol="p_s"),
        "p_c": _P("W", "communication transmit power", 0.5, minimum=0, symbol="p_c"),
        "p_t": _P("W", "total transmit power budget, eq. (16)", "30 dBm", minimum=0,
                  symbol="p_t"),
        "B": _P("Hz", "total bandwidth budget, eq. (17)", "20 MHz", minimum=0, symbol="B"),
        "B_s": _P("Hz", "sensing bandwidth", "10 MHz", minimum=0, symbol="B_s"),
        "B_c": _P("Hz", "communication bandwidth", "10 MHz", minimum=0, symbol="B_c"),
        "zeta_s": _P("bit/s", "radar estimation rate threshold", 2.2396, minimum=0,
                     symbol=r"\zeta_s"),
        "zeta_c": _P("bit/s", "capacity threshold", 111.52, minimum=0, symbol=r"\zeta_c"),
        "gamma_s": _P("1", "sensing SINR threshold (overrides zeta_s when set)", None,
                      minimum=0, symbol=r"\gamma_s"),
        "gamma_c": _P("1", "communication SINR threshold (overrides zeta_c when set)", None,
                      minimum=0, symbol=r"\gamma_c"),
        "wavelength": _P("m", "wavelength of the sensing signal", 0.0833, minimum=0,
                         exclusive_minimum=True, symbol=r"\lambda_w"),
        "G_t": _P("1", "transmit antenna gain", "10 dBi", minimum=0, exclusive_minimum=True,
                  symbol="G_t"),
        "G_r": _P("1", "receive antenna gain", "10 dBi", minimum=0, exclusive_minimum=True,
                  symbol="G_r"),
        "sigma_mean": _P("m^2", "mean radar cross-section (Swerling I)", "10 dBsm", minimum=0,
                         exclusive_minimum=True, symbol=r"\bar{\sigma}"),
        "T0": _P("K", "standard temperature", 290, minimum=0, symbol="T_0"),
        "K0": _P("J/K", "Boltzmann constant", 1.38e-23, minimum=0, symbol="K_0"),
        "L": _P("1", "system loss factor", "10 dB", minimum=0, symbol="L"),
        "T": _P("s", "radar pulse duration", "1 us", minimum=0, exclusive_minimum=True,
                symbol="T"),
        "delta": _P("1", "radar duty cycle", 0.01, minimum=0, maximum=1, exclusive_minimum=True,
                    symbol=r"\delta"),
        "noise_factor": _P(
            "1",
            "effective-noise excess factor F (noise F K0 T0 B L; not in the paper, "
            "Profile P: 3971.7, Table I literal: 1)",
            3971.7, minimum=0, symbol="F"),
        "count_model": _P("1", "interferer count model (fixed: binomial, as derived; "
                          "poisson: Poisson count with the same mean)", "fixed",
                          choices=("fixed", "poisson")),
    }.items()},
    metrics={
        "p_det": Metric(
            units="1",
            long_name="probability of detection",
            analytic=_p_d_analytic,
            simulate=_p_d_simulate,
            kind="probability",
            shared_sample_parameters=("gamma_s", "zeta_s"),
            reference="Theorem 1, eq. (5)",
            symbol="P_D",
        ),
        "p_cov": Metric(
            units="1",
            long_name="probability of coverage",
            analytic=_p_c_analytic,
            simulate=_p_c_simulate,
            kind="probability",
            shared_sample_parameters=("gamma_c", "zeta_c"),
            reference="Theorem 2, eq. (11) corrected (docs/errata.md)",
            symbol="P_C",
        ),
    },
    notes=(
        "Theorem 2 is evaluated in the corrected form: the printed eq. (11) has a prefactor "
        "2m/R^(2m) and lacks the Jacobian 2 r_0/R^2 of the desired-link distance.",
        "Both theorems assume exactly n (m - 1) i.i.d. uniform interferers (a binomial point "
        "process); count_model='poisson' evaluates the Poisson-count variant instead.",
        "noise_factor F is not in the paper: Table I's noise K0 T0 B L (F = 1) cannot "
        "reproduce the quoted Fig. 3 and Fig. 5 values together; F = 3971.7 (+36.0 dB, "
        "'Profile P') with zeta_s = 2.2396 bit/s and zeta_c = 111.52 bit/s reproduces all "
        "of them. The same F is applied to N_0 (with B_s) and N_c (with B_c).",
        "B_s = 0 gives P_D = 0 and B_c = 0 gives P_C = 0 (zero rate), also when the "
        "threshold is given as an SINR.",
    ),
)
