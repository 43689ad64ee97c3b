"""The FastAPI adapter: lifespan, `Annotated` dependencies, exception handlers, ASGI middleware."""
