# Chapter 19 (RNN 網路建構): one command per job. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.setup-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
PORT ?= 8888
LAB_FLAGS ?= $(if $(DISPLAY),,--no-browser)
ASSIGNMENT ?=
SUBMISSIONS ?= submitted
JOBS ?= 2
NBGRADER_UI_INSTRUCTOR := formgrader course-list assignment-list create-assignment menu
NBGRADER_SERVER_INSTRUCTOR := formgrader assignment_list course_list
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
ASSIGNMENTS := $(sort $(notdir $(wildcard solutions/*)))
# the instructor repository has autograder/: its package and tools are installed too
INSTRUCTOR := $(wildcard autograder/__init__.py)
export PATH := $(BIN):$(PATH)

STUDENT_FILES := notebooks rnnlab data/README.md data/registry.json jupyter requirements.txt \
  requirements.lock environment.yml pyproject.toml Makefile README.md .gitignore
DIST ?= dist/student

.PHONY: help setup setup-bench sandbox data lab test test-fast lint release autograde feedback \
  grade gradescope bench student-dist clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMP) data ## create .venv (pinned), install rnnlab editable, fetch + verify the data

$(STAMP): requirements.txt requirements.lock pyproject.toml jupyter/overrides.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c requirements.lock
	@# rnnlab (and, in the instructor repository, autograder with its tools), editable
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".$(if $(INSTRUCTOR),[instructor])"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ch19)" >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
ifneq ($(INSTRUCTOR),)
	@# instructors get nbgrader's whole interface: formgrader, Create Assignment, Validate
	$(BIN)/jupyter labextension enable --level=sys_prefix $(addprefix @jupyter/nbgrader:,$(NBGRADER_UI_INSTRUCTOR)) >/dev/null 2>&1
	$(BIN)/jupyter server extension enable --sys-prefix $(addprefix nbgrader.server_extensions.,$(NBGRADER_SERVER_INSTRUCTOR)) >/dev/null 2>&1
	@# the grading sandbox (bubblewrap) is for instructors
	$(MAKE) --no-print-directory sandbox
else
	@# students get nbgrader's "Validate" button, not the instructor's formgrader
	$(BIN)/jupyter labextension disable --level=sys_prefix $(addprefix @jupyter/nbgrader:,$(NBGRADER_UI_INSTRUCTOR)) >/dev/null 2>&1
	$(BIN)/jupyter server extension disable --sys-prefix $(addprefix nbgrader.server_extensions.,$(NBGRADER_SERVER_INSTRUCTOR)) >/dev/null 2>&1
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
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_FLAGS)

test: setup ## the whole test suite (project, notebooks, nbgrader, grading harness)
	$(BIN)/python -m pytest

test-fast: setup ## the developer loop: every test but the slow ones (no nbgrader runs)
	$(BIN)/python -m pytest -m "not slow" -q

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
	@echo "student files in $(DIST): publish this folder, never the instructor repository"

clean: ## remove grading artefacts (never solutions/ or notebooks/)
	rm -rf autograded feedback grades reports gradebook.db
