#!/usr/bin/env bash
# The library as a built wheel, outside the source tree: build it, install it with the locked
# versions into a fresh virtual environment, then validate the shipped configuration and run one
# figure from a scratch folder that holds only a copy of config/ (no checkout, no editable install).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m pip wheel --quiet --no-deps --wheel-dir "$scratch/dist" "$repo"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet -r "$repo/requirements.lock" "$scratch"/dist/isac_sweep-*.whl

mkdir "$scratch/work"
cp -r "$repo/config" "$scratch/work/config"
cd "$scratch/work"
"$scratch/venv/bin/isac" --version
"$scratch/venv/bin/isac" validate
"$scratch/venv/bin/isac" run li_tradeoff/fig2 --results results
test -s results/li_tradeoff/fig2/fig2.png
"$scratch/venv/bin/python" -c "import json; v = json.load(open('results/li_tradeoff/fig2/fig2.check.json')); assert v['passed'], v"
echo "wheel: installed outside the source tree, validated the configuration and ran li_tradeoff/fig2"
