# Helpers only: load and validate the configuration, and resolve what each job needs.
import sys

from isac_core.config import ConfigError, load_experiment
from isac_core.pipeline import paths
from isac_core.sweep import chunk_task

try:
    FIGURES = {spec.name: spec for spec in load_experiment(config, workdir=".")}
except ConfigError as exc:
    sys.exit(f"isac-sweep: {exc}")


def figure_spec(wildcards):
    return FIGURES[f"{wildcards.paper}/{wildcards.fig}"]


def chunk_params(wildcards):
    """The resolved task of one chunk: only what that chunk computes."""
    return chunk_task(figure_spec(wildcards), int(wildcards.chunk))


def figure_chunks(wildcards):
    return [str(p) for p in paths(figure_spec(wildcards))["chunks"]]


def aggregate_params(wildcards):
    """The figure minus its plot and check settings (restyling re-runs nothing upstream)."""
    spec = figure_spec(wildcards).to_dict()
    spec.pop("plot")
    spec.pop("checks")
    return spec


def figure_params(wildcards):
    return figure_spec(wildcards).to_dict()


def all_outputs(kind):
    return [str(paths(spec)[kind]) for spec in FIGURES.values()]
