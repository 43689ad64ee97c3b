"""The soak's load: what clients do all day, bad requests included, as fast as they can.

`FastHttpUser` with no wait time: every user sends its next request as soon as the last one is
answered, so a few users saturate a service. A bad request is a success when it gets its 4xx.
"""

import json

from locust import FastHttpUser, task

from shared.core.schemas import EXAMPLE_PATIENT

PATIENT = EXAMPLE_PATIENT
JSON = {"Content-Type": "application/json"}


class SoakUser(FastHttpUser):
    @task(8)
    def predict(self) -> None:
        self.client.post("/predict", data=json.dumps(PATIENT), headers=JSON)

    @task(2)
    def predict_batch(self) -> None:
        self.client.post(
            "/predict/batch", data=json.dumps({"instances": [PATIENT] * 50}), headers=JSON
        )

    @task(1)
    def health(self) -> None:
        self.client.get("/health")

    @task(1)
    def malformed(self) -> None:
        with self.client.post(
            "/predict", data=b'{"age": 59,', headers=JSON, catch_response=True
        ) as response:
            if response.status_code == 400:
                response.success()
            else:
                response.failure(f"malformed JSON answered {response.status_code}")
