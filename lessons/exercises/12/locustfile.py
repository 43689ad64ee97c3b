"""Exercise 12: a locust user for the prediction service. See README.md.

Run it against a service you started (`make run-fastapi` in another terminal):
    .venv/bin/locust -f work/12/locustfile.py --headless -u 10 -r 10 -t 10s \
        --host http://localhost:8000
"""

from locust import FastHttpUser, constant_throughput, task

from shared.core.schemas import EXAMPLE_PATIENT  # noqa: F401 (you will use it)


class ServiceUser(FastHttpUser):
    # Each simulated user sends at most 5 requests a second: a steady, known load.
    wait_time = constant_throughput(5)

    @task
    def health(self) -> None:
        self.client.get("/health")

    # TODO: a task that POSTs EXAMPLE_PATIENT to /predict, picked three times as often as health
    # (@task(3)), that marks the request failed when the answer has no "prediction"
    # (with self.client.post(..., catch_response=True) as response: ... response.failure(...)).
