rule verdicts:
    # The run's verdict, last: every figure's checks and the report are done first. With a
    # failing figure the run ends non-zero (config failing_checks: fail, the default), and
    # stays so until the figure passes, since this rule's output is only kept when it passes.
    input:
        checks=all_outputs("check"),
        report=REPORT,
    output:
        "results/verdicts.json",
    params:
        code=code_digest("verdicts"),
    localrule: True
    log:
        "results/logs/verdicts/verdicts.log",
    run:
        run_verdicts(log[0], input.checks, input.report, output[0])


onsuccess:
    print_summary()


onerror:
    print_summary()
