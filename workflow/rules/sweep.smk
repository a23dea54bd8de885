rule sweep_chunk:
    # One job per chunk of a figure's grid; Dask runs its analytic and Monte Carlo
    # tasks with the job's threads, or on an existing cluster (config dask_address, read
    # by the script: a runtime setting that changes no number, so not a rerun trigger).
    output:
        directory("results/{paper}/{fig}/chunks/{chunk}.zarr"),
    params:
        task=chunk_params,
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    log:
        "results/logs/sweep_chunk/{paper}/{fig}/{chunk}.log",
    benchmark:
        "results/benchmarks/sweep_chunk/{paper}/{fig}/{chunk}.tsv"
    conda:
        "../envs/isac.yaml"
    script:
        "../scripts/sweep_chunk.py"
