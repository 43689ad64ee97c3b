"""The Open Inference Protocol's JSON shapes and names, as pydantic models.

The protocol (KServe V2, spoken by KServe, Triton and Seldon MLServer and their clients) passes
named tensors: name, shape, datatype, row-major data. These models are what its requests and
answers look like on the wire; `codec.py` turns them into patients and back.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from shared.core.errors import ServiceError

INPUT_NAME = "patients"
OUTPUT_NAME = "prediction"
HEADER_LENGTH = "Inference-Header-Content-Length"
"""The binary tensor extension: the JSON part's length; raw tensor bytes follow it in the body."""

# The numeric datatypes of the protocol: the ones a feature can arrive in (codec.NUMPY_DTYPES).
Datatype = Literal[
    "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"
]


class V2Error(ServiceError):
    """An error of the V2 routes. The protocol's error body is `{"error": "..."}`, not `detail`."""

    status_code = 400

    def body(self) -> dict[str, str]:
        return {"error": self.detail}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unicode_text(value: str) -> str:
    """Refuse a lone surrogate (`"\\ud800"`): Python's json lets it through, but it is not
    Unicode text, so an answer that echoes it (the request's `id`, an error naming an input)
    cannot be encoded as UTF-8. Paired surrogates were joined by the parser: any left are lone."""
    if _SURROGATE.search(value):
        raise PydanticCustomError("string_unicode", "Input should be text without lone surrogates")
    return value


Text = Annotated[str, AfterValidator(_unicode_text)]
"""A string of the request that an answer may echo: Unicode text, or a 400."""


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

    name: Text
    shape: list[Annotated[int, Field(ge=0)]]
    datatype: Datatype
    parameters: Parameters | None = None
    data: list[Any] | None = None


class RequestOutput(OptionalFields):
    name: Text
    parameters: Parameters | None = None


class InferenceRequest(OptionalFields):
    id: Text | None = None
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
