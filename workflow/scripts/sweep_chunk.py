"""sweep_chunk: run one chunk of a figure's grid and write its Zarr store."""

import os

# Dask threads provide the parallelism; keep BLAS/OpenMP pools from multiplying it.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"

from isac_core import logs, pipeline  # noqa: E402

logs.configure(snakemake.log[0])
pipeline.sweep_chunk(
    snakemake.params.task,
    snakemake.output[0],
    threads=snakemake.threads,
    address=snakemake.config.get("dask_address"),
)
