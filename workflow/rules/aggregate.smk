rule aggregate_figure:
    # Single writer of the labelled figure dataset (dims named after the swept parameters).
    input:
        figure_chunks,
    output:
        directory("results/{paper}/{fig}/{fig}.zarr"),
    params:
        spec=aggregate_params,
    resources:
        mem_mb=2000,
        runtime=10,
    log:
        "results/logs/aggregate_figure/{paper}/{fig}.log",
    benchmark:
        "results/benchmarks/aggregate_figure/{paper}/{fig}.tsv"
    conda:
        "../envs/isac.yaml"
    script:
        "../scripts/aggregate_figure.py"
