rule check_figure:
    # Analytic vs Monte Carlo per curve, and the paper's quoted numbers -> check.json.
    input:
        "results/{paper}/{fig}/{fig}.zarr",
    output:
        "results/{paper}/{fig}/{fig}.check.json",
    params:
        code=code_digest("checks"),  # a change to the step's code re-runs it
        spec=figure_params,
    localrule: True
    resources:
        mem_mb=1000,
    log:
        "results/logs/check_figure/{paper}/{fig}.log",
    run:
        run_figure_step(rule, log[0], pipeline.check_figure, params.spec, input[0], output[0])
