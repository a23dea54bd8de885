"""aggregate_figure: combine chunk stores into the labelled figure dataset."""

from isac_core import logs, pipeline
from isac_core.config import FigureSpec

logs.configure(snakemake.log[0])
pipeline.aggregate_figure(FigureSpec.from_dict(snakemake.params.spec), snakemake.input, snakemake.output[0])
