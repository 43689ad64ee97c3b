"""The FastAPI application factory: `create_app()` builds the app the server runs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from fastapi_service.app.errors import register_error_handlers
from fastapi_service.app.openapi import ContractApp, operation_id
from fastapi_service.app.predictions import router as predictions_router
from fastapi_service.app.responses import ContractJSONResponse
from fastapi_service.app.routes import router
from fastapi_service.app.v2 import router as v2_router
from fastapi_service.server.middleware import install_middleware
from shared.contract.docs import STATIC_DIR, playground_html, swagger_ui_html
from shared.contract.metrics import METRICS_CONTENT_TYPE, ServiceMetrics
from shared.contract.openapi import API_DESCRIPTION, API_TITLE, API_VERSION
from shared.contract.web import PAGE_SECURITY_HEADERS, configure_logging
from shared.core.batching import BatchingPredictor
from shared.core.model import Predictor
from shared.core.settings import Settings
from shared.core.store import open_database


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
            pin = settings.model_sha256
            loaded = Predictor.load(settings.model_path, settings.card_path, pin)
            app.state.predictor = BatchingPredictor(loaded, enabled=settings.micro_batching)
        deadline = settings.request_timeout_seconds  # bounds every store call
        app.state.store_engine = open_database(settings.database_url, deadline)  # one per process
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
        default_response_class=ContractJSONResponse,
        redirect_slashes=False,  # `/health/` is a 404, as in Flask, not a redirect
        # No OpenTelemetry here (the service has Prometheus metrics, lesson 10): otherwise FastAPI
        # looks for a configured provider on every request, about 5 % of a prediction's CPU.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    # The predictor, awaited by the routes; concurrent single predictions share one model call.
    app.state.predictor = (
        BatchingPredictor(predictor, settings.micro_batching) if predictor else None
    )
    app.state.metrics = ServiceMetrics()
    app.include_router(router)
    app.include_router(v2_router)
    app.include_router(predictions_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        prefix = request.scope.get("root_path", "")  # under a route prefix (Ray Serve's), or ""
        return HTMLResponse(swagger_ui_html(prefix), headers=PAGE_SECURITY_HEADERS)

    @app.get("/", include_in_schema=False)
    def playground(request: Request) -> Response:
        prefix = request.scope.get("root_path", "")
        if prefix:
            return HTMLResponse(playground_html(prefix), headers=PAGE_SECURITY_HEADERS)
        page = STATIC_DIR / "playground" / "index.html"
        return FileResponse(page, headers=PAGE_SECURITY_HEADERS)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body = app.state.metrics.render(app.state.predictor)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    register_error_handlers(app)
    # The armour (fastapi_service/server/): request ids, access log, metrics, limits, CORS.
    install_middleware(app, settings)
    return app
