r"""Monte Carlo kernels of Sun et al. (ISAC coverage with building blockage), docs/errata.md.

Model (docs/errata.md). Base stations (BSs) form a PPP of density ``lam`` [m^-2] on the
plane. Every link of length ``r`` [m] (UE--BS, target--BS, BS--BS) is line-of-sight (LoS)
independently of every other link with probability ``P_L(r) = exp(-(beta r + p))``
(:func:`.blockage.los_probability`); otherwise it is NLoS. Path gains are
``C_L r^-alpha_L`` (LoS), ``C_N r^-alpha_N`` (NLoS) and, for sensing, the echo
``C_E d_0^-alpha_E`` and the target-reflection cascade (TRC) ``C_E y^-(alpha_E/2) d_0^-(alpha_E/2)``.
LoS links carry unit-mean Rician(``K``) power fading, NLoS interfering links
exponential power fading with *rate* ``mu`` (mean ``1/mu``), the target a Swerling-I
cross-section (exponential, mean ``rcs_mean`` [m^2], drawn independently for the echo and
for every TRC link). The typical UE / sensing target (ST) is served by its nearest LoS
BS; with no LoS BS at all (coverage hole) the SINR is 0. Powers are in W, ``noise`` is
the noise power ``sigma^2 = N_0 W`` [W]; the returned SINRs are linear.

Geometry of one trial
---------------------
The receiver (UE or ST) is at the origin. The LoS BSs form a PPP of intensity
``lam P_L(|x|)`` with total mass ``Lambda = 2 pi lam e^-p / beta^2`` (finite for
``beta > 0``), so the nearest-visible distance is drawn *exactly* by inversion: with
``E ~ Exp(1)`` the trial is a hole iff ``E >= Lambda`` (probability
``P_hole = e^-Lambda``, eq 5), else ``r_0`` solves ``2 pi lam Q(r_0) = E``
(:func:`visible_distance`). Given ``r_0``, the other BSs form a PPP of intensity
``lam (1 - P_L(|x|) 1{|x| <= r_0})`` in which each BS beyond ``r_0`` is LoS with
probability ``P_L`` independently. They are drawn as a homogeneous PPP of density
``lam`` in a disc of radius

    rho = max(sqrt(n_points / (pi lam)), RADIUS_FACTOR r_0)

(``n_points`` BSs on average; the disc always extends well beyond the serving BS) with
independent LoS marks, the LoS points inside ``r_0`` being deleted. Beyond ``rho``:

* the LoS BSs form a PPP of finite mean count ``Lambda (1 + beta rho) e^(-beta rho)``.
  While that count (at the default radius) is at most ``FAR_LOS_MAX`` they are drawn
  *exactly* (:func:`_far_los`: ``x = rho + Y``, ``Y`` a mixture of Exp(``beta``) and
  Gamma(2, ``1/beta``)). This matters: at low density the LoS far field is a rare event
  (usually no BS at all, sometimes one strong one), and replacing it by its mean biased
  the 20 dB sensing coverage by up to 0.14. Above ``FAR_LOS_MAX`` (dense LoS field, e.g.
  ``lam >~ 2e-3`` at the default parameters, and always without blockage) it is replaced
  by its mean; the change against exact drawing is within the MC error (< 0.003 at
  ``lam = 1e-2``, 2e5 drops);
* the NLoS BSs (a dense field, ``alpha_N > 2``) are replaced by their mean.

The means are closed forms in

    G(rho, a, c) = int_rho^inf e^(-c x) x^(1 - a) dx = c^(a-2) Gamma(2 - a, c rho)

(:func:`tail_integral`): LoS ``2 pi lam e^-p w_L G(rho, alpha_L, beta)``, NLoS
``2 pi lam w_N [G(rho, alpha_N, 0) - e^-p G(rho, alpha_N, beta)]`` with the mean
per-BS weights ``w``. Compared with a fixed disc of a few km (docs/errata.md) this costs
about ``n_points`` BSs per drop at every density (plus the rare exact far LoS BSs), has
no truncation bias at low density or without blockage (Corollary 2 with
``alpha_E = 5`` is reproduced, where a 3 km disc is 0.02 too high) and no memory
blow-up at high density.

Kernels
-------
* :func:`comm_sinr_samples` -- MC-C (docs/errata.md): desired LoS Rician link at ``r_0``;
  LoS interferers beyond ``r_0`` (Rician), NLoS interferers anywhere (Exp(``mu_c``)).
  Theorem 1 is exact for this model up to its 4-term Rician series.
* :func:`sensing_sinr_samples` -- the sensing MCs of docs/errata.md, ``variant=``

  - ``"independent"`` (MC-S, matched to Theorem 2): the BS--B_0 interferers are an
    *independent* PPP around the sensing BS ``B_0`` with independent LoS marks; LoS points
    within ``d_0`` of ``B_0`` are discarded (the paper's exclusion, Appendix B step (e)),
    NLoS points count at any distance. TRC from the other LoS BSs of the target.
  - ``"shared_excluded"`` (MC-S1): one BS realisation; the BS--B_0 distances are those of
    the same BSs, with a fresh independent LoS mark per BS--B_0 link; LoS counted only
    beyond ``d_0``.
  - ``"shared"`` (MC-S2): as ``"shared_excluded"`` without the exclusion -- the plain
    single-network model of Theorem 2' (docs/errata.md).

  In the shared variants the far-field mean around ``B_0`` uses the B_0-centred
  integral beyond ``rho`` (``rho >= RADIUS_FACTOR d_0``, so the offset of ``B_0`` changes
  a small tail by ``O((d_0/rho)^2)``).
* :func:`comm_sinr_samples_no_blockage`, :func:`sensing_sinr_samples_no_blockage` --
  docs/errata.md (``beta = p = 0``: all links LoS, Rician everywhere; sensing as MC-S,
  without TRC by default), to compare with Special Cases 1-6.
* :func:`.buildings.rectangle_sinr_samples` (module :mod:`.buildings`) -- the same
  networks with explicit rectangular buildings instead of independent LoS marks, a
  separate model that tests the paper's independence assumption (docs/errata.md).
* :func:`coverage` turns samples into ``P(SINR > T)`` and its binomial standard error
  for any number of thresholds (each threshold's value does not depend on the others).

Reproducibility. Trials are processed in blocks of at most ``block`` trials (fewer when
``block * n_points`` would exceed ``BLOCK_POINTS`` BSs); the generator is consumed
block by block in the order listed in each kernel's Notes, so a given generator state,
set of arguments and ``block`` always give the same samples. Hole trials draw no BSs.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from scipy import special as _sp

from ...fading import rayleigh_power, rician_power, swerling1_rcs
from ...numerics import inverse_power
from ...validation import nonnegative, positive, whole
from .blockage import los_probability, visible_mass

__all__ = [
    "BLOCK_TRIALS",
    "BLOCK_POINTS",
    "N_POINTS",
    "RADIUS_FACTOR",
    "FAR_LOS_MAX",
    "VARIANTS",
    "visible_distance",
    "tail_integral",
    "comm_sinr_samples",
    "sensing_sinr_samples",
    "comm_sinr_samples_no_blockage",
    "sensing_sinr_samples_no_blockage",
    "coverage",
]

#: Default largest number of trials per block.
BLOCK_TRIALS = 4096
#: Largest expected number of BSs (over all discs) per block; caps the block size.
BLOCK_POINTS = 1 << 19
#: Default mean number of BSs drawn explicitly per disc and trial.
N_POINTS = 128
#: The BS disc reaches at least this multiple of the serving distance.
RADIUS_FACTOR = 4.0
#: LoS BSs beyond the disc are drawn exactly while their mean number (at the default
#: disc radius) is at most this; above it they are dense and replaced by their mean.
FAR_LOS_MAX = 64.0
#: Sensing variants: MC-S (matched to Theorem 2), MC-S1, MC-S2 (Theorem 2').
VARIANTS = ("independent", "shared_excluded", "shared")

_SERIES_CUT = 1e-2  # u below this: series of u - log1p(u)


# --------------------------------------------------------------------------- input checks


class _Net:
    """Validated network / blockage parameters shared by the kernels."""

    def __init__(self, lam, beta, p, n_points):
        self.lam = positive(lam, "lam", scalar=True)
        self.beta = nonnegative(beta, "beta", scalar=True)
        self.p = nonnegative(p, "p", scalar=True)
        self.n_points = positive(n_points, "n_points", scalar=True)
        self.has_nlos = self.beta > 0.0 or self.p > 0.0
        self.rho = math.sqrt(self.n_points / (math.pi * self.lam))
        if self.beta > 0.0:
            self.los_mass = float(visible_mass(self.lam, self.beta, self.p))
            self.far_exact = bool(self.far_los_mass(self.rho) <= FAR_LOS_MAX)
        else:
            self.los_mass = math.inf
            self.far_exact = False

    def far_los_mass(self, rho):
        """Mean number of LoS BSs beyond ``rho`` (``beta > 0``)."""
        u = self.beta * rho
        with np.errstate(under="ignore"):
            return self.los_mass * (1.0 + u) * np.exp(-u)

    def radius(self, r0):
        return np.maximum(self.rho, RADIUS_FACTOR * r0)

    def los(self, r):
        return los_probability(r, self.beta, self.p)


def _check_los_alpha(alpha, beta, name):
    alpha = positive(alpha, name, scalar=True)
    if beta == 0.0 and not alpha > 2.0:
        raise ValueError(f"{name} must exceed 2 without blockage (beta = 0): the LoS interference is infinite")
    return alpha


def _check_nlos_alpha(alpha, net, gain, name):
    alpha = positive(alpha, name, scalar=True)
    if net.has_nlos and gain > 0.0 and not alpha > 2.0:
        raise ValueError(f"{name} must exceed 2: the NLoS interference is infinite")
    return alpha


def _links(net, *, P_t, C_L, C_N, alpha_L, alpha_N, K, mu, noise) -> dict:
    """The validated link constants the communication and sensing kernels share.

    ``mu`` is ``(value, name)``: the NLoS fading rate of the kernel (``mu_c`` or ``mu_s``).
    """
    c = dict(P_t=positive(P_t, "P_t", scalar=True), C_L=positive(C_L, "C_L", scalar=True),
             C_N=nonnegative(C_N, "C_N", scalar=True), K=nonnegative(K, "K", scalar=True, allow_inf=True),
             mu=positive(*mu, scalar=True), noise=nonnegative(noise, "noise", scalar=True))
    c["alpha_L"] = _check_los_alpha(alpha_L, net.beta, "alpha_L")
    c["alpha_N"] = _check_nlos_alpha(alpha_N, net, c["C_N"], "alpha_N")
    return c


def _block_size(block, n_discs, n_points) -> int:
    block = whole(block, "block", 1, scalar=True)
    return max(1, min(block, int(BLOCK_POINTS // (n_discs * n_points))))


# --------------------------------------------------------------------------- closed forms


def _u_minus_log1p(u):
    """``u - log1p(u)`` for ``u >= 0`` without cancellation (series below ``_SERIES_CUT``)."""
    out = u - np.log1p(u)
    small = u < _SERIES_CUT
    if np.any(small):
        us = u[small]
        acc = np.zeros_like(us)
        for k in range(10, 1, -1):  # sum_{k=2}^{10} (-1)^k u^k / k by Horner
            acc = us * (acc + (1.0 if k % 2 == 0 else -1.0) / k)
        out[small] = us * acc
    return out


def visible_distance(mass, lam, beta, p):
    r"""Inverse of the LoS mass function: ``r`` with ``2 pi lam Q(r) = mass``.

    ``2 pi lam Q(r)`` (:func:`.blockage.q_integral`) is the mean number of LoS BSs within
    ``r``; with ``mass = E ~ Exp(1)`` the result is the distance to the nearest visible BS
    (density ``f_V``, eq 4). For ``beta > 0`` the total mass is
    ``Lambda = 2 pi lam e^-p / beta^2``; ``mass >= Lambda`` means no visible BS and gives
    ``inf``. With ``u = beta r`` the equation is ``u - log(1 + u) = -log(1 - mass/Lambda)``,
    solved by Newton's method from the upper bound ``u_0 = sqrt(2 w) + w`` (monotone,
    quadratic convergence, about 1 ulp). ``beta = 0``: ``r = sqrt(mass / (pi lam e^-p))``.

    Parameters
    ----------
    mass : array_like
        Non-negative LoS mass (dimensionless).
    lam : float
        BS density [m^-2].
    beta : float
        Blockage parameter [m^-1], ``>= 0``.
    p : float
        Blocked-area proportion, ``>= 0``.

    Returns
    -------
    ndarray
        Distance [m] (``inf`` beyond the total mass).
    """
    lam = positive(lam, "lam", scalar=True)
    beta = nonnegative(beta, "beta", scalar=True)
    p = nonnegative(p, "p", scalar=True)
    mass = np.asarray(mass, dtype=float)
    if np.any(~(mass >= 0.0)):
        raise ValueError("mass must be >= 0")
    if beta == 0.0:
        return np.sqrt(mass / (math.pi * lam * math.exp(-p)))
    total = float(visible_mass(lam, beta, p))
    y = np.atleast_1d(mass / total)
    out = np.full(y.shape, np.inf)
    ok = y < 1.0
    w = -np.log1p(-y[ok])
    u = np.sqrt(2.0 * w) + w  # h(u0) >= w: Newton from the right of the root
    live = np.flatnonzero(w > 0.0)
    for _ in range(100):
        ul = u[live]
        step = (_u_minus_log1p(ul) - w[live]) * (1.0 + ul) / ul
        u[live] = ul - step
        live = live[~(np.abs(step) <= 4e-16 * ul)]
        if live.size == 0:
            break
    out[ok] = u / beta
    return out.reshape(mass.shape)[()]


def _upper_gamma(a: float, z):
    """Upper incomplete gamma ``Gamma(a, z)`` for real ``a`` (any sign) and ``z > 0``.

    ``a > 0``: ``Gamma(a) Q(a, z)``; ``a <= 0``: start from ``a + n`` in ``(0, 1)``
    (or from ``Gamma(0, z) = E_1(z)`` for integer ``a``) and step down with
    ``Gamma(s, z) = (Gamma(s + 1, z) - z^s e^-z) / s``.
    """
    if a > 0.0:
        return _sp.gamma(a) * _sp.gammaincc(a, z)
    n = math.ceil(-a)
    s = a + n  # in [0, 1)
    g = _sp.exp1(z) if s == 0.0 else _sp.gamma(s) * _sp.gammaincc(s, z)
    for _ in range(n):
        s -= 1.0
        g = (g - np.power(z, s) * np.exp(-z)) / s
    return g


def tail_integral(rho, alpha, c):
    r"""``G(rho, alpha, c) = int_rho^inf e^(-c x) x^(1 - alpha) dx`` [m^(2 - alpha)].

    The mean interference of PPP points beyond ``rho`` with path loss ``x^-alpha`` and
    a LoS factor ``e^(-c x)`` is ``2 pi lam`` times this. ``c > 0``:
    ``c^(alpha - 2) Gamma(2 - alpha, c rho)`` (any ``alpha``); ``c = 0``:
    ``rho^(2 - alpha) / (alpha - 2)``, infinite for ``alpha <= 2``.

    Parameters
    ----------
    rho : array_like
        Lower limit [m], ``> 0``.
    alpha : float
        Path-loss exponent.
    c : float
        Exponential decay rate [m^-1], ``>= 0``.

    Returns
    -------
    ndarray
    """
    rho = np.asarray(rho, dtype=float)
    alpha = float(alpha)
    c = float(c)
    if c == 0.0:
        if not alpha > 2.0:
            return np.full(rho.shape, np.inf)[()]
        return (np.power(rho, 2.0 - alpha) / (alpha - 2.0))[()]
    with np.errstate(under="ignore"):
        return (c ** (alpha - 2.0) * _upper_gamma(2.0 - alpha, c * rho))[()]


def _far_field(net, rho, los_alpha, los_weight, nlos_alpha, nlos_weight):
    """Mean interference from beyond ``rho`` (per unit ``P_t``).

    The LoS part is included only when the far LoS BSs are not drawn exactly.
    """
    e_p = math.exp(-net.p)
    out = np.zeros(np.shape(rho))
    if not net.far_exact:
        out += (2.0 * math.pi * net.lam * e_p * los_weight) * tail_integral(rho, los_alpha, net.beta)
    if net.has_nlos and nlos_weight > 0.0:
        nlos = tail_integral(rho, nlos_alpha, 0.0) - e_p * tail_integral(rho, nlos_alpha, net.beta)
        out = out + (2.0 * math.pi * net.lam * nlos_weight) * nlos
    return out


# --------------------------------------------------------------------------- draws


def _disc(rng, net, radius):
    """Homogeneous PPP of density ``lam`` in discs of radii ``radius`` (one per trial).

    Draw order: the counts, then one uniform per point. Returns the owner trial of
    every point and its distance to the centre [m].
    """
    counts = rng.poisson(math.pi * net.lam * radius * radius)
    owner = np.repeat(np.arange(radius.size), counts)
    r = rng.random(owner.size)
    np.sqrt(r, out=r)
    r *= np.repeat(radius, counts)  # = radius[owner], without the gather
    return owner, r


def _far_los(rng, net, radius):
    """Exact LoS BSs beyond ``radius`` (one radius per trial), ``beta > 0``.

    They form a PPP of intensity ``lam e^-p e^(-beta x)`` (radial density
    ``2 pi lam e^-p x e^(-beta x)``) with mean count ``far_los_mass(radius)``; given the
    count, ``x = radius + Y`` with ``Y`` of density proportional to
    ``(radius + y) e^(-beta y)``: Exp(``beta``) with probability
    ``beta radius / (1 + beta radius)``, else Gamma(2, ``1/beta``). Draw order: the counts,
    then per point one uniform (mixture choice) and two Exp(1).
    """
    counts = rng.poisson(net.far_los_mass(radius))
    owner = np.repeat(np.arange(radius.size), counts)
    rad = radius[owner]
    u = rng.random(owner.size)
    e1 = rng.standard_exponential(owner.size)
    e2 = rng.standard_exponential(owner.size)
    br = net.beta * rad
    e1 += np.where(u * (1.0 + br) >= br, e2, 0.0)
    e1 *= 1.0 / net.beta
    e1 += rad
    return owner, e1


def _sum_terms(owner, gains, dist, alpha, n):
    """Per-trial sum of ``gains * dist^-alpha``."""
    if owner.size == 0:
        return np.zeros(n)
    with np.errstate(divide="ignore"):  # a point exactly at the centre: infinite term
        terms = inverse_power(dist, alpha)
    terms *= gains
    return np.bincount(owner, weights=terms, minlength=n)


def _centred_field(rng, net, radius, a, n, alpha_L, los_draw, alpha_N, mu):
    """Receiver-centred interference: LoS points beyond ``a`` and NLoS points anywhere.

    Draw order: the disc (:func:`_disc`), one LoS uniform per disc point, the exact far
    LoS points (:func:`_far_los`, if ``net.far_exact``), the LoS marks (``los_draw``,
    disc points first), then the NLoS Exp(``mu``) gains (skipped when ``mu is None``).
    Returns the explicit LoS and NLoS sums (unit gains) per trial.
    """
    owner, r = _disc(rng, net, radius)
    u = rng.random(r.size)
    # without blockage P_L = exp(-0) = 1 > u: every point is LoS (the draw is kept, the exp skipped)
    los = u < net.los(r) if net.has_nlos else np.ones(r.size, bool)
    keep = los & (r > a[owner])
    o_l, r_l = owner[keep], r[keep]
    if net.far_exact:
        o_f, r_f = _far_los(rng, net, radius)
        o_l, r_l = np.concatenate((o_l, o_f)), np.concatenate((r_l, r_f))
    i_los = _sum_terms(o_l, los_draw(o_l.size), r_l, alpha_L, n)
    if mu is None:
        return i_los, None
    nlos = ~los
    h = rayleigh_power(rng, int(nlos.sum()))
    h *= 1.0 / mu
    return i_los, _sum_terms(owner[nlos], h, r[nlos], alpha_N, n)


def _serving(rng, net, m):
    """Nearest-visible distances of ``m`` trials (``inf`` in a hole); draws ``m`` Exp(1)."""
    e = rng.standard_exponential(m)
    return visible_distance(e, net.lam, net.beta, net.p)


# --------------------------------------------------------------------------- communication


def comm_sinr_samples(
    rng: np.random.Generator,
    n_trials: int,
    *,
    lam,
    beta,
    p,
    P_t,
    C_L,
    C_N,
    alpha_L,
    alpha_N,
    K,
    mu_c,
    noise,
    n_points=N_POINTS,
    block=BLOCK_TRIALS,
):
    r"""Monte Carlo samples of the communication SINR, MC-C (docs/errata.md; eq 8, 10, 20).

    ``SINR_c = P_t C_L r_0^-alpha_L h_0 / (I_L + I_N + noise)`` with ``h_0 ~ Rician(K)``,
    ``I_L`` the Rician-faded LoS BSs beyond the serving distance ``r_0`` and ``I_N`` the
    Exp(``mu_c``)-faded NLoS BSs at any distance; ``SINR_c = 0`` in a coverage hole.
    Theorem 1 is exact for this model up to the 4-term Rician series. See the module
    docstring for the geometry (exact ``r_0``, disc of ``n_points`` BSs on average,
    exact far LoS BSs while sparse, mean NLoS far field).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
        Number of independent drops.
    lam : float
        BS density [m^-2].
    beta : float
        Blockage parameter ``2 lam_b (E[L] + E[W]) / pi`` [m^-1], ``>= 0``.
    p : float
        Blocked-area proportion ``lam_b E[L] E[W]``, ``>= 0``.
    P_t : float
        Transmit power [W].
    C_L, C_N : float
        LoS / NLoS path gains (linear, applied to ``r`` in metres).
    alpha_L, alpha_N : float
        LoS / NLoS path-loss exponents (``alpha_L > 2`` when ``beta = 0``;
        ``alpha_N > 2`` whenever NLoS links exist).
    K : float
        Rician K-factor of the LoS links (desired and interfering).
    mu_c : float
        Rate of the exponential NLoS power fading (mean ``1/mu_c``).
    noise : float
        Noise power ``sigma^2`` [W], ``>= 0``.
    n_points : float
        Mean number of BSs drawn explicitly per drop (disc radius
        ``sqrt(n_points / (pi lam))``, at least ``RADIUS_FACTOR r_0``).
    block : int
        Largest number of drops per block.

    Returns
    -------
    ndarray, shape (n_trials,)
        Linear SINR per drop (0 in a coverage hole).

    Notes
    -----
    Per block of ``m`` drops the generator gives, in this order: ``m`` Exp(1) LoS masses
    (serving distances), ``m`` Rician desired gains (:func:`isac_core.fading.rician_power`),
    then for the associated drops the disc counts, one radius uniform and one LoS
    uniform per BS, the exact far LoS BSs (if drawn), the Rician gains of the kept LoS
    BSs (disc first) and the Exp gains of the NLoS BSs.
    """
    net = _Net(lam, beta, p, n_points)
    c = _links(net, P_t=P_t, C_L=C_L, C_N=C_N, alpha_L=alpha_L, alpha_N=alpha_N, K=K, mu=(mu_c, "mu_c"),
               noise=noise)
    n_trials = whole(n_trials, "n_trials", 0, scalar=True)
    nb = _block_size(block, 1, net.n_points)
    out = np.empty(n_trials)
    for start in range(0, n_trials, nb):
        m = min(nb, n_trials - start)
        out[start : start + m] = _comm_block(rng, m, net, c)
    return out


def _comm_block(rng, m, net, c):
    r0 = _serving(rng, net, m)
    g0 = rician_power(rng, c["K"], m)
    sinr = np.zeros(m)
    idx = np.flatnonzero(np.isfinite(r0))
    if idx.size == 0:
        return sinr
    n = idx.size
    a = r0[idx]
    radius = net.radius(a)
    nlos_mu = c["mu"] if (net.has_nlos and c["C_N"] > 0.0) else None
    i_los, i_nlos = _centred_field(
        rng, net, radius, a, n, c["alpha_L"], partial(rician_power, rng, c["K"]), c["alpha_N"], nlos_mu
    )
    interference = c["C_L"] * i_los
    if i_nlos is not None:
        interference += c["C_N"] * i_nlos
    interference += _far_field(net, radius, c["alpha_L"], c["C_L"], c["alpha_N"], c["C_N"] / c["mu"])
    interference *= c["P_t"]
    interference += c["noise"]
    signal = c["P_t"] * c["C_L"] * g0[idx] * inverse_power(a, c["alpha_L"])
    with np.errstate(divide="ignore"):
        sinr[idx] = signal / interference
    return sinr


# --------------------------------------------------------------------------- sensing


def sensing_sinr_samples(
    rng: np.random.Generator,
    n_trials: int,
    *,
    lam,
    beta,
    p,
    P_t,
    C_L,
    C_N,
    C_E,
    alpha_L,
    alpha_N,
    alpha_E,
    K,
    mu_s,
    rcs_mean,
    noise,
    trc=True,
    variant="independent",
    n_points=N_POINTS,
    block=BLOCK_TRIALS,
):
    r"""Monte Carlo samples of the sensing SINR at the sensing BS ``B_0`` (docs/errata.md; eq 9, 11, 22).

    ``SINR_s = P_t C_E sigma_0 d_0^-alpha_E / (I_BL + I_BN + I_TRC + noise)``:
    ``d_0`` is the distance from the sensing target (ST) to its nearest LoS BS ``B_0``,
    ``sigma_0 ~ Exp(mean rcs_mean)``; ``I_TRC`` sums ``P_t C_E sigma_i y_i^-(alpha_E/2)
    d_0^-(alpha_E/2)`` over the other BSs with LoS to the ST (distance ``y_i > d_0``, fresh
    cross-section per link); ``I_BL`` / ``I_BN`` are the LoS (Rician, ``C_L``,
    ``alpha_L``) and NLoS (Exp(``mu_s``), ``C_N``, ``alpha_N``) BS--B_0 interferers, drawn
    according to ``variant``:

    * ``"independent"`` (MC-S; matches Theorem 2): an independent PPP around ``B_0``;
      LoS points within ``d_0`` of ``B_0`` are discarded, NLoS points count everywhere.
    * ``"shared_excluded"`` (MC-S1): the same BSs as the ST's network, fresh independent
      BS--B_0 LoS marks, LoS counted only beyond ``d_0``.
    * ``"shared"`` (MC-S2; Theorem 2' of docs/errata.md): as MC-S1 with every LoS BS counted.

    ``SINR_s = 0`` in a coverage hole. Without blockage (``beta = 0``) and with
    ``alpha_E <= 4`` the TRC interference is infinite and every sample is 0 (the value of
    Corollary 2 in that case).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    lam : float
        BS density [m^-2].
    beta : float
        Blockage parameter [m^-1], ``>= 0``.
    p : float
        Blocked-area proportion, ``>= 0``.
    P_t : float
        Transmit power [W].
    C_L, C_N, C_E : float
        LoS, NLoS and echo path gains (linear; ``C_E`` multiplies the cross-section in m^2).
    alpha_L, alpha_N, alpha_E : float
        Path-loss exponents; ``alpha_E`` is the two-way (echo) exponent.
    K : float
        Rician K-factor of the LoS BS--B_0 links.
    mu_s : float
        Rate of the exponential power fading of NLoS BS--B_0 links.
    rcs_mean : float
        Mean radar cross-section ``sigma_bar`` [m^2].
    noise : float
        Noise power [W], ``>= 0``.
    trc : bool
        Include the target-reflection cascade interference.
    variant : {"independent", "shared_excluded", "shared"}
    n_points : float
        Mean number of BSs drawn explicitly per disc and drop.
    block : int
        Largest number of drops per block.

    Returns
    -------
    ndarray, shape (n_trials,)
        Linear SINR per drop.

    Notes
    -----
    Per block of ``m`` drops: ``m`` Exp(1) LoS masses (``d_0``), ``m`` echo cross-sections
    (:func:`isac_core.fading.swerling1_rcs`), then for the associated drops --
    ``"independent"``: (if ``trc``) the ST disc: counts, radii, LoS uniforms, far LoS
    BSs, TRC cross-sections; then the ``B_0`` disc: counts, radii, LoS uniforms, far LoS
    BSs, Rician and Exp gains. Shared variants: counts, radii, angles, ST LoS uniforms,
    BS--B_0 LoS uniforms, the far BSs (see :func:`_shared_fields`), (if ``trc``) TRC
    cross-sections, Rician gains, Exp gains.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    net = _Net(lam, beta, p, n_points)
    c = _links(net, P_t=P_t, C_L=C_L, C_N=C_N, alpha_L=alpha_L, alpha_N=alpha_N, K=K, mu=(mu_s, "mu_s"),
               noise=noise)
    c.update(C_E=positive(C_E, "C_E", scalar=True), alpha_E=positive(alpha_E, "alpha_E", scalar=True),
             rcs=positive(rcs_mean, "rcs_mean", scalar=True), trc=bool(trc))
    n_trials = whole(n_trials, "n_trials", 0, scalar=True)
    if c["trc"] and net.beta == 0.0 and not c["alpha_E"] > 4.0:
        return np.zeros(n_trials)  # infinite TRC interference
    n_discs = 2 if (variant == "independent" and c["trc"]) else 1
    nb = _block_size(block, n_discs, net.n_points)
    out = np.empty(n_trials)
    for start in range(0, n_trials, nb):
        m = min(nb, n_trials - start)
        out[start : start + m] = _sensing_block(rng, m, net, c, variant)
    return out


def _sensing_block(rng, m, net, c, variant):
    d0 = _serving(rng, net, m)
    sigma0 = swerling1_rcs(rng, c["rcs"], m)
    sinr = np.zeros(m)
    idx = np.flatnonzero(np.isfinite(d0))
    if idx.size == 0:
        return sinr
    n = idx.size
    d = d0[idx]
    radius = net.radius(d)
    half = 0.5 * c["alpha_E"]
    nlos_mu = c["mu"] if (net.has_nlos and c["C_N"] > 0.0) else None
    rician = partial(rician_power, rng, c["K"])
    if variant == "independent":
        i_trc = None
        if c["trc"]:
            i_trc, _ = _centred_field(rng, net, radius, d, n, half, partial(swerling1_rcs, rng, c["rcs"]), None, None)
        i_bl, i_bn = _centred_field(rng, net, radius, d, n, c["alpha_L"], rician, c["alpha_N"], nlos_mu)
    else:
        i_trc, i_bl, i_bn = _shared_fields(
            rng, net, c, d, radius, n, half, rician, nlos_mu, exclude=variant == "shared_excluded"
        )
    interference = c["C_L"] * i_bl
    if i_bn is not None:
        interference += c["C_N"] * i_bn
    interference += _far_field(net, radius, c["alpha_L"], c["C_L"], c["alpha_N"], c["C_N"] / c["mu"])
    if c["trc"]:
        i_trc += _far_field(net, radius, half, c["rcs"], 0.0, 0.0)
        i_trc *= c["C_E"] * inverse_power(d, half)
        interference += i_trc
    interference *= c["P_t"]
    interference += c["noise"]
    signal = c["P_t"] * c["C_E"] * sigma0[idx] * inverse_power(d, c["alpha_E"])
    with np.errstate(divide="ignore"):
        sinr[idx] = signal / interference
    return sinr


def _shared_fields(rng, net, c, d, radius, n, half, rician, nlos_mu, exclude):
    """TRC and BS--B_0 sums when both come from the ST's BS realisation (MC-S1 / MC-S2).

    ``B_0`` sits at ``(d, 0)``. Disc BSs: LoS to the ST with probability ``P_L(r)``, the
    LoS ones inside ``d`` deleted (``B_0`` is the nearest); every BS--B_0 link gets a
    fresh LoS mark ``P_L(x)``. Beyond the disc (if ``net.far_exact``) the BSs that matter
    explicitly are drawn exactly: (1) the LoS-to-ST BSs (TRC, and a BS--B_0 LoS mark
    each), (2) the BSs NLoS to the ST but LoS to ``B_0``: the LoS PPP around ``B_0``
    beyond ``radius - d`` restricted to ``|z| > radius`` and thinned by ``P_N(|z|)``.
    The NLoS BS--B_0 far field is replaced by its B_0-centred mean.
    """
    owner, r = _disc(rng, net, radius)
    cos = np.cos(rng.random(r.size) * (2.0 * math.pi))
    los_st = rng.random(r.size) < net.los(r)
    other = ~(los_st & (r <= d[owner]))
    owner, r, cos, los_st = owner[other], r[other], cos[other], los_st[other]
    x = _law_of_cosines(r, d[owner], -cos)
    los_b = rng.random(x.size) < net.los(x)
    nlos_b = ~los_b
    if exclude:  # MC-S1: LoS BS--B_0 links within d_0 are discarded (far BSs are beyond 3 d_0)
        los_b &= x > d[owner]
    trc_o, trc_r = owner[los_st], r[los_st]
    bl_o, bl_x = owner[los_b], x[los_b]
    if net.far_exact:
        o1, r1 = _far_los(rng, net, radius)
        x1 = _law_of_cosines(r1, d[o1], -np.cos(rng.random(r1.size) * (2.0 * math.pi)))
        los1 = rng.random(x1.size) < net.los(x1)
        o2, x2 = _far_los(rng, net, radius - d)
        z2 = _law_of_cosines(x2, d[o2], np.cos(rng.random(x2.size) * (2.0 * math.pi)))
        keep2 = (z2 > radius[o2]) & (rng.random(z2.size) >= net.los(z2))
        trc_o, trc_r = np.concatenate((trc_o, o1)), np.concatenate((trc_r, r1))
        bl_o = np.concatenate((bl_o, o1[los1], o2[keep2]))
        bl_x = np.concatenate((bl_x, x1[los1], x2[keep2]))
    i_trc = None
    if c["trc"]:
        i_trc = _sum_terms(trc_o, swerling1_rcs(rng, c["rcs"], trc_o.size), trc_r, half, n)
    i_bl = _sum_terms(bl_o, rician(bl_o.size), bl_x, c["alpha_L"], n)
    i_bn = None
    if nlos_mu is not None:
        h = rayleigh_power(rng, int(nlos_b.sum()))
        h *= 1.0 / nlos_mu
        i_bn = _sum_terms(owner[nlos_b], h, x[nlos_b], c["alpha_N"], n)
    return i_trc, i_bl, i_bn


def _law_of_cosines(a, b, cos):
    """``sqrt(a^2 + b^2 + 2 a b cos)`` (distance of ``a e^(i phi)`` from ``-b``), floored at 0."""
    x = a * a
    x += b * b
    x += 2.0 * a * b * cos
    np.maximum(x, 0.0, out=x)
    return np.sqrt(x, out=x)


# --------------------------------------------------------------------------- no blockage (docs/errata.md)


def comm_sinr_samples_no_blockage(
    rng: np.random.Generator, n_trials: int, *, lam, P_t, C_L, alpha_L, K, noise, n_points=N_POINTS, block=BLOCK_TRIALS
):
    """MC-C without blockage (``beta = p = 0``): nearest BS serves, all links LoS, Rician everywhere.

    Compare with Corollary 1 / Special Cases 1-3. Arguments and units as in
    :func:`comm_sinr_samples` (``alpha_L > 2``); the draws are those of
    :func:`comm_sinr_samples` with ``beta = p = 0``.
    """
    return comm_sinr_samples(
        rng,
        n_trials,
        lam=lam,
        beta=0.0,
        p=0.0,
        P_t=P_t,
        C_L=C_L,
        C_N=0.0,
        alpha_L=alpha_L,
        alpha_N=4.0,
        K=K,
        mu_c=1.0,
        noise=noise,
        n_points=n_points,
        block=block,
    )


def sensing_sinr_samples_no_blockage(
    rng: np.random.Generator,
    n_trials: int,
    *,
    lam,
    P_t,
    C_L,
    C_E,
    alpha_L,
    alpha_E,
    K,
    rcs_mean,
    noise,
    trc=False,
    n_points=N_POINTS,
    block=BLOCK_TRIALS,
):
    """MC-S without blockage (``beta = p = 0``), by default without TRC (Special Cases 4-6).

    The BS--B_0 interferers are an independent PPP beyond ``d_0`` around ``B_0`` (the
    lower limit of Corollary 2). With ``trc=True`` and ``alpha_E <= 4`` every sample is 0.
    Arguments and units as in :func:`sensing_sinr_samples`.
    """
    return sensing_sinr_samples(
        rng,
        n_trials,
        lam=lam,
        beta=0.0,
        p=0.0,
        P_t=P_t,
        C_L=C_L,
        C_N=0.0,
        C_E=C_E,
        alpha_L=alpha_L,
        alpha_N=4.0,
        alpha_E=alpha_E,
        K=K,
        mu_s=1.0,
        rcs_mean=rcs_mean,
        noise=noise,
        trc=trc,
        variant="independent",
        n_points=n_points,
        block=block,
    )


# --------------------------------------------------------------------------- estimator


def coverage(samples, thresholds):
    """Coverage estimate ``P(SINR > T)`` and its binomial standard error, per threshold.

    Parameters
    ----------
    samples : array_like
        SINR samples (linear), e.g. from :func:`comm_sinr_samples`.
    thresholds : array_like
        Linear thresholds (any shape).

    Returns
    -------
    p, se : ndarray
        Shaped like ``thresholds``; ``se = sqrt(p (1 - p) / n)``. The value at a threshold
        does not depend on the other thresholds requested.
    """
    s = np.sort(np.ravel(np.asarray(samples, dtype=float)))
    n = s.size
    if n == 0:
        raise ValueError("no samples")
    T = np.asarray(thresholds, dtype=float)
    above = n - np.searchsorted(s, T, side="right")
    prob = above / n
    return prob[()], np.sqrt(prob * (1.0 - prob) / n)[()]
