#!/usr/bin/env bash
# A model from outside the library: install isac-sweep and the example plug-in
# (examples/cellular) into a fresh virtual environment, run the plug-in's own tests, then
# select its paper in a configuration of its own and run its figures through Snakemake.
# Also: `isac new-model` writes a package that installs and passes its own tests as generated.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/venv"
. "$scratch/venv/bin/activate"
pip install --quiet -r "$repo/requirements.lock" -e "$repo" "$repo/examples/cellular"

isac list cellular
pytest -q -p no:cacheprovider "$repo/examples/cellular/tests"

mkdir -p "$scratch/work/config/figures"
cat > "$scratch/work/config/config.yaml" <<YAML
seed: 11
figures_dir: config/figures
select: {cellular: all}
YAML
cd "$scratch/work"
snakemake -s "$repo/Snakefile" --directory "$scratch/work" --cores 2 --quiet
python - <<'PY'
import json
verdicts = json.load(open("results/verdicts.json"))
print(verdicts)
assert not verdicts["failed"] and verdicts["passed"] == ["cellular/fig3", "cellular/fig4"], verdicts
PY

isac new-model mymodel --path "$scratch/scaffold"
pip install --quiet -e "$scratch/scaffold/isac-mymodel"
pytest -q -p no:cacheprovider "$scratch/scaffold/isac-mymodel/tests"
echo "plug-ins: examples/cellular and a generated model installed, tested and run"
