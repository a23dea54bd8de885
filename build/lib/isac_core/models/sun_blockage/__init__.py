"""Sun et al., "Performance Analysis of Integrated Sensing and Communication Networks with Blockage Effects".

Base stations (BSs) form a PPP of density ``lam``; rectangular buildings (a Boolean
scheme) block links, so a link of length ``r`` is line-of-sight (LoS) with probability
``exp(-(beta r + p))``, independently per link. A typical user (communication) and a
typical target (sensing, monostatic echo at the serving BS) associate with the nearest
visible BS; with no visible BS they are in a coverage hole. LoS links carry Rician
fading (the four-term exponential series of Table II), NLoS links Rayleigh fading, the
target a Swerling-I cross-section; sensing also suffers target-reflection (TRC)
interference from the other visible BSs.

The paper's text lost every equation and parameter value; the model, the theorems and
the parameter set are reconstructed (docs/errata.md). The kernels live in three modules:

* :mod:`.blockage` -- the LoS probability, the defective nearest-visible-BS distance law
  and the Rician series;
* :mod:`.analytic` -- the interference function Phi, Theorem 1 (communication),
  Theorem 2 (sensing, with the paper's exclusion assumption) and Theorem 2' (a plain
  single network), Corollaries 1-2 and Special Cases 1-6;
* :mod:`.simulation` -- the matching Monte Carlo procedures, including the
  single-network variant and an explicit-building extension.
"""

from __future__ import annotations

import numpy as np

from ...model import Metric, Model, Parameter, per_distinct
from . import analytic, blockage, simulation

__all__ = ["MODEL"]

_RECON = "reconstructed: not in the paper's surviving text (docs/errata.md)"

PARAMETERS = {
    "T": Parameter("1", "SINR threshold", "0 dB", minimum=0.0, symbol="T", source="figure axis"),
    "lam": Parameter("m^-2", "BS density", 3e-5, minimum=0.0, exclusive_minimum=True, symbol=r"\lambda",
                     source=_RECON + "; 30 BSs per km^2"),
    "lam_b": Parameter("m^-2", "density of building centres", 5e-4, minimum=0.0, exclusive_minimum=True,
                       symbol=r"\lambda_b", source=_RECON + "; dense urban"),
    "length": Parameter("m", "mean building length", 15.0, minimum=0.0, exclusive_minimum=True, symbol="E[L]",
                        source=_RECON),
    "width": Parameter("m", "mean building width", 15.0, minimum=0.0, exclusive_minimum=True, symbol="E[W]",
                       source=_RECON),
    "P_t": Parameter("W", "BS transmit power", "46 dBm", minimum=0.0, exclusive_minimum=True, symbol="P_t",
                     source=_RECON),
    "noise": Parameter("W", "noise power N_0 W", "-94 dBm", minimum=0.0, symbol=r"\sigma^2",
                       source=_RECON + "; -174 dBm/Hz over 100 MHz"),
    "C_L": Parameter("1", "LoS path gain at 1 m", "-40 dB", minimum=0.0, exclusive_minimum=True, symbol="C_L",
                     source=_RECON + "; free space at 2.4 GHz"),
    "C_N": Parameter("1", "NLoS path gain at 1 m", "-60 dB", minimum=0.0, exclusive_minimum=True, symbol="C_N",
                     source=_RECON + "; 20 dB extra NLoS loss"),
    "C_E": Parameter("1", "echo path gain at 1 m per m^2 of cross-section", "-21 dB", minimum=0.0,
                     exclusive_minimum=True, symbol="C_E",
                     source=_RECON + "; radar equation with 30 dB processing gain"),
    "alpha_L": Parameter("1", "LoS path-loss exponent", 2.0, minimum=2.0, maximum=8.0, symbol=r"\alpha_L",
                         source=_RECON + "; free space (Figs. 6-7: 4)"),
    "alpha_N": Parameter("1", "NLoS path-loss exponent", 4.0, minimum=2.0, exclusive_minimum=True, maximum=8.0,
                         symbol=r"\alpha_N", source=_RECON + "; urban"),
    "alpha_E": Parameter("1", "echo (two-way) path-loss exponent", 4.0, minimum=2.0, maximum=10.0,
                         symbol=r"\alpha_E", source=_RECON + "; two-way free space"),
    "K": Parameter("1", "Rician K-factor of LoS links", 1, minimum=1, maximum=10, integer=True, symbol="K",
                   source="Table II column pair 1 (K = 1; pairs 2-3 are K = 5, 10)"),
    "mu": Parameter("1", "rate of the exponential NLoS fading power", 1.0, minimum=0.0, exclusive_minimum=True,
                    symbol=r"\mu", source=_RECON + "; unit-mean Rayleigh power"),
    "T_rcs": Parameter("1", "SINR threshold over the mean cross-section in m^2, T / (rcs / 1 m^2)", 1.0, minimum=0.0,
                       symbol=r"T/\bar\sigma", source="figure axis (RCS-shift figure: T = T_rcs rcs)"),
    "rcs": Parameter("m^2", "mean radar cross-section of the target", "0 dBsm", minimum=0.0,
                     exclusive_minimum=True, symbol=r"\bar\sigma", source=_RECON + "; Fig. 2 sweeps it"),
}


# --------------------------------------------------------------------------- adapters

_LINK_KEYS = ("lam", "lam_b", "length", "width", "P_t", "noise", "C_L", "C_N", "C_E", "alpha_L", "alpha_N",
              "alpha_E", "K", "mu", "rcs")


def _blockage(s):
    return blockage.blockage_parameters(s["lam_b"], s["length"], s["width"])


def _theorem(function, **options):
    """An analytic kernel: ``function`` over the thresholds of each distinct link setting."""

    def analytic(params):
        T = np.asarray(params["T"], float)

        def group(s, sel):
            beta, p = _blockage(s)
            kwargs = {"beta": beta, "p": p} if function in _WITH_BLOCKAGE else {}
            return function(np.broadcast_to(T, sel.shape)[sel], s["lam"], **kwargs, **_link(function, s),
                            **options)

        return per_distinct(params, _LINK_KEYS, group)

    return analytic


def _link(function, s):
    """The keyword arguments ``function`` takes, from one link setting."""
    common = {"pt": s["P_t"], "noise_power": s["noise"], "c_los": s["C_L"], "alpha_los": s["alpha_L"],
              "k_factor": int(s["K"])}
    if function is analytic.comm_coverage:
        return {**common, "c_nlos": s["C_N"], "alpha_nlos": s["alpha_N"], "mu": s["mu"]}
    if function in (analytic.sensing_coverage, analytic.sensing_coverage_exact):
        return {**common, "c_nlos": s["C_N"], "alpha_nlos": s["alpha_N"], "mu": s["mu"], "c_echo": s["C_E"],
                "alpha_echo": s["alpha_E"], "rcs_mean": s["rcs"]}
    if function is analytic.comm_coverage_no_blockage:
        return common
    if function is analytic.sensing_coverage_no_blockage:
        return {**common, "c_echo": s["C_E"], "alpha_echo": s["alpha_E"], "rcs_mean": s["rcs"]}
    raise ValueError(f"no link mapping for {function.__name__}")


_WITH_BLOCKAGE = (analytic.comm_coverage, analytic.sensing_coverage, analytic.sensing_coverage_exact)


def _association(params):
    def group(s, sel):
        beta, p = _blockage(s)
        return np.full(int(sel.sum()), float(blockage.association_probability(s["lam"], beta, p)))

    return per_distinct(params, ("lam", "lam_b", "length", "width"), group)


def _sim_kwargs(params, sensing):
    beta, p = blockage.blockage_parameters(params["lam_b"], params["length"], params["width"])
    kw = {"lam": float(params["lam"]), "P_t": float(params["P_t"]), "C_L": float(params["C_L"]),
          "C_N": float(params["C_N"]), "alpha_L": float(params["alpha_L"]), "alpha_N": float(params["alpha_N"]),
          "K": int(params["K"]), "noise": float(params["noise"])}
    if sensing:
        kw.update({"C_E": float(params["C_E"]), "alpha_E": float(params["alpha_E"]), "mu_s": float(params["mu"]),
                   "rcs_mean": float(params["rcs"])})
    else:
        kw["mu_c"] = float(params["mu"])
    return kw, float(beta), float(p)


def _exceeds(sinr, params):
    return sinr[:, None] > np.asarray(params["T"], float)[None, :]


def _simulate_comm(blocked):
    def simulate(rng, n_trials, params):
        kw, beta, p = _sim_kwargs(params, sensing=False)
        if blocked:
            return _exceeds(simulation.comm_sinr_samples(rng, n_trials, beta=beta, p=p, **kw), params)
        kw.pop("C_N"), kw.pop("alpha_N"), kw.pop("mu_c")
        return _exceeds(simulation.comm_sinr_samples_no_blockage(rng, n_trials, **kw), params)

    return simulate


def _simulate_sensing(variant="independent", trc=True, blocked=True):
    def simulate(rng, n_trials, params):
        kw, beta, p = _sim_kwargs(params, sensing=True)
        if blocked:
            return _exceeds(simulation.sensing_sinr_samples(rng, n_trials, beta=beta, p=p, trc=trc,
                                                            variant=variant, **kw), params)
        for key in ("C_N", "alpha_N", "mu_s"):
            kw.pop(key)
        return _exceeds(simulation.sensing_sinr_samples_no_blockage(rng, n_trials, trc=trc, **kw), params)

    return simulate


def _metrics():
    shared = ("T",)
    return {
        "p_cov": Metric("1", "communication coverage probability", _theorem(analytic.comm_coverage),
                        _simulate_comm(True), shared_sample_parameters=shared, symbol="P_c",
                        reference="Theorem 1, eq. (23)"),
        "p_sens": Metric("1", "sensing coverage probability", _theorem(analytic.sensing_coverage),
                         _simulate_sensing(), shared_sample_parameters=shared, symbol="P_s",
                         reference="Theorem 2, eq. (24), with target-reflection interference"),
        "p_sens_notrc": Metric("1", "sensing coverage probability without target-reflection interference",
                               _theorem(analytic.sensing_coverage, trc=False), _simulate_sensing(trc=False),
                               shared_sample_parameters=shared, symbol="P_s",
                               reference="Theorem 2, eq. (24), TRC off"),
        "p_sens_single": Metric("1", "sensing coverage probability, one network without the exclusion",
                                _theorem(analytic.sensing_coverage_exact), _simulate_sensing(variant="shared"),
                                shared_sample_parameters=shared, symbol="P_s",
                                reference="Theorem 2' (docs/errata.md): the BS-BS interferers are the same "
                                          "network, LoS ones counted at any distance"),
        "p_cov_nb": Metric("1", "communication coverage probability without blockage",
                           _theorem(analytic.comm_coverage_no_blockage), _simulate_comm(False),
                           shared_sample_parameters=shared, symbol="P_c",
                           reference="Corollary 1, eq. (29) (Special Case 1 at alpha = 4)"),
        "p_sens_nb": Metric("1", "sensing coverage probability without blockage (TRC off)",
                            _theorem(analytic.sensing_coverage_no_blockage, trc=False),
                            _simulate_sensing(trc=False, blocked=False), shared_sample_parameters=shared,
                            symbol="P_s", reference="Corollary 2, eq. (36), TRC off (Special Case 4 at alpha = 4)"),
        "p_assoc": Metric("1", "probability that a BS is visible", _association, symbol="P_{assoc}",
                          reference="eq. (5): 1 - exp(-2 pi lam e^-p / beta^2)"),
    }


MODEL = Model(
    key="sun_blockage",
    title="Performance Analysis of Integrated Sensing and Communication Networks with Blockage Effects",
    reference="Z. Sun, S. Yan, N. Jiang, J. Zhou and M. Peng",
    parameters=PARAMETERS,
    metrics=_metrics(),
    notes=(
        "The paper's equations and parameter values were lost; the model and every parameter are "
        "reconstructed (docs/errata.md).",
        "A user or target with no visible BS (coverage hole) is not covered at any threshold.",
    ),
)
