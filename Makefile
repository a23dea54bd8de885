# From a fresh clone (Python >= 3.10 is all they need):
#   make run    regenerate every figure, its checks and the report (snakemake --cores <all cores>)
#   make test   run the whole test suite
#   make quick  the contributors' fast loop: every test but the cluster, workflow, browser and install ones
# Each first makes sure the project's virtual environment .venv exists and holds the locked
# versions (requirements.lock); it is installed once and again only when requirements.lock or
# pyproject.toml change. People who manage their own environment: see the README.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
QUICK := not slurm and not dask and not workflow and not browser and not install
CORES ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)

.PHONY: run test quick env

run: env
	@echo "==> snakemake --cores $(CORES)  (every configured figure, its checks and the report)"
	@. $(VENV)/bin/activate && snakemake --cores $(CORES)

test: env
	@echo "==> pytest  (every test; the fast loop: see the README)"
	@. $(VENV)/bin/activate && pytest

quick: env
	@echo "==> pytest -m \"$(QUICK)\"  (about two minutes; make test runs everything)"
	@. $(VENV)/bin/activate && pytest -m "$(QUICK)"

env: $(STAMP)
	@echo "==> $(VENV): isac-sweep installed, up to date with requirements.lock and pyproject.toml"

$(STAMP): requirements.lock pyproject.toml
	@if [ ! -x $(VENV)/bin/python ]; then \
	    echo "==> creating the virtual environment $(VENV) ($(PYTHON) -m venv)"; \
	    $(PYTHON) -m venv $(VENV); \
	fi
	@$(VENV)/bin/python -m pip install --quiet --upgrade pip
	@if $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	    echo "==> installing isac-sweep with the locked versions (requirements.lock) into $(VENV)"; \
	    $(VENV)/bin/python -m pip install --quiet -r requirements.lock -e ".[test]"; \
	else \
	    echo "==> requirements.lock is for Python 3.11; installing isac-sweep unpinned into $(VENV)"; \
	    $(VENV)/bin/python -m pip install --quiet -e ".[test]"; \
	fi
	@touch $(STAMP)
