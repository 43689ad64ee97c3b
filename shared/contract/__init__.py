"""The HTTP contract both services keep, written once and free of any web framework: error
bodies, request checks, the API key, the OpenAPI tables, metrics, the docs page and the Open
Inference Protocol (`v2/`)."""
