"""The V2 data plane: what each endpoint of the protocol does, for both services' thin routes.

Framework-free, as MLServer's `DataPlane`: the routes hand over the predictor and the raw request,
and get back a response model, or bytes ready for the wire.
"""

from dataclasses import dataclass
from importlib.metadata import version as package_version

import numpy as np

from shared.contract.v2.codec import (
    EncodedResponse,
    RawRequest,
    checked_rows,
    decode_request,
    encode_response,
    wants_binary_output,
)
from shared.contract.v2.types import (
    INPUT_NAME,
    OUTPUT_NAME,
    InferenceRequest,
    MetadataTensor,
    ModelMetadataResponse,
    ModelReadyResponse,
    ServerLiveResponse,
    ServerMetadataResponse,
    ServerReadyResponse,
    V2Error,
)
from shared.core.batching import BatchingPredictor
from shared.core.errors import ModelNotReady
from shared.core.model import Predictor
from shared.core.schemas import FEATURES

SERVER_NAME = "ml-serving-twins"

AnyPredictor = Predictor | BatchingPredictor  # the Flask service's, or the FastAPI service's


def server_metadata() -> ServerMetadataResponse:
    return ServerMetadataResponse(
        name=SERVER_NAME,
        version=package_version(SERVER_NAME),
        extensions=["binary_tensor_data"],
    )


def server_live() -> ServerLiveResponse:
    return ServerLiveResponse(live=True)


def server_ready(predictor: AnyPredictor | None) -> ServerReadyResponse:
    """The protocol answers "not ready" with a 4xx status, as Triton does (400)."""
    if predictor is None:
        raise V2Error(ModelNotReady.detail)
    return ServerReadyResponse(ready=True)


def served_model(predictor: AnyPredictor | None, name: str, version: str | None) -> AnyPredictor:
    """The predictor, if it is the model (and version) the client names."""
    if predictor is None:
        raise V2Error(ModelNotReady.detail, status_code=ModelNotReady.status_code)
    card = predictor.card
    if name != card.name:
        raise V2Error(f"Unknown model '{name}': this server serves '{card.name}'", 404)
    if version is not None and version != card.version:
        raise V2Error(f"Model '{name}' has no version '{version}': it is {card.version}", 404)
    return predictor


def model_metadata(
    predictor: AnyPredictor | None, name: str, version: str | None = None
) -> ModelMetadataResponse:
    card = served_model(predictor, name, version).card
    return ModelMetadataResponse(
        name=card.name,
        versions=[card.version],
        platform="scikit-learn",
        inputs=[
            MetadataTensor(
                name=INPUT_NAME,
                datatype="FP64",
                shape=[-1, len(FEATURES)],
                parameters={"columns": ",".join(FEATURES)},
            )
        ],
        outputs=[
            MetadataTensor(
                name=OUTPUT_NAME, datatype="FP64", shape=[-1, 1], parameters={"target": card.target}
            )
        ],
    )


def model_ready(
    predictor: AnyPredictor | None, name: str, version: str | None = None
) -> ModelReadyResponse:
    if predictor is None:  # as /v2/health/ready: "not ready" is a 4xx
        raise V2Error(ModelNotReady.detail)
    card = served_model(predictor, name, version).card
    return ModelReadyResponse(name=card.name, ready=True)


@dataclass
class DecodedInference:
    """A checked inference request, ready to predict: the model it names and the rows it holds."""

    predictor: AnyPredictor
    request: InferenceRequest
    rows: np.ndarray  # (N, 10), every row valid as a Patient
    binary_output: bool

    def encode(self, predictions: list[float]) -> EncodedResponse:
        return encode_response(self.predictor, self.request, predictions, self.binary_output)


def decode_inference(
    predictor: AnyPredictor | None, name: str, version: str | None, raw: RawRequest
) -> DecodedInference:
    """Everything of an inference but the prediction: the model named, the body decoded, the
    rows checked."""
    predictor = served_model(predictor, name, version)
    request, arrays = decode_request(raw)
    binary_output = wants_binary_output(request)
    rows = checked_rows(request.inputs, arrays)
    return DecodedInference(predictor, request, rows, binary_output)


def infer(
    predictor: AnyPredictor | None, name: str, version: str | None, raw: RawRequest
) -> EncodedResponse:
    """One V2 inference, from the raw request body to the raw response body."""
    decoded = decode_inference(predictor, name, version, raw)
    return decoded.encode(decoded.predictor.predict_rows(decoded.rows).predictions)


async def infer_async(
    predictor: BatchingPredictor | None, name: str, version: str | None, raw: RawRequest
) -> EncodedResponse:
    """`infer` for a service on an event loop: the same steps, the prediction awaited from the
    batching predictor (shared/core/batching.py), so a one-row request joins the waiting ones."""
    decoded = decode_inference(predictor, name, version, raw)
    result = await decoded.predictor.predict_rows(decoded.rows)
    return decoded.encode(result.predictions)
