# Frivilligdata: `make help` lists the targets. Every target sets up what it needs (venv, demo data, warehouse).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
WAREHOUSE := data/warehouse.duckdb
LOCK := requirements.lock
DEMO := data/raw/demo
AXE := tests/browser/node_modules/axe-core/axe.min.js
# Python keeps its compiled bytecode (__pycache__, git-ignored) even where the environment says not to (some CI and
# container images set PYTHONDONTWRITEBYTECODE=1): otherwise every test worker, dashboard kernel and CLI run compiles
# the project's modules again and pytest rewrites every test module in every worker.
unexport PYTHONDONTWRITEBYTECODE
PORT ?= 8866
LAB_PORT ?= 8888
LAB_FLAGS ?=
WORKERS ?= 1
JOBS ?= auto
# pytest-xdist, one test file per worker at a time: a notebook's nbval cells share its kernel, and a module-scoped
# server or build (the report, the capped Voila server) is made once. (--dist loadgroup would balance finer, but with
# pytest 9.2 it silently stops grouping: pytest-xdist issue 1386.) The files go out in collection order, the longest
# first (tests/conftest.py START_FIRST), not xdist's default of the most tests first, which left the longest file,
# with few tests, to run alone at the end.
PARALLEL = -n $(JOBS) --dist loadfile --no-loadscope-reorder
YEAR ?=
# LANG=en, LANG=da,en or LANG=all (the environment's own LANG, e.g. en_US.UTF-8, means Danish)
comma := ,
REPORT_LANG ?= $(or $(filter en all da$(comma)en en$(comma)da,$(LANG)),da)
# Debian packages a target needs; tools/setup-system.sh installs the missing ones (root or passwordless sudo) or
# stops with the apt-get command to run
SYSTEM := tools/setup-system.sh
TEST_PACKAGES := chromium poppler-utils fonts-dejavu-core npm nginx-light
BROWSER_PACKAGES := chromium fonts-dejavu-core
CLUSTER_PACKAGES := nginx-light

.DEFAULT_GOAL := help
.PHONY: help venv lock demo warehouse dashboard lab docs test check report bench clean system-test system-browser system-dashboard

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-10s %s\n", $$1, $$2}'

# The exact versions (with hashes) the suite passed with, then the project itself without resolving again; pip check
# stops here when pyproject.toml asks for something the lock does not have (then: make lock)
$(VENV)/.installed: pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@$(PY) -m pip check >/dev/null || { $(PY) -m pip check; echo "error: $(LOCK) does not satisfy pyproject.toml: run make lock"; exit 1; }
	touch $@

venv: $(VENV)/.installed ## Create .venv and install the project with test and dev dependencies from requirements.lock

# uv at the locked version (make lock must work when pyproject.toml and the lock disagree, so not through make venv)
$(VENV)/bin/uv:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv==$$(sed -n 's/^uv==\([^ ]*\).*/\1/p' $(LOCK))"

lock: $(VENV)/bin/uv ## Regenerate requirements.lock from pyproject.toml, keeping the locked versions that still fit (UPGRADE=1: the newest)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra dev --generate-hashes --python $(PY) \
		--custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade) -o $(LOCK)

$(DEMO)/.generated: $(VENV)/.installed $(wildcard etl/demo*.py)
	$(PY) -m etl demo --out $(DEMO)
	touch $@

demo: $(DEMO)/.generated ## Generate the synthetic demo data into data/raw/demo (deterministic)

# The warehouse in two steps, so that make lab does not wait for the dashboards' views: $(BUILT) is the warehouse
# itself (etl build; rebuilt when missing), $(WAREHOUSE) adds the views (prebuild) for make warehouse/dashboard/test
BUILT := data/.warehouse-built
$(BUILT): $(DEMO)/.generated $(wildcard etl/*.py etl/*.sql data/reference/*.csv queries/*.sql queries/macros.py) \
		$(if $(wildcard $(WAREHOUSE)),,FORCE)
	$(PY) -m etl build --raw $(DEMO) --db $(WAREHOUSE)
	touch $@

$(WAREHOUSE): $(BUILT)
	$(PY) -m server.prebuild --db $(WAREHOUSE)
	touch $@

FORCE:

warehouse: $(WAREHOUSE) ## Build data/warehouse.duckdb from the demo data, then the dashboards' views (default pages, one change away)

dashboard: system-dashboard $(WAREHOUSE) ## Serve the dashboards on http://localhost:8866 (WORKERS=2: two Voilà workers behind nginx)
	$(if $(filter 1,$(WORKERS)),$(PY) -m server.serve --port=$(PORT),$(PY) -m server.cluster --workers=$(WORKERS) --port=$(PORT))

lab: $(BUILT) ## Open JupyterLab at the repository root on port 8888 (LAB_PORT=...): notebooks/, queries/
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--LabApp.default_url=/lab/tree/notebooks/worked_example.ipynb $(if $(filter 0,$(shell id -u)),--allow-root) \
		--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		--LabApp.extension_manager=readonly $(LAB_FLAGS)

docs: $(VENV)/.installed ## Regenerate docs/codebook.md and docs/metrics.md from the code
	$(PY) -m etl.docs

system-test:
	@$(SYSTEM) $(TEST_PACKAGES)
system-browser:
	@$(SYSTEM) $(BROWSER_PACKAGES)
system-dashboard:
	@$(if $(filter 1,$(WORKERS)),:,$(SYSTEM) $(CLUSTER_PACKAGES))

# axe-core (npm) for the accessibility checks of the browser tests, injected into the pages by Playwright
$(AXE): | system-test
	npm install --prefix tests/browser --no-save --no-package-lock --silent axe-core@4

test: system-test $(WAREHOUSE) $(AXE) ## Run the test suite (unit, warehouse, notebooks, browser) on every core (JOBS=...)
	$(VENV)/bin/pytest $(PARALLEL)

check: $(WAREHOUSE) ## The quick subset of make test: everything but the browser, report, notebook and R/Stata runs
	$(VENV)/bin/pytest tests $(PARALLEL) -m "not browser and not slow and not notebook and not stats_tools"

report: system-browser $(WAREHOUSE) ## Render the annual report: make report [YEAR=...] [LANG=en|all] (default the latest wave) -> reports/YEAR/frivilligrapport-YEAR.<lang>.html/.pdf
	$(PY) -m reports build $(if $(YEAR),--year $(YEAR)) --lang $(REPORT_LANG)

bench: system-browser $(VENV)/.installed ## Run the benchmarks in bench/ (slow; prints ratios against baselines)
	$(PY) bench/queries.py
	$(PY) bench/small_area.py
	$(PY) bench/dashboards.py
	$(PY) bench/report.py
	$(PY) bench/load.py

clean: ## Remove built artefacts (warehouse, demo data, reports), not the venv
	rm -rf $(WAREHOUSE) $(BUILT) $(DEMO) reports/[0-9]* screenshots .pytest_cache
