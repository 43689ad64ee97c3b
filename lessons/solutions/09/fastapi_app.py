"""Exercise 09, solved: the FastAPI twin with DELETE /predictions/{prediction_id}."""

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from memory_store import MemoryStore

from shared.core.errors import ServiceError
from shared.core.model import Predictor
from shared.core.schemas import Patient


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()
    store = MemoryStore()

    @app.exception_handler(ServiceError)
    def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status_code)

    @app.post("/predictions", status_code=201)
    def create_prediction(patient: Patient, response: Response) -> dict:
        record = store.add(predictor.predict_one(patient).prediction)
        response.headers["Location"] = f"/predictions/{record['id']}"
        return record

    @app.get("/predictions/{prediction_id}")
    def get_prediction(prediction_id: int) -> dict:
        return store.get(prediction_id)

    @app.delete("/predictions/{prediction_id}", status_code=204)
    def delete_prediction(prediction_id: int) -> Response:
        store.delete(prediction_id)
        return Response(status_code=204)  # an empty body: FastAPI would encode `None` as null

    return app
