"""Exercise 12, solved: a locust user for the prediction service.

Run it against a service you started (`make run-fastapi` in another terminal):
    .venv/bin/locust -f lessons/solutions/12/locustfile.py --headless -u 10 -r 10 -t 10s \
        --host http://localhost:8000
"""

from locust import FastHttpUser, constant_throughput, task

from shared.core.schemas import EXAMPLE_PATIENT


class ServiceUser(FastHttpUser):
    # Each simulated user sends at most 5 requests a second: a steady, known load.
    wait_time = constant_throughput(5)

    @task
    def health(self) -> None:
        self.client.get("/health")

    @task(3)
    def predict(self) -> None:
        # A 200 without a prediction is still a failure for the client: say so to locust.
        with self.client.post("/predict", json=EXAMPLE_PATIENT, catch_response=True) as response:
            if "prediction" not in response.json():
                response.failure("no prediction in the answer")
