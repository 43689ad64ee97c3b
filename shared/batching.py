"""Adaptive micro-batching: concurrent single predictions answered by one batch call.

A scikit-learn `predict` costs about the same for one row as for a hundred: nearly all its time is
input checking, not arithmetic. When many requests wait at the same moment, predicting them in one
call pays that cost once. Serving systems (Triton, BentoML, MLServer) batch the same way.

Adaptive, with no timer: the first waiting request schedules a flush for the event loop's next
turn. Every request handler that was ready in this turn joins the batch before the flush runs, so
an idle service answers at once (a batch of one) and a busy one batches what arrived together.
It lives in asyncio, so only the FastAPI service can use it; threads (Flask) would need locks and
a timer, and the benchmark shows whether that is worth it.
"""

import asyncio

from shared.model import Predictor
from shared.schemas import Patient, PredictionResponse


class MicroBatcher:
    """Collects `predict_one` calls made in one event-loop turn and predicts them together."""

    def __init__(self, predictor: Predictor, enabled: bool = True, max_batch: int = 256) -> None:
        self.predictor = predictor
        self.enabled = enabled  # off: each call predicts at once, alone (MICRO_BATCHING=false)
        self.max_batch = max_batch
        self._waiting: list[tuple[Patient, asyncio.Future[PredictionResponse]]] = []

    async def predict_one(self, patient: Patient) -> PredictionResponse:
        if not self.enabled:
            return self.predictor.predict_one(patient)
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[PredictionResponse] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._flush)
        self._waiting.append((patient, answer))
        return await answer

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), self.max_batch):
            self._predict(waiting[start : start + self.max_batch])

    def _predict(self, batch: list[tuple[Patient, asyncio.Future[PredictionResponse]]]) -> None:
        try:
            result = self.predictor.predict_batch([patient for patient, _ in batch])
        except Exception as error:  # every waiting request gets the error, none hangs
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        for index, (_, answer) in enumerate(batch):
            if not answer.done():  # a client that went away leaves a cancelled future
                answer.set_result(
                    PredictionResponse(
                        prediction=result.predictions[index],
                        model_version=result.model_version,
                        out_of_range=result.out_of_range[index],
                    )
                )
