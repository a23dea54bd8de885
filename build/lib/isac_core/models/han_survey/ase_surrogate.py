r"""Illustrative surrogate of Fig. 4(a): the sensing--communication ASE region.

**An illustrative reconstruction, not a reproduction.** The survey gives only the
skeleton of Fig. 4(a): the ASE ``T_x = lambda_b N_x R_x`` (Table II, eq. (10)), the
region (19) over ``(K, L, J, Q)`` with the spatial-DoF budget ``K L + J (Q - 1) <= M_t``
and ``J <= J_max``, the weighted sum (20) and problem (22). Its SINR models, how ``L``
and ``Q`` enter them, all parameters and the time-sharing baseline are missing. Every
modelling choice below is ours (docs/errata.md), so only the survey's two stated
trends can be compared: raising the minimum cluster sizes ``L_th``, ``Q_th`` shrinks
the region, and the gain over time sharing declines.

Model (interference-limited, path-loss exponent 4 on every one-way link):

* every BS of a PPP of density ``lambda`` serves ``K`` users and senses ``J`` targets with
  ``S = K + J`` equal-power streams; each beam is a zero-forcing beam with
  ``D = K L + J (Q - 1)`` constraints, desired gain ``g ~ Gamma(m, 1)`` with
  ``m = M_t - D + 1`` (``m = M_t``, maximum ratio, when ``D = 0``);
* communication: a typical user is served by its nearest BS; the ``L`` nearest BSs
  (coordinated beamforming cluster, serving BS included) cause it no interference;
  every other BS ``k`` adds ``h_k r_k^-4`` with ``h_k ~ Gamma(S, 1)``:
  ``SIR_c = g r_1^-4 / sum_{k > L} h_k r_k^-4``;
* sensing: a typical BS senses a target at ``r_t ~ U[r_min, r_max]`` (monostatic echo
  ``g lambda_c^2 sigma / ((4 pi)^3 r_t^4)``); the ``Q - 1`` nearest other BSs null towards
  it and every other BS adds ``gamma_0 h_k d_k^-4``, ``gamma_0 = (lambda_c / 4 pi)^2``, so
  ``SIR_s = g a(r_t) / sum_{k >= Q} h_k rho_k^-2`` with ``rho_k = pi lambda d_k^2`` and
  ``a(r_t) = sigma / (4 pi^3 lambda^2 r_t^4)`` (the carrier cancels);
* rates ``R_x = E[ln(1 + SIR_x)]`` (nats); ``T_c = lambda K R_c``, ``T_s = lambda J R_s``.

Rates (our derivation, checked against the simulation of :func:`simulate_log_sir`). With
the unit-rate areas ``rho_k = pi lambda r_k^2`` and ``E ln(1 + X/Y) = int_0^inf (1/z)
E[(1 - e^{-zX}) e^{-zY}] dz`` (Hamdi's lemma), the Laplace transform of the
interference beyond ``rho = v`` is ``exp(-v c_S(z / v^2))`` with
``c_S(x) = 2F1(-1/2, S; 1/2; -x) - 1`` (:func:`interference_exponent`). Then

* ``R_c = int_0^inf (1 - (1+t)^-m) / (t (1 + c_S(t))) dt`` for ``L = 1``, and for ``L >= 2``
  ``R_c = (L - 1) int_0^1 (1 - q)^{L-2} int_0^inf (1 - (1+t)^-m) / t (1 + c_S(t q^2))^-L dt dq``
  (``q = rho_1 / rho_L``; the integral over ``rho_L`` is done in closed form);
* ``R_s = int_0^inf (1/z) E_r[1 - (1 + z a(r_t))^-m] B(z) dz`` with
  ``B = exp(-sqrt(pi z) Gamma(S + 1/2) / Gamma(S))`` for ``Q = 1`` and
  ``B = E[exp(-v c_S(z / v^2))]``, ``v ~ Gamma(Q - 1, 1)``, for ``Q >= 2``.

The ISAC region is the convex hull of ``(T_c, T_s)`` over the feasible configurations
with ``K >= 1``, ``J >= 1``, ``L >= L_th``, ``Q >= Q_th``; its boundary point of weight
``w`` maximises ``w T_c + (1 - w) T_s`` (eq. (20) with ``rho = w``). Time sharing runs
the best communication-only (``J = 0``) and the best sensing-only (``K = 0``)
configurations for fractions ``w`` and ``1 - w`` of the time.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
from scipy import special as _sp

from ...fading import gamma_power
from ...geometry import ppp_ordered_distances
from ...numerics import gauss_legendre, integrate
from .gains import radar_constant, wavelength

__all__ = [
    "NEAREST_BSS",
    "Configurations",
    "interference_exponent",
    "communication_rate",
    "sensing_rate",
    "configurations",
    "ase_points",
    "weighted_optimum",
    "region_summary",
    "simulate_log_sir",
]

#: BSs simulated individually; beyond the last one the interference is replaced by its
#: conditional mean ``S pi lambda / r_N^2`` (relative error of the total ~1e-4, far below
#: the Monte Carlo standard error).
NEAREST_BSS = 400

_SPACING = 0.05  # trapezoid step in log of the integration variable (spectrally accurate)
_LAGUERRE_NODES = 40
_RANGE_NODES = 48
_SENSING_GRID = (-60.0, 20.0)  # ln z; sensing_rate checks that the integrand vanishes at both ends


def interference_exponent(S: int, x) -> np.ndarray:
    r"""``c_S(x) = 2F1(-1/2, S; 1/2; -x) - 1``: the Laplace exponent of Gamma(S) interference.

    ``v c_S(z / v^2) = int_v^inf (1 - (1 + z / rho^2)^-S) drho``. For ``x > 1`` the identity
    ``c_S(x) = sqrt(x) [sqrt(pi) Gamma(S + 1/2) / Gamma(S) - int_0^{1/sqrt(x)}
    (1 - (w^2 / (1 + w^2))^S) dw]`` is used instead of the hypergeometric series, which
    overflows for large ``S x``.

    Parameters
    ----------
    S : int
        Gamma shape of the interferers' power (streams per BS).
    x : array_like
        Non-negative argument.

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, float)
    out = np.empty_like(x)
    small = x <= 1.0
    out[small] = _sp.hyp2f1(-0.5, S, 0.5, -x[small]) - 1.0
    big = x[~small]
    a = 1.0 / np.sqrt(big)
    nodes, weights = gauss_legendre(32, 0.0, 1.0)
    w = a[:, None] * nodes
    inner = a * integrate(-np.expm1(S * np.log(w * w / (1.0 + w * w))), weights)
    out[~small] = np.sqrt(big) * (_full_exponent(S) - inner)
    return out


def _full_exponent(S):
    """``int_0^inf (1 - (w^2/(1+w^2))^S) dw = sqrt(pi) Gamma(S + 1/2) / Gamma(S)``."""
    return np.sqrt(np.pi) * np.exp(_sp.gammaln(S + 0.5) - _sp.gammaln(S))


def _log_grid(low, high):
    y = np.arange(low, high + 0.5 * _SPACING, _SPACING)
    w = np.full(y.size, _SPACING)
    w[[0, -1]] *= 0.5
    return y, w


@cache
def _communication_kernel(S: int, L: int):
    """``(1 + c_S(tau))^-L`` on the log grid of ``tau``."""
    y, w = _log_grid(-280.0, 80.0)
    return y, w, (1.0 + interference_exponent(S, np.exp(y))) ** (-float(L))


@cache
def communication_rate(m: int, S: int, L: int) -> float:
    r"""``R_c = E[ln(1 + SIR_c)]`` in nats (module docstring).

    Parameters
    ----------
    m : int
        Gamma shape of the desired gain (``M_t - D + 1``).
    S : int
        Streams per interfering BS.
    L : int
        Coordinated-beamforming cluster size (``L`` nearest BSs cause no interference).

    Returns
    -------
    float
    """
    y, w, kernel = _communication_kernel(int(S), int(L))
    t = np.exp(y)
    if L == 1:
        return float(integrate(-np.expm1(-m * np.log1p(t)) * kernel, w))
    # q = rho_1 / rho_L = e^-s with Gauss-Laguerre in s: the inner integral grows like
    # ln(1/q^2) as q -> 0, which a rule on [0, 1] would resolve poorly.
    s, ws = _sp.roots_laguerre(_LAGUERRE_NODES)
    q2 = np.exp(-2.0 * s)[:, None]  # substitute t = tau / q^2
    inner = integrate(-np.expm1(-m * np.log1p(t / q2)) * kernel, w)
    return float((L - 1) * np.sum(ws * (-np.expm1(-s)) ** (L - 2) * inner))


def _range_nodes(r_min, r_max):
    """Nodes and weights of the average over ``r_t ~ U[r_min, r_max]``."""
    nodes, weights = gauss_legendre(_RANGE_NODES, r_min, r_max)
    return nodes, weights / (r_max - r_min)


@cache
def _sensing_kernel(S: int, Q: int):
    """``E[exp(-v c_S(z / v^2))]`` (``v ~ Gamma(Q - 1)``; ``Q = 1``: no exclusion) on the log grid of ``z``."""
    y, w = _log_grid(*_SENSING_GRID)
    z = np.exp(y)
    if Q == 1:
        return y, w, np.exp(-np.sqrt(z) * _full_exponent(S))
    v, wv = _sp.roots_genlaguerre(_LAGUERRE_NODES, Q - 2)
    wv = wv / _sp.gamma(Q - 1)
    c = interference_exponent(S, z[:, None] / v[None, :] ** 2)
    return y, w, integrate(np.exp(-v * c), wv)


@cache
def sensing_rate(m: int, S: int, Q: int, density: float, rcs: float, r_min: float, r_max: float) -> float:
    r"""``R_s = E[ln(1 + SIR_s)]`` in nats (module docstring).

    Parameters
    ----------
    m : int
        Gamma shape of the desired gain.
    S : int
        Streams per interfering BS.
    Q : int
        BSs involved in sensing (the ``Q - 1`` nearest other BSs null towards the receiver).
    density : float
        BS density [m^-2].
    rcs : float
        Radar cross-section [m^2].
    r_min, r_max : float
        Target distance range [m].

    Returns
    -------
    float
    """
    y, w, laplace = _sensing_kernel(int(S), int(Q))
    r, wr = _range_nodes(r_min, r_max)
    a = rcs / (4.0 * np.pi**3 * density**2 * r**4)
    useful = integrate(-np.expm1(-m * np.log1p(np.exp(y)[:, None] * a)), wr)
    integrand = useful * laplace
    if max(integrand[0], integrand[-1]) > 1e-12 * integrand.max():
        raise ValueError(f"sensing_rate: the integrand does not vanish on the quadrature grid (echo scale "
                         f"{a.max():.3g}); density {density:g} m^-2 or the target range is out of the supported range")
    return float(integrate(integrand, w))


class Configurations(NamedTuple):
    """Feasible ``(K, L, J, Q)`` with their ASEs; one entry per configuration."""

    K: np.ndarray
    L: np.ndarray
    J: np.ndarray
    Q: np.ndarray
    comm: np.ndarray  # T_c [nat / m^2]
    sense: np.ndarray  # T_s [nat / m^2]


def _shape(antennas, D):
    return antennas - max(D, 1) + 1


def configurations(antennas: int, max_targets: int, min_cbf: int, min_nulling: int):
    """Feasible ``(K, L, J, Q)`` of eq. (19) with ``L >= L_th``, ``Q >= Q_th``.

    ``K L + J (Q - 1) <= M_t`` and ``J <= J_max``; ``L`` is only meaningful when ``K >= 1``
    and ``Q`` when ``J >= 1``, so communication-only configurations carry ``Q = Q_th`` and
    sensing-only ones ``L = L_th``. Order: ``K``, then ``L``, then ``J``, then ``Q``
    ascending (ties in :func:`weighted_optimum` go to the first).

    Returns
    -------
    K, L, J, Q : ndarray of int
    """
    rows = []
    for K in range(antennas + 1):
        for L in (range(min_cbf, antennas + 1) if K else (min_cbf,)):
            for J in range(max_targets + 1):
                if K == 0 and J == 0:
                    continue
                for Q in (range(min_nulling, antennas + 2) if J else (min_nulling,)):
                    if K * L + J * (Q - 1) <= antennas:
                        rows.append((K, L, J, Q))
    return tuple(np.array(c, int) for c in zip(*rows, strict=True))


@lru_cache(maxsize=64)
def ase_points(antennas: int, max_targets: int, min_cbf: int, min_nulling: int, density: float,
               rcs: float, r_min: float, r_max: float) -> Configurations:
    """ASEs ``T_c = lambda K R_c`` and ``T_s = lambda J R_s`` of every feasible configuration."""
    K, L, J, Q = configurations(antennas, max_targets, min_cbf, min_nulling)
    comm = np.zeros(K.size)
    sense = np.zeros(K.size)
    for i, (k, ll, j, q) in enumerate(zip(K, L, J, Q, strict=True)):
        m, S = _shape(antennas, k * ll + j * (q - 1)), k + j
        if k:
            comm[i] = density * k * communication_rate(m, S, int(ll))
        if j:
            sense[i] = density * j * sensing_rate(m, S, int(q), density, rcs, r_min, r_max)
    for a in (K, L, J, Q, comm, sense):
        a.flags.writeable = False
    return Configurations(K, L, J, Q, comm, sense)


def weighted_optimum(points: Configurations, weight: float, which: str = "isac") -> int:
    """Index of the configuration maximising ``w T_c + (1 - w) T_s``.

    Parameters
    ----------
    points : Configurations
    weight : float
        ``w`` in ``[0, 1]`` (eq. (20)'s ``rho``).
    which : {"isac", "comm", "sense"}
        Among the ISAC configurations (``K, J >= 1``), the communication-only ones
        (``J = 0``) or the sensing-only ones (``K = 0``).
    """
    mask = {"isac": (points.K > 0) & (points.J > 0), "comm": points.J == 0, "sense": points.K == 0}[which]
    objective = np.where(mask, weight * points.comm + (1.0 - weight) * points.sense, -np.inf)
    return int(np.argmax(objective))


def region_summary(points: Configurations, weight: float) -> dict[str, float]:
    """The ISAC boundary point of weight ``w``, the time-sharing point and the gains.

    Returns
    -------
    dict
        ``comm``, ``sense``: ``(T_c, T_s)`` of the ISAC boundary point maximising
        ``w T_c + (1 - w) T_s``; ``comm_ts``, ``sense_ts``: time sharing with fraction ``w``
        on communication, ``(w T_c^max, (1 - w) T_s^max)``; ``sum``: the maximum weighted sum
        (eq. (20)) over the ISAC region; ``gain``: ``sum`` over the best time-sharing
        weighted sum ``max(w T_c^max, (1 - w) T_s^max)``; ``normalised_gain``:
        ``max (T_c / T_c^max + T_s / T_s^max)`` over the ISAC region (time sharing: 1).
    """
    i = weighted_optimum(points, weight)
    comm_max = points.comm[weighted_optimum(points, 1.0, "comm")]
    sense_max = points.sense[weighted_optimum(points, 0.0, "sense")]
    best = weight * points.comm[i] + (1.0 - weight) * points.sense[i]
    isac = (points.K > 0) & (points.J > 0)
    return {
        "comm": float(points.comm[i]),
        "sense": float(points.sense[i]),
        "comm_ts": float(weight * comm_max),
        "sense_ts": float((1.0 - weight) * sense_max),
        "sum": float(best),
        "gain": float(best / max(weight * comm_max, (1.0 - weight) * sense_max)),
        "normalised_gain": float(np.max((points.comm / comm_max + points.sense / sense_max)[isac])),
    }


def simulate_log_sir(rng: np.random.Generator, n_trials: int, link: str, shape: int, streams: int,
                     cluster: int, density: float, *, rcs: float = 1.0, r_min: float = 20.0,
                     r_max: float = 100.0, carrier: float = 3.5e9) -> np.ndarray:
    """Per-trial ``ln(1 + SIR)`` of a communication or sensing link (module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    link : {"comm", "sense"}
    shape : int
        Gamma shape ``m`` of the desired gain.
    streams : int
        ``S``, the Gamma shape of each interferer's power.
    cluster : int
        ``L`` (communication: the ``L`` nearest BSs are silent towards the user) or ``Q``
        (sensing: the ``Q - 1`` nearest other BSs are).
    density : float
        BS density [m^-2].
    rcs, r_min, r_max, carrier : float
        Sensing only: RCS [m^2], target distance range [m], carrier [Hz].

    Returns
    -------
    ndarray, shape (n_trials,)
    """
    # draw order: distances, interferer powers, desired gain, target distance (sensing)
    r = ppp_ordered_distances(rng, density, NEAREST_BSS, n_trials)
    h = gamma_power(rng, streams, (n_trials, NEAREST_BSS))
    g = gamma_power(rng, shape, n_trials)
    silent = cluster if link == "comm" else cluster - 1
    far = streams * np.pi * density / r[:, -1] ** 2  # E[interference beyond r_N | r_N]
    interference = (h[:, silent:] / r[:, silent:] ** 4).sum(axis=1) + far
    if link == "comm":
        return np.log1p(g / r[:, 0] ** 4 / interference)
    r_t = rng.uniform(r_min, r_max, n_trials)
    echo = g * radar_constant(carrier, rcs) / r_t**4  # monostatic: lambda_c^2 sigma / ((4 pi)^3 r_t^4)
    one_way = (wavelength(carrier) / (4.0 * np.pi)) ** 2  # gamma_0, the one-way channel power at 1 m
    return np.log1p(echo / (one_way * interference))
