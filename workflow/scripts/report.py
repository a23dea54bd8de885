"""report: one HTML page with every figure, its verdicts, parameters and provenance."""

from isac_core import logs, pipeline

logs.configure(snakemake.log[0])
entries = list(zip(snakemake.input.datasets, snakemake.input.checks, snakemake.input.pngs, strict=True))
pipeline.report(entries, snakemake.output[0])
