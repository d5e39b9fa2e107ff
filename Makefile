# tumen: rebuild the report from data/ and notebooks/. A bare `make` prints this help.
#
# Every target bootstraps .venv itself: python3 -m venv, uv installed into it from
# requirements.lock with --require-hashes, then `uv pip sync requirements.lock` (every package
# of the environment pinned with its sha256), the tumen package in editable mode and a Jupyter
# kernel registered inside the venv. The venv is rebuilt only when requirements.lock changes;
# `make lock` regenerates the lock from requirements.txt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PARAMS ?= params.yaml
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
TUMEN := $(PY) -m tumen
PYTEST_ARGS ?= -n 2 --dist loadfile   # two workers, one test file each (module fixtures stay shared)

export TUMEN_ROOT := $(CURDIR)
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

LOCK := requirements.lock
REQ_HASH := $(shell sha256sum $(LOCK) | cut -c1-16)
PKG_HASH := $(shell cat pyproject.toml $(LOCK) | sha256sum | cut -c1-16)
REQ_STAMP := $(VENV)/.tumen-req-$(REQ_HASH)
TUMEN_STAMP := $(VENV)/.tumen-pkg-$(PKG_HASH)
PIP_QUIET := 2>&1 | { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }
# uv's own lines of a lock (name, hashes), for installing uv with pip --require-hashes
uv_lines = awk '/^uv==/{p=1} p{print} p && !/\\$$/{exit}' $(1)
# $(call make_venv,VENV,LOCK): a fresh venv holding exactly the packages of LOCK
define make_venv
	@rm -rf $(1)
	@$(PYTHON) -m venv $(1)
	@$(1)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r <($(call uv_lines,$(2))) $(PIP_QUIET)
	@$(1)/bin/uv pip sync --quiet --python $(1)/bin/python --require-hashes $(2)
endef

# The build graph of the chosen variant is generated from $(PARAMS) by `tumen plan`
# (rules per notebook: notebook file, data files, imported tumen modules, parameter slice).
PLAN_GOALS := report html pdf notebooks
# A code file that a build fragment names but that was since moved or deleted (a refactoring,
# a pull) counts as changed instead of stopping make with "No rule to make target": the
# fragment is then regenerated and make restarts with the new rules (as gcc -MP does).
src/tumen/%.py: ;
src/tumen/templates/%: ;

ifneq ($(filter $(PLAN_GOALS),$(MAKECMDGOALS)),)
TUMEN_FRAGMENT := build/.make/$(subst /,__,$(PARAMS)).mk
TUMEN_COMMIT_FILE := build/.make/commit
TUMEN_COMMIT_INFO := $(shell git rev-parse HEAD 2>/dev/null || echo none)$(if $(shell git status --porcelain --untracked-files=no 2>/dev/null),+dirty) $(SOURCE_DATE_EPOCH)
$(shell mkdir -p build/.make && { [ "$$(cat $(TUMEN_COMMIT_FILE) 2>/dev/null)" = "$(TUMEN_COMMIT_INFO)" ] || echo "$(TUMEN_COMMIT_INFO)" > $(TUMEN_COMMIT_FILE); })
include $(TUMEN_FRAGMENT)
endif

.PHONY: help
help: ## print this help (the default target)
	@echo "tumen: rebuild the report. Usage: make TARGET [PARAMS=params.yaml] [VENV=.venv]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^[^:]*Makefile:|^//' \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'
	@echo
	@echo "Outputs: build/<variant>/ (executed notebooks, results JSON), figures/<variant>/,"
	@echo "         report/<variant>/index.html and report.pdf; <variant> is report.variant in PARAMS."

ifndef EXTERNAL_VENV
$(REQ_STAMP): $(LOCK)
	@echo "[venv] creating $(VENV) from $(LOCK) (every package pinned with hashes; uv) …"
	$(call make_venv,$(VENV),$(LOCK))
	@touch $@

$(TUMEN_STAMP): $(REQ_STAMP) pyproject.toml
	@echo "[venv] installing tumen (editable) and its Jupyter kernel into $(VENV) …"
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@$(PY) -m ipykernel install --sys-prefix --name tumen --display-name "Python (tumen)" >/dev/null
	@rm -f $(VENV)/.tumen-pkg-*
	@touch $@
else
# A copy built by `tumen check-determinism`/`verify` uses the caller's venv as it is.
$(TUMEN_STAMP): ;
endif

.PHONY: venv lock
venv: $(TUMEN_STAMP) ## create .venv with the locked environment (done by every target)

# The lock: CPython 3.11 on Linux x86-64 (manylinux), hashes of every file of every pinned
# version. Existing pins are kept unless requirements.txt asks otherwise; UPGRADE=1 lets
# every package move to its newest allowed version.
LOCK_FLAGS = --quiet --generate-hashes --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
  $(if $(UPGRADE),--upgrade)
lock: $(REQ_STAMP) ## regenerate requirements.lock (and bench/requirements.lock) from requirements.txt [UPGRADE=1]
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.txt -o $(LOCK)
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.txt bench/requirements.txt \
	  -c $(LOCK) -o bench/requirements.lock
	@echo "lock: $(LOCK) ($$(grep -c '^[a-z0-9]' $(LOCK)) packages), bench/requirements.lock; commit both"

$(TUMEN_FRAGMENT): $(PARAMS) $(TUMEN_STAMP)
	@mkdir -p $(dir $@)
	@$(TUMEN) plan --params $(PARAMS) --makefile $@

.PHONY: report notebooks html pdf
report: $(TUMEN_HTML) $(TUMEN_PDF) ## run the notebooks that changed, write report/<variant>/index.html + report.pdf
	@echo "report: $(TUMEN_HTML) $(TUMEN_PDF)"

notebooks: $(TUMEN_NOTEBOOK_TARGETS) ## execute the notebooks that changed (no assembly)
html: $(TUMEN_HTML) ## the HTML report only
pdf: $(TUMEN_PDF) ## the PDF report (needs the HTML)

# JupyterLab on the project's kernel (`tumen`, registered inside the venv). A notebook run
# there finds its inputs relative to the project root (its first cell moves the kernel there)
# and writes to build/lab/<notebook>/, never into notebooks/; `make report` ignores build/lab.
LAB_ARGS ?=
.PHONY: lab
lab: $(TUMEN_STAMP) ## start JupyterLab with the project's kernel (interactive runs write to build/lab/)
	@mkdir -p build/lab
	JUPYTER_PATH="$(abspath $(VENV))/share/jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	  $(PY) -m jupyterlab --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS)

.PHONY: test
LINT_PATHS := src tests scripts bench notebooks

.PHONY: lint format
lint: $(TUMEN_STAMP) ## ruff: lint and check the formatting of src/, tests/, scripts/, bench/ and the notebooks
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

format: $(TUMEN_STAMP) ## ruff: format the code and apply safe lint fixes (then review `git diff`)
	$(VENV)/bin/ruff format $(LINT_PATHS)
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)

test: $(TUMEN_STAMP) ## run the test suite (pytest)
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: publish verify
publish: $(TUMEN_STAMP) ## clean build, then write published/MANIFEST.json (commit it)
	$(TUMEN) publish --params $(PARAMS)

verify: $(TUMEN_STAMP) ## rebuild from a clean copy; compare every input, result and figure with the manifest
	$(TUMEN) verify --params $(PARAMS)

.PHONY: check-determinism
check-determinism: $(TUMEN_STAMP) ## build twice from clean copies, compare every output byte for byte
	$(TUMEN) check-determinism --params $(PARAMS)

# Benchmarks run in their own venv: the report's lock plus bench/requirements.txt
# (movingpandas for the comparison), locked together in bench/requirements.lock, so the
# report's environment never depends on having run them.
BENCH_VENV ?= .venv-bench
BENCH_LOCK := bench/requirements.lock
BENCH_HASH := $(shell cat $(BENCH_LOCK) pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)
BENCH_STAMP := $(BENCH_VENV)/.tumen-bench-$(BENCH_HASH)

$(BENCH_STAMP): $(BENCH_LOCK) pyproject.toml
	@echo "[venv] creating $(BENCH_VENV) for the benchmarks from $(BENCH_LOCK) …"
	$(call make_venv,$(BENCH_VENV),$(BENCH_LOCK))
	@$(BENCH_VENV)/bin/uv pip install --quiet --python $(BENCH_VENV)/bin/python --no-deps --no-build-isolation -e .
	@touch $@

.PHONY: bench
bench: $(BENCH_STAMP) ## run the benchmarks in bench/ (AIS at scale, own venv); results in bench/results/
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

.PHONY: bench-build
bench-build: $(TUMEN_STAMP) ## time a cold install, a clean build and a no-op build in a fresh copy → bench/results/build.json
	$(TUMEN) bench-build --params $(PARAMS)

.PHONY: clean clean-venv
clean: ## remove build/, figures/ and report/ outputs (all variants)
	find build figures report -mindepth 1 ! -name .gitignore -delete 2>/dev/null || true

clean-venv: ## remove the virtual environment
	@rm -rf $(VENV)
