r"""Backhaul-constrained rate-CRLB trade-off of Meng & Masouros (eq. (10), Fig. 5).

A BS configuration is a CoMP cluster size ``L``, a sensing cluster size ``N`` and a
power split ``p^c + p^s = 1``. Its rate is Theorem 2, ``R_c(L, p^c)`` with
``kappa_c(L)`` (:func:`.rate.rate_theorem2`), and its normalised CRLB is eq. (16),
``c(N, p^s) = 1 / (kappa_s(N)^2 p^s ln^2 N)`` (:func:`.crlb.crlb_with_acceptance`,
corrected ``kappa_s``). The backhaul carries the rate plus ``e`` per cooperating
sensing BS (eq. (10)):

    R_c(L, p^c) + e N <= C.

The paper optimises over this set but leaves the search space and the baseline
unstated; the reconstruction used here (docs/errata.md):

* **Cooperative boundary** (:func:`cooperative_boundary`). For a CRLB level ``c``,
  the largest ``R_c(L, p^c)`` over ``L = 1..20``, ``N = 2..40`` and
  ``p^c in {0.002, 0.005, 0.01, 0.02, ..., 0.99}`` with ``R_c + e N <= C`` and
  ``c(N, 1 - p^c) <= c``, together with the optimal ``(L, N, p^c)`` and the CRLB it
  attains. The constraint is read as a feasibility constraint on the analytic rate.
* **Time sharing** (:func:`time_sharing`). A fraction ``tau`` of the time serves
  communication only (``p^c = 1``, best ``L`` with ``R_c(L, 1) <= C``, rate ``R_1``),
  the rest sensing only (``p^s = 1``, best ``N`` with ``e N <= C``, CRLB ``c_2``). The
  FIM is proportional to the sensing time, so the pair is ``(tau R_1, c_2 / (1 - tau))``:
  at CRLB level ``c >= c_2`` the rate is ``R_1 (1 - c_2 / c)``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import acceptance, crlb, rate

__all__ = ["L_GRID", "N_GRID", "PC_GRID", "cooperative_boundary", "time_sharing"]

#: Search space of the optimisation (not stated in the paper).
L_GRID = np.arange(1, 21)
N_GRID = np.arange(2, 41)
PC_GRID = np.concatenate([[0.002, 0.005], np.round(np.arange(1, 100) * 0.01, 2)])


def _readonly(x):
    x = np.array(x)
    x.setflags(write=False)
    return x


@lru_cache(maxsize=16)
def _rate_table(mu_c: float, psi: int, M_t: int, alpha: float):
    """``R_c(L, p^c)`` on ``L_GRID x PC_GRID`` and ``R_c(L, 1)`` (Theorem 2, ``kappa_c(L)``)."""
    kappa = acceptance.kappa_comm(L_GRID, mu_c, psi)
    table = rate.rate_theorem2(L_GRID[:, None], PC_GRID[None, :], kappa[:, None], M_t, alpha)
    full_power = rate.rate_theorem2(L_GRID, 1.0, kappa, M_t, alpha)
    return _readonly(table), _readonly(full_power)


def _crlb_table(mu_s: float, psi: int, p_s):
    """Eq. (16), ``c(N, p^s)`` on ``N_GRID`` x ``p_s``."""
    kappa = acceptance.kappa_sensing(N_GRID, mu_s, psi)
    return crlb.crlb_with_acceptance(N_GRID[:, None], kappa[:, None], form="printed") / np.asarray(p_s)[None, :]


@lru_cache(maxsize=32)
def _frontier(C: float, e: float, mu_c: float, mu_s: float, psi: int, M_t: int, alpha: float):
    """Feasible configurations sorted by CRLB, with the running best rate and its arguments."""
    rates, _ = _rate_table(mu_c, psi, M_t, alpha)
    c = _crlb_table(mu_s, psi, 1.0 - PC_GRID)  # (N, p)
    allowed = C - e * N_GRID  # rate budget left by the sensing cluster
    # best L for every (N, p^c): the largest rate that fits the budget
    fits = rates[None, :, :] <= allowed[:, None, None]  # (N, L, p)
    masked = np.where(fits, rates[None, :, :], -np.inf)
    best_l = masked.argmax(axis=1)  # (N, p)
    best_rate = np.take_along_axis(masked, best_l[:, None, :], axis=1)[:, 0, :]
    n_idx, p_idx = np.meshgrid(np.arange(N_GRID.size), np.arange(PC_GRID.size), indexing="ij")
    ok = np.isfinite(best_rate)
    order = np.lexsort((-best_rate[ok], c[ok]))  # by CRLB, then by rate (descending)
    crlb_sorted = c[ok][order]
    rate_sorted = best_rate[ok][order]
    # running maximum of the rate over configurations with CRLB <= c
    running = np.maximum.accumulate(rate_sorted)
    arg = np.zeros(running.size, int)
    arg[1:] = np.where(rate_sorted[1:] > running[:-1], np.arange(1, running.size), 0)
    arg = np.maximum.accumulate(arg)
    L_opt = L_GRID[best_l[ok][order]][arg]
    N_opt = N_GRID[n_idx[ok][order]][arg]
    pc_opt = PC_GRID[p_idx[ok][order]][arg]
    return tuple(_readonly(v) for v in (crlb_sorted, running, crlb_sorted[arg], L_opt, N_opt, pc_opt))


def _check(C, e, psi, M_t, alpha):
    if not C > 0:
        raise ValueError("the backhaul capacity C must be > 0")
    if e < 0:
        raise ValueError("the backhaul rate per sensing BS e must be >= 0")
    return float(C), float(e), int(psi), int(M_t), float(alpha)


def cooperative_boundary(c_level, *, C, e, mu_c, mu_s, psi, M_t, alpha):
    """Best cooperative rate with normalised CRLB at most ``c_level`` (Fig. 5).

    Parameters
    ----------
    c_level : array_like
        Normalised CRLB levels (> 0).
    C, e : float
        Backhaul capacity and backhaul rate per sensing BS, in nats/s/Hz.
    mu_c, mu_s : float
        User-to-BS and target-to-BS density ratios.
    psi : int
        Requests a BS can serve.
    M_t : int
        Transmit antennas.
    alpha : float
        Path-loss exponent of the communication links.

    Returns
    -------
    dict of ndarray
        ``rate`` (nats/s/Hz), ``crlb`` (the CRLB the optimum attains, <= ``c_level``),
        and the optimal ``L``, ``N`` and ``p_c``; NaN where no configuration reaches
        ``c_level``.
    """
    C, e, psi, M_t, alpha = _check(C, e, psi, M_t, alpha)
    crlbs, best, attained, L, N, pc = _frontier(C, e, float(mu_c), float(mu_s), psi, M_t, alpha)
    level = np.asarray(c_level, float)
    i = np.searchsorted(crlbs, level, side="right") - 1  # last configuration with CRLB <= level
    ok = i >= 0
    j = np.where(ok, i, 0)
    out = {"rate": best[j], "crlb": attained[j], "L": L[j].astype(float), "N": N[j].astype(float),
           "p_c": pc[j]}
    return {k: np.where(ok, v, np.nan)[()] for k, v in out.items()}


def time_sharing(c_level, *, C, e, mu_c, mu_s, psi, M_t, alpha):
    """Rate of time sharing between the communication-only and sensing-only corners.

    Parameters are those of :func:`cooperative_boundary`.

    Returns
    -------
    ndarray
        ``R_1 (1 - c_2 / c_level)`` for ``c_level >= c_2``, NaN below.
    """
    C, e, psi, M_t, alpha = _check(C, e, psi, M_t, alpha)
    _, full_power = _rate_table(float(mu_c), psi, M_t, alpha)
    fitting = full_power[full_power <= C]
    r1 = float(fitting.max()) if fitting.size else 0.0
    c = _crlb_table(float(mu_s), psi, np.array([1.0]))[:, 0]
    affordable = c[e * N_GRID <= C]
    if not affordable.size:
        return np.full(np.shape(c_level), np.nan)[()]
    c2 = float(affordable.min())
    level = np.asarray(c_level, float)
    with np.errstate(divide="ignore"):
        return np.where(level >= c2, r1 * (1.0 - c2 / level), np.nan)[()]
