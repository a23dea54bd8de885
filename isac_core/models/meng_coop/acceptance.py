"""Load-limited acceptance probabilities of Meng & Masouros (Lemma 1 and Section IV).

Model (paper Section III-B, Section IV and Appendix C). Every BS has ``psi``
resource blocks. A BS that receives ``n`` requests serves all of them if
``n <= psi`` and otherwise ``psi`` of them chosen uniformly at random, so a given
request is accepted with probability ``min(1, psi / n)``. The analysis replaces the
load of a requested BS by ``n ~ Poisson(m)`` with

    m_s = mu_s N_bar,   mu_s = lambda_s / lambda_b   (sensing, cluster size N),
    m_c = mu_c L_bar,   mu_c = lambda_u / lambda_b   (communication, cluster size L),

and ``N_bar = (Gamma(N + 1/2) / Gamma(N))^2 = lambda_b pi E[d_N]^2``
(:func:`mean_squared_distance_index`; ``E[d_N]`` as in Proposition 1), the mean
number of targets in a disc of radius ``E[d_N]``. The exact mean load is
``N mu_s``; the paper uses ``mu_s N_bar`` and so does this module.

* :func:`kappa_sensing` -- Lemma 1, eq. (15)/(24). The boxed first line of (24)
  is correct; **both printed closed forms are wrong** (eq. (15): ``Q(psi, m)``,
  drops the ``n = psi`` term; eq. (24): ``Gamma(psi, m)/psi! = Q(psi, m)/psi``).
  Corrected:

      kappa_s = Q(psi + 1, m_s) + psi sum_{n > psi} Pois(n; m_s) / n.

  The printed forms and the size-biased ("Palm") variant are kept for reference.
* :func:`kappa_comm` -- the unnumbered formula of Section IV (one slot reserved
  for the BS's own user, ``n - 1`` requests compete for ``psi - 1`` slots):

      kappa_c = Q(psi, m_c) + (psi - 1) sum_{n >= psi} Pois(n; m_c) / (n - 1).

* :func:`network_acceptance` -- Monte Carlo of the realised per-request sensing
  acceptance on a torus (real loads, which are over-dispersed compared with the
  Poisson model).

``Q(a, x) = Gamma(a, x) / Gamma(a)`` is the regularised upper incomplete gamma
(``Q(a, m) = Pr[Poisson(m) <= a - 1]`` for integer ``a``). The Poisson tails are
summed in log space over a window around the mode; no factorial is ever formed.
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sp
from scipy.spatial import cKDTree

from ...validation import nonnegative, whole

__all__ = [
    "mean_squared_distance_index",
    "poisson_tail_ratio",
    "kappa_sensing",
    "kappa_comm",
    "network_acceptance",
]

_SENSING_FORMS = ("corrected", "printed15", "printed24", "palm")
#: ``Gamma(N + 1/2) / Gamma(N) = sqrt(N) sum_k c_k N^-k`` (asymptotic series), used for
#: ``N > _GAMMA_MAX``.
_RATIO_SERIES = (1.0, -1.0 / 8.0, 1.0 / 128.0, 5.0 / 1024.0, -21.0 / 32768.0, -399.0 / 262144.0, 869.0 / 4194304.0)
_GAMMA_MAX = 170.0
#: Half-width of the Poisson summation window in standard deviations, and the
#: extra absolute margin (terms outside are below e^-100 of the sum).
_TAIL_SIGMAS = 15.0
_TAIL_MARGIN = 40.0


def mean_squared_distance_index(N):
    r"""Normalised mean squared distance index :math:`\bar N = (\Gamma(N + \tfrac12)/\Gamma(N))^2`.

    Lemma 1 (after eq. (15)) and Appendix C: :math:`\bar N = \lambda_b \pi E[d_N]^2`,
    with :math:`E[d_N] = \Gamma(N + \tfrac12) / (\sqrt{\lambda_b\pi}\,\Gamma(N))`
    (Proposition 1). The ratio ``Gamma(N + 1/2) / Gamma(N)`` is evaluated directly for
    ``N <= 170`` and by its asymptotic series (:data:`_RATIO_SERIES`, terms up to
    ``N^-6``, truncation error below 1e-18 there) beyond, where ``Gamma`` overflows.
    Both are accurate to a few ulp; the log-gamma difference
    ``exp(2 [lnGamma(N + 1/2) - lnGamma(N)])`` loses digits by cancellation for large
    ``N`` (1e-11 relative at ``N = 1e4``, 2e-9 at ``N = 1e6``).
    ``N_bar = N - 1/4 + 1/(32 N) + 1/(128 N^2) + O(N^-3)``.

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers >= 1).

    Returns
    -------
    ndarray
    """
    N = whole(N, "N", 1)
    ratio = np.empty_like(N)
    small = N <= _GAMMA_MAX
    ratio[small] = _sp.gamma(N[small] + 0.5) / _sp.gamma(N[small])
    x = 1.0 / N[~small]
    series = np.zeros_like(x)
    for coef in reversed(_RATIO_SERIES):
        series = series * x + coef
    ratio[~small] = np.sqrt(N[~small]) * series
    return np.square(ratio)[()]


def poisson_tail_ratio(start, m, shift=0):
    r"""Poisson tail :math:`T = \sum_{n \ge a} \mathrm{Pois}(n; m) / (n - s)`.

    The sum behind the second terms of eqs. (15)/(24) (``a = psi + 1``, ``s = 0``)
    and of the Section IV formula for ``kappa_c`` (``a = psi``, ``s = 1``). Summed in
    log space, ``Pois(n; m) = exp(-m + n ln m - lnGamma(n + 1))``, over the window
    ``max(a, m - 15 sqrt(m) - 40) <= n <= max(a, m) + 15 sqrt(m) + 40``; the terms
    left out are below ``e^-100`` of the total.

    Parameters
    ----------
    start : array_like of int
        First index ``a`` (``a > s``).
    m : array_like
        Poisson mean (>= 0); broadcast against ``start``.
    shift : int
        ``s`` in ``0, 1``.

    Returns
    -------
    ndarray
    """
    a = whole(start, "start", 1)
    m = nonnegative(m, "m")
    shift = int(shift)
    if np.any(a <= shift):
        raise ValueError("start must exceed shift")
    a, m = np.broadcast_arrays(a, m)
    half = _TAIL_SIGMAS * np.sqrt(m) + _TAIL_MARGIN
    lo = np.maximum(a, np.floor(m - half))
    hi = np.maximum(a, np.ceil(m)) + np.ceil(half)
    width = int(np.max(hi - lo, initial=0.0)) + 1
    n = lo[..., None] + np.arange(width)
    inside = n <= hi[..., None]
    log_pmf = -m[..., None] + _sp.xlogy(n, m[..., None]) - _sp.gammaln(n + 1.0)
    terms = np.where(inside, np.exp(log_pmf) / (n - shift), 0.0)
    return terms.sum(axis=-1)[()]


def kappa_sensing(N, mu_s, psi, form="corrected"):
    r"""Sensing acceptance probability :math:`\kappa_s` (Lemma 1, eqs. (15)/(24)).

    With :math:`m = \mu_s \bar N` and :math:`T = \sum_{n>\psi} \mathrm{Pois}(n; m)/n`:

    * ``"corrected"``: :math:`Q(\psi+1, m) + \psi T`, the boxed first line of
      eq. (24), :math:`\sum_{n\le\psi}\Pr[n] + \sum_{n>\psi}\Pr[n]\,\psi/n`;
    * ``"printed15"``: eq. (15) as printed, :math:`\Gamma(\psi, m)/(\psi-1)! + \psi T
      = Q(\psi, m) + \psi T` (drops the ``n = psi`` term);
    * ``"printed24"``: the last line of eq. (24) as printed,
      :math:`\Gamma(\psi, m)/\psi! + \psi T = Q(\psi, m)/\psi + \psi T`;
    * ``"palm"``: size-biased variant (the typical request sees ``1 + Poisson(m)``
      requests), :math:`Q(\psi, m) + (\psi/m) P(\psi + 1, m)`; not in the paper.

    Printed: eq. (15) ``Gamma(psi, .)/(psi-1)!``, eq. (24) ``Gamma(psi, .)/psi!``;
    corrected: ``Gamma(psi+1, .)/psi!``. Only the corrected form puts the minimum
    of eq. (16) at ``N = psi = 15``.

    Parameters
    ----------
    N : array_like
        Sensing cluster sizes (whole numbers >= 1).
    mu_s : array_like
        Target-to-BS density ratio ``lambda_s / lambda_b`` (>= 0).
    psi : array_like
        Resource blocks per BS (whole numbers >= 1).
    form : {"corrected", "printed15", "printed24", "palm"}

    Returns
    -------
    ndarray
        Broadcast of ``N``, ``mu_s`` and ``psi``.
    """
    if form not in _SENSING_FORMS:
        raise ValueError(f"form must be one of {_SENSING_FORMS}, got {form!r}")
    psi = whole(psi, "psi", 1)
    m = mean_squared_distance_index(N) * nonnegative(mu_s, "mu_s")
    psi, m = np.broadcast_arrays(psi, m)
    if form == "palm":
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(m > 0.0, psi / m * _sp.gammainc(psi + 1.0, m), 0.0)
        return (_sp.gammaincc(psi, m) + ratio)[()]
    tail = psi * poisson_tail_ratio(psi + 1.0, m)
    if form == "corrected":
        head = _sp.gammaincc(psi + 1.0, m)
    elif form == "printed15":
        head = _sp.gammaincc(psi, m)
    else:
        head = _sp.gammaincc(psi, m) / psi
    return (head + tail)[()]


def kappa_comm(L, mu_c, psi):
    r"""Communication (CoMP) acceptance probability :math:`\kappa_c` (Section IV).

    .. math:: \kappa_c = Q(\psi, m_c) + (\psi - 1) \sum_{n \ge \psi}
              \frac{\mathrm{Pois}(n; m_c)}{n - 1}, \qquad m_c = \mu_c \bar L,

    the unnumbered formula after eq. (16) with :math:`\Gamma(\psi, m)/(\psi-1)! =
    Q(\psi, m)`: one of the ``psi`` slots is kept for the BS's own served user and
    the other ``n - 1`` requests compete for ``psi - 1`` slots (the ``n = psi`` term is
    ``Pois(psi)``, so the formula is consistent). For ``psi = 1`` no slot is left
    for cooperation and ``kappa_c = Q(1, m) = e^-m``. Irrelevant for ``L = 1``.

    Parameters
    ----------
    L : array_like
        Communication cluster sizes (whole numbers >= 1).
    mu_c : array_like
        User-to-BS density ratio ``lambda_u / lambda_b`` (>= 0).
    psi : array_like
        Resource blocks per BS (whole numbers >= 1).

    Returns
    -------
    ndarray
    """
    psi = whole(psi, "psi", 1)
    m = mean_squared_distance_index(L) * nonnegative(mu_c, "mu_c")
    psi, m = np.broadcast_arrays(psi, m)
    two = np.maximum(psi, 2.0)  # the tail is multiplied by psi - 1 = 0 when psi = 1
    tail = (psi - 1.0) * poisson_tail_ratio(two, m, shift=1)
    return (_sp.gammaincc(psi, m) + tail)[()]


def network_acceptance(rng, N, psi, *, mu_s=1.0, side=60.0, n_drops=3):
    r"""Monte Carlo of the realised per-request sensing acceptance (MC-B, docs/errata.md).

    Per drop: BSs (density 1) and targets (density ``mu_s``) are dropped as PPPs on a
    torus of side ``side`` (in units of ``lambda_b^-1/2``), each target requests its
    ``N`` nearest BSs (toroidal k-nearest neighbours, :class:`scipy.spatial.cKDTree`
    with ``boxsize``), and a BS with ``n`` requests accepts ``min(n, psi)`` of them.
    The per-request acceptance is ``sum_b min(n_b, psi) / sum_b n_b``, pooled over the
    drops (it is the expectation over the uniform choice of the accepted requests,
    so no choice is drawn). Loads are over-dispersed compared with the Poisson model
    of Lemma 1, so the result lies somewhat below :func:`kappa_sensing`.

    Parameters
    ----------
    rng : numpy.random.Generator
    N : int
        Sensing cluster size (``1 <= N``).
    psi : int
        Resource blocks per BS.
    mu_s : float
        ``lambda_s / lambda_b``.
    side : float
        Torus side; ``side^2`` must hold many more than ``N`` BSs.
    n_drops : int
        Independent drops.

    Returns
    -------
    dict
        ``acceptance`` (pooled per-request acceptance), ``load_mean`` and
        ``load_var`` (load of a BS, all BSs pooled), ``bs_mean_acceptance`` (mean
        of ``min(1, psi/n)`` over the BSs with ``n >= 1``) and ``per_drop``
        (acceptance of each drop).

    Notes
    -----
    Per drop the generator is consumed in the order: BS count, BS positions,
    target count, target positions.
    """
    N = int(whole(N, "N", 1))
    psi = int(whole(psi, "psi", 1))
    mu_s = float(nonnegative(mu_s, "mu_s"))
    side = float(side)
    n_drops = int(n_drops)
    if not side > 0.0 or n_drops < 1:
        raise ValueError("side must be > 0 and n_drops >= 1")
    if side * side < 4.0 * N:
        raise ValueError("the torus is too small for N nearest neighbours")
    accepted = requested = 0
    loads = []
    per_drop = []
    for _ in range(n_drops):
        n_bs = int(rng.poisson(side * side))
        bs = rng.random((n_bs, 2)) * side
        n_t = int(rng.poisson(mu_s * side * side))
        targets = rng.random((n_t, 2)) * side
        if n_bs < N:
            raise ValueError("fewer BSs than N in a drop; enlarge the torus")
        tree = cKDTree(bs, boxsize=side)
        _, idx = tree.query(targets, k=N)
        load = np.bincount(np.reshape(idx, -1), minlength=n_bs)
        acc = int(np.minimum(load, psi).sum())
        req = int(load.sum())
        accepted += acc
        requested += req
        loads.append(load)
        per_drop.append(acc / req if req else 1.0)
    load = np.concatenate(loads)
    busy = load > 0
    return {
        "acceptance": accepted / requested if requested else 1.0,
        "load_mean": float(load.mean()),
        "load_var": float(load.var()),
        "bs_mean_acceptance": float(np.mean(np.minimum(1.0, psi / load[busy]))) if busy.any() else 1.0,
        "per_drop": np.asarray(per_drop),
    }
