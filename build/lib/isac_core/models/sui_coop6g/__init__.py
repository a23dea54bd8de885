"""Sui et al., cooperative ISAC in 6G networks.

D. Sui, C. Pan, H. Ren, J. Wan, L. Zhuo, J. Jin, Q. Wang, J. Wang, "Performance
Analysis of Cooperative Integrated Sensing and Communications for 6G Networks".

Base stations form a PPP of density ``lam``. A typical user is served by the
``L`` nearest BSs with non-coherent CoMP (coverage probability ``p_cov``); a
typical target is illuminated by the ``N`` nearest BSs and its echo is received
by the nearest one (radar information rate ``r_s``). Gains are Gamma(M_t - 1, 1)
for the desired / echo links and Exp(1) for the interferers; the model is
interference limited.

The kernels live in four modules:

* :mod:`.gamma_approx` -- Conjecture 1 (pooled gain) and Conjecture 2 (the
  KS-optimal ``a`` of the normalised Gamma CDF approximation);
* :mod:`.coverage` -- Proposition 1 and Theorem 1 (corrected: the ordered joint
  density of the cluster distances; printed: product of marginals) and the
  coverage Monte Carlo;
* :mod:`.sensing` -- Lemma 1, Theorem 2 (corrected and printed), Proposition 2
  with and without the interference hole, and the sensing Monte Carlo;
* :mod:`.zf` -- the exact gain laws under actual zero-forcing precoders (an
  extension that tests the paper's distributional assumptions).

Distances are measured in units of ``d_ref`` (1 km): the paper's path loss
``r^-beta`` has no reference constant, so the absolute level of ``r_s`` depends
on this unit through ``(pi lam d_ref^2)^(beta/2)``; ``p_cov`` does not. Every
correction of the paper is listed in ``docs/errata.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...model import Metric, Model, Parameter, distinct_sizes
from . import coverage, gamma_approx, sensing

__all__ = ["MODEL"]

_RECON = "reconstructed: not stated in the paper (docs/errata.md)"

PARAMETERS = {
    "T": Parameter("1", "SIR threshold", "5 dB", minimum=0.0, symbol="T", source="figure axis"),
    "L": Parameter("1", "CoMP cluster size (nearest BSs serving the user)", 1, minimum=1,
                   maximum=coverage.MAX_CLUSTER, integer=True, symbol="L", source="figure axis"),
    "N": Parameter("1", "sensing cluster size (nearest BSs illuminating the target)", 1, minimum=1,
                   maximum=sensing.MAX_CLUSTER, integer=True, symbol="N", source="figure axis"),
    "M_t": Parameter("1", "transmit antennas per BS", 10, minimum=2, maximum=21, integer=True,
                     symbol="M_t", source="paper, Sec. IV"),
    "M_r": Parameter("1", "receive antennas per BS", 6, minimum=1, integer=True, symbol="M_r",
                     source="paper, Sec. IV"),
    "beta": Parameter("1", "path-loss exponent", 4.0, minimum=2.0, exclusive_minimum=True, maximum=8.0,
                      symbol=r"\beta", source="paper, Sec. IV"),
    "p_t": Parameter("W", "total transmit power per BS", "1 W", minimum=0.0, exclusive_minimum=True,
                     symbol="p^t", source="paper, Sec. IV"),
    "p_c": Parameter("W", "communication transmit power per BS", "0.5 W", minimum=0.0,
                     symbol="p^c", source=_RECON + "; equal split of p^t"),
    "p_s": Parameter("W", "sensing transmit power per BS", "0.5 W", minimum=0.0, exclusive_minimum=True,
                     symbol="p^s", source=_RECON + "; equal split of p^t"),
    "sigma2": Parameter("1", "radar cross-section of the target (in units of d_ref^2 path loss)", 1.0,
                        minimum=0.0, exclusive_minimum=True, symbol=r"\sigma^2",
                        source="paper, Sec. IV (sigma^2 = 1)"),
    "lam": Parameter("m^-2", "BS density", "1 km^-2", minimum=0.0, exclusive_minimum=True, symbol=r"\lambda",
                     source=_RECON),
    "d_ref": Parameter("m", "unit of distance in the path loss r^-beta", "1 km", minimum=0.0,
                       exclusive_minimum=True, symbol="d_0", source=_RECON + "; distances in km"),
    "gamma": Parameter("1", "normalised gain value", 1.0, minimum=0.0, symbol=r"\gamma",
                       source="figure axis (Fig. 3)"),
    "level": Parameter("1", "value of the desired-signal sum", 1.0, minimum=0.0, exclusive_minimum=True,
                       symbol="x", source="figure axis (Fig. 2(a))"),
    "bin_db": Parameter("1", "histogram bin width in dB", 0.25, minimum=0.0, exclusive_minimum=True,
                        symbol=r"\Delta", source="histogram resolution (Fig. 2(a))"),
    "n_nearest": Parameter("1", "BSs simulated explicitly (mean interference tail beyond)", 200, minimum=10,
                           maximum=5000, integer=True, symbol="K", source="simulation setting"),
}


# --------------------------------------------------------------------------- helpers


def _Q(params) -> np.ndarray:
    return np.asarray(params["M_t"], float) - 1.0


def _per_unique(values: np.ndarray, function) -> np.ndarray:
    """``function(v)`` for each distinct entry of ``values`` (cached scalar kernels)."""
    values = np.asarray(values, float)
    out = np.empty_like(values)
    for v in np.unique(values):
        out[values == v] = function(v)
    return out


def _a_ks(params) -> np.ndarray:
    return _per_unique(_Q(params), lambda q: gamma_approx.ks_optimal_a(int(q))[0])


def _a_alzer(params) -> np.ndarray:
    return gamma_approx.alzer_a(_Q(params))


def _density(params) -> float:
    """BS density in points per d_ref^2 (the unit the kernels measure distances in)."""
    return params["lam"] * params["d_ref"] ** 2


def _rho(params):
    return sensing.sensing_snr_constant(params["sigma2"], params["M_r"], params["p_s"], params["p_t"],
                                        _density(params), params["beta"])


# --------------------------------------------------------------------------- Conjectures 1 and 2


def _gamma_cdf(params):
    return gamma_approx.gamma_cdf(params["gamma"], _Q(params))


def _gamma_cdf_ks(params):
    return gamma_approx.conjecture2_cdf(params["gamma"], _a_ks(params), _Q(params))


def _gamma_cdf_alzer(params):
    return gamma_approx.conjecture2_cdf(params["gamma"], _a_alzer(params), _Q(params))


def _simulate_gamma_cdf(rng, n_trials, params):
    q = params["M_t"] - 1.0
    g = rng.gamma(q, 1.0 / q, n_trials)
    # compared threshold-major (contiguous rows), then viewed trial-major: same booleans, 7x faster
    return (g[None, :] <= np.asarray(params["gamma"], float)[:, None]).T


def _ks_distance(params):
    return _per_unique(_Q(params), lambda q: gamma_approx.ks_optimal_a(int(q))[1])


def _ks_distance_alzer(params):
    return _per_unique(_Q(params), lambda q: gamma_approx.ks_distance(gamma_approx.alzer_a(q), int(q)))


def _sums(rng, n_trials, params):
    return gamma_approx.conjecture1_sums(rng, n_trials, int(params["L"]), params["beta"], _density(params),
                                         int(params["M_t"]))


def _density_obs(x, params):
    """Histogram density per dB at the bin centred on each ``level``."""
    width = float(params["bin_db"])
    centre = 10.0 * np.log10(np.asarray(params["level"], float))
    x_db = 10.0 * np.log10(x)
    return (np.abs(x_db[:, None] - centre[None, :]) < 0.5 * width) / width


def _simulate_pdf(which):
    def simulate(rng, n_trials, params):
        return _density_obs(_sums(rng, n_trials, params)[which], params)

    return simulate


def _simulate_cdf(which):
    def simulate(rng, n_trials, params):
        return _sums(rng, n_trials, params)[which][:, None] <= np.asarray(params["level"], float)[None, :]

    return simulate


# --------------------------------------------------------------------------- coverage


def _p_cov(a_of, outer):
    def analytic(params):
        return coverage.coverage_theorem1(params["T"], params["L"], params["M_t"], params["p_c"], params["p_t"],
                                          params["beta"], a_of(params), outer=outer)

    return analytic


def _simulate_p_cov(gains, fading="model"):
    def simulate(rng, n_trials, params):
        sizes, index = distinct_sizes(params["L"])
        sir = coverage.coverage_sir_samples(
            rng, n_trials, sizes, M_t=int(params["M_t"]), p_c=params["p_c"], p_t=params["p_t"],
            beta=params["beta"], density=_density(params), gains=gains, fading=fading,
            n_nearest=int(params["n_nearest"]))
        return sir[:, index] >= np.asarray(params["T"], float)[None, :]

    return simulate


# --------------------------------------------------------------------------- sensing


def _r_s(form):
    def analytic(params):
        rate = sensing.rate_theorem2(_rho(params), params["N"], params["M_t"], params["beta"], form=form)
        if form == "printed":  # its density of eta_N degenerates at N = 1 (drawn for N >= 2)
            rate = np.where(np.asarray(params["N"]) >= 2, rate, np.nan)
        return rate

    return analytic


def _r_s_nohole(params):
    rate = sensing.rate_prop2(_rho(params), params["M_t"], params["beta"], hole=False)
    return np.where(np.asarray(params["N"]) == 1, rate, np.nan)


def _simulate_r_s(fading="model"):
    def simulate(rng, n_trials, params):
        sizes, index = distinct_sizes(params["N"])
        sir = sensing.sensing_sir_samples(
            rng, n_trials, sizes, M_t=int(params["M_t"]), M_r=int(params["M_r"]), sigma2=params["sigma2"],
            p_s=params["p_s"], p_t=params["p_t"], beta=params["beta"], density=_density(params),
            fading=fading, n_nearest=int(params["n_nearest"]))
        return np.log1p(sir[:, index])

    return simulate


# --------------------------------------------------------------------------- the model


def _metrics() -> Mapping[str, Metric]:
    pdf = "PDF of 10 log10 of the desired-signal sum"
    cdf = "CDF of the desired-signal sum"
    conj1 = "Conjecture 1, eq. (7)"
    return {
        "sum_pdf": Metric("1", pdf + ", independent gains (per dB)", simulate=_simulate_pdf(0), kind="mean",
                          shared_sample_parameters=("level",), reference=conj1 + ": sum of g_i r_i^-beta",
                          symbol="f"),
        "sum_pdf_pooled": Metric("1", pdf + ", pooled gain (per dB)", simulate=_simulate_pdf(1), kind="mean",
                                 shared_sample_parameters=("level",),
                                 reference=conj1 + ": g times sum of r_i^-beta", symbol="f"),
        "sum_cdf": Metric("1", cdf + ", independent gains", simulate=_simulate_cdf(0),
                          shared_sample_parameters=("level",), reference=conj1, symbol="F"),
        "sum_cdf_pooled": Metric("1", cdf + ", pooled gain", simulate=_simulate_cdf(1),
                                 shared_sample_parameters=("level",), reference=conj1, symbol="F"),
        "gamma_cdf": Metric("1", "CDF of Gamma(M_t-1, 1/(M_t-1))", _gamma_cdf, _simulate_gamma_cdf,
                            shared_sample_parameters=("gamma",), reference="Conjecture 2, eq. (8): exact CDF",
                            symbol="F"),
        "gamma_cdf_ks": Metric("1", "Conjecture 2 CDF with the KS-optimal a", _gamma_cdf_ks,
                               reference="Conjecture 2, eq. (8)-(9)", symbol="G_{a^*}"),
        "gamma_cdf_alzer": Metric("1", "Conjecture 2 CDF with Alzer's a", _gamma_cdf_alzer,
                                  reference="Alzer's inequality, a = Q (Q!)^(-1/Q)", symbol="G_{a_A}"),
        "a_ks": Metric("1", "KS-optimal a of Conjecture 2", _a_ks, reference="Conjecture 2, eq. (9)",
                       symbol="a^*"),
        "a_alzer": Metric("1", "Alzer's a", _a_alzer, reference="Alzer's inequality", symbol="a_A"),
        "ks_distance": Metric("1", "KS distance with the optimal a", _ks_distance,
                              reference="Conjecture 2, eq. (9)", symbol="D(a^*)"),
        "ks_distance_alzer": Metric("1", "KS distance with Alzer's a", _ks_distance_alzer,
                                    reference="Conjecture 2 with Alzer's a", symbol="D(a_A)"),
        "p_cov": Metric("1", "coverage probability", _p_cov(_a_ks, "ordered"), _simulate_p_cov("independent"),
                        shared_sample_parameters=("T", "L"),
                        reference="Theorem 1, eq. (10), with the ordered joint density of the cluster "
                                  "distances (Proposition 1, eq. (11), at L = 1)", symbol="P_c"),
        "p_cov_printed": Metric("1", "coverage probability, Theorem 1 as printed",
                                _p_cov(_a_ks, "marginals"),
                                reference="Theorem 1, eq. (10)/(22) as printed (product of marginal densities)",
                                symbol="P_c"),
        "p_cov_alzer": Metric("1", "coverage probability with Alzer's a", _p_cov(_a_alzer, "ordered"),
                              reference="Theorem 1 / Proposition 1 with a = Q (Q!)^(-1/Q)", symbol="P_c"),
        "p_cov_pooled": Metric("1", "coverage probability with a pooled desired gain",
                               simulate=_simulate_p_cov("pooled"), shared_sample_parameters=("T", "L"),
                               reference=conj1 + " applied to the simulated SIR", symbol="P_c"),
        "p_cov_zf": Metric("1", "coverage probability with zero-forcing gain laws",
                           simulate=_simulate_p_cov("independent", fading="zf"),
                           shared_sample_parameters=("T", "L"),
                           reference="eq. (3) with the exact gain laws of ZF precoding (docs/errata.md)",
                           symbol="P_c"),
        "r_s": Metric("nat", "radar information rate", _r_s("corrected"), _simulate_r_s(), kind="mean",
                      shared_sample_parameters=("N",),
                      reference="Theorem 2, eq. (12)/(16), exact under the model (Proposition 2, eq. (17), "
                                "at N = 1)", symbol="R_s"),
        "r_s_zf": Metric("nat", "radar information rate with zero-forcing gain laws", simulate=_simulate_r_s("zf"),
                         kind="mean", shared_sample_parameters=("N",),
                         reference="eq. (6) with the exact gain laws of ZF precoding (docs/errata.md)",
                         symbol="R_s"),
        "r_s_printed": Metric("nat", "radar information rate, Theorem 2 as printed", _r_s("printed"),
                              reference="Theorem 2, eq. (16), as printed with its typos fixed (N >= 2)",
                              symbol="R_s"),
        "r_s_nohole": Metric("nat", "radar information rate without the interference hole", _r_s_nohole,
                             reference="Proposition 2 without the hole term J (N = 1 only)", symbol="R_s"),
    }


MODEL = Model(
    key="sui_coop6g",
    title="Performance Analysis of Cooperative Integrated Sensing and Communications for 6G Networks",
    reference="D. Sui, C. Pan, H. Ren, J. Wan, L. Zhuo, J. Jin, Q. Wang, J. Wang (arXiv 2505.08221)",
    parameters=PARAMETERS,
    metrics=_metrics(),
    notes=(
        "Corrected Theorem 1 (ordered joint density) and corrected Theorem 2 (exact hole geometry, "
        "binomial inner cluster) are the main analytic curves; printed forms are drawn dashed.",
        "Distances are in units of d_ref = 1 km; r_s is in nats.",
    ),
)
