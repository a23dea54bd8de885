"""A toy model with known answers, for testing the engine independently of any paper.

X ~ Exponential(mean ``scale``): ``p_exceed`` = P[X > t] = exp(-t / scale) (t shared
across a curve), ``mean_x`` = E[X] = scale. Three more metrics exercise the engine's
one-kernel metrics and approximation allowances (and ``median_x``, the median
scale ln 2, for median metrics): ``p_markov`` (analytic only, the
Markov bound min(1, scale / t)), ``p_exceed_sim`` (simulation only) and
``p_biased`` (an "approximate" formula 0.02 above the truth, simulated exactly). Two
laws for ``p_exceed`` along ``t``: ``exponential`` (exact) and ``power`` (wrong).
"""

from __future__ import annotations

import numpy as np

from isac_core.model import Law, Metric, Model, Parameter


def _p_analytic(p):
    return np.exp(-p["t"] / p["scale"])


def _p_simulate(rng, n_trials, p):
    x = rng.exponential(p["scale"], size=n_trials)
    return x[:, None] > np.asarray(p["t"])[None, :]


def _mean_analytic(p):
    return np.asarray(p["scale"], float) + 0.0 * p["t"]


def _mean_simulate(rng, n_trials, p):
    return rng.exponential(p["scale"], size=(n_trials, 1))


def _median_analytic(p):
    return np.asarray(p["scale"], float) * np.log(2.0) + 0.0 * p["t"]


def _median_simulate(rng, n_trials, p):
    x = rng.exponential(p["scale"], size=(n_trials, 1))
    return np.where(x > 50.0 * p["scale"], np.inf, x)  # a (rare) infinite observation is allowed


def _markov(p):
    t = np.asarray(p["t"], float)
    with np.errstate(divide="ignore"):
        return np.minimum(1.0, np.asarray(p["scale"], float) / t)


def _fit_exponential(t, y):
    slope, intercept = np.polyfit(t, np.log(y), 1)
    return float(np.exp(intercept)), float(-1.0 / slope)


def _fit_power(t, y):
    k, intercept = np.polyfit(np.log(t), np.log(y), 1)
    return float(np.exp(intercept)), float(k)


def _biased(p):
    return np.minimum(_p_analytic(p) + 0.02, 1.0)


TOY = Model(
    key="toy",
    title="Exponential toy model",
    reference="textbook",
    parameters={
        "scale": Parameter("m", "mean of X", default=1.0, minimum=0.0, exclusive_minimum=True, symbol="s"),
        "t": Parameter("m", "threshold", default=1.0, minimum=0.0, symbol="t"),
        "offset": Parameter("m", "an offset used through derived expressions", default=0.0),
    },
    metrics={
        "p_exceed": Metric("1", "P[X > t]", _p_analytic, _p_simulate,
                           shared_sample_parameters=("t",), symbol="P"),
        "mean_x": Metric("m", "E[X]", _mean_analytic, _mean_simulate, kind="mean", symbol="E"),
        "p_markov": Metric("1", "Markov bound on P[X > t]", _markov, symbol="P"),
        "p_exceed_twin": Metric("1", "P[X > t], simulated on the draws of p_exceed", simulate=_p_simulate,
                                shared_sample_parameters=("t",), symbol="P", stream="p_exceed"),
        "median_x": Metric("m", "median of X", _median_analytic, _median_simulate, kind="median", symbol="m"),
        "p_exceed_sim": Metric("1", "P[X > t], simulated", simulate=_p_simulate,
                               shared_sample_parameters=("t",), symbol="P"),
        "p_biased": Metric("1", "P[X > t] + 0.02", _biased, _p_simulate, shared_sample_parameters=("t",),
                           symbol="P"),
    },
    laws={
        "exponential": Law("c exp(-t / tau)", ("c", "tau"), _fit_exponential,
                           lambda t, c, tau: c * np.exp(-np.asarray(t) / tau), reference="P[X > t] (exact)"),
        "power": Law("c t^k", ("c", "k"), _fit_power, lambda t, c, k: c * np.asarray(t) ** k,
                     reference="a wrong law for P[X > t]"),
    },
)


def register(monkeypatch):
    """Make the toy model available as model key 'toy' for one test."""
    from isac_core import models

    monkeypatch.setitem(models._cache, "toy", TOY)
    monkeypatch.setitem(models.MODEL_MODULES, "toy", "toy-test-only")
