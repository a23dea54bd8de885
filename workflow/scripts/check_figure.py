"""check_figure: write the figure's verdict (check.json)."""

from isac_core import logs, pipeline
from isac_core.config import FigureSpec

logs.configure(snakemake.log[0])
pipeline.check_figure(FigureSpec.from_dict(snakemake.params.spec), snakemake.input[0], snakemake.output[0])
