rule report:
    # Every figure with its verdict table, parameters and provenance, in one HTML file.
    input:
        datasets=all_outputs("dataset"),
        checks=all_outputs("check"),
        pngs=all_outputs("png"),
        errata=ERRATA,  # shown in the report (where the working directory has docs/errata.md)
    output:
        REPORT,
    params:
        code=code_digest("report"),  # a change to the report's code re-runs it
    localrule: True
    resources:
        mem_mb=1000,
    log:
        "results/logs/report/report.log",
    run:
        run_report(log[0], input.datasets, input.checks, input.pngs, input.errata[0] if input.errata else None,
                   output[0])
