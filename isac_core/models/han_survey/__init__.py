"""Han et al., survey of cooperative ISAC networks: its localisation results (seed 003).

Only the localisation part of the survey is reproducible (docs/errata.md): the AoA, ToF
(bistatic range) and hybrid Fisher information matrices of eqs. (12)-(18), the Table III
scaling laws of the CRLB with the number ``N`` of cooperating BSs, and Fig. 4(b), the CRLB
against how a fixed antenna budget (50 antennas per km^2) is split across BSs, under a fixed
per-BS power ("P") and a power proportional to the antennas ("M_t P").

With a Poisson number of BSs in the cooperation disc the FIMs are singular with positive
probability, so the mean CRLB is infinite: Fig. 4(b) shows the **median over drops**.

The kernels live in :mod:`.fim` (FIMs; the bistatic-range FIM is the one of
:mod:`isac_core.localization`, shared with meng_coop), :mod:`.gains` (the calibrated gain
constants) and :mod:`.simulation` (the drops and the mean-field closed forms).
"""

from __future__ import annotations

import numpy as np

from ...model import Metric, Model, Parameter, distinct_sizes, per_distinct
from . import gains, simulation

__all__ = ["MODEL"]

_RECON = "reconstructed: not stated in the survey (docs/errata.md)"

PARAMETERS = {
    "lam": Parameter("m^-2", "BS density", "8.33333 km^-2", minimum=0.0, exclusive_minimum=True,
                     symbol=r"\lambda", source="figure axis (Fig. 4(b): 50 / M per km^2)"),
    "N": Parameter("1", "cooperating BSs (nearest to the target)", 16, minimum=1, maximum=4096, integer=True,
                   symbol="N", source="figure axis (Table III)"),
    "antenna_density": Parameter("m^-2", "antennas per unit area (lambda_t = lambda_r)", "50 km^-2", minimum=0.0,
                                 exclusive_minimum=True, symbol=r"\lambda_t", source="survey, Sec. III-D"),
    "radius": Parameter("m", "cooperation radius R_c", 400.0, minimum=0.0, exclusive_minimum=True, symbol="R_c",
                        source=_RECON + "; calibrated to the quoted numbers"),
    "xi": Parameter("1", "AoA information factor", 3.0, minimum=0.0, symbol=r"\xi",
                    source=_RECON + "; calibrated to the quoted numbers"),
    "bandwidth": Parameter("Hz", "bandwidth", "10 MHz", minimum=0.0, exclusive_minimum=True, symbol="B",
                           source="survey, Sec. III-D"),
    "carrier": Parameter("Hz", "carrier frequency", "3.5 GHz", minimum=0.0, exclusive_minimum=True, symbol="f_c",
                         source=_RECON),
    "noise": Parameter("W", "noise power", "-100 dBm", minimum=0.0, exclusive_minimum=True, symbol=r"\sigma_s^2",
                       source="survey ('-100 dB', read as dBm)"),
    "rcs": Parameter("m^2", "radar cross-section", 1.0, minimum=0.0, exclusive_minimum=True, symbol=r"\sigma",
                     source=_RECON),
    "power": Parameter("W", "transmit power P", "30 dBm", minimum=0.0, exclusive_minimum=True, symbol="P",
                       source=_RECON),
    "table3_lam": Parameter("m^-2", "BS density of the Table III experiment", "5 km^-2", minimum=0.0,
                            exclusive_minimum=True, symbol=r"\lambda", source=_RECON),
    "table3_M": Parameter("1", "antennas per BS in the Table III experiment", 10, minimum=1, integer=True,
                          symbol="M", source=_RECON),
}

#: Table III draws this many nearest BSs whatever sizes a chunk requests (chunking-independent).
TABLE3_NEAREST = 2048

_CAL_KEYS = ("xi", "bandwidth", "carrier", "noise", "rcs", "power")


def _calibration(params):
    return {k: float(params[k]) for k in _CAL_KEYS}


# --------------------------------------------------------------------------- Fig. 4(b)


def _antennas(params):
    """Antennas per BS, ``M = antenna_density / lam`` (a whole number on the figure's grid)."""
    return float(np.round(float(params["antenna_density"]) / float(params["lam"])))


def _fig4b(column):
    index = simulation.FIG4B_COLUMNS.index(column)

    def simulate(rng, n_trials, params):
        samples = simulation.fig4b_samples(rng, n_trials, _antennas(params),
                                           antenna_density=float(params["antenna_density"]),
                                           radius=float(params["radius"]), **_calibration(params))
        return samples[:, index:index + 1]

    return simulate


def _singular_probability(params):
    mu = np.asarray(params["lam"], float) * np.pi * np.asarray(params["radius"], float) ** 2
    return np.asarray(simulation.singular_probabilities(mu)[0], float)  # AoA / ToF: N <= 1


def _simulate_singular(rng, n_trials, params):
    samples = simulation.fig4b_samples(rng, n_trials, _antennas(params),
                                       antenna_density=float(params["antenna_density"]),
                                       radius=float(params["radius"]), **_calibration(params))
    tof = simulation.FIG4B_COLUMNS.index("tof_P")  # singular iff N <= 1 (AoA is also singular whenever M = 1)
    return np.isinf(samples[:, tof:tof + 1])


# --------------------------------------------------------------------------- Table III


def _table3(scheme):
    def simulate(rng, n_trials, params):
        sizes, index = distinct_sizes(params["N"])
        samples = simulation.table3_samples(rng, n_trials, sizes, density=float(params["table3_lam"]),
                                            M=int(params["table3_M"]), n_nearest=TABLE3_NEAREST,
                                            **_calibration(params))
        return samples[:, index, scheme]

    return simulate


def _mean_field(scheme):
    def analytic(params):
        def group(s, sel):
            za, zr = gains.gain_constants(s["table3_M"], "P", **{k: s[k] for k in _CAL_KEYS})
            N = np.broadcast_to(np.asarray(params["N"], float), sel.shape)[sel]
            return simulation.mean_field_crlb(N, s["table3_lam"], float(za), float(zr))[..., scheme]

        return per_distinct(params, ("table3_lam", "table3_M", *_CAL_KEYS), group)

    return analytic


def _metrics():
    fig4b_ref = "eqs. (13), (16), (18): median of tr F^-1 over drops of a Poisson number of BSs in the disc"
    out = {}
    names = {"aoa": "AoA-only", "tof": "ToF-only", "hybrid": "hybrid AoA + ToF"}
    for column in simulation.FIG4B_COLUMNS:
        scheme, model = column.split("_", 1)
        power = "fixed power per BS" if model == "P" else "power proportional to the antennas"
        key = f"crlb_{scheme}_{'p' if model == 'P' else 'mtp'}"
        out[key] = Metric("m^2", f"median CRLB, {names[scheme]}, {power}", simulate=_fig4b(column), kind="median",
                          symbol=r"\mathrm{CRLB}", reference=fig4b_ref, stream="fig4b_drops")
    out["p_singular"] = Metric("1", "probability that the ToF FIM is singular (N <= 1)",
                               _singular_probability, _simulate_singular, symbol="P",
                               reference="Poisson count: exp(-mu)(1 + mu), mu = lam pi R_c^2", stream="fig4b_drops")
    for scheme, name in enumerate(("aoa", "tof", "hybrid")):
        label = names[name]
        out[f"t3_{name}"] = Metric("m^2", f"mean CRLB, {label}, N nearest BSs", simulate=_table3(scheme),
                                   kind="mean", shared_sample_parameters=("N",), symbol=r"\mathrm{CRLB}",
                                   reference="Table III: eqs. (14), (17), (18)", stream="table3_drops")
        out[f"t3_{name}_median"] = Metric("m^2", f"median CRLB, {label}, N nearest BSs",
                                          simulate=_table3(scheme), kind="median",
                                          shared_sample_parameters=("N",), symbol=r"\mathrm{CRLB}",
                                          reference="Table III", stream="table3_drops")
        out[f"t3_{name}_mf"] = Metric("m^2", f"mean-field CRLB, {label}", _mean_field(scheme),
                                      symbol=r"\mathrm{CRLB}",
                                      reference="mean-field closed form (d_k^-2 ~ pi lam / k; docs/errata.md)")
    return out


MODEL = Model(
    key="han_survey",
    title="Cooperative ISAC networks (survey): localisation scaling laws and antenna allocation",
    reference="Han et al. (seed 003)",
    parameters=PARAMETERS,
    metrics=_metrics(),
    notes=(
        "The mean CRLB is infinite with a Poisson number of BSs: Fig. 4(b) shows medians over drops.",
        "Only the localisation results of the survey are reproducible (docs/errata.md).",
    ),
)
