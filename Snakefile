# Entry point for `snakemake --cores N` from the repository root; the workflow lives in workflow/.
include: "workflow/Snakefile"
