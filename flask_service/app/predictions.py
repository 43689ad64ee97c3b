"""The predictions resource: the log of predictions and the outcomes observed later.

`POST /predict` (routes.py) is a remote procedure call: it computes an answer and forgets it.
`POST /predictions` creates a resource with a URL of its own, which later requests read (GET),
complete (PUT) and remove (DELETE). Each route parses, calls the store, answers.
"""

from flask import Response, request
from flask.blueprints import BlueprintSetupState
from flask_openapi3 import APIBlueprint, Tag
from werkzeug.routing import IntegerConverter

from flask_service.app.deps import (
    PredictionPath,
    get_predictor,
    get_store,
    require_api_key,
    require_json_body,
)
from flask_service.app.openapi import documented, operation_id
from shared.contract.openapi import (
    ACTUAL_ERRORS,
    API_KEY_SCHEME,
    DELETE_ERRORS,
    JSON_BODY_ERRORS,
    PAGE_ERRORS,
    RECORD_ERRORS,
    STORE_ERRORS,
)
from shared.core.schemas import (
    ActualValue,
    PageQuery,
    Patient,
    Performance,
    PredictionPage,
    PredictionRecord,
)

router = APIBlueprint(
    "predictions", __name__, abp_tags=[Tag(name="predictions")], operation_id_callback=operation_id
)
router.before_request(require_json_body)


class DigitsConverter(IntegerConverter):
    """Werkzeug's `int` converter reads any Unicode digit ("١" is 1); Starlette's, in the
    FastAPI twin, only 0-9. This one reads ids as the twin does, so both route the same URLs."""

    regex = "[0-9]+"


def register_digits_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["digits"] = DigitsConverter


# Recorded before the routes: their rules need the converter when they are added. An id that is
# not a number matches no route, so it is a 404 (no such URL), as in the FastAPI twin.
router.record_once(register_digits_converter)


@router.post("/predictions", **documented(PredictionRecord, JSON_BODY_ERRORS, status=201))
def create_prediction(body: Patient) -> tuple[PredictionRecord, int, dict[str, str]]:
    """Predict for one patient and store the prediction: 201, its URL in `Location`."""
    result = get_predictor().predict_one(body)
    record = get_store().add(body, result.prediction, result.model_version)
    location = f"{request.script_root}/predictions/{record.id}"  # under a route prefix or not
    return record, 201, {"Location": location}


@router.get("/predictions", **documented(PredictionPage, PAGE_ERRORS))
def list_predictions(query: PageQuery) -> PredictionPage:
    """Stored predictions, newest first, one page at a time."""
    return get_store().list_page(query.limit, query.offset)


@router.get("/predictions/<digits:prediction_id>", **documented(PredictionRecord, RECORD_ERRORS))
def get_prediction(path: PredictionPath) -> PredictionRecord:
    """One stored prediction."""
    return get_store().get(path.prediction_id)


@router.put(
    "/predictions/<digits:prediction_id>/actual", **documented(PredictionRecord, ACTUAL_ERRORS)
)
def record_actual(path: PredictionPath, body: ActualValue) -> PredictionRecord:
    """Record the outcome observed later. Idempotent: sending it again changes nothing."""
    return get_store().set_actual(path.prediction_id, body.value)


@router.delete(
    "/predictions/<digits:prediction_id>",
    **documented(None, DELETE_ERRORS, status=204),
    security=[{API_KEY_SCHEME: []}],
)
def delete_prediction(path: PredictionPath) -> Response:
    """Remove a stored prediction; needs the API key in X-API-Key."""
    require_api_key()
    get_store().delete(path.prediction_id)
    response = Response(status=204)
    del response.headers["Content-Type"]  # no body, so no type (Werkzeug would say text/html)
    return response


@router.get("/model/performance", **documented(Performance, STORE_ERRORS))
def model_performance() -> Performance:
    """The served model's live error over the predictions whose outcome is known."""
    return get_store().performance()
