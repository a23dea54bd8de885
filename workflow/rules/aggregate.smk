rule aggregate_figure:
    # Single writer of the labelled figure dataset (dims named after the swept parameters).
    input:
        figure_chunks,
    output:
        directory("results/{paper}/{fig}/{fig}.zarr"),
    params:
        code=code_digest("io"),  # a change to the step's code re-runs it
        spec=aggregate_params,
    localrule: True
    resources:
        mem_mb=1000,
    log:
        "results/logs/aggregate_figure/{paper}/{fig}.log",
    run:
        run_figure_step(rule, log[0], pipeline.aggregate_figure, params.spec, input, output[0])
