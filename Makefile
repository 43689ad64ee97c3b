# The front door. On a fresh machine with python3 and make, `make run-fastapi`, `make run-flask`
# and `make test` set everything up themselves: virtual environment, pinned packages, the model.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/diabetes.joblib

HOST ?= 127.0.0.1
WORKERS ?= 2
FASTAPI_PORT := $(or $(PORT),8000)
FLASK_PORT := $(or $(PORT),8001)

# The production servers, one line each, so tests and benchmarks start them exactly like this.
# `exec` hands the shell's place to the server, so Ctrl-C and SIGTERM reach it directly.
# prometheus_client's multiprocess mode: each worker writes its metrics to files in this directory
# and /metrics adds up every worker's. A fresh directory per start, so counts begin at zero.
METRICS_DIR = export PROMETHEUS_MULTIPROC_DIR="$$(mktemp -d -t metrics.XXXXXX)";
FASTAPI_SERVER = $(METRICS_DIR) exec $(BIN)/uvicorn --factory fastapi_service.app:create_app \
	--host $(HOST) --port $(FASTAPI_PORT) --workers $(WORKERS) \
	--no-access-log --no-server-header --timeout-graceful-shutdown 20
FLASK_SERVER = $(METRICS_DIR) exec $(BIN)/gunicorn 'flask_service.app:create_app()' \
	--bind $(HOST):$(FLASK_PORT) --workers $(WORKERS) --worker-class gthread --threads 4 \
	--graceful-timeout 20 --no-control-socket --config gunicorn.conf.py

.DEFAULT_GOAL := help
.PHONY: help install train run-fastapi run-flask dev-fastapi dev-flask test test-fast lint format lock clean
.PHONY: test-browser test-postgres
.PHONY: bench bench-quick bench-ui bench-async
.PHONY: fuzz soak audit

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

install: $(STAMP) ## create .venv and install the pinned dependencies

$(MODEL): $(STAMP) shared/train.py
	$(BIN)/python -m shared.train --model-path $@

train: ## train the model and write models/diabetes.joblib + its card
	$(BIN)/python -m shared.train --model-path $(MODEL)

run-fastapi: $(MODEL) ## serve the FastAPI service with uvicorn (PORT=8000)
	@$(BIN)/python -m shared.preflight
	$(FASTAPI_SERVER)

run-flask: $(MODEL) ## serve the Flask service with gunicorn (PORT=8001)
	@$(BIN)/python -m shared.preflight
	$(FLASK_SERVER)

dev-fastapi: $(MODEL) ## FastAPI with auto-reload (development only)
	exec $(BIN)/uvicorn --factory fastapi_service.app:create_app --reload --host $(HOST) --port $(FASTAPI_PORT)

dev-flask: $(MODEL) ## Flask's dev server with auto-reload (development only)
	exec $(BIN)/flask --app 'flask_service.app:create_app()' run --debug --host $(HOST) --port $(FLASK_PORT)

test: $(MODEL) ## lint, then the whole suite: unit, contract (in-process and live), lessons
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint deploy/docker/fastapi.Dockerfile deploy/docker/flask.Dockerfile
	$(BIN)/pytest -n 2 --dist loadfile
	$(POSTGRES_SERVER) --if-available -- $(POSTGRES_TESTS)

# The store's tests and the predictions contract again, on a throwaway PostgreSQL server
# (Debian's `postgresql` package; `make test` skips them, saying so, when it is not installed).
POSTGRES_SERVER = $(BIN)/python tests/postgres_server.py
POSTGRES_TESTS = $(BIN)/pytest -p no:randomly tests/unit/test_store.py \
	tests/contract/test_predictions.py tests/live/test_concurrent_writes.py

test-postgres: $(MODEL) ## the store and predictions tests on a throwaway local PostgreSQL
	$(POSTGRES_SERVER) -- $(POSTGRES_TESTS)

test-fast: $(MODEL) ## the suite without the live servers
	$(BIN)/pytest -n 2 -m "not live"

test-browser: $(MODEL) ## the playground page and /docs in headless Chromium (Debian's chromium)
	$(BIN)/pytest tests/browser

lint: $(STAMP) ## ruff lint and format check, hadolint on the Dockerfiles
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint deploy/docker/fastapi.Dockerfile deploy/docker/flask.Dockerfile

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks (lessons/06-load-testing.md): every server with the same worker count, results in
# benchmarks/results/<time>/ (summary.md, dashboard.html). `python -m benchmarks.run --help`.
BENCH_WORKERS ?= 1
SERVICE ?= fastapi

bench: $(MODEL) ## load-test both services and the baselines with locust (~5 min)
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 3 --duration 3 \
		--wrk-duration 2

bench-async: $(MODEL) ## lesson 10's comparison: def, async def, thread pool, micro-batching
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 3 --duration 4 \
		--scenarios saturation --wrk-duration 0 --services fastapi \
		--baselines seed-fastapi,seed-fastapi-async,seed-fastapi-threadpool,fastapi-unbatched,bare-asgi

bench-quick: $(MODEL) ## a one-round benchmark, under a minute
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 1 --duration 2 \
		--warmup 1 --wrk-duration 1 --scenarios saturation,latency --baselines seed-fastapi,seed-flask

bench-ui: $(MODEL) ## SERVICE=fastapi|flask under locust's web UI on http://127.0.0.1:8089
	$(BIN)/python -m benchmarks.run --ui --services $(SERVICE) --workers $(BENCH_WORKERS)

# Hardening (lessons/09-hardening.md): the long runs behind their own targets; `make test` runs
# short versions of the first two.
fuzz: $(MODEL) ## schemathesis, deep: every operation of both services from both documents
	FUZZ_EXAMPLES=200 FUZZ_CHECKS=all FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/pytest tests/fuzz -p no:randomly -s

SOAK_SECONDS ?= 180

soak: $(MODEL) ## both services at saturation with locust for SOAK_SECONDS: errors and RSS growth
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest tests/soak -p no:randomly -s

# --strict: a package the vulnerability service cannot look up fails the audit, never passes it.
audit: $(STAMP) ## pip-audit: known vulnerabilities in the pinned dependencies (needs the network)
	$(BIN)/pip-audit --strict --requirement constraints.txt --disable-pip --no-deps \
		--progress-spinner off || { echo "make audit: NOT CLEAN: a known vulnerability, or a \
	package the vulnerability service (PyPI's JSON API) could not look up: see above"; exit 1; }

lock: ## re-pin every transitive dependency into constraints.txt from a fresh environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet --editable '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean: ## remove the environment, the model and caches
	rm -rf $(VENV) models data .pytest_cache .ruff_cache build *.egg-info

# Deployment and clients (docs/deployment.md, lessons/11-containers-and-deployment.md).
# docker-test: both images built and run on a private Docker engine (Debian's docker.io, as
# root; `.ci/run` installs it). The base image is made from Debian packages when no registry
# answers, and kept as /var/tmp/ml-serving-twins-base-image.tar for the next run; the engine
# itself lives in a fresh /var/tmp directory, deleted when the run ends.
.PHONY: docker-test lint-deploy
docker-test: $(STAMP) ## build both images, run them, check /ready, /predict, CRUD, health, stop
	DOCKER_TEST=1 $(BIN)/pytest tests/docker -p no:randomly -p no:xdist -s -q

# `make lint` also validates the manifests offline (Kubernetes' schemas, KServe's) and compose's
# interpolation; `make test` runs the same tests in its suite.
lint: lint-deploy
lint-deploy: $(STAMP) ## validate deploy/kubernetes, deploy/kserve and compose.yaml offline
	$(BIN)/pytest -q -p no:randomly -p no:xdist tests/unit/test_manifests.py tests/unit/test_compose.py
