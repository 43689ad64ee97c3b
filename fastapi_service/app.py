"""The FastAPI application factory, called by `uvicorn --factory fastapi_service.app:create_app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from fastapi_service.cors import ContractCORSMiddleware
from fastapi_service.errors import register_error_handlers
from fastapi_service.middleware import RequestContextMiddleware, RequestLimitsMiddleware
from fastapi_service.openapi import ContractApp, operation_id
from fastapi_service.predictions import router as predictions_router
from fastapi_service.responses import JSONResponse
from fastapi_service.routes import router
from fastapi_service.v2 import router as v2_router
from shared.batching import MicroBatcher
from shared.docs import STATIC_DIR, playground_html, swagger_ui_html
from shared.metrics import METRICS_CONTENT_TYPE, ServiceMetrics
from shared.model import Predictor
from shared.openapi import API_DESCRIPTION, API_TITLE, API_VERSION
from shared.settings import Settings
from shared.store import open_database
from shared.web import (
    CORS_EXPOSED_HEADERS,
    CORS_METHODS,
    CORS_REQUEST_HEADERS,
    configure_logging,
)


def create_app(
    settings: Settings | None = None,
    predictor: Predictor | None = None,
    load_model: bool = True,
) -> FastAPI:
    """Build the app. Tests pass their own settings or predictor; `load_model=False` starts
    without a model (then `/ready` answers 503)."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load once per process, at start-up, never at import. A bad artifact stops the start.
        if app.state.predictor is None and load_model:
            app.state.predictor = Predictor.load(settings.model_path, settings.card_path)
        if app.state.predictor is not None:
            app.state.batcher = MicroBatcher(app.state.predictor, enabled=settings.micro_batching)
        app.state.store_engine = open_database(settings.database_url)  # pool + schema, per process
        yield
        app.state.store_engine.dispose()
        app.state.predictor = None

    app = ContractApp(
        title=API_TITLE,
        description=API_DESCRIPTION,
        version=API_VERSION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        default_response_class=JSONResponse,
        # `/health/` is a 404, as in Flask, not a 307 to a URL built from the client's Host
        # header (an open redirect, and a poisoned cache's favourite).
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.predictor = predictor
    app.state.batcher = None
    app.state.metrics = ServiceMetrics()
    app.include_router(router)
    app.include_router(v2_router)
    app.include_router(predictions_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(swagger_ui_html(request.scope.get("root_path", "")))

    @app.get("/", include_in_schema=False)
    def playground(request: Request) -> Response:
        prefix = request.scope.get("root_path", "")  # under a route prefix (Ray Serve's)
        if prefix:
            return HTMLResponse(playground_html(prefix))
        return FileResponse(STATIC_DIR / "playground" / "index.html")

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body = app.state.metrics.render(app.state.predictor)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    register_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            ContractCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
        )
    app.add_middleware(RequestLimitsMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)  # added last: outermost, so it sees every answer
    return app
