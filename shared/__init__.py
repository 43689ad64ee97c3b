"""The framework-free core: settings, schemas, the model, training and errors.

Nothing in this package imports FastAPI or Flask; both services are thin adapters over it.
"""
