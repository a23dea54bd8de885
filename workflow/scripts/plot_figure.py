"""plot_figure: render a figure dataset to PNG and PDF."""

from isac_core import logs, pipeline
from isac_core.config import FigureSpec

logs.configure(snakemake.log[0])
pipeline.plot_figure(
    FigureSpec.from_dict(snakemake.params.spec),
    snakemake.input[0],
    snakemake.output.png,
    snakemake.output.pdf,
)
