"""Monte Carlo kernels of every paper model against the raw NumPy rate of their draws.

For one representative curve per simulated kernel of each paper (the figure whose Monte
Carlo of that kernel costs most in the configured workflow, and the middle curve of
that figure's chunk), measured in the same run, on one core:

* ``kernel``: one batch of the metric's ``simulate`` kernel, called exactly as the sweep
  engine calls it (``isac_core.sweep._mc_batch``: the curve's scalars and shared
  parameters, the figure's own batch size and the generator of the curve's first batch);
* ``raw``: just the random draws that call makes, replayed on a fresh generator with the
  same seed: the same ``Generator`` methods with the same arguments, shapes and
  ``out=`` buffers, in the same order (so even the values are the same). The calls are
  recorded once by running the kernel on a counting proxy of the generator, so the
  bound also covers data-dependent draws (Poisson point counts, redrawn trials).

Kernel and raw draws are interleaved over ``ROUNDS`` rounds (alternating which goes
first) so machine-speed drift hits both alike; each keeps its best time.
``fraction = raw_seconds / kernel_seconds`` (1.0: the kernel costs no more than its
draws). Target: ``fraction >= 0.5`` for every kernel.

sui_coop6g Fig. 2(a) (Conjecture 1 sums, the largest chunk) is left out; its kernel
is timed by ``bench_mc_sui.py``. Metrics that run an already listed kernel with the
same arguments (e.g. ``crlb_median`` / ``crlb_excluded``, the other ``t3_*`` and
Fig. 4(b) columns of han_survey) are not repeated.

Usage: OMP_NUM_THREADS=1 python benchmarks/bench_mc_papers.py
Writes benchmarks/results/mc_papers.json: per case the paper, figure, metric, curve,
trials per batch, kernel and raw-draw seconds per batch, the fraction and the draws
(variates per generator method).
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import yaml

from isac_core import rng as _rng
from isac_core.config import load_experiment
from isac_core.models import get_model
from isac_core.sweep import _curves, batch_sizes, chunk_task

ROUNDS = 7
OUTPUT = Path("benchmarks/results/mc_papers.json")

#: (paper, figure, metric): for every distinct kernel, the figure that spends the most
#: Monte Carlo time on it (estimated as one batch of each of its curves times its batches).
CASES = (
    ("li_tradeoff", "fig3", "p_det"),
    ("li_tradeoff", "fig4", "p_cov"),
    ("li_tradeoff", "fig5_poisson", "p_det"),  # Poisson number of interferers
    ("sui_coop6g", "fig3", "gamma_cdf"),
    ("sui_coop6g", "fig2b", "p_cov_pooled"),
    ("sui_coop6g", "fig6", "p_cov"),
    ("sui_coop6g", "fig6_zf", "p_cov_zf"),
    ("sui_coop6g", "fig11", "r_s"),
    ("sui_coop6g", "fig9_zf", "r_s_zf"),
    ("meng_coop", "fig2", "crlb_exact"),
    ("meng_coop", "fig3", "crlb_accept"),
    ("meng_coop", "fig2_large_n", "crlb_ln2n"),
    ("meng_coop", "fig3_kappa", "kappa_s_network"),
    ("meng_coop", "fig4", "rate"),
    ("meng_coop", "fig4", "rate_zf"),
    ("meng_coop", "fig5", "boundary_rate"),
    ("meng_coop", "fig5", "boundary_crlb_sim"),
    ("sun_blockage", "fig6", "p_cov"),
    ("sun_blockage", "fig6", "p_cov_nb"),
    ("sun_blockage", "fig2_rcs_shift", "p_sens"),
    ("sun_blockage", "fig2_rcs_shift", "p_sens_notrc"),
    ("sun_blockage", "fig4_single", "p_sens_single"),
    ("sun_blockage", "fig7", "p_sens_nb"),
    ("han_survey", "table3", "t3_hybrid"),
    ("han_survey", "fig4b", "crlb_hybrid_p"),
    ("han_survey", "fig4a_surrogate", "ase_comm"),
    ("han_survey", "fig4a_surrogate", "ase_sense"),
)

#: Generator methods whose first argument is a shape parameter worth showing.
_SHAPED = ("gamma", "standard_gamma", "beta")


class Draw(NamedTuple):
    """One generator call: method, arguments (``out`` as a shape and dtype) and variates drawn."""

    method: str
    args: tuple
    kwargs: dict
    out: tuple | None  # (shape, dtype) of the ``out=`` buffer, if one was passed
    count: int


class RecordingGenerator:
    """Stand-in for a :class:`numpy.random.Generator` that forwards and records every call.

    Array arguments are copied when recorded (a kernel may reuse them in place).

    Parameters
    ----------
    gen : numpy.random.Generator
        The generator that produces the numbers.
    """

    def __init__(self, gen: np.random.Generator):
        self._gen = gen
        self.draws: list[Draw] = []

    def __getattr__(self, name):
        method = getattr(self._gen, name)
        if not callable(method):
            return method

        def record(*args, **kwargs):
            result = method(*args, **kwargs)
            out = kwargs.get("out")
            kept = {k: (np.array(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items() if k != "out"}
            self.draws.append(Draw(
                name, tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in args), kept,
                None if out is None else (out.shape, out.dtype), int(np.size(result))))
            return result

        return record


def replayer(draws):
    """A function of a generator that makes exactly ``draws`` on it (``out=`` buffers preallocated)."""
    calls = [(d.method, d.args, d.kwargs if d.out is None else {**d.kwargs, "out": np.empty(*d.out)})
             for d in draws]

    def replay(gen):
        for method, args, kwargs in calls:
            getattr(gen, method)(*args, **kwargs)

    return replay


def describe(draws) -> str:
    """Variates per method, e.g. ``"standard_exponential 1.39M, random 1.39M (42 calls)"``."""
    counts = Counter()
    for d in draws:
        label = d.method
        if d.method in _SHAPED and d.args and np.ndim(d.args[0]) == 0:
            label += f"({d.args[0]:g})"
        counts[label] += d.count
    parts = ", ".join(f"{label} {n / 1e6:.3g}M" if n >= 1e4 else f"{label} {n}" for label, n in counts.most_common())
    return f"{parts} ({len(draws)} calls)"


def load_case(specs, paper, figure, metric):
    """The sweep engine's call of one batch of the middle curve of ``figure``'s first chunk.

    Returns
    -------
    dict
        ``simulate``, ``params``, ``trials`` (the figure's first batch size),
        ``generator`` (a function returning a fresh generator of the curve's first
        batch), ``curve`` (the swept values that identify the curve) and ``points``
        (its number of state points).
    """
    spec = specs[paper, figure]
    model = get_model(paper)
    task = chunk_task(spec, 0)
    curves = _curves(model, metric, task, np.asarray(task["mc_mask"], bool))
    members, scalars, shared, stream = curves[len(curves) // 2]
    varying = [k for k in task["points"] if k != "point" and k in scalars]
    return {
        "simulate": model.metrics[metric].simulate,
        "params": {**scalars, **shared},
        "trials": batch_sizes(task["n_trials"], task["batch_size"])[0],
        "generator": lambda: _rng.batch_generator(task["seed"], stream, 0),
        "curve": {k: float(scalars[k]) for k in varying},
        "points": len(members),
    }


def main():
    config = yaml.safe_load(Path("config/config.yaml").read_text())
    specs = {(s.model_key, s.key): s for s in load_experiment(config, workdir=".")}
    cases = []
    for paper, figure, metric in CASES:
        case = load_case(specs, paper, figure, metric)
        recorder = RecordingGenerator(case["generator"]())
        case["simulate"](recorder, case["trials"], case["params"])  # also warms the kernel's caches
        case.update(paper=paper, figure=figure, metric=metric, draws=recorder.draws,
                    replay=replayer(recorder.draws), kernel_s=np.inf, raw_s=np.inf)
        cases.append(case)
    for r in range(ROUNDS):
        for case in cases:
            for which in (("kernel", "raw") if r % 2 == 0 else ("raw", "kernel")):
                gen = case["generator"]()
                t0 = time.perf_counter()
                if which == "kernel":
                    case["simulate"](gen, case["trials"], case["params"])
                else:
                    case["replay"](gen)
                case[f"{which}_s"] = min(case[f"{which}_s"], time.perf_counter() - t0)
    rows = []
    print(f"{'paper':13s} {'figure':16s} {'metric':18s} {'trials':>6s} {'kernel ms':>10s} {'raw ms':>8s} "
          f"{'of raw':>7s}  draws")
    for c in cases:
        row = {"paper": c["paper"], "figure": c["figure"], "metric": c["metric"], "curve": c["curve"],
               "curve_points": c["points"], "trials_per_batch": c["trials"], "kernel_seconds": c["kernel_s"],
               "raw_seconds": c["raw_s"], "fraction": c["raw_s"] / c["kernel_s"],
               "variates": sum(d.count for d in c["draws"]), "draws": describe(c["draws"])}
        rows.append(row)
        print(f"{row['paper']:13s} {row['figure']:16s} {row['metric']:18s} {row['trials_per_batch']:6d} "
              f"{1e3 * row['kernel_seconds']:10.2f} {1e3 * row['raw_seconds']:8.2f} "
              f"{100 * row['fraction']:6.1f}%  {row['draws']}")
    out = {"machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "numpy": np.__version__,
                       "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
           "rounds": ROUNDS, "target_fraction": 0.5, "results": rows}
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
