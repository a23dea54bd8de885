"""Han et al., "Network-Level ISAC Design: State-of-the-Art, Challenges, and Opportunities": its localisation results.

Only the localisation part of the survey is reproducible (docs/errata.md): the AoA, ToF
(bistatic range) and hybrid Fisher information matrices of eqs. (12)-(18), the Table III
scaling laws of the CRLB with the number ``N`` of cooperating BSs, and Fig. 4(b), the CRLB
against how a fixed antenna budget (50 antennas per km^2) is split across BSs, under a fixed
per-BS power ("P") and a power proportional to the antennas ("M_t P").

With a Poisson number of BSs in the cooperation disc the FIMs are singular with positive
probability, so the mean CRLB is infinite: Fig. 4(b) shows the **median over drops**.

Fig. 4(a) cannot be reproduced (the survey gives only the optimisation skeleton, eqs.
(19)-(22)); :mod:`.ase_surrogate` is an **illustrative surrogate** in its spirit, with a
model of our own, labelled as such wherever it is shown.

The kernels live in :mod:`.fim` (FIMs; the bistatic-range FIM is the one of
:mod:`isac_core.localization`, shared with meng_coop), :mod:`.gains` (the calibrated gain
constants) and :mod:`.simulation` (the drops and the mean-field closed forms).
"""

from __future__ import annotations

import numpy as np

from ...model import Law, Metric, Model, Parameter, distinct_sizes, per_distinct
from . import ase_surrogate, gains, simulation

__all__ = ["MODEL"]

_RECON = "reconstructed: not stated in the survey (docs/errata.md)"
_SURROGATE = "illustrative surrogate: not stated in the survey (docs/errata.md)"

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
    # Fig. 4(a) surrogate (illustrative; docs/errata.md)
    "antennas": Parameter("1", "antennas per BS (Fig. 4(a) surrogate)", 16, minimum=1, maximum=64, integer=True,
                          symbol="M_t", source=_SURROGATE),
    "max_targets": Parameter("1", "maximum sensed targets per BS", 4, minimum=1, maximum=16, integer=True,
                             symbol=r"J_{\max}", source=_SURROGATE),
    "cbf_min": Parameter("1", "minimum coordinated-beamforming cluster", 1, minimum=1, integer=True,
                         symbol=r"L_{\mathrm{th}}", source="figure legend (Fig. 4(a)); values " + _SURROGATE),
    "nulling_min": Parameter("1", "minimum sensing (nulling) cluster", 1, minimum=1, integer=True,
                             symbol=r"Q_{\mathrm{th}}", source="figure legend (Fig. 4(a)); values " + _SURROGATE),
    "weight": Parameter("1", "communication weight of the sum ASE", 0.5, minimum=0.0, maximum=1.0,
                        symbol=r"\rho", source="eq. (20)"),
    "target_min": Parameter("m", "nearest target distance", 20.0, minimum=0.0, exclusive_minimum=True,
                            symbol=r"r_{t,\min}", source=_SURROGATE),
    "target_max": Parameter("m", "farthest target distance", 100.0, minimum=0.0, exclusive_minimum=True,
                            symbol=r"r_{t,\max}", source=_SURROGATE),
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


def _fig4b_traces(rng, n_trials, params, column):
    """Per-drop traces ``tr F^-1`` of one scheme and power model, shape ``(n_trials, 1)``."""
    index = simulation.FIG4B_COLUMNS.index(column)
    samples = simulation.fig4b_samples(rng, n_trials, _antennas(params),
                                       antenna_density=float(params["antenna_density"]),
                                       radius=float(params["radius"]), **_calibration(params))
    return samples[:, index:index + 1]


def _fig4b(column):
    def simulate(rng, n_trials, params):
        return _fig4b_traces(rng, n_trials, params, column)

    return simulate


def _singular_probability(scheme):
    """``P(N <= 1) = e^-mu (1 + mu)`` (ToF) or, for the hybrid FIM, ``P(N = 0) = e^-mu``.

    With one antenna per BS the AoA information vanishes, so the hybrid FIM is then the
    ToF one and singular whenever ``N <= 1``.
    """

    def analytic(params):
        lam = np.asarray(params["lam"], float)
        single, none = simulation.singular_probabilities(lam * np.pi * np.asarray(params["radius"], float) ** 2)
        if scheme == "tof":
            return np.asarray(single, float)
        one_antenna = np.round(np.asarray(params["antenna_density"], float) / lam) == 1
        return np.where(one_antenna, single, none).astype(float)

    return analytic


def _simulate_singular(column):
    """Whether the drop's ``column`` trace is infinite (a singular FIM)."""

    def simulate(rng, n_trials, params):
        return np.isinf(_fig4b_traces(rng, n_trials, params, column))

    return simulate


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


# --------------------------------------------------------------------------- Fig. 4(a) surrogate

_SURROGATE_KEYS = ("antennas", "max_targets", "cbf_min", "nulling_min", "lam", "rcs", "target_min", "target_max")


def _surrogate_points(s):
    if s["target_max"] < s["target_min"]:
        raise ValueError(f"target_max ({s['target_max']:g} m) is below target_min ({s['target_min']:g} m)")
    return ase_surrogate.ase_points(int(s["antennas"]), int(s["max_targets"]), int(s["cbf_min"]),
                                    int(s["nulling_min"]), float(s["lam"]), float(s["rcs"]),
                                    float(s["target_min"]), float(s["target_max"]))


def _surrogate(quantity):
    """Analytic kernel of one entry of :func:`ase_surrogate.region_summary`."""

    def analytic(params):
        def group(s, sel):
            points = _surrogate_points(s)
            weights = np.broadcast_to(np.asarray(params["weight"], float), sel.shape)[sel]
            return np.array([ase_surrogate.region_summary(points, w)[quantity] for w in weights])

        return per_distinct(params, _SURROGATE_KEYS, group)

    return analytic


def _simulate_surrogate(quantity):
    """Per-trial ASE of the configuration the analytic optimisation selects for ``quantity``."""
    link = "comm" if quantity.startswith("comm") else "sense"

    def simulate(rng, n_trials, params):
        points = _surrogate_points(params)
        w = float(params["weight"])
        if quantity in ("comm", "sense"):
            i, share = ase_surrogate.weighted_optimum(points, w), 1.0
        elif quantity == "comm_ts":
            i, share = ase_surrogate.weighted_optimum(points, 1.0, "comm"), w
        else:
            i, share = ase_surrogate.weighted_optimum(points, 0.0, "sense"), 1.0 - w
        K, L, J, Q = (int(a[i]) for a in (points.K, points.L, points.J, points.Q))
        D = K * L + J * (Q - 1)
        log_sir = ase_surrogate.simulate_log_sir(
            rng, n_trials, link, int(params["antennas"]) - max(D, 1) + 1, K + J, L if link == "comm" else Q,
            float(params["lam"]), rcs=float(params["rcs"]), r_min=float(params["target_min"]),
            r_max=float(params["target_max"]), carrier=float(params["carrier"]))
        return (share * float(params["lam"]) * (K if link == "comm" else J) * log_sir)[:, None]

    return simulate


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
    # ToF is singular iff N <= 1 (AoA also whenever M = 1); the hybrid FIM iff N = 0
    out["p_singular"] = Metric("1", "probability that the ToF FIM is singular (N <= 1)",
                               _singular_probability("tof"), _simulate_singular("tof_P"), symbol="P",
                               reference="Poisson count: exp(-mu)(1 + mu), mu = lam pi R_c^2", stream="fig4b_drops")
    out["p_singular_hybrid"] = Metric("1", "probability that the hybrid FIM is singular (N = 0; N <= 1 if M = 1)",
                                      _singular_probability("hybrid"), _simulate_singular("hybrid_P"), symbol="P",
                                      reference="Poisson count: exp(-mu) (exp(-mu)(1 + mu) if M = 1), "
                                                "mu = lam pi R_c^2",
                                      stream="fig4b_drops")
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
    surrogate = "illustrative surrogate of Fig. 4(a), our model (isac_core.models.han_survey.ase_surrogate)"
    for quantity, name in (("comm", "communication ASE at the ISAC region boundary point of weight rho"),
                           ("sense", "sensing ASE at the ISAC region boundary point of weight rho"),
                           ("comm_ts", "communication ASE of time sharing (fraction rho on communication)"),
                           ("sense_ts", "sensing ASE of time sharing (fraction 1 - rho on sensing)")):
        out[f"ase_{quantity}"] = Metric("nat/m^2", name, _surrogate(quantity), _simulate_surrogate(quantity),
                                        kind="mean", symbol="T", reference=surrogate)
    out["ase_sum"] = Metric("nat/m^2", "maximum weighted sum ASE over the ISAC region, eq. (20)",
                            _surrogate("sum"), symbol="T^{ASE}", reference=surrogate)
    out["ase_gain"] = Metric("1", "maximum weighted sum ASE, ISAC over time sharing", _surrogate("gain"),
                             symbol="G", reference=surrogate)
    out["ase_normalised_gain"] = Metric("1", "maximum of T_c / T_c^max + T_s / T_s^max over the ISAC region",
                                        _surrogate("normalised_gain"), symbol="G_n", reference=surrogate)
    return out


LAWS = {
    "tof": Law("c_R / ln^2 N", ("c_R",), lambda N, y: (simulation.fit_tof_law(N, y),), simulation.tof_law,
               reference="Table III: CRLB_R ~ 1 / ln^2 N"),
    "aoa": Law("c_A / ln N", ("c_A",), lambda N, y: (simulation.fit_aoa_law(N, y),), simulation.aoa_law,
               reference="Table III: CRLB_A ~ 1 / ln N"),
    "hybrid": Law("1 / (a ln^2 N + b ln N)", ("a", "b"), simulation.fit_hybrid_law, simulation.hybrid_law,
                  reference="Table III: CRLB_H ~ 1 / (a ln^2 N + b ln N)"),
}

MODEL = Model(
    key="han_survey",
    title="Cooperative ISAC networks (survey): localisation scaling laws and antenna allocation; "
          "illustrative ASE-region surrogate",
    reference="K. Han, K. Meng, X.-Y. Wang and C. Masouros, Network-Level ISAC Design: State-of-the-Art, "
              "Challenges, and Opportunities (survey)",
    parameters=PARAMETERS,
    metrics=_metrics(),
    laws=LAWS,
    notes=(
        "The mean CRLB is infinite with a Poisson number of BSs: Fig. 4(b) shows medians over drops.",
        "Only the localisation results of the survey are reproducible (docs/errata.md).",
        "The ase_* metrics belong to an illustrative surrogate of Fig. 4(a) with a model of our own: "
        "not a reproduction.",
    ),
)
