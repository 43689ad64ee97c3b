"""The Flask application factory: `create_app()` builds the app the server runs."""

from flask import Flask, Response, request, send_from_directory
from flask_openapi3 import Info

from flask_service.app.deps import close_store
from flask_service.app.errors import handle_validation_error, register_error_handlers
from flask_service.app.openapi import ContractApp, operation_id
from flask_service.app.predictions import router as predictions_router
from flask_service.app.responses import ContractJSONProvider
from flask_service.app.routes import router
from flask_service.app.v2 import router as v2_router
from flask_service.server.middleware import install_middleware
from shared.contract.docs import STATIC_DIR, playground_html, swagger_ui_html
from shared.contract.metrics import METRICS_CONTENT_TYPE, ServiceMetrics
from shared.contract.openapi import (
    API_DESCRIPTION,
    API_TITLE,
    API_VERSION,
    SECURITY_SCHEMES,
    served_from,
)
from shared.contract.web import PAGE_SECURITY_HEADERS, configure_logging
from shared.core.model import Predictor
from shared.core.schemas import ValidationErrorResponse
from shared.core.settings import Settings
from shared.core.store import open_database


def create_app(
    settings: Settings | None = None,
    predictor: Predictor | None = None,
    load_model: bool = True,
) -> Flask:
    """Build the app. Tests pass their own settings or predictor; `load_model=False` starts
    without a model (then `/ready` answers 503)."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    app = ContractApp(
        __name__,
        info=Info(title=API_TITLE, description=API_DESCRIPTION, version=API_VERSION),
        operation_id_callback=operation_id,
        security_schemes=SECURITY_SCHEMES,  # a dict, never null: null breaks OpenAPI validators
        validation_error_model=ValidationErrorResponse,
        validation_error_callback=handle_validation_error,
        doc_ui=False,  # /docs is ours: the same offline Swagger UI page as the FastAPI service
        static_folder=STATIC_DIR,
        static_url_path="/static",
    )
    app.json = ContractJSONProvider(app)
    # Flask answers OPTIONS on every route by itself; FastAPI does not (405). Only CORS needs
    # OPTIONS (a browser's preflight), so it is on only when CORS is.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = bool(settings.cors_origins)
    # `/static//x` is a 404, as in FastAPI, not a 308 to the URL with one slash.
    app.url_map.merge_slashes = False

    # Load once per process, at start-up, never at import. A bad artifact stops the start.
    if predictor is None and load_model:
        predictor = Predictor.load(settings.model_path, settings.card_path, settings.model_sha256)
    app.extensions["settings"] = settings
    app.extensions["predictor"] = predictor
    deadline = settings.request_timeout_seconds  # bounds every store call
    app.extensions["store_engine"] = open_database(settings.database_url, deadline)  # per process
    app.teardown_appcontext(close_store)  # the request's store, closed on every path
    app.extensions["metrics"] = ServiceMetrics()

    app.register_api(router)
    app.register_api(v2_router)
    app.register_api(predictions_router)
    # `request.script_root`: the route prefix the service is under (Ray Serve's), or "".
    app.add_url_rule(
        "/openapi.json", "openapi", lambda: served_from(app.api_doc, request.script_root)
    )

    # Plain Flask rules stay out of the OpenAPI document (FastAPI: `include_in_schema=False`).
    def docs() -> Response:
        page = swagger_ui_html(request.script_root)
        return Response(page, mimetype="text/html", headers=PAGE_SECURITY_HEADERS)

    def playground() -> Response:
        if request.script_root:
            page = playground_html(request.script_root)
            return Response(page, mimetype="text/html", headers=PAGE_SECURITY_HEADERS)
        page = send_from_directory(STATIC_DIR / "playground", "index.html")
        page.headers.update(PAGE_SECURITY_HEADERS)
        return page

    def metrics() -> Response:
        body = app.extensions["metrics"].render(app.extensions["predictor"])
        return Response(body, content_type=METRICS_CONTENT_TYPE)

    app.add_url_rule("/docs", "docs", docs)
    app.add_url_rule("/", "playground", playground)
    app.add_url_rule("/metrics", "metrics", metrics)

    register_error_handlers(app)
    # The armour (flask_service/server/): request ids, access log, metrics, limits, CORS.
    install_middleware(app, settings)
    return app
