rule report:
    # Every figure with its verdict table, parameters and provenance, in one HTML file.
    input:
        datasets=all_outputs("dataset"),
        checks=all_outputs("check"),
        pngs=all_outputs("png"),
    output:
        "results/report/index.html",
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "results/logs/report/report.log",
    benchmark:
        "results/benchmarks/report/report.tsv"
    conda:
        "../envs/isac.yaml"
    script:
        "../scripts/report.py"
