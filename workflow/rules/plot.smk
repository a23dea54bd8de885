rule plot_figure:
    # Analytic lines and Monte Carlo markers with 95 % intervals, PNG and PDF.
    input:
        "results/{paper}/{fig}/{fig}.zarr",
    output:
        png="results/{paper}/{fig}/{fig}.png",
        pdf="results/{paper}/{fig}/{fig}.pdf",
    params:
        code=code_digest("plotting"),  # a change to the step's code re-runs it
        spec=figure_params,
    localrule: True
    resources:
        mem_mb=1000,
    log:
        "results/logs/plot_figure/{paper}/{fig}.log",
    run:
        run_figure_step(rule, log[0], pipeline.plot_figure, params.spec, input[0], output.png, output.pdf)
