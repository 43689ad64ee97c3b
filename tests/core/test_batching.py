"""The batching predictor: concurrent single predictions share one model call; the answers are
the model's."""

import asyncio

import numpy as np
import pytest

from shared.core.batching import BatchingPredictor
from shared.core.model import Predictor
from shared.core.schemas import FEATURES, Patient


class CountingPredictor:
    """The real predictor, counting how many model calls it serves and of how many rows."""

    def __init__(self, predictor: Predictor) -> None:
        self.predictor = predictor
        self.version = predictor.version
        self.batch_sizes: list[int] = []

    def predict_rows(self, rows):
        self.batch_sizes.append(len(rows))
        return self.predictor.predict_rows(rows)


@pytest.fixture
def counting(model_path):
    return CountingPredictor(Predictor.load(model_path, model_path.with_suffix(".json")))


def patients(patient, count):
    return [Patient(**{**patient, "age": 20 + index}) for index in range(count)]


def test_concurrent_requests_share_one_call(counting, patient):
    batcher = BatchingPredictor(counting)

    async def many():
        return await asyncio.gather(*(batcher.predict_one(p) for p in patients(patient, 10)))

    answers = asyncio.run(many())
    assert counting.batch_sizes == [10]
    expected = counting.predictor.predict_batch(patients(patient, 10)).predictions
    assert [answer.prediction for answer in answers] == pytest.approx(expected, rel=1e-12)


def test_each_request_gets_its_own_answer_and_flags(counting, patient):
    batcher = BatchingPredictor(counting)
    far = Patient(**{**patient, "age": 100})

    async def two():
        near = batcher.predict_one(Patient(**patient))
        return await asyncio.gather(near, batcher.predict_one(far))

    near_answer, far_answer = asyncio.run(two())
    assert (near_answer.out_of_range, far_answer.out_of_range) == ([], ["age"])


def test_a_lone_request_is_answered_without_waiting_for_company(counting, patient):
    batcher = BatchingPredictor(counting)
    answer = asyncio.run(batcher.predict_one(Patient(**patient)))
    assert counting.batch_sizes == [1]
    assert answer.model_version == "1.0.0"


def test_batches_are_bounded(counting, patient):
    batcher = BatchingPredictor(counting, max_batch=4)

    async def many():
        return await asyncio.gather(*(batcher.predict_one(p) for p in patients(patient, 10)))

    assert len(asyncio.run(many())) == 10
    assert counting.batch_sizes == [4, 4, 2]


def test_a_failing_model_fails_every_waiting_request(patient):
    class BrokenPredictor:
        version = "broken"

        def predict_rows(self, rows):
            raise RuntimeError("model failed")

    batcher = BatchingPredictor(BrokenPredictor())

    async def two():
        calls = (batcher.predict_one(Patient(**patient)) for _ in range(2))
        return await asyncio.gather(*calls, return_exceptions=True)

    assert [type(result) for result in asyncio.run(two())] == [RuntimeError, RuntimeError]


def test_switched_off_each_request_is_predicted_alone(counting, patient):
    batcher = BatchingPredictor(counting, enabled=False)

    async def three():
        return await asyncio.gather(*(batcher.predict_one(p) for p in patients(patient, 3)))

    assert len(asyncio.run(three())) == 3
    assert counting.batch_sizes == [1, 1, 1]


class CountingModel(Predictor):
    """The real model, counting its calls: the FastAPI app's batching predictor wraps it."""

    batch_sizes: list[int]

    def predict_rows(self, rows):
        self.batch_sizes.append(len(rows))
        return super().predict_rows(rows)


def test_concurrent_v2_inferences_of_one_row_share_one_call(model_path, settings, patient):
    """V2 infer is batched as /predict is: the answers are still each its own."""
    import httpx2

    from fastapi_service.app import create_app
    from shared.core.schemas import FEATURES
    from shared.core.train import MODEL_NAME

    model = CountingModel.load(model_path, model_path.with_suffix(".json"))
    model.batch_sizes = []
    app = create_app(settings, predictor=model)
    bodies = [
        {
            "inputs": [
                {
                    "name": "patients",
                    "shape": [1, len(FEATURES)],
                    "datatype": "FP64",
                    "data": [getattr(p, name) for name in FEATURES],
                }
            ]
        }
        for p in patients(patient, 5)
    ]

    async def five():
        transport = httpx2.ASGITransport(app=app)
        client = httpx2.AsyncClient(transport=transport, base_url="http://test")
        async with app.router.lifespan_context(app), client:
            calls = [client.post(f"/v2/models/{MODEL_NAME}/infer", json=b) for b in bodies]
            return await asyncio.gather(*calls)

    answers = asyncio.run(five())
    assert [answer.status_code for answer in answers] == [200] * 5
    assert sum(model.batch_sizes) == 5 and len(model.batch_sizes) < 5  # shared, not one by one
    plain = Predictor.load(model_path, model_path.with_suffix(".json"))
    expected = plain.predict_batch(patients(patient, 5)).predictions
    got = [answer.json()["outputs"][0]["data"][0] for answer in answers]
    assert got == pytest.approx(expected, rel=1e-12)


def test_a_v2_row_and_a_patient_share_one_call(counting, patient):
    """The rows of V2 and the patients of /predict wait together for the same model call."""
    batcher = BatchingPredictor(counting)
    one, two = patients(patient, 2)
    row = np.array([[getattr(two, name) for name in FEATURES]])

    async def both():
        return await asyncio.gather(batcher.predict_one(one), batcher.predict_rows(row))

    by_patient, by_row = asyncio.run(both())
    assert counting.batch_sizes == [2]
    expected = counting.predictor.predict_batch([one, two]).predictions
    assert [by_patient.prediction, by_row.predictions[0]] == pytest.approx(expected, rel=1e-12)


def test_a_batch_of_rows_is_predicted_as_it_comes(counting, patient):
    batcher = BatchingPredictor(counting)
    rows = np.array([[getattr(p, name) for name in FEATURES] for p in patients(patient, 3)])
    result = asyncio.run(batcher.predict_rows(rows))
    assert counting.batch_sizes == [3]
    assert len(result.predictions) == 3
