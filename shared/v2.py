"""The Open Inference Protocol (KServe V2 REST): its schemas and a codec over the one Predictor.

Serving systems (KServe, Triton, Seldon MLServer) and their clients speak this protocol: a model
takes named tensors (name, shape, datatype, row-major data) and answers named tensors. The codec
below turns an input tensor into the same `list[Patient]` that `POST /predict/batch` validates,
calls the same `Predictor.predict_batch`, and turns the predictions into an output tensor. So V2
is a second way in, never a second model path: every input rule of the contract applies as is.

Both services call the functions here from thin routes; this module imports no web framework.
"""

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import ModelNotReady, ServiceError
from shared.model import Predictor
from shared.schemas import (
    FEATURES,
    MAX_BATCH,
    ErrorResponse,
    Patient,
    ValidationErrorResponse,
)
from shared.train import MODEL_NAME, MODEL_VERSION
from shared.web import dumps, is_json_content_type

SERVER_NAME = "ml-serving-twins"
INPUT_NAME = "patients"
OUTPUT_NAME = "prediction"
HEADER_LENGTH = "Inference-Header-Content-Length"
"""The binary tensor extension: the JSON part's length; raw tensor bytes follow it in the body."""

# The datatypes the codec accepts, and how their raw bytes read (the extension is little-endian).
NUMPY_DTYPES: dict[str, str] = {
    "FP16": "<f2",
    "FP32": "<f4",
    "FP64": "<f8",
    "INT8": "<i1",
    "INT16": "<i2",
    "INT32": "<i4",
    "INT64": "<i8",
    "UINT8": "<u1",
    "UINT16": "<u2",
    "UINT32": "<u4",
    "UINT64": "<u8",
}
Datatype = Literal[
    "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"
]


class V2Error(ServiceError):
    """An error of the V2 routes. The protocol's error body is `{"error": "..."}`, not `detail`."""

    status_code = 400

    def body(self) -> dict[str, str]:
        return {"error": self.detail}


# --- The protocol's JSON shapes --------------------------------------------------------------


def _without_null_defaults(schema: dict[str, Any]) -> None:
    # FastAPI drops `"default": null` from its OpenAPI document, flask-openapi3 keeps it: drop it
    # here, so both documents show the same schemas. An absent default already means "optional".
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class OptionalFields(BaseModel):
    """A model with optional fields, documented the same way by both frameworks. Strict, as the
    schema reads: `0` is not `false`, `1.0` is not a dimension."""

    model_config = ConfigDict(json_schema_extra=_without_null_defaults, strict=True)


class Parameters(OptionalFields):
    """Free-form key/values. The named keys are the binary tensor extension's."""

    model_config = ConfigDict(extra="allow")

    binary_data_size: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="On an input: its raw bytes follow the JSON part of the body"
    )
    binary_data: bool | None = Field(
        default=None, description="On a requested output: answer its data as raw bytes"
    )
    binary_data_output: bool | None = Field(
        default=None, description="On the request: answer every output as raw bytes"
    )


class RequestInput(OptionalFields):
    """One input tensor: `data` is row-major, flat or nested as the shape, or raw bytes."""

    name: str
    shape: list[Annotated[int, Field(ge=0)]]
    datatype: Datatype
    parameters: Parameters | None = None
    data: list[Any] | None = None


class RequestOutput(OptionalFields):
    name: str
    parameters: Parameters | None = None


class InferenceRequest(OptionalFields):
    id: str | None = None
    parameters: Parameters | None = None
    inputs: list[RequestInput] = Field(min_length=1)
    outputs: list[RequestOutput] | None = None


class ResponseOutput(OptionalFields):
    name: str
    shape: list[int]
    datatype: str
    parameters: Parameters | None = None
    data: list[float] | None = None


BINARY_RESPONSE_CONTENT = {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
}
"""The binary extension's answer: the JSON part, then raw bytes (documented beside the JSON)."""


class InferenceResponse(OptionalFields):
    # flask-openapi3 reads `openapi_extra` to document a second media type; FastAPI's routes
    # declare the same through `responses=`.
    model_config = ConfigDict(openapi_extra={"content": BINARY_RESPONSE_CONTENT})

    model_name: str
    model_version: str
    id: str | None = None
    outputs: list[ResponseOutput]


class MetadataTensor(BaseModel):
    name: str
    datatype: str
    shape: list[int] = Field(description="-1 is a dimension of any size: the batch")
    parameters: dict[str, str]


class ServerMetadataResponse(BaseModel):
    name: str
    version: str
    extensions: list[str]


class ModelMetadataResponse(BaseModel):
    name: str
    versions: list[str]
    platform: str
    inputs: list[MetadataTensor]
    outputs: list[MetadataTensor]


class ServerLiveResponse(BaseModel):
    live: bool


class ServerReadyResponse(BaseModel):
    ready: bool


class ModelReadyResponse(BaseModel):
    name: str
    ready: bool


class InferenceErrorResponse(BaseModel):
    """Every error of a V2 route, as the protocol and its clients expect it."""

    error: str


# --- Server and model endpoints --------------------------------------------------------------


def server_metadata() -> ServerMetadataResponse:
    return ServerMetadataResponse(
        name=SERVER_NAME,
        version=package_version(SERVER_NAME),
        extensions=["binary_tensor_data"],
    )


def server_live() -> ServerLiveResponse:
    return ServerLiveResponse(live=True)


def server_ready(predictor: Predictor | None) -> ServerReadyResponse:
    """The protocol answers "not ready" with a 4xx status, as Triton does (400)."""
    if predictor is None:
        raise V2Error(ModelNotReady.detail)
    return ServerReadyResponse(ready=True)


def served_model(predictor: Predictor | None, name: str, version: str | None) -> Predictor:
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
    predictor: Predictor | None, name: str, version: str | None = None
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
    predictor: Predictor | None, name: str, version: str | None = None
) -> ModelReadyResponse:
    if predictor is None:  # as /v2/health/ready: "not ready" is a 4xx
        raise V2Error(ModelNotReady.detail)
    card = served_model(predictor, name, version).card
    return ModelReadyResponse(name=card.name, ready=True)


# --- Inference: request bytes -> tensors -> patients -> predictions -> response bytes ---------


@dataclass
class RawRequest:
    """What the codec needs of an HTTP request; each service fills it from its framework's."""

    body: bytes
    content_type: str | None = None
    header_length: str | None = None  # the binary extension's Inference-Header-Content-Length


@dataclass
class EncodedResponse:
    """An answer ready for the wire; each service wraps it in its framework's response."""

    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # how many rows were predicted, for the metrics


def infer(
    predictor: Predictor | None, name: str, version: str | None, raw: RawRequest
) -> EncodedResponse:
    """One V2 inference, from the raw request body to the raw response body."""
    predictor = served_model(predictor, name, version)
    request, arrays = decode_request(raw)
    binary_output = wants_binary_output(request)
    patients = patients_from_tensors(request.inputs, arrays)
    predictions = predictor.predict_batch(patients).predictions
    return encode_response(predictor, request, predictions, binary_output)


def decode_request(raw: RawRequest) -> tuple[InferenceRequest, dict[str, np.ndarray]]:
    """The request and each input's values as a flat float64 array.

    The body is decoded here, not by the framework: tritonclient sends no Content-Type, and with
    the binary extension the body is JSON followed by raw bytes, which no JSON parser takes.
    """
    json_part, binary_part = split_body(raw)
    request = parse_request(json_part)
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    for tensor in request.inputs:
        size = tensor.parameters.binary_data_size if tensor.parameters else None
        if size is None:
            arrays[tensor.name] = values_from_json(tensor)
        else:
            arrays[tensor.name] = values_from_bytes(tensor, binary_part[offset : offset + size])
            offset += size
    if offset != len(binary_part):
        raise V2Error("The binary part of the body does not match the inputs' binary_data_size")
    if not all(np.isfinite(values).all() for values in arrays.values()):
        raise V2Error("Tensor data must be finite numbers: no NaN or infinity")
    return request, arrays


def split_body(raw: RawRequest) -> tuple[bytes, bytes]:
    """The JSON part and the binary part. No Content-Type is fine (tritonclient sends none);
    a declared one must be JSON, or octet-stream for a binary request."""
    if raw.content_type and not (
        is_json_content_type(raw.content_type)
        or raw.content_type.split(";")[0].strip().lower() == "application/octet-stream"
    ):
        raise V2Error(
            "Content-Type must be application/json, application/octet-stream or absent", 415
        )
    if not raw.body.strip():
        raise V2Error("Request body is empty")
    if raw.header_length is None:
        return raw.body, b""
    length = raw.header_length
    if not length.isdigit() or not 0 < int(length) <= len(raw.body):
        raise V2Error(f"{HEADER_LENGTH} must be a length within the body")
    return raw.body[: int(length)], raw.body[int(length) :]


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_request(json_part: bytes) -> InferenceRequest:
    try:
        # Python's json takes NaN and Infinity; JSON does not, and neither does the contract.
        document = json.loads(json_part, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise V2Error("Request body is not valid JSON") from error
    try:
        return InferenceRequest.model_validate(document)
    except ValidationError as error:
        raise V2Error(describe(error, prefix=())) from error


def describe(error: ValidationError, prefix: tuple[str, ...]) -> str:
    """The first issue of a pydantic error as one line: `inputs.0.shape.1: Input should be ...`."""
    issue = error.errors()[0]
    where = ".".join(str(part) for part in (*prefix, *issue["loc"]))
    return f"{where}: {issue['msg']}" if where else issue["msg"]


def values_from_json(tensor: RequestInput) -> np.ndarray:
    if tensor.data is None:
        raise V2Error(f"Input '{tensor.name}' has neither data nor binary_data_size")
    flat = list(flatten(tensor.data, tensor.shape, tensor.name))
    integers_only = tensor.datatype.startswith(("INT", "UINT"))
    for value in flat:
        if type(value) not in ((int,) if integers_only else (int, float)):
            kind = type(value).__name__  # the type, not the value: it may be huge
            raise V2Error(f"Input '{tensor.name}' holds a {kind}, not a {tensor.datatype} number")
    try:
        # Cast to the declared type first, so FP32 data is rounded as a binary FP32 tensor is.
        with np.errstate(over="ignore"):  # a float too large for FP32 becomes inf: refused later
            declared = np.asarray(flat, dtype=NUMPY_DTYPES[tensor.datatype])
    except OverflowError as error:
        raise V2Error(f"Input '{tensor.name}' holds a number outside {tensor.datatype}") from error
    return declared.astype(np.float64)


def flatten(data: list[Any], shape: list[int], name: str) -> Iterator[Any]:
    """Row-major elements of `data`, given flat or nested exactly as `shape`."""
    if not any(isinstance(item, list) for item in data):
        if len(data) != math.prod(shape):
            raise V2Error(
                f"Input '{name}' has {len(data)} elements but its shape {shape} needs "
                f"{math.prod(shape)}"
            )
        yield from data
        return
    yield from _nested(data, shape, name)


def _nested(value: Any, shape: list[int], name: str) -> Iterator[Any]:
    if not shape:
        if isinstance(value, list):
            raise V2Error(f"Input '{name}' is nested deeper than its shape")
        yield value
        return
    if not isinstance(value, list) or len(value) != shape[0]:
        raise V2Error(f"Input '{name}' is nested differently from its shape {shape}")
    for item in value:
        yield from _nested(item, shape[1:], name)


def values_from_bytes(tensor: RequestInput, raw: bytes) -> np.ndarray:
    if tensor.data is not None:
        raise V2Error(f"Input '{tensor.name}' has both data and binary_data_size")
    dtype = np.dtype(NUMPY_DTYPES[tensor.datatype])
    if len(raw) != math.prod(tensor.shape) * dtype.itemsize:
        raise V2Error(f"Input '{tensor.name}' has {len(raw)} bytes; its shape needs more or less")
    return np.frombuffer(raw, dtype=dtype).astype(np.float64)


def patients_from_tensors(
    inputs: list[RequestInput], arrays: dict[str, np.ndarray]
) -> list[Patient]:
    """Rows of features, validated as `/predict/batch` validates its instances."""
    rows = feature_rows(inputs, arrays)
    if not 1 <= len(rows) <= MAX_BATCH:
        raise V2Error(f"A request holds 1 to {MAX_BATCH} rows, not {len(rows)}")
    patients = []
    for index, row in enumerate(rows.tolist()):
        try:
            patients.append(Patient.model_validate(dict(zip(FEATURES, row, strict=True))))
        except ValidationError as error:
            raise V2Error(describe(error, prefix=(INPUT_NAME, str(index)))) from error
    return patients


def feature_rows(inputs: list[RequestInput], arrays: dict[str, np.ndarray]) -> np.ndarray:
    """An (N, 10) array from either accepted form of input.

    - one tensor named `patients`, shape [N, 10], columns in the model card's feature order;
    - ten tensors named after the features, each shape [N] or [N, 1].
    """
    names = [tensor.name for tensor in inputs]
    if names == [INPUT_NAME]:
        shape = inputs[0].shape
        if len(shape) != 2 or shape[1] != len(FEATURES):
            raise V2Error(f"Input '{INPUT_NAME}' must have shape [N, {len(FEATURES)}], not {shape}")
        return arrays[INPUT_NAME].reshape(shape)
    if sorted(names) == sorted(FEATURES):
        shapes = {tuple(tensor.shape) for tensor in inputs}
        if len(shapes) != 1 or not is_column(shapes.pop()):
            raise V2Error("The feature inputs must share one shape, [N] or [N, 1]")
        return np.column_stack([arrays[feature] for feature in FEATURES])
    raise V2Error(
        f"Inputs must be one tensor '{INPUT_NAME}' of shape [N, {len(FEATURES)}], or one tensor "
        f"per feature ({', '.join(FEATURES)}); got {names}"
    )


def is_column(shape: tuple[int, ...]) -> bool:
    """[N] or [N, 1]: one value per row."""
    return len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)


def wants_binary_output(request: InferenceRequest) -> bool:
    """The client's choice: per requested output, else for the whole request; JSON by default."""
    for output in request.outputs or []:
        if output.name != OUTPUT_NAME:
            raise V2Error(f"Unknown output '{output.name}': this model has '{OUTPUT_NAME}'")
        if output.parameters and output.parameters.binary_data is not None:
            return output.parameters.binary_data
    return bool(request.parameters and request.parameters.binary_data_output)


def encode_response(
    predictor: Predictor, request: InferenceRequest, predictions: list[float], binary: bool
) -> EncodedResponse:
    """The output tensor, shape [N, 1] (one column per row, as MLServer answers a regressor):
    in the JSON, or as raw little-endian FP64 bytes after it when the client asked for binary."""
    output = ResponseOutput(name=OUTPUT_NAME, shape=[len(predictions), 1], datatype="FP64")
    response = InferenceResponse(
        model_name=predictor.card.name,
        model_version=predictor.version,
        id=request.id,
        outputs=[output],
    )
    if not binary:
        output.data = predictions
        body = dumps(response.model_dump(mode="json", exclude_none=True))
        return EncodedResponse(body, rows=len(predictions))
    raw = np.asarray(predictions, dtype=NUMPY_DTYPES["FP64"]).tobytes()
    output.parameters = Parameters(binary_data_size=len(raw))
    header = dumps(response.model_dump(mode="json", exclude_none=True))
    return EncodedResponse(
        header + raw,
        content_type="application/octet-stream",
        headers={HEADER_LENGTH: str(len(header))},
        rows=len(predictions),
    )


# --- What the V2 routes document in OpenAPI: both services use these same tables -------------

TAG = "Open Inference Protocol (V2)"
# The path parameters, described once; the examples fill Swagger UI's form and guide schemathesis.
# (`example`, not `examples`: flask-openapi3 lifts `examples` into the parameter, where OpenAPI
# wants a map, not a list.)
MODEL_NAME_DOC: dict[str, Any] = {
    "description": "The model's name, as in its card",
    "json_schema_extra": {"example": MODEL_NAME},
}
MODEL_VERSION_DOC: dict[str, Any] = {
    "description": "The model's version",
    "json_schema_extra": {"example": MODEL_VERSION},
}

READY_ERRORS: dict[int, type[BaseModel]] = {400: InferenceErrorResponse}
# Both frameworks document a 422 on every route with path parameters (FastAPI in its own shape,
# flask-openapi3 as an array): naming the contract's 422 keeps the two documents equal. The V2
# path parameters are plain strings, so in practice no V2 route answers 422.
PATH_PARAMETER_ERRORS: dict[int, type[BaseModel]] = {422: ValidationErrorResponse}
MODEL_ERRORS: dict[int, type[BaseModel]] = {
    404: InferenceErrorResponse,
    503: InferenceErrorResponse,
    **PATH_PARAMETER_ERRORS,
}
MODEL_READY_ERRORS: dict[int, type[BaseModel]] = {
    400: InferenceErrorResponse,
    404: InferenceErrorResponse,
    **PATH_PARAMETER_ERRORS,
}
INFER_ERRORS: dict[int, type[BaseModel]] = {
    400: InferenceErrorResponse,
    404: InferenceErrorResponse,
    413: ErrorResponse,  # refused by the body size limit before any V2 code runs
    415: InferenceErrorResponse,
    503: InferenceErrorResponse,
    **PATH_PARAMETER_ERRORS,
}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` written in place, so it needs no components."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


EXAMPLE_REQUEST = {
    "inputs": [
        {
            "name": INPUT_NAME,
            "shape": [1, len(FEATURES)],
            "datatype": "FP64",
            "data": [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87],  # the dataset's first patient
        }
    ]
}
"""A valid request: Swagger UI's "Try it out" starts from it, schemathesis sends it."""

INFER_REQUEST_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "An inference request. The body is read whatever its Content-Type (tritonclient "
            f"sends none); with the binary tensor extension, the {HEADER_LENGTH} header gives "
            "the length of this JSON part and raw tensor bytes follow it."
        ),
        "content": {
            "application/json": {
                "schema": inline_schema(InferenceRequest),
                "example": EXAMPLE_REQUEST,
            }
        },
    }
}
"""The request body, for FastAPI's `openapi_extra` and flask-openapi3's `openapi_extensions`:
the routes read the raw body themselves, so neither framework can infer it from a signature."""
