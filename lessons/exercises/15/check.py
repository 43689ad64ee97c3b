"""Exercise 15: a blocking model call that no longer holds up the event loop."""

import asyncio
import sys

import httpx2
from checking import NotDone, Workspace, call

from shared.core.schemas import EXAMPLE_PATIENT, FEATURES

CONCURRENT = 4


async def send_together(app) -> list:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        return await asyncio.gather(
            *(client.post("/predict", json=EXAMPLE_PATIENT) for _ in range(CONCURRENT))
        )


def run_together(work: Workspace) -> tuple[list, int]:
    """The answers to 4 requests sent at once, and how many model calls overlapped."""
    app = call(work.load("fastapi_app.py").create_app)
    model = sys.modules.get("slow_model")  # the one fastapi_app.py imported
    if model is None:
        raise NotDone("fastapi_app.py should predict with slow_model.predict")
    model.reset()
    answers = asyncio.run(send_together(app))
    return answers, model.most_at_once


def check_still_predicts(work: Workspace) -> None:
    """The route still answers the model's prediction"""
    answers, _ = run_together(work)
    expected = sum(EXAMPLE_PATIENT[name] for name in FEATURES)
    for answer in answers:
        if answer.status_code != 200 or answer.json() != {"prediction": expected}:
            raise NotDone(f"POST /predict answered {answer.status_code} {answer.text[:200]}")


def check_calls_overlap(work: Workspace) -> None:
    """Four requests sent together are served together, not one after another"""
    _, most_at_once = run_together(work)
    if most_at_once < 2:
        raise NotDone(
            f"of {CONCURRENT} requests sent at once, at most {most_at_once} ran the model at a "
            "time: the blocking call holds the event loop. Make the route a plain `def` (FastAPI "
            "runs it in its thread pool), or keep `async def` and "
            "`await run_in_threadpool(slow_model.predict, features)`"
        )
