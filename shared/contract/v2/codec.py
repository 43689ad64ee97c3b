"""The tensor codec: request bytes -> tensors -> patients, predictions -> response bytes.

An input tensor becomes the same `list[Patient]` that `POST /predict/batch` validates, so every
input rule of the contract applies to V2 as is; the predictions become an output tensor, as JSON or
as raw bytes (the binary tensor extension). The body is decoded here, not by a web framework.
"""

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

import numpy as np
from annotated_types import Ge, Le
from pydantic import AllowInfNan, BeforeValidator, Strict, ValidationError

from shared.contract.v2.types import (
    HEADER_LENGTH,
    INPUT_NAME,
    OUTPUT_NAME,
    InferenceRequest,
    InferenceResponse,
    Parameters,
    RequestInput,
    ResponseOutput,
    V2Error,
)
from shared.contract.web import dumps, is_json_content_type
from shared.core.model import Predictor
from shared.core.schemas import FEATURES, MAX_BATCH, Patient

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


@dataclass
class RawRequest:
    """What the codec needs of an HTTP request; each service fills it from its framework's."""

    body: bytes
    content_type: str | None = None
    header_length: str | None = None  # the binary extension's Inference-Header-Content-Length


def joined_header(values: list[str]) -> str | None:
    """A header's value from every copy the request carries, None when it has none. A header
    sent twice reads "12,12", as a WSGI server joins repeated headers, and the codec refuses
    it: both services answer alike, whatever their server does with repeats."""
    return ",".join(values) or None


@dataclass
class EncodedResponse:
    """An answer ready for the wire; each service wraps it in its framework's response."""

    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # how many rows were predicted, for the metrics


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
    # ASCII digits only: `str.isdigit` is also true for "²", which `int` refuses (a 500).
    if not (length.isascii() and length.isdecimal()) or not 0 < int(length) <= len(raw.body):
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


def checked_rows(inputs: list[RequestInput], arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Rows of features, validated as `/predict/batch` validates its instances.

    The whole array is checked at once against the schema's rules; only when a row breaks one
    are the rows validated one by one as `Patient`s, for pydantic's exact message. So 1,000
    valid rows build no 1,000 objects (measured: the per-row validation cost more than the model).
    """
    rows = feature_rows(inputs, arrays)
    if not 1 <= len(rows) <= MAX_BATCH:
        raise V2Error(f"A request holds 1 to {MAX_BATCH} rows, not {len(rows)}")
    if not all_rows_follow_the_schema(rows):
        patients_from_rows(rows)  # raises the first row's error
    return rows


# Besides the bounds (Ge, Le), rules that can never fail on finite floats (strictness, no
# infinity, no booleans); any other rule sends the rows to pydantic.
_ALWAYS_TRUE_ON_FINITE_FLOATS = (Strict, AllowInfNan, BeforeValidator)


@functools.cache
def schema_as_arrays() -> tuple[np.ndarray, np.ndarray, dict[int, tuple]] | None:
    """`Patient`'s rules as arrays, read once: each column's lower and upper bound, and the
    values a Literal column (sex) allows. None when a rule is not one of these."""
    lower, upper, allowed = [], [], {}
    for column, feature in enumerate(Patient.model_fields.values()):
        if get_origin(feature.annotation) is Literal:
            allowed[column] = get_args(feature.annotation)
        elif feature.annotation is not float:
            return None
        low, high = -np.inf, np.inf
        for rule in feature.metadata:
            if isinstance(rule, Ge):
                low = rule.ge
            elif isinstance(rule, Le):
                high = rule.le
            elif not isinstance(rule, _ALWAYS_TRUE_ON_FINITE_FLOATS):
                return None
        lower.append(low)
        upper.append(high)
    return np.array(lower), np.array(upper), allowed


def all_rows_follow_the_schema(rows: np.ndarray) -> bool:
    """Whether every row passes `Patient`'s validation: each column within its bounds, a Literal
    column (sex) one of its values. False when unsure: then pydantic decides, row by row.
    Three array operations for any number of rows (one per column per rule cost a tenth of a
    V2 request's CPU)."""
    schema = schema_as_arrays()
    if schema is None:
        return False
    lower, upper, allowed = schema
    if not ((rows >= lower) & (rows <= upper)).all():
        return False
    return all(np.isin(rows[:, column], values).all() for column, values in allowed.items())


def patients_from_rows(rows: np.ndarray) -> list[Patient]:
    """Each row as a `Patient`, or the first invalid row's error as a V2Error."""
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
