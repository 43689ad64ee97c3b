"""The framework-free core of both services, in two packages.

- `shared.core`: the domain. Settings, schemas, the model and its training, the prediction store,
  the domain's errors. It knows nothing of HTTP.
- `shared.contract`: the HTTP contract both services keep. Error bodies, request checks, the
  OpenAPI tables, metrics, the docs page, the Open Inference Protocol (`v2/`). It knows HTTP but
  no web framework.

Nothing here imports FastAPI or Flask; both services are thin adapters over it.
"""
