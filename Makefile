# The two commands of the README: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: setup run test lint assets clean screenshots bench

setup: $(VENV)/.installed static/vendor/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Front-end assets come from npm at the pinned versions and are copied, never committed.
static/vendor/.installed: node_modules/.installed
	mkdir -p static/vendor/htmx static/vendor/pico
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico/
	touch $@

assets: static/vendor/.installed

# Development server with the demo data, on the embedded default (SQLite + in-process Redis).
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite. TEST_DATABASE_URL / TEST_REDIS_URL switch it to PostgreSQL / a real Redis.
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Full-page PNGs of every customer page at 390 and 1280 px, into screenshots/ (git-ignored).
screenshots: setup
	$(BIN)/python scripts/screenshots.py

# Lint: ruff (pyflakes, import order, pycodestyle errors, complexity), configured in ruff.toml.
lint: setup
	$(BIN)/ruff check .

# Load figures and budgets (docs/performance.md): PostgreSQL database `bench` and Redis db 9 on
# this machine (BENCH_DATABASE_URL / BENCH_REDIS_URL to change), wrk from apt. Never part of CI.
bench: setup
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor
