rule check_figure:
    # Analytic vs Monte Carlo per curve, and the paper's quoted numbers -> check.json.
    input:
        "results/{paper}/{fig}/{fig}.zarr",
    output:
        "results/{paper}/{fig}/{fig}.check.json",
    params:
        spec=figure_params,
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "results/logs/check_figure/{paper}/{fig}.log",
    benchmark:
        "results/benchmarks/check_figure/{paper}/{fig}.tsv"
    conda:
        "../envs/isac.yaml"
    script:
        "../scripts/check_figure.py"
