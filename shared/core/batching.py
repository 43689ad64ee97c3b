"""The predictor for an event loop: `await predictor.predict_one(patient)`, with adaptive
micro-batching behind it, as MLServer wraps a model's `predict()` with its batching decorator.

A scikit-learn `predict` costs about the same for one row as for a hundred: nearly all its time is
input checking, not arithmetic. When many requests wait at the same moment, predicting them in one
call pays that cost once. Serving systems (Triton, BentoML, MLServer) batch the same way.

Adaptive, with no timer: the first waiting request schedules a flush for the event loop's next
turn. Every request handler that was ready in this turn joins the batch before the flush runs, so
an idle service answers at once (a batch of one) and a busy one batches what arrived together.
It needs an event loop, so the FastAPI service uses it; the Flask service calls `Predictor` itself
(lesson 15 measures both).
"""

import asyncio

import numpy as np

from shared.core.model import Predictor, feature_values
from shared.core.schemas import BatchPredictionResponse, ModelCard, Patient, PredictionResponse


class BatchingPredictor:
    """`Predictor`'s methods, awaited. Single predictions made in one event-loop turn are
    predicted together; a batch is predicted as it comes."""

    def __init__(self, predictor: Predictor, enabled: bool = True, max_batch: int = 256) -> None:
        self.predictor = predictor
        self.enabled = enabled  # off: each call predicts at once, alone (MICRO_BATCHING=false)
        self.max_batch = max_batch
        self._waiting: list[tuple[np.ndarray, asyncio.Future[PredictionResponse]]] = []

    @property
    def card(self) -> ModelCard:
        return self.predictor.card

    @property
    def version(self) -> str:
        return self.predictor.version

    async def predict_one(self, patient: Patient) -> PredictionResponse:
        return await self._predict_row(np.array(feature_values(patient)))

    async def predict_batch(self, patients: list[Patient]) -> BatchPredictionResponse:
        return self.predictor.predict_batch(patients)

    async def predict_rows(self, rows: np.ndarray) -> BatchPredictionResponse:
        """V2's rows: one row joins the waiting ones, several are a batch already."""
        if len(rows) != 1:
            return self.predictor.predict_rows(rows)
        answer = await self._predict_row(rows[0])
        return BatchPredictionResponse(
            predictions=[answer.prediction],
            model_version=answer.model_version,
            out_of_range=[answer.out_of_range],
        )

    async def _predict_row(self, row: np.ndarray) -> PredictionResponse:
        if not self.enabled:
            return self._answers(self.predictor.predict_rows(row.reshape(1, -1)))[0]
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[PredictionResponse] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._flush)
        self._waiting.append((row, answer))
        return await answer

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), self.max_batch):
            self._predict_together(waiting[start : start + self.max_batch])

    def _predict_together(
        self, batch: list[tuple[np.ndarray, asyncio.Future[PredictionResponse]]]
    ) -> None:
        try:
            result = self.predictor.predict_rows(np.stack([row for row, _ in batch]))
        except Exception as error:  # every waiting request gets the error, none hangs
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        for (_, answer), response in zip(batch, self._answers(result), strict=True):
            if not answer.done():  # a client that went away leaves a cancelled future
                answer.set_result(response)

    @staticmethod
    def _answers(result: BatchPredictionResponse) -> list[PredictionResponse]:
        return [
            PredictionResponse(
                prediction=prediction, model_version=result.model_version, out_of_range=flags
            )
            for prediction, flags in zip(result.predictions, result.out_of_range, strict=True)
        ]
