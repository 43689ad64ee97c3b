"""The predictions resource: the log of predictions and the outcomes observed later.

`POST /predict` (routes.py) is a remote procedure call: it computes an answer and forgets it.
`POST /predictions` creates a resource with a URL of its own, which later requests read (GET),
complete (PUT) and remove (DELETE). Each route parses, calls the store, answers.

The store's routes are `def`: the database blocks, and FastAPI runs a `def` route in its thread
pool, where blocking costs the event loop nothing.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from fastapi_service.app.deps import (
    PredictionId,
    PredictorDep,
    StoreDep,
    require_api_key,
    require_json_body,
)
from fastapi_service.app.openapi import documented
from fastapi_service.server.validation import ValidateLargeBodiesInThreadPool
from shared.contract.openapi import (
    ACTUAL_ERRORS,
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

router = APIRouter(
    tags=["predictions"],
    dependencies=[Depends(require_json_body)],
    route_class=ValidateLargeBodiesInThreadPool,  # armour: see fastapi_service/server/validation.py
)


@router.post("/predictions", **documented(PredictionRecord, JSON_BODY_ERRORS, status=201))
async def create_prediction(
    body: Patient, predictor: PredictorDep, store: StoreDep, request: Request, response: Response
) -> PredictionRecord:
    """Predict for one patient and store the prediction: 201, its URL in `Location`."""
    result = await predictor.predict_one(body)
    # The database blocks: its call goes to the thread pool, as the `def` routes below do.
    record = await run_in_threadpool(store.add, body, result.prediction, result.model_version)
    prefix = request.scope.get("root_path", "")  # under a route prefix (Ray Serve's)
    response.headers["Location"] = f"{prefix}/predictions/{record.id}"
    return record


@router.get("/predictions", **documented(PredictionPage, PAGE_ERRORS))
def list_predictions(query: Annotated[PageQuery, Query()], store: StoreDep) -> PredictionPage:
    """Stored predictions, newest first, one page at a time."""
    return store.list_page(query.limit, query.offset)


# `:int` is Starlette's path convertor: an id that is not a number matches no route, so it is a
# 404 (no such URL), as in the Flask twin.
@router.get("/predictions/{prediction_id:int}", **documented(PredictionRecord, RECORD_ERRORS))
def get_prediction(prediction_id: PredictionId, store: StoreDep) -> PredictionRecord:
    """One stored prediction."""
    return store.get(prediction_id)


@router.put(
    "/predictions/{prediction_id:int}/actual", **documented(PredictionRecord, ACTUAL_ERRORS)
)
def record_actual(
    prediction_id: PredictionId, body: ActualValue, store: StoreDep
) -> PredictionRecord:
    """Record the outcome observed later. Idempotent: sending it again changes nothing."""
    return store.set_actual(prediction_id, body.value)


@router.delete(
    "/predictions/{prediction_id:int}",
    **documented(None, DELETE_ERRORS, status=204),
    dependencies=[Depends(require_api_key)],
)
def delete_prediction(prediction_id: PredictionId, store: StoreDep) -> Response:
    """Remove a stored prediction; needs the API key in X-API-Key."""
    store.delete(prediction_id)
    return Response(status_code=204)


@router.get("/model/performance", **documented(Performance, STORE_ERRORS))
def model_performance(store: StoreDep) -> Performance:
    """The served model's live error over the predictions whose outcome is known."""
    return store.performance()
