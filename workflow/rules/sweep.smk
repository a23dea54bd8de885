rule sweep_chunk:
    # One job per chunk of a figure's grid; Dask runs its analytic and Monte Carlo tasks
    # (run_sweep in common.smk says where). Memory and time grow with each retry.
    output:
        directory("results/{paper}/{fig}/chunks/{chunk}.zarr"),
    params:
        task=chunk_params,
    threads: 1 if DASK_ADDRESS else 2
    resources:
        mem_mb=lambda wildcards, attempt: (500 if DASK_ADDRESS else 2000) * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    log:
        "results/logs/sweep_chunk/{paper}/{fig}/{chunk}.log",
    run:
        run_sweep(params.task, output[0], log[0], threads)
