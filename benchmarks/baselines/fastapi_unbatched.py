"""The FastAPI service exactly as `make run-fastapi` serves it, but with MICRO_BATCHING off:
measures what micro-batching is worth (lessons/15-sync-async-and-the-event-loop.md)."""

from fastapi_service.app import create_app
from shared.core.settings import Settings

app = create_app(Settings(micro_batching=False))
