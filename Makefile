# The front door. On a fresh machine with python3 and make, `make run-fastapi`, `make run-flask`
# and `make test` set everything up themselves: virtual environment, pinned packages, the model.
# `make help` lists the targets by section.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/diabetes.joblib

HOST ?= 127.0.0.1
WORKERS ?= 2
FASTAPI_PORT := $(or $(PORT),8000)
FLASK_PORT := $(or $(PORT),8001)

.DEFAULT_GOAL := help

##@ Set-up

help: ## list the targets, by section
	@awk 'BEGIN {FS = ":.*## "} /^##@ / {printf "\n%s\n", substr($$0, 5)} \
		/^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[course]'
	touch $@

# The heavier tools install the first time a target needs them, each group (an extra of
# pyproject.toml) behind a stamp of its own: $(DEV) is everything `make test` runs.
EXTRA = $(VENV)/.installed-$(1)
DEV := $(call EXTRA,dev)
$(VENV)/.installed-%: $(STAMP)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[$*]'
	touch $@
.PRECIOUS: $(VENV)/.installed-%
# Lessons and exercises 01-10 need only `make install`; the later ones, the heavier tools.
COURSE_BASICS := 01 02 03 04 05 06 07 08 09 10
NEEDS_OF_N = $(if $(filter $(N) 0$(N),$(COURSE_BASICS)),,$(DEV))

install: $(STAMP) ## create .venv and install the runtime and the test tools (lessons 01-10)

$(MODEL): $(STAMP) shared/core/train.py
	$(BIN)/python -m shared.core.train --model-path $@

train: $(STAMP) ## train the model again: models/diabetes.joblib and its card
	$(BIN)/python -m shared.core.train --model-path $(MODEL)

lock: ## re-pin every transitive dependency into constraints.txt from a fresh environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet --editable '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean: ## remove the environment, the model and caches
	rm -rf $(VENV) $(PEERS_DIR) models data .pytest_cache .ruff_cache build *.egg-info

##@ Run

# Each service's launcher (fastapi_service/server/launcher.py, flask_service/server/launcher.py)
# checks the model, then starts the production server; the images, the tests and the benchmarks
# start it the same way. `exec` hands the shell's place to it, so Ctrl-C and SIGTERM reach it.
run-fastapi: $(MODEL) ## serve the FastAPI service with uvicorn (PORT=8000, WORKERS=2)
	exec $(BIN)/python -m fastapi_service.server --host $(HOST) --port $(FASTAPI_PORT) --workers $(WORKERS)

run-flask: $(MODEL) ## serve the Flask service with gunicorn (PORT=8001, WORKERS=2)
	exec $(BIN)/python -m flask_service.server --host $(HOST) --port $(FLASK_PORT) --workers $(WORKERS)

# The development servers, without the launchers: the preflight (the model's check and the
# store's migrations) runs first by hand.
dev-fastapi: $(MODEL) ## FastAPI with auto-reload (development only)
	$(BIN)/python -m shared.core.preflight
	exec $(BIN)/uvicorn --factory fastapi_service.app:create_app --reload --host $(HOST) --port $(FASTAPI_PORT)

dev-flask: $(MODEL) ## Flask's dev server with auto-reload (development only)
	$(BIN)/python -m shared.core.preflight
	exec $(BIN)/flask --app 'flask_service.app:create_app()' run --debug --host $(HOST) --port $(FLASK_PORT)

# The clients of clients/ call a running service at SERVICE_URL (the FastAPI one by default).
SERVICE_URL ?= http://127.0.0.1:8000
DASHBOARD_PORT := $(or $(PORT),8501)

# stdio: an agent host starts this and speaks JSON-RPC on its stdout, so nothing else may print
# there: the first run's setup goes to stderr, and `@` keeps make from echoing the command.
run-mcp: ## the MCP server for agents, on stdio (SERVICE_URL=http://127.0.0.1:8000)
	@$(MAKE) --no-print-directory $(call EXTRA,mcp) >&2
	@SERVICE_URL=$(SERVICE_URL) exec $(BIN)/python -m clients.mcp.server

run-dashboard: $(call EXTRA,dashboard) ## the Streamlit dashboard on PORT=8501 (SERVICE_URL=http://127.0.0.1:8000)
	SERVICE_URL=$(SERVICE_URL) exec $(BIN)/streamlit run clients/dashboard/app.py \
		--server.address $(HOST) --server.port $(DASHBOARD_PORT) --server.headless true \
		--browser.gatherUsageStats false --client.toolbarMode viewer

# The React client (clients/react/, lesson 16): a single-page app served from an origin of its
# own, so the service must allow that origin (CORS_ORIGINS=http://localhost:5173). npm ci installs
# exactly what package-lock.json pins; the stamp runs it again only when the lock changes.
.PHONY: run-react build-react
REACT := clients/react
REACT_PORT := $(or $(PORT),5173)
REACT_DIST ?= dist
REACT_STAMP := $(REACT)/node_modules/.installed

$(REACT_STAMP): $(REACT)/package.json $(REACT)/package-lock.json
	cd $(REACT) && npm ci --no-audit --no-fund
	touch $@

run-react: $(REACT_STAMP) ## the React app's dev server on PORT=5173 (SERVICE_URL=http://127.0.0.1:8000)
	cd $(REACT) && VITE_SERVICE_URL=$(SERVICE_URL) exec node_modules/.bin/vite \
		--host $(HOST) --port $(REACT_PORT) --strictPort

build-react: $(REACT_STAMP) ## the React app as static files in clients/react/dist/ (SERVICE_URL=...)
	cd $(REACT) && VITE_SERVICE_URL=$(SERVICE_URL) npm run --silent build -- \
		--outDir $(REACT_DIST) --emptyOutDir --logLevel warn

##@ Test

# The store's tests and the predictions contract again, on a throwaway PostgreSQL server
# (Debian's `postgresql` package; `make test` skips them, saying so, when it is not installed).
POSTGRES_SERVER = $(BIN)/python -m tests.postgres_server
# With a frozen PostgreSQL (SIGSTOP) too: every write answered 503 in time, none committed late.
FROZEN_POSTGRES_TEST = tests/hostile/test_store_deadlines.py::test_a_frozen_postgres_commits_nothing_its_clients_gave_up_on
POSTGRES_TESTS = $(BIN)/pytest tests/core/test_store.py tests/contract/test_predictions.py \
	tests/contract/test_concurrent_writes.py tests/hostile/test_store_concurrency.py \
	$(FROZEN_POSTGRES_TEST)

test: $(MODEL) $(DEV) lint ## lint, then the whole suite: core, contract (in-process and live), lessons
	$(BIN)/pytest -n 2 --dist loadfile
	$(POSTGRES_SERVER) --if-available -- $(POSTGRES_TESTS)

test-fast: $(MODEL) $(DEV) ## the suite without the live servers
	$(BIN)/pytest -n 2 -m "not live"

# A student's check after a change (lesson 08), in well under a minute on an idle machine: lint,
# and the contract of /health, /predict and the error shape against both services in-process.
QUICK_TESTS = tests/contract/test_health.py tests/contract/test_predict.py tests/contract/test_errors.py

test-quick: $(MODEL) ## lint and the core contract in-process, both services (under a minute)
	$(BIN)/ruff check .
	$(BIN)/pytest -p no:xdist -q -m "not live" $(QUICK_TESTS)

test-postgres: $(MODEL) $(DEV) ## the store and predictions tests on a throwaway local PostgreSQL
	$(POSTGRES_SERVER) -- $(POSTGRES_TESTS)

test-browser: $(MODEL) $(DEV) ## the playground page and /docs in headless Chromium (Debian's chromium)
	$(BIN)/pytest tests/browser

# Hostile clients (lesson 13): tests/hostile at full scale against both live services (100
# stalled or trickling clients, 500 concurrent store requests, 8 clients sending 1 MB of junk),
# printing the figures. `make test` runs the same tests at a small scale.
hostile: $(MODEL) $(DEV) ## hostile clients at full scale: slow clients, store starvation, amplification
	HOSTILE_SCALE=full $(BIN)/pytest tests/hostile -s -q
	HOSTILE_SCALE=full $(POSTGRES_SERVER) --if-available -- \
		$(BIN)/pytest tests/hostile/test_store_concurrency.py $(FROZEN_POSTGRES_TEST) -s -q

fuzz: $(MODEL) $(DEV) ## schemathesis, deep: every operation of both services from both documents
	FUZZ_EXAMPLES=200 FUZZ_CHECKS=all FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/pytest tests/fuzz -s

SOAK_SECONDS ?= 180

soak: $(MODEL) $(DEV) ## both services at saturation with locust for SOAK_SECONDS: errors and RSS growth
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest tests/soak -s

##@ Lint

lint: $(DEV) ## ruff lint and format check, hadolint on the Dockerfiles, redocly on OpenAPI
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint deploy/docker/fastapi.Dockerfile deploy/docker/flask.Dockerfile
	@$(MAKE) --no-print-directory lint-openapi

format: $(STAMP) ## apply ruff's fixes and formatting (and lay out your exercises in work/)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	@if [ -d work ]; then $(BIN)/ruff format work; fi

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

# `make test` runs the same tests in its suite.
lint-deploy: $(DEV) ## validate deploy/kubernetes, deploy/kserve and compose.yaml offline
	$(BIN)/pytest -q -p no:xdist tests/deployment/test_manifests.py tests/deployment/test_compose.py

# --strict: a package the vulnerability service cannot look up fails the audit, never passes it.
audit: $(call EXTRA,audit) ## pip-audit: known vulnerabilities in the pinned dependencies (needs the network)
	$(BIN)/pip-audit --strict --requirement constraints.txt --disable-pip --no-deps \
		--progress-spinner off || { echo "make audit: NOT CLEAN: a known vulnerability, or a \
	package the vulnerability service (PyPI's JSON API) could not look up: see above"; exit 1; }

##@ Bench

# Benchmarks (lessons/12-load-testing.md): every server with the same worker count, results in
# benchmarks/results/<time>/ (summary.md, dashboard.html). `python -m benchmarks.run --help`.
BENCH_WORKERS ?= 1
SERVICE ?= fastapi
BENCH = $(BIN)/python -m benchmarks.run --workers $(BENCH_WORKERS)

bench: $(MODEL) $(call EXTRA,bench) ## load-test both services and the baselines with locust (~6 min)
	$(BENCH) --rounds 3 --duration 3 --wrk-duration 2

bench-async: $(MODEL) $(call EXTRA,bench) ## lesson 15's comparison: def, async def, thread pool, micro-batching
	$(BENCH) --rounds 3 --duration 4 --scenarios saturation --wrk-duration 0 --services fastapi \
		--baselines seed-fastapi,seed-fastapi-async,seed-fastapi-threadpool,fastapi-unbatched,bare-asgi

bench-quick: $(MODEL) $(call EXTRA,bench) ## a one-round benchmark, under a minute
	$(BENCH) --rounds 1 --duration 2 --warmup 1 --wrk-duration 1 --scenarios saturation,latency \
		--baselines seed-fastapi,seed-flask

bench-ui: $(MODEL) $(call EXTRA,bench) ## SERVICE=fastapi|flask under locust's web UI on http://127.0.0.1:8089
	$(BENCH) --ui --services $(SERVICE)

# The peers: other servers on the same artifact, each in a virtual environment of its own pinned
# to the versions measured (benchmarks/peers/<name>.txt; MLServer 1.7 and KServe 0.21 pin
# conflicting FastAPIs). MLServer and KServe answer V2 inference (the v2 scenario), BentoML,
# LitServe and Ray Serve the one-patient JSON on /predict (the saturation scenario). Each in its
# best configuration for one core, its default beside it where they differ (benchmarks/targets.py).
PEERS_DIR := .venv-peers
PEERS := mlserver kserve bentoml litserve ray
PEER_STAMPS := $(PEERS:%=$(PEERS_DIR)/%/.installed)
PEER_TARGETS := mlserver,mlserver-batched,mlserver-default,kserve,bentoml,bentoml-default,litserve,ray-serve,ray-serve-default

$(PEERS_DIR)/%/.installed: benchmarks/peers/%.txt
	test -d $(PEERS_DIR)/$* || $(PYTHON) -m venv $(PEERS_DIR)/$*
	$(PEERS_DIR)/$*/bin/python -m pip install --quiet --upgrade pip
	$(PEERS_DIR)/$*/bin/python -m pip install --quiet --requirement $<
	touch $@

PEERS_ROUNDS ?= 3
PEERS_DURATION ?= 5
NOTE ?=

# NOTE="..." adds a line to the summary: what else the machine was doing, say.
bench-peers: $(MODEL) $(call EXTRA,bench) $(PEER_STAMPS) ## our services beside MLServer, KServe, BentoML, LitServe, Ray Serve (~15 min)
	$(BENCH) --rounds $(PEERS_ROUNDS) --duration $(PEERS_DURATION) --wrk-duration 3 \
		--scenarios saturation,v2 --baselines seed-fastapi,seed-flask,fastapi-sklearn \
		--peers $(PEER_TARGETS) $(if $(NOTE),--note "$(NOTE)")

##@ Course

# One lesson, as a student would follow it: the servers its "Before you start" starts (with the
# settings it gives), every block run against them, the servers stopped (lessons/conftest.py).
LESSON_FILE = $(wildcard lessons/$(shell printf '%s' '0$(N)' | tail -c 2)-*.md)

lesson: $(MODEL) $(NEEDS_OF_N) ## run one lesson's blocks against the servers it starts: make lesson N=05
	@test -n "$(LESSON_FILE)" || { echo "make lesson: no lesson numbered '$(N)' in lessons/ (N=01 .. 17)"; exit 2; }
	$(BIN)/pytest -p no:xdist -q $(LESSON_FILE)

# Exercises and the capstone (lessons/exercises/README.md): each checker runs in-process, in
# seconds; tests/test_exercises.py runs every one on its starter (must fail) and solution (must pass).
# You do them in work/ (git ignores it, ruff never lints it). Exercises 03-09, 13 and the capstone
# are steps of one service, work/service/: `make exercise-start N=06` adds step 06 to it, never
# overwriting your code, and `make exercise N=06` checks every step up to 06. The others each have
# a folder of their own, work/NN/. Step 13 needs only `make install`, like lessons 01-10.
EXERCISE_NEEDS_OF_N = $(if $(filter $(N) 0$(N),$(COURSE_BASICS) 13),,$(DEV))

exercise-start: $(STAMP) ## start exercise N=06 in work/ (03-09 and 13: a step of work/service/)
	@$(BIN)/python lessons/exercises/run.py $(N) --start

exercise: $(STAMP) $(EXERCISE_NEEDS_OF_N) ## check your exercise in work/: N=06 (SOLUTION=1: the solution)
	@$(BIN)/python lessons/exercises/run.py $(N) $(if $(SOLUTION),--solution)

capstone-start: $(STAMP) ## add the capstone, the last step, to your service in work/service/
	@$(BIN)/python lessons/exercises/run.py capstone --start

capstone: $(STAMP) ## check your service in work/service/, every step (SOLUTION=1: the solution)
	@$(BIN)/python lessons/exercises/run.py capstone $(if $(SOLUTION),--solution)

# The Mermaid diagrams' checker (lessons/test_mermaid.py), from npm into a folder git ignores;
# it renders with Debian's Chromium, so puppeteer downloads no browser of its own.
MERMAID_CLI_VERSION := 12.2.0

mermaid-cli: ## install mermaid's CLI (npm) into .tools/mermaid/ for the diagrams' test
	mkdir -p .tools/mermaid
	test -f .tools/mermaid/package.json || echo '{"private": true}' > .tools/mermaid/package.json
	cd .tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
		@mermaid-js/mermaid-cli@$(MERMAID_CLI_VERSION)

##@ Deploy

# Deployment (docs/deployment.md, lessons/11-containers-and-deployment.md). docker-test: both
# images built and run on a private Docker engine (Debian's docker.io, as root; `.ci/run`
# installs it). The base image is made from Debian packages when no registry answers, and kept
# as /var/tmp/ml-serving-twins-base-image.tar for the next run; the engine itself lives in a
# fresh /var/tmp directory, deleted when the run ends.
docker-test: $(DEV) ## build both images, run them, check /ready, /predict, CRUD, health, stop
	DOCKER_TEST=1 $(BIN)/pytest tests/deployment/docker -p no:xdist -s -q

# Ray Serve (docs/deployment.md, lesson 11 "When one machine is not enough"): both services on a
# Ray cluster of two nodes on loopback, one HTTP proxy at :PORT/fastapi and :PORT/flask. Ray and
# its dependencies live in a virtual environment of their own, pinned in deploy/ray/requirements.txt
# beside the project's constraints.txt (as the benchmark peers' .venv-peers). test-ray runs the live
# contract suite through Ray's proxy, then kills a replica and a node under load, and autoscales.
# Ray's own modules warn of deprecations when imported, and its start leaves sockets for the
# garbage collector: those warnings are Ray's, not the suite's errors.
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
		-p no:randomly -p no:xdist -W ignore::DeprecationWarning \
		-W ignore::pytest.PytestUnraisableExceptionWarning -m live tests/contract tests/ray

.PHONY: help install train lock clean run-fastapi run-flask dev-fastapi dev-flask run-mcp
.PHONY: run-dashboard test test-fast test-quick test-postgres test-browser hostile fuzz soak lint format
.PHONY: lint-openapi openapi-snapshot lint-deploy audit bench bench-async bench-quick bench-ui
.PHONY: bench-peers lesson exercise exercise-start capstone capstone-start mermaid-cli docker-test
.PHONY: run-ray test-ray
