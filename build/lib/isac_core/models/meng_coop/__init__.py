"""Meng & Masouros, cooperative sensing and communication for ISAC networks.

K. Meng, C. Masouros, "Cooperative Sensing and Communication for ISAC Networks:
Performance Analysis and Optimization".

Base stations (BSs), users and targets form independent PPPs. A target is
localised by the ``N`` BSs nearest to it, which form a non-coherent distributed
MIMO radar (the CRLB of the target position, ``c`` below); a user is served by its
``L`` nearest BSs with non-coherent joint transmission (the average rate
``R_c``). Each BS serves at most ``psi`` requests, so a request is accepted with
probability ``kappa_s`` (sensing) or ``kappa_c`` (communication), and the backhaul
limits ``R_c + e N <= C``.

The kernels live in four modules:

* :mod:`.crlb` -- the exact FIM trace, Proposition 1, eq. (13), the ``ln^2 N``
  law of Theorem 1 (constant corrected) and eq. (16), with the Monte Carlo;
* :mod:`.acceptance` -- ``kappa_s`` (Lemma 1, corrected) and ``kappa_c``, and a
  network-level simulation of the acceptance;
* :mod:`.rate` -- Lemma 2 (``H_1``, ``H_2``), Theorem 2 and its Monte Carlo (with
  an actual zero-forcing extension);
* :mod:`.tradeoff` -- the backhaul-constrained rate-CRLB boundary of Fig. 5 and
  the time-sharing baseline.

CRLB values are the normalised ``c = |zeta|^2 (lambda_b pi)^beta CRLB``
(dimensionless, free of the unknown radar constants); rates are in nats/s/Hz.
Every correction of the paper is listed in ``docs/errata.md``.
"""

from __future__ import annotations

import numpy as np

from ...model import Metric, Model, Parameter, distinct_sizes, per_distinct
from . import acceptance, crlb, rate, tradeoff

__all__ = ["MODEL"]

_RECON = "reconstructed: not stated in the paper (docs/errata.md)"

#: Fewest accepting BSs with a finite mean CRLB (the mean of tr F^-1 is infinite below).
MIN_ACTIVE = 4

#: BSs drawn per sensing trial, whatever sizes a chunk requests (so a column does not depend on chunking).
SENSING_NEAREST = 60

PARAMETERS = {
    "N": Parameter("1", "sensing cluster size (BSs nearest to the target)", 15, minimum=1,
                   maximum=SENSING_NEAREST, integer=True, symbol="N", source="figure axis"),
    "L": Parameter("1", "CoMP cluster size (BSs nearest to the user)", 1, minimum=1, maximum=rate.MAX_CLUSTER,
                   integer=True, symbol="L", source="figure axis"),
    "psi": Parameter("1", "requests a BS can serve (resource blocks)", 15, minimum=1, integer=True,
                     symbol=r"\psi", source="paper, Sec. V (used for sensing and communication)"),
    "mu_s": Parameter("1", "target-to-BS density ratio lambda_s / lambda_b", 1.0, minimum=0.0, symbol=r"\mu_s",
                      source="paper, Sec. V (lambda_b = lambda_s = 1 km^-2)"),
    "mu_c": Parameter("1", "user-to-BS density ratio lambda_u / lambda_b", 1.0, minimum=0.0, symbol=r"\mu_c",
                      source="paper, Sec. V; Fig. 4 varies it"),
    "p_c": Parameter("1", "communication share of the transmit power (p^c + p^s = 1)", 0.5, minimum=0.0,
                     maximum=1.0, symbol="p^c", source=_RECON + "; Fig. 4 uses 0.2, 0.5, 0.8"),
    "p_s": Parameter("1", "sensing share of the transmit power", 1.0, minimum=0.0, exclusive_minimum=True,
                     maximum=1.0, symbol="p^s", source=_RECON + "; the CRLB scales as 1/p^s"),
    "M_t": Parameter("1", "transmit antennas per BS", 4, minimum=2, maximum=64, integer=True, symbol="M_t",
                     source="paper, Sec. V"),
    "alpha": Parameter("1", "path-loss exponent of the communication links", 4.0, minimum=2.0,
                       exclusive_minimum=True, maximum=8.0, symbol=r"\alpha", source="paper, Sec. V"),
    "beta": Parameter("1", "path-loss exponent of the radar links (one way)", 2.0, minimum=0.5, maximum=8.0,
                      symbol=r"\beta", source="paper, Sec. V"),
    "log10_N": Parameter("1", "log10 of the sensing cluster size (large-N limit)", 3.0, minimum=2.61, maximum=300.0,
                         symbol=r"\log_{10} N", source="figure axis (Theorem 1 limit)"),
    "C": Parameter("nat", "backhaul capacity (nats/s/Hz)", 6.0, minimum=0.0, exclusive_minimum=True,
                   symbol="C", source="paper, Sec. V (C = 6); Fig. 5 adds 4 and 8 (reconstructed)"),
    "e": Parameter("nat", "backhaul rate per cooperating sensing BS (nats/s/Hz)", 0.2, minimum=0.0,
                   symbol="e", source=_RECON + "; e psi = C / 2"),
    "c_level": Parameter("1", "normalised CRLB level", 0.4, minimum=0.0, exclusive_minimum=True,
                         symbol="c", source="figure axis (Fig. 5)"),
    "n_nearest": Parameter("1", "BSs simulated explicitly in the rate simulation (mean tail beyond)", 300,
                           minimum=rate.MAX_CLUSTER + 1, maximum=5000, integer=True, symbol="K",
                           source="simulation setting"),
}


# --------------------------------------------------------------------------- helpers


def _at(params, name, selected):
    """A parameter's values at the selected state points."""
    return np.broadcast_to(np.asarray(params[name], float), selected.shape)[selected]


def _kappa_s(params, form="corrected"):
    return acceptance.kappa_sensing(params["N"], params["mu_s"], params["psi"], form=form)


def _kappa_c(params):
    return acceptance.kappa_comm(params["L"], params["mu_c"], params["psi"])


def _conditional_crlb(rng, n_trials, sizes, beta, kappa):
    """CRLB samples of draws with at least 4 accepted BSs (excluded draws are redrawn).

    ``E[tr F^-1]`` is infinite when fewer than 4 BSs accept; such draws are excluded
    (their fraction is the metric ``crlb_excluded``) and replaced by further draws from
    the same stream, so the estimate is the mean given at least 4 accepted BSs.
    """
    if np.min(sizes) < MIN_ACTIVE:
        raise ValueError(f"the mean CRLB is infinite for N < {MIN_ACTIVE}: simulate N >= {MIN_ACTIVE} only")
    out = crlb.crlb_samples(rng, n_trials, sizes, beta, kappa=kappa, n_nearest=SENSING_NEAREST)
    for _ in range(10_000):
        missing = np.isnan(out)
        if not missing.any():
            return out
        extra = crlb.crlb_samples(rng, int(missing.sum(axis=0).max()), sizes, beta, kappa=kappa,
                                  n_nearest=SENSING_NEAREST)
        for j in np.flatnonzero(missing.any(axis=0)):
            fill = extra[:, j][~np.isnan(extra[:, j])]
            slots = np.flatnonzero(missing[:, j])[: fill.size]
            out[slots, j] = fill[: slots.size]
    raise RuntimeError("acceptance too small: almost every draw has fewer than 4 accepted BSs")


# --------------------------------------------------------------------------- sensing


def _crlb_curve(function):
    def analytic(params):
        def group(scalars, sel):
            return function(_at(params, "N", sel), beta=scalars["beta"]) / _at(params, "p_s", sel)

        return per_distinct(params, ("beta",), group)

    return analytic


def _crlb_log(constant):
    def analytic(params):
        return crlb.crlb_log_law(params["N"], constant) / params["p_s"]

    return analytic


def _crlb_accept(form):
    def analytic(params):
        kappa = _kappa_s(params)

        def group(scalars, sel):
            return (crlb.crlb_with_acceptance(_at(params, "N", sel), np.broadcast_to(kappa, sel.shape)[sel],
                                              form=form, beta=scalars["beta"]) / _at(params, "p_s", sel))

        return per_distinct(params, ("beta",), group)

    return analytic


def _simulate_crlb(thinning):
    def simulate(rng, n_trials, params):
        sizes, index = distinct_sizes(params["N"])
        kappa = acceptance.kappa_sensing(sizes, params["mu_s"], params["psi"]) if thinning else 1.0
        samples = _conditional_crlb(rng, n_trials, sizes, params["beta"], kappa)
        return samples[:, index] / params["p_s"]

    return simulate


def _simulate_crlb_median(rng, n_trials, params):
    """``tr F^-1`` of every draw (singular draws ``+inf``), for a median that exists for every N >= 2."""
    sizes, index = distinct_sizes(params["N"])
    samples = crlb.crlb_samples(rng, n_trials, sizes, params["beta"], min_active=2, n_nearest=SENSING_NEAREST)
    return np.where(np.isnan(samples), np.inf, samples)[:, index] / params["p_s"]


def _simulate_large_n(rng, n_trials, params):
    sizes, index = np.unique(np.asarray(params["log10_N"], float), return_inverse=True)
    return crlb.large_n_scaled_samples(rng, n_trials, sizes)[:, index.ravel()]


def _log_law_limit(params):
    return np.full(np.shape(params["log10_N"]), 2.0)


def _simulate_excluded(rng, n_trials, params):
    sizes, index = distinct_sizes(params["N"])
    kappa = acceptance.kappa_sensing(sizes, params["mu_s"], params["psi"])
    samples = crlb.crlb_samples(rng, n_trials, sizes, params["beta"], kappa=kappa, n_nearest=SENSING_NEAREST)
    return np.isnan(samples[:, index])


def _simulate_network_kappa(rng, n_trials, params):
    out = np.empty((n_trials, 1))
    for i in range(n_trials):  # one trial = one network drop
        out[i, 0] = acceptance.network_acceptance(rng, int(params["N"]), int(params["psi"]),
                                                  mu_s=float(params["mu_s"]), side=60.0, n_drops=1)["acceptance"]
    return out


def _kappa_s_form(form):
    def analytic(params):
        return _kappa_s(params, form)

    return analytic


# --------------------------------------------------------------------------- communication


def _rate(form):
    def analytic(params):
        kappa = np.broadcast_to(_kappa_c(params), np.shape(params["L"]))

        def group(scalars, sel):
            return rate.rate_theorem2(_at(params, "L", sel), _at(params, "p_c", sel), kappa[sel],
                                      int(scalars["M_t"]), scalars["alpha"], form=form)

        return per_distinct(params, ("M_t", "alpha"), group)

    return analytic


def _rate_exact(params):
    kappa = np.broadcast_to(_kappa_c(params), np.shape(params["L"]))

    def group(scalars, sel):
        return rate.rate_exact(_at(params, "L", sel), _at(params, "p_c", sel), kappa[sel], int(scalars["M_t"]),
                               scalars["alpha"])

    return per_distinct(params, ("M_t", "alpha"), group)


def _simulate_rate(gains):
    def simulate(rng, n_trials, params):
        sizes, index = distinct_sizes(params["L"])
        kappa = acceptance.kappa_comm(sizes, params["mu_c"], params["psi"])
        samples = rate.rate_samples(rng, n_trials, sizes, float(params["p_c"]), kappa, int(params["M_t"]),
                                    float(params["alpha"]), gains=gains, n_nearest=int(params["n_nearest"]))
        return samples[:, index]

    return simulate


# --------------------------------------------------------------------------- trade-off (Fig. 5)


_TRADEOFF_KEYS = ("C", "e", "mu_c", "mu_s", "psi", "M_t", "alpha")


def _boundary_at(scalars, c_level):
    return tradeoff.cooperative_boundary(c_level, **scalars)


def _boundary_field(field):
    def analytic(params):
        return per_distinct(params, _TRADEOFF_KEYS,
                            lambda scalars, sel: _boundary_at(scalars, _at(params, "c_level", sel))[field])

    return analytic


def _timesharing(params):
    return per_distinct(params, _TRADEOFF_KEYS,
                        lambda scalars, sel: tradeoff.time_sharing(_at(params, "c_level", sel), **scalars))


def _scalars(params):
    return {k: float(params[k]) for k in _TRADEOFF_KEYS}


def _boundary_rate_exact(params):
    """The exact rate (:func:`.rate.rate_exact`) at the configuration that Theorem 2 finds optimal."""

    def group(scalars, sel):
        best = _boundary_at(scalars, _at(params, "c_level", sel))
        L, p_c = np.broadcast_arrays(best["L"], best["p_c"])
        out = np.full(L.shape, np.nan)
        ok = np.isfinite(L)
        if ok.any():
            kappa = acceptance.kappa_comm(L[ok].astype(int), scalars["mu_c"], scalars["psi"])
            out[ok] = rate.rate_exact(L[ok], p_c[ok], kappa, int(scalars["M_t"]), scalars["alpha"])
        return out

    return per_distinct(params, _TRADEOFF_KEYS, group)


def _simulate_boundary_rate(rng, n_trials, params):
    best = _boundary_at(_scalars(params), float(params["c_level"]))
    L, p_c = best["L"], best["p_c"]
    if not np.isfinite(L):
        return np.full((n_trials, 1), np.nan)
    kappa = acceptance.kappa_comm(int(L), params["mu_c"], params["psi"])
    return rate.rate_samples(rng, n_trials, [int(L)], float(p_c), [float(kappa)], int(params["M_t"]),
                             float(params["alpha"]), n_nearest=int(params["n_nearest"]))


def _simulate_boundary_crlb(rng, n_trials, params):
    best = _boundary_at(_scalars(params), float(params["c_level"]))
    N, p_c = best["N"], best["p_c"]
    if not np.isfinite(N) or N < MIN_ACTIVE:  # no finite mean CRLB to simulate
        return np.full((n_trials, 1), np.nan)
    kappa = acceptance.kappa_sensing(int(N), params["mu_s"], params["psi"])
    samples = _conditional_crlb(rng, n_trials, np.array([int(N)]), 2.0, np.array([float(kappa)]))
    return samples / (1.0 - p_c)


# --------------------------------------------------------------------------- the model


def _metrics():
    c = "normalised CRLB c"
    return {
        "crlb_eq13": Metric("1", c + ", eq. (13)", _crlb_curve(crlb.crlb_eq13), symbol="c",
                            reference="eq. (13): 2 / (sum_k k^(-beta/2))^2 / p_s"),
        "crlb_prop1": Metric("1", c + ", Proposition 1", _crlb_curve(crlb.crlb_prop1), symbol="c",
                             reference="Proposition 1, eq. (12), exact E[d_n]"),
        "crlb_log_printed": Metric("1", c + ", Theorem 1 as printed (1 / ln^2 N)", _crlb_log(1.0), symbol="c",
                                   reference="Theorem 1, eq. (14), printed constant 1"),
        "crlb_log": Metric("1", c + ", Theorem 1 corrected (2 / ln^2 N)", _crlb_log(2.0), symbol="c",
                           reference="Theorem 1, eq. (14), with the constant 2 of eq. (13) and the exact FIM"),
        "crlb_exact": Metric("1", c + ", exact FIM", simulate=_simulate_crlb(False), kind="mean",
                             shared_sample_parameters=("N",), symbol="c",
                             reference="eqs. (5)-(6): E[tr F_N^-1] over the N nearest BSs"),
        "crlb_ln2n": Metric("1", "c ln^2 N, exact FIM, nearest 400 BSs exact plus the mean far field",
                            simulate=_simulate_large_n, kind="mean", shared_sample_parameters=("log10_N",),
                            symbol=r"c \ln^2 N", reference="eqs. (5)-(6) for very large N"),
        "crlb_ln2n_limit": Metric("1", "limit of c ln^2 N", _log_law_limit, symbol=r"c \ln^2 N",
                                  reference="Theorem 1, eq. (14): c ln^2 N -> 2 (corrected constant; printed 1)"),
        "crlb_median": Metric("1", c + ", exact FIM, median over geometries", simulate=_simulate_crlb_median,
                              kind="median", shared_sample_parameters=("N",), symbol="c",
                              reference="median of tr F_N^-1 (eqs. (5)-(6)); exists where the mean does not",
                              stream="crlb_exact"),
        "kappa_s": Metric("1", "sensing acceptance probability", _kappa_s_form("corrected"), symbol=r"\kappa_s",
                          reference="Lemma 1, first line of eq. (24) (corrected eq. (15))"),
        "kappa_s_printed": Metric("1", "sensing acceptance probability, eq. (15) as printed",
                                  _kappa_s_form("printed15"), symbol=r"\kappa_s", reference="eq. (15) as printed"),
        "kappa_s_printed24": Metric("1", "sensing acceptance probability, eq. (24) as printed",
                                    _kappa_s_form("printed24"), symbol=r"\kappa_s",
                                    reference="last line of eq. (24) as printed"),
        "kappa_s_network": Metric("1", "realised per-request sensing acceptance", simulate=_simulate_network_kappa,
                                  kind="mean", symbol=r"\kappa_s",
                                  reference="network simulation: real loads, psi of n requests accepted"),
        "crlb_accept_printed": Metric("1", c + " with acceptance, eq. (16)", _crlb_accept("printed"), symbol="c",
                                      reference="eq. (16): 1 / (kappa_s^2 ln^2 N) / p_s, kappa_s corrected"),
        "crlb_accept_consistent": Metric("1", c + " with acceptance, 2 / (kappa_s^2 H_N^2)",
                                         _crlb_accept("consistent"), symbol="c",
                                         reference="eq. (16) with the constant of eq. (13)"),
        "crlb_accept": Metric("1", c + " with acceptance, exact FIM", simulate=_simulate_crlb(True), kind="mean",
                              shared_sample_parameters=("N",), symbol="c",
                              reference="eq. (6) over the accepting BSs (independent thinning with kappa_s), "
                                        "given at least 4 accept"),
        "crlb_excluded": Metric("1", "fraction of draws with fewer than 4 accepting BSs",
                                simulate=_simulate_excluded, shared_sample_parameters=("N",), symbol="P",
                                reference="draws excluded from crlb_accept (infinite conditional mean)"),
        "kappa_c": Metric("1", "CoMP acceptance probability", _kappa_c, symbol=r"\kappa_c",
                          reference="Sec. IV, formula after eq. (16)"),
        "rate": Metric("nat", "average rate", _rate("paper"), _simulate_rate("model"), kind="mean",
                       shared_sample_parameters=("L",), symbol="R_c",
                       reference="Theorem 2, eq. (18) (exact special case at L = 1)"),
        "rate_rl": Metric("nat", "average rate, r_L-averaged Theorem 2", _rate("rl_averaged"), symbol="R_c",
                          reference="Theorem 2 with the cluster radius r_L averaged exactly (docs/errata.md)"),
        "rate_exact": Metric("nat", "average rate, exact evaluation of the simulated model", _rate_exact,
                             symbol="R_c",
                             reference="Hamdi's lemma, eq. (17), with the exact joint law of r, r_L and the L - 2 "
                                       "BSs between (docs/errata.md)"),
        "rate_zf": Metric("nat", "average rate with zero-forcing interference gains", simulate=_simulate_rate("zf"),
                          kind="mean", shared_sample_parameters=("L",), symbol="R_c",
                          reference="eq. (9) with the exact interference-gain law of ZF precoding"),
        "boundary_rate": Metric("nat", "best cooperative rate at CRLB <= c", _boundary_field("rate"),
                                _simulate_boundary_rate, kind="mean", symbol="R_c",
                                reference="max R_c(L, p^c) s.t. R_c + e N <= C, c(N, 1 - p^c) <= c (eqs. (10), "
                                          "(16), Theorem 2)"),
        "boundary_rate_exact": Metric("nat", "exact rate of the simulated model at the boundary optimum",
                                      _boundary_rate_exact, symbol="R_c",
                                      reference="rate_exact at the (L, p^c) that Theorem 2 finds optimal"),
        "boundary_crlb": Metric("1", c + " at the boundary optimum, eq. (16)", _boundary_field("crlb"), symbol="c",
                                reference="eq. (16) at the optimal (N, p^s)"),
        "boundary_crlb_sim": Metric("1", c + " at the boundary optimum, exact FIM", simulate=_simulate_boundary_crlb,
                                    kind="mean", symbol="c",
                                    reference="eq. (6) with kappa_s thinning at the optimal (N, p^s)",
                                    undefined_when=f"the optimal N is below {MIN_ACTIVE}: the mean CRLB is "
                                                   "infinite (docs/errata.md)"),
        "boundary_L": Metric("1", "optimal CoMP cluster size", _boundary_field("L"), symbol="L^*",
                             reference="arg max of the boundary"),
        "boundary_N": Metric("1", "optimal sensing cluster size", _boundary_field("N"), symbol="N^*",
                             reference="arg max of the boundary"),
        "boundary_pc": Metric("1", "optimal communication power share", _boundary_field("p_c"), symbol="p^{c*}",
                              reference="arg max of the boundary"),
        "timesharing_rate": Metric("nat", "time-sharing rate at CRLB <= c", _timesharing, symbol="R_c",
                                   reference="time sharing between the communication-only and sensing-only "
                                             "corners (docs/errata.md)"),
    }


MODEL = Model(
    key="meng_coop",
    title="Cooperative Sensing and Communication for ISAC Networks: Performance Analysis and Optimization",
    reference="K. Meng, C. Masouros",
    parameters=PARAMETERS,
    metrics=_metrics(),
    notes=(
        "CRLB values are normalised, c = |zeta|^2 (lambda_b pi)^beta CRLB; rates are in nats/s/Hz.",
        "The mean CRLB is infinite for N <= 3 (and its variance for N <= 5): Monte Carlo markers start at N = 4.",
    ),
)
