rule plot_figure:
    # Analytic lines and Monte Carlo markers with 95 % intervals, PNG and PDF.
    input:
        "results/{paper}/{fig}/{fig}.zarr",
    output:
        png="results/{paper}/{fig}/{fig}.png",
        pdf="results/{paper}/{fig}/{fig}.pdf",
    params:
        spec=figure_params,
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "results/logs/plot_figure/{paper}/{fig}.log",
    benchmark:
        "results/benchmarks/plot_figure/{paper}/{fig}.tsv"
    conda:
        "../envs/isac.yaml"
    script:
        "../scripts/plot_figure.py"
