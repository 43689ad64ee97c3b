"""Given with step 09 (do not edit): the predictions resource, kept in a dict, for your twins."""

from itertools import count

from shared.core.errors import PredictionNotFound


class MemoryStore:
    def __init__(self) -> None:
        self._records: dict[int, dict] = {}
        self._ids = count(1)

    def add(self, prediction: float) -> dict:
        record = {"id": next(self._ids), "prediction": prediction}
        self._records[record["id"]] = record
        return record

    def get(self, prediction_id: int) -> dict:
        if prediction_id not in self._records:
            raise PredictionNotFound()
        return self._records[prediction_id]

    def delete(self, prediction_id: int) -> None:
        """Remove a record; PredictionNotFound (404) when there is none."""
        if self._records.pop(prediction_id, None) is None:
            raise PredictionNotFound()
