"""The predictions resource: the log of predictions and the outcomes observed later.

`POST /predict` (routes.py) is a remote procedure call: it computes an answer and forgets it.
`POST /predictions` creates a resource with a URL of its own, which later requests read (GET),
complete (PUT) and remove (DELETE). Each route parses, calls the store, answers.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from fastapi_service.deps import (
    PredictorDep,
    StoreDep,
    require_api_key,
    require_json_body,
)
from fastapi_service.routes import documented
from shared.openapi import (
    ACTUAL_ERRORS,
    DELETE_ERRORS,
    JSON_BODY_ERRORS,
    PAGE_ERRORS,
    RECORD_ERRORS,
    STORE_ERRORS,
)
from shared.schemas import (
    ActualValue,
    PageQuery,
    Patient,
    Performance,
    PredictionPage,
    PredictionPath,
    PredictionRecord,
)

router = APIRouter(tags=["predictions"], dependencies=[Depends(require_json_body)])

# `:int` is Starlette's path convertor: an id that is not a number matches no route, so it is a
# 404 (no such URL), as in the Flask twin.
# The id's description comes from the model the Flask twin declares, so both documents say it.
PredictionId = Annotated[
    int, Path(description=PredictionPath.model_fields["prediction_id"].description)
]


@router.post(
    "/predictions",
    status_code=201,
    response_model=PredictionRecord,
    responses=documented(JSON_BODY_ERRORS),
)
def create_prediction(
    body: Patient, predictor: PredictorDep, store: StoreDep, response: Response
) -> PredictionRecord:
    """Predict for one patient and store the prediction: 201, its URL in `Location`."""
    result = predictor.predict_one(body)
    record = store.add(body, result.prediction, result.model_version)
    response.headers["Location"] = f"/predictions/{record.id}"
    return record


@router.get("/predictions", response_model=PredictionPage, responses=documented(PAGE_ERRORS))
def list_predictions(query: Annotated[PageQuery, Query()], store: StoreDep) -> PredictionPage:
    """Stored predictions, newest first, one page at a time."""
    return store.list_page(query.limit, query.offset)


@router.get(
    "/predictions/{prediction_id:int}",
    response_model=PredictionRecord,
    responses=documented(RECORD_ERRORS),
)
def get_prediction(prediction_id: PredictionId, store: StoreDep) -> PredictionRecord:
    """One stored prediction."""
    return store.get(prediction_id)


@router.put(
    "/predictions/{prediction_id:int}/actual",
    response_model=PredictionRecord,
    responses=documented(ACTUAL_ERRORS),
)
def record_actual(
    prediction_id: PredictionId, body: ActualValue, store: StoreDep
) -> PredictionRecord:
    """Record the outcome observed later. Idempotent: sending it again changes nothing."""
    return store.set_actual(prediction_id, body.value)


@router.delete(
    "/predictions/{prediction_id:int}",
    status_code=204,
    response_class=Response,
    responses=documented(DELETE_ERRORS),
    dependencies=[Depends(require_api_key)],
)
def delete_prediction(prediction_id: PredictionId, store: StoreDep) -> Response:
    """Remove a stored prediction; needs the API key in X-API-Key."""
    store.delete(prediction_id)
    return Response(status_code=204)


@router.get("/model/performance", response_model=Performance, responses=documented(STORE_ERRORS))
def model_performance(store: StoreDep) -> Performance:
    """The served model's live error over the predictions whose outcome is known."""
    return store.performance()
