"""Exercise 14: a V2 inference request built by hand, answered like /predict/batch by both."""

from checking import NotDone, Workspace, call, expect_status, real_services

from shared.core.schemas import EXAMPLE_PATIENT

PATIENTS = [EXAMPLE_PATIENT, {**EXAMPLE_PATIENT, "bmi": 24.0}, {**EXAMPLE_PATIENT, "age": 30}]


def check_request_accepted(work: Workspace) -> None:
    """Both services accept inference_request()'s body"""
    client = work.load("v2_client.py")
    body = call(client.inference_request, PATIENTS)
    for twin in real_services():
        answer = twin.post(client.INFER_PATH, json=body)
        expect_status(
            twin,
            answer,
            200,
            f"POST {client.INFER_PATH}",
            "the service's detail says "
            "what it expects: shape [3, 10] for three patients, FP64, flat data",
        )


def check_same_as_batch(work: Workspace) -> None:
    """predictions() reads the same numbers /predict/batch gives"""
    client = work.load("v2_client.py")
    body = client.inference_request(PATIENTS)
    for twin in real_services():
        expected = twin.post("/predict/batch", json={"instances": PATIENTS}).json()["predictions"]
        got = call(client.predictions, twin.post(client.INFER_PATH, json=body).json())
        if got != expected:
            raise NotDone(
                f"predictions() returned {got}; /predict/batch says {expected}: are the columns "
                "in FEATURES order, and do you read the output named 'prediction'?"
            )
