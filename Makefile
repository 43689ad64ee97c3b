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
	--no-access-log --no-server-header --timeout-graceful-shutdown 20 \
	--http fastapi_service.server:DeadlineHttpToolsProtocol
FLASK_SERVER = $(METRICS_DIR) exec $(BIN)/gunicorn 'flask_service.app:create_app()' \
	--bind $(HOST):$(FLASK_PORT) --workers $(WORKERS) \
	--worker-class flask_service.gunicorn_worker.RequestDeadlineWorker \
	--graceful-timeout 20 --no-control-socket --config gunicorn.conf.py

.DEFAULT_GOAL := help
.PHONY: help install train run-fastapi run-flask dev-fastapi dev-flask test test-fast lint format lock clean
.PHONY: lesson mermaid-cli run-mcp run-dashboard
.PHONY: test-browser test-postgres lint-openapi openapi-snapshot
.PHONY: bench bench-quick bench-ui bench-async bench-peers
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

train: $(STAMP) ## train the model and write models/diabetes.joblib + its card
	$(BIN)/python -m shared.train --model-path $(MODEL)

run-fastapi: $(MODEL) ## serve the FastAPI service with uvicorn (PORT=8000)
	@$(BIN)/python -m shared.preflight
	$(FASTAPI_SERVER)

run-flask: $(MODEL) ## serve the Flask service with gunicorn (PORT=8001)
	@$(BIN)/python -m shared.preflight
	$(FLASK_SERVER)

# The clients of clients/ call a running service at SERVICE_URL (the FastAPI one by default).
SERVICE_URL ?= http://127.0.0.1:8000
DASHBOARD_PORT := $(or $(PORT),8501)

# stdio: an agent host starts this and speaks JSON-RPC on its stdout, so nothing else may print
# there: the first run's setup goes to stderr, and `@` keeps make from echoing the command.
run-mcp: ## the MCP server for agents, on stdio (SERVICE_URL=http://127.0.0.1:8000)
	@$(MAKE) --no-print-directory $(STAMP) >&2
	@SERVICE_URL=$(SERVICE_URL) exec $(BIN)/python -m clients.mcp.server

run-dashboard: $(STAMP) ## the Streamlit dashboard on PORT=8501 (SERVICE_URL=http://127.0.0.1:8000)
	SERVICE_URL=$(SERVICE_URL) exec $(BIN)/streamlit run clients/dashboard/app.py \
		--server.address $(HOST) --server.port $(DASHBOARD_PORT) --server.headless true \
		--browser.gatherUsageStats false --client.toolbarMode viewer

dev-fastapi: $(MODEL) ## FastAPI with auto-reload (development only)
	exec $(BIN)/uvicorn --factory fastapi_service.app:create_app --reload --host $(HOST) --port $(FASTAPI_PORT)

dev-flask: $(MODEL) ## Flask's dev server with auto-reload (development only)
	exec $(BIN)/flask --app 'flask_service.app:create_app()' run --debug --host $(HOST) --port $(FLASK_PORT)

test: $(MODEL) ## lint, then the whole suite: unit, contract (in-process and live), lessons
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint deploy/docker/fastapi.Dockerfile deploy/docker/flask.Dockerfile
	@$(MAKE) --no-print-directory lint-openapi
	$(BIN)/pytest -n 2 --dist loadfile
	$(POSTGRES_SERVER) --if-available -- $(POSTGRES_TESTS)

# The store's tests and the predictions contract again, on a throwaway PostgreSQL server
# (Debian's `postgresql` package; `make test` skips them, saying so, when it is not installed).
POSTGRES_SERVER = $(BIN)/python tests/postgres_server.py
POSTGRES_TESTS = $(BIN)/pytest -p no:randomly tests/unit/test_store.py \
	tests/contract/test_predictions.py tests/live/test_concurrent_writes.py \
	tests/hostile/test_store_concurrency.py

test-postgres: $(MODEL) ## the store and predictions tests on a throwaway local PostgreSQL
	$(POSTGRES_SERVER) -- $(POSTGRES_TESTS)

test-fast: $(MODEL) ## the suite without the live servers
	$(BIN)/pytest -n 2 -m "not live"

# One lesson, as a student would follow it: the servers its "Before you start" starts (with the
# settings it gives), every block run against them, the servers stopped (lessons/conftest.py).
LESSON_FILE = $(wildcard lessons/$(shell printf '%s' '0$(N)' | tail -c 2)-*.md)

lesson: $(MODEL) ## run one lesson's blocks against the servers it starts: make lesson N=05
	@test -n "$(LESSON_FILE)" || { echo "make lesson: no lesson numbered '$(N)' in lessons/ (N=01 .. 17)"; exit 2; }
	$(BIN)/pytest -p no:randomly -p no:xdist -q $(LESSON_FILE)

# The Mermaid diagrams' checker (lessons/test_mermaid.py), from npm into a folder git ignores;
# it renders with Debian's Chromium, so puppeteer downloads no browser of its own.
MERMAID_CLI_VERSION := 12.2.0

mermaid-cli: ## install mermaid's CLI (npm) into .tools/mermaid/ for the diagrams' test
	mkdir -p .tools/mermaid
	test -f .tools/mermaid/package.json || echo '{"private": true}' > .tools/mermaid/package.json
	cd .tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
		@mermaid-js/mermaid-cli@$(MERMAID_CLI_VERSION)

test-browser: $(MODEL) ## the playground page and /docs in headless Chromium (Debian's chromium)
	$(BIN)/pytest tests/browser

lint: $(STAMP) ## ruff lint and format check, hadolint on the Dockerfiles, redocly on OpenAPI
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint deploy/docker/fastapi.Dockerfile deploy/docker/flask.Dockerfile
	@$(MAKE) --no-print-directory lint-openapi

# The contract's OpenAPI document, pinned: both services must serve exactly this file
# (tests/contract/test_openapi.py). Redocly CLI lints it with redocly.yaml; npx installs the
# pinned version on first use (npm's cache), and the lint is skipped, saying so, without npm.
OPENAPI_SNAPSHOT := tests/contract/openapi.snapshot.json
REDOCLY := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --yes @redocly/cli@2.77.0

lint-openapi: ## redocly lint of the OpenAPI snapshot (needs npm's npx; skipped without it)
	@if command -v npx >/dev/null 2>&1; then \
		$(REDOCLY) lint --config redocly.yaml $(OPENAPI_SNAPSHOT); \
	else \
		echo "make lint-openapi: SKIPPED: npx not found (install Node.js and npm to lint $(OPENAPI_SNAPSHOT))"; \
	fi

openapi-snapshot: $(STAMP) ## rewrite the OpenAPI snapshot after a change meant to alter the contract
	$(BIN)/python -m scripts.openapi_snapshot

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks (lessons/12-load-testing.md): every server with the same worker count, results in
# benchmarks/results/<time>/ (summary.md, dashboard.html). `python -m benchmarks.run --help`.
BENCH_WORKERS ?= 1
SERVICE ?= fastapi

bench: $(MODEL) ## load-test both services and the baselines with locust (~6 min)
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 3 --duration 3 \
		--wrk-duration 2

bench-async: $(MODEL) ## lesson 15's comparison: def, async def, thread pool, micro-batching
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 3 --duration 4 \
		--scenarios saturation --wrk-duration 0 --services fastapi \
		--baselines seed-fastapi,seed-fastapi-async,seed-fastapi-threadpool,fastapi-unbatched,bare-asgi

# The other V2 servers on the same artifact, each in a virtual environment of its own (MLServer
# 1.7 and KServe 0.21 pin conflicting FastAPIs), pinned to the versions measured: see
# benchmarks/peers/. They answer V2 inference only: the v2 scenario has them, beside our services.
PEERS_DIR := .venv-peers
PEERS := mlserver kserve
PEER_STAMPS := $(PEERS:%=$(PEERS_DIR)/%/.installed)

$(PEERS_DIR)/%/.installed: benchmarks/peers/%.txt
	test -d $(PEERS_DIR)/$* || $(PYTHON) -m venv $(PEERS_DIR)/$*
	$(PEERS_DIR)/$*/bin/python -m pip install --quiet --upgrade pip
	$(PEERS_DIR)/$*/bin/python -m pip install --quiet --requirement $<
	touch $@

PEERS_ROUNDS ?= 3
PEERS_DURATION ?= 5
NOTE ?=

# NOTE="..." adds a line to the summary: what else the machine was doing, say.
bench-peers: $(MODEL) $(PEER_STAMPS) ## our services beside MLServer and KServe, V2 inference (~6 min)
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds $(PEERS_ROUNDS) \
		--duration $(PEERS_DURATION) --wrk-duration 3 --scenarios saturation,v2 \
		--baselines seed-fastapi,seed-flask --peers mlserver,mlserver-batched,kserve \
		$(if $(NOTE),--note "$(NOTE)")

bench-quick: $(MODEL) ## a one-round benchmark, under a minute
	$(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS) --rounds 1 --duration 2 \
		--warmup 1 --wrk-duration 1 --scenarios saturation,latency --baselines seed-fastapi,seed-flask

bench-ui: $(MODEL) ## SERVICE=fastapi|flask under locust's web UI on http://127.0.0.1:8089
	$(BIN)/python -m benchmarks.run --ui --services $(SERVICE) --workers $(BENCH_WORKERS)

# Hardening (lessons/13-hardening.md): the long runs behind their own targets; `make test` runs
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

# Exercises and the capstone (lessons/exercises/README.md): each checker runs in-process, in
# seconds; tests/test_exercises.py runs every one on its starter (must fail) and solution (must pass).
.PHONY: exercise capstone

exercise: $(STAMP) ## check your exercise: N=06 (SOLUTION=1 checks the reference solution)
	@$(BIN)/python lessons/exercises/run.py $(N) $(if $(SOLUTION),--solution)

capstone: $(STAMP) ## check your capstone (SOLUTION=1 checks the reference solution)
	@$(BIN)/python lessons/capstone/check.py $(if $(SOLUTION),--solution)

lock: ## re-pin every transitive dependency into constraints.txt from a fresh environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet --editable '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean: ## remove the environment, the model and caches
	rm -rf $(VENV) $(PEERS_DIR) models data .pytest_cache .ruff_cache build *.egg-info

# Hostile clients (lesson 13): tests/hostile at full scale against both live services (100
# stalled or trickling clients, 500 concurrent store requests, 8 clients sending 1 MB of junk),
# printing the figures. `make test` runs the same tests at a small scale.
.PHONY: hostile
hostile: $(MODEL) ## hostile clients at full scale: slow clients, store starvation, amplification
	HOSTILE_SCALE=full $(BIN)/pytest tests/hostile -p no:randomly -s -q
	HOSTILE_SCALE=full $(POSTGRES_SERVER) --if-available -- \
		$(BIN)/pytest tests/hostile/test_store_concurrency.py -p no:randomly -s -q


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

# Ray Serve (docs/deployment.md, lesson 11 "When one machine is not enough"): both services on a
# Ray cluster of two nodes on loopback, one HTTP proxy at :PORT/fastapi and :PORT/flask. Ray and
# its dependencies live in a virtual environment of their own, pinned in deploy/ray/requirements.txt
# beside the project's constraints.txt (as the benchmark peers' .venv-peers). test-ray runs the live
# contract suite through Ray's proxy, then kills a replica and a node under load, and autoscales.
# Ray's own modules warn of deprecations when imported: those warnings are not the suite's errors.
.PHONY: run-ray test-ray
RAY_VENV := .venv-ray
RAY_STAMP := $(RAY_VENV)/.installed
RAY_PORT := $(or $(PORT),8000)

$(RAY_STAMP): deploy/ray/requirements.txt pyproject.toml constraints.txt
	test -d $(RAY_VENV) || $(PYTHON) -m venv $(RAY_VENV)
	$(RAY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RAY_VENV)/bin/python -m pip install --quiet --constraint constraints.txt --editable . \
		--requirement deploy/ray/requirements.txt
	touch $@

run-ray: $(MODEL) $(RAY_STAMP) ## both services on a local Ray Serve cluster (:8000/fastapi, /flask)
	exec $(RAY_VENV)/bin/python -m deploy.ray.run --port $(RAY_PORT)

test-ray: $(MODEL) $(RAY_STAMP) ## two-node Ray cluster: live contract suite, kills, autoscaling
	LIVE_SERVER=tests.ray.harness:RayServer $(RAY_VENV)/bin/pytest -p tests.ray.harness \
		-p no:randomly -p no:xdist -W ignore::DeprecationWarning -m live tests/contract tests/ray
