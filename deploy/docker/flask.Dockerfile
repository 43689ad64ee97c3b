# The Flask service as an image. Build from the repository root:
#   docker build -f deploy/docker/flask.Dockerfile -t diabetes-flask .
# CI lints this file with hadolint (`make lint`) but builds nothing: no Docker engine runs there.
FROM python:3.11-slim-bookworm

# No .pyc files in the image, logs straight to stdout, pip without its cache (a smaller layer).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A user without privileges runs the server: a flaw in the app cannot rewrite the image.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home app

WORKDIR /app

# The same pinned versions as CI (constraints.txt), in a .venv where the Makefile keeps it,
# as the Makefile installs them.
COPY pyproject.toml constraints.txt README.md ./
COPY shared/ shared/
COPY fastapi_service/ fastapi_service/
COPY flask_service/ flask_service/
RUN python -m venv .venv \
    && .venv/bin/pip install --constraint constraints.txt --editable .

# The model is trained here, at build time: the artifact matches the scikit-learn installed
# above, and the image serves it as it is. Owned by root, so the app can read it, not change it.
RUN .venv/bin/python -m shared.core.train --model-path models/diabetes.joblib \
    && mkdir data && chown app:app data

USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8001 \
    WORKERS=2
EXPOSE 8001

# python, not curl: the slim image has no curl, and one fewer package is one fewer to patch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=4)"]

# The service's launcher, as `make run-flask` starts it (HOST, PORT and WORKERS from above). No shell
# in between: the launcher is PID 1, so `docker stop`'s SIGTERM reaches it.
CMD [".venv/bin/python", "-m", "flask_service.server"]
