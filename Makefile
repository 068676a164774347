# Chapter 19 (RNN 網路建構): one command per job. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
# VENV=current: the running Python's own environment (conda, a JupyterHub image: deploy/)
ENV_DIR := $(if $(filter current,$(VENV)),$(shell $(PYTHON) -c 'import sys; print(sys.prefix)'),$(CURDIR)/$(VENV))
BIN := $(ENV_DIR)/bin
STAMP := $(ENV_DIR)/.rnnlab-setup-stamp
BENCH_STAMP := $(ENV_DIR)/.bench-stamp
PORT ?= 8888
LAB_FLAGS ?= $(if $(DISPLAY),,--no-browser)
NOTEBOOK_DIR ?= notebooks
ASSIGNMENT ?=
SUBMISSIONS ?= submitted
JOBS ?= 2
ASSIGNMENTS := $(sort $(notdir $(wildcard solutions/*)))
# the instructor repository has autograder/: its package and tools are installed too
INSTRUCTOR := $(wildcard autograder/__init__.py)
export PATH := $(BIN):$(PATH)

STUDENT_FILES := notebooks rnnlab data/README.md data/registry.json jupyter requirements.txt \
  requirements.lock environment.yml pyproject.toml README.md .gitignore student
DIST ?= dist/student

.PHONY: help setup setup-bench sandbox data lab check test test-fast test-browser lint release autograde feedback \
  grade gradescope bench student-dist clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMP) data ## create .venv (pinned), install rnnlab editable, fetch + verify the data

$(STAMP): requirements.txt requirements.lock pyproject.toml jupyter/overrides.json rnnlab/cli.py
	@# python -m rnnlab setup (rnnlab/cli.py): the same steps for students without make.
	@# .venv with the pinned versions; rnnlab editable (here with autograder and its tools);
	@# the course kernel; zh-TW JupyterLab; nbgrader's whole UI for instructors, only
	@# Validate in the student copy; a CJK font when root with apt
	$(PYTHON) -m rnnlab setup --venv $(VENV)
ifneq ($(INSTRUCTOR),)
	@# the grading sandbox (bubblewrap) is for instructors
	$(MAKE) --no-print-directory sandbox
endif
	touch $(STAMP)

setup-bench: $(STAMP) $(BENCH_STAMP) ## add the optional PyTorch + Keras extra (proof tests, benchmarks)

$(BENCH_STAMP): requirements-bench.txt requirements-bench.lock
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt -c requirements-bench.lock -c requirements.lock
	touch $(BENCH_STAMP)

sandbox: ## install bubblewrap for the grading sandbox when the machine allows (optional)
	@if command -v bwrap >/dev/null; then echo "bubblewrap: $$(command -v bwrap)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)) \
	  && echo "bubblewrap installed" || echo "WARNING: could not install bubblewrap: grading refuses to run without it (or with --unsandboxed)"; \
	else echo "WARNING: bubblewrap (bwrap) not found: install it (apt install bubblewrap); grading refuses to run without it"; fi

data: $(STAMP) ## fetch and verify the SMS Spam Collection (uses $$RNNLAB_DATA_DIR if set)
	$(BIN)/python -m rnnlab.data

lab: setup ## start JupyterLab (zh-TW UI) on notebooks/; PORT=8888, LAB_FLAGS=--no-browser
	$(BIN)/python -m rnnlab lab --venv current --port $(PORT) --notebook-dir "$(NOTEBOOK_DIR)" $(LAB_FLAGS)

check: setup ## the public checks of every notebook in notebooks/, as a table (as students run them)
	$(BIN)/python -m rnnlab check --venv current $(NOTEBOOKS)

test: setup ## the whole test suite (project, notebooks, nbgrader, grading harness) but the browser's
	$(BIN)/python -m pytest -m "not browser"

test-fast: setup ## the developer loop (< 1 min): no nbgrader, browser or framework-proof runs
	$(BIN)/python -m pytest -m "not slow and not bench and not browser" -q

test-browser: setup ## a student's workflow in JupyterLab, in Chromium (screenshots: test-artefacts/browser/)
	@# Debian's chromium (never a browser download: that fails offline); Playwright is in the
	@# instructor extra (pyproject.toml) and drives that chromium
	@if command -v chromium >/dev/null; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) \
	  && echo "chromium installed" || { echo "could not install chromium (apt-get install chromium)"; exit 1; }; \
	else echo "chromium not found: install Debian's chromium (sudo apt install chromium)"; exit 1; fi
	RNNLAB_REQUIRE_BROWSER=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -m browser -q

lint: $(STAMP) ## ruff over the Python code
	$(BIN)/ruff check rnnlab autograder tests benchmarks

release: $(STAMP) ## regenerate notebooks/ (student versions) from solutions/
	$(BIN)/python -m autograder release

autograde: $(STAMP) ## nbgrader autograde submitted/*/ASSIGNMENT + grades/ASSIGNMENT.csv
	@test -n "$(ASSIGNMENT)" || { echo "usage: make autograde ASSIGNMENT=<id> (one of: $(ASSIGNMENTS))"; exit 2; }
	@# record the assignment's cells in the gradebook; the release goes to build/, never notebooks/
	$(BIN)/nbgrader generate_assignment "$(ASSIGNMENT)" --force --log-level=WARN \
	  --CourseDirectory.release_directory=build/nbgrader-release
	$(BIN)/nbgrader autograde "$(ASSIGNMENT)" --force
	mkdir -p grades
	$(BIN)/nbgrader export --assignment="$(ASSIGNMENT)" --to="grades/$(ASSIGNMENT).csv"
	@echo "grades written to grades/$(ASSIGNMENT).csv"

feedback: $(STAMP) ## HTML feedback in feedback/*/ASSIGNMENT from the autograded notebooks
	@test -n "$(ASSIGNMENT)" || { echo "usage: make feedback ASSIGNMENT=<id>"; exit 2; }
	$(BIN)/nbgrader generate_feedback "$(ASSIGNMENT)" --force

grade: $(STAMP) ## sandboxed harness: ASSIGNMENT=<id> SUBMISSIONS=<dir> -> reports/ASSIGNMENT.{json,csv}
	@test -n "$(ASSIGNMENT)" || { echo "usage: make grade ASSIGNMENT=<id> SUBMISSIONS=<dir>"; exit 2; }
	mkdir -p reports
	$(BIN)/python -m autograder grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" --jobs $(JOBS) \
	  --json "reports/$(ASSIGNMENT).json" --csv "reports/$(ASSIGNMENT).csv"

gradescope: $(STAMP) ## Gradescope's autograder: ASSIGNMENT=<id> -> dist/gradescope/ASSIGNMENT.zip
	@test -n "$(ASSIGNMENT)" || { echo "usage: make gradescope ASSIGNMENT=<id> (one of: $(ASSIGNMENTS))"; exit 2; }
	$(BIN)/python -m autograder gradescope "$(ASSIGNMENT)" --out "dist/gradescope/$(ASSIGNMENT).zip"

bench: setup-bench ## numpy vs PyTorch benchmarks (prints ratios)
	@for b in benchmarks/bench_*.py; do $(BIN)/python "$$b" || exit 1; done

student-dist: ## the student repository (no solutions/, no autograder/) from HEAD into DIST=dist/student
	rm -rf "$(DIST)" && mkdir -p "$(DIST)"
	git archive HEAD $(STUDENT_FILES) | tar -x -C "$(DIST)"
	@# the student's README and Makefile (only the commands that work there) from student/
	$(PYTHON) "$(DIST)/student/build.py" "$(DIST)"
	@echo "student files in $(DIST): publish this folder, never the instructor repository"

clean: ## remove grading artefacts (never solutions/ or notebooks/)
	rm -rf autograded feedback grades reports gradebook.db
