"""Write `clients/requests.http` and `clients/postman/collection.json` from the OpenAPI document.

    .venv/bin/python -m clients.export_collections

One request per operation, in the document's order, except that the stored prediction's own
requests come after the request that creates it and its DELETE comes last. Bodies and parameters
come from the document's examples; what a schema cannot say (a tensor whose shape must match its
data, the id of a prediction created a moment ago) is filled in below. A test regenerates both
files and compares, so they never drift from the API, and sends every request to both services.

Why a script and not the npm package `openapi-to-postmanv2`: it writes the plain-text collection
too, needs no Node toolchain in a Python repo, and its output is the same bytes on every run
(that package gives each item a fresh random id, so its files would differ on every export).
"""

import json
import re
from pathlib import Path
from typing import Any

from fastapi_service.app import create_app
from shared.schemas import FEATURES
from shared.settings import PROJECT_ROOT
from shared.train import MODEL_NAME, MODEL_VERSION, load_data
from shared.v2 import INPUT_NAME

HTTP_FILE = PROJECT_ROOT / "clients" / "requests.http"
POSTMAN_FILE = PROJECT_ROOT / "clients" / "postman" / "collection.json"
BASE_URL = "http://localhost:8000"  # the FastAPI service; the Flask one is on 8001
POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

# The request that stores a prediction, and how later requests name the id it answers with.
CREATE_OPERATION = "create_prediction"
HTTP_CREATED_ID = "{{createPrediction.response.body.id}}"  # VS Code REST Client's syntax
POSTMAN_CREATED_ID = "{{predictionId}}"
SAVE_CREATED_ID = 'pm.collectionVariables.set("predictionId", pm.response.json().id);'


def first_patient() -> tuple[dict[str, float], float]:
    """The dataset's first patient and outcome, as the playground shows them: real, valid data."""
    features, target = load_data()
    values = [int(value) if value.is_integer() else float(value) for value in features[0]]
    return dict(zip(FEATURES, values, strict=True)), float(target[0])


EXAMPLE_PATIENT, EXAMPLE_OUTCOME = first_patient()
INFERENCE_REQUEST = {
    "inputs": [
        {
            "name": INPUT_NAME,
            "shape": [1, len(FEATURES)],
            "datatype": "FP64",
            "data": list(EXAMPLE_PATIENT.values()),
        }
    ]
}
# The document names each field but holds no example values; these are filled in by schema name.
SCHEMA_EXAMPLES = {"Patient": EXAMPLE_PATIENT, "ActualValue": {"value": EXAMPLE_OUTCOME}}
# Bodies the schemas cannot produce from their examples, by operationId.
BODIES: dict[str, Any] = {"infer": INFERENCE_REQUEST, "infer_version": INFERENCE_REQUEST}
PATH_VALUES = {"name": MODEL_NAME, "version": MODEL_VERSION}


def openapi_document() -> dict[str, Any]:
    """The FastAPI service's document (the contract suite checks Flask's says the same)."""
    return create_app(load_model=False).openapi()


def example_value(document: dict, schema: dict) -> Any:
    """A value for a schema: a known example, the schema's own, or one built from its parts."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in SCHEMA_EXAMPLES:
            return SCHEMA_EXAMPLES[name]
        return example_value(document, document["components"]["schemas"][name])
    if "examples" in schema:
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "object":
        properties = schema.get("properties", {})
        return {name: example_value(document, properties[name]) for name in properties}
    if schema.get("type") == "array":
        return [example_value(document, schema["items"])]
    raise ValueError(f"no example for schema {schema}: add one to SCHEMA_EXAMPLES")


def request_body(document: dict, operation: dict) -> Any | None:
    if operation["operationId"] in BODIES:
        return BODIES[operation["operationId"]]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return None if content is None else example_value(document, content["schema"])


def ordered_operations(document: dict) -> list[tuple[str, str, dict]]:
    """(method, path, operation), creating before using the created id, deleting last."""
    operations = [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]

    def position(item: tuple[str, str, dict]) -> tuple[int, int]:
        method, path, _ = item
        uses_created_id = "{prediction_id}" in path
        return (2 if method == "DELETE" and uses_created_id else int(uses_created_id), 0)

    return sorted(operations, key=position)  # a stable sort keeps the document's order within


def concrete_path(path: str, created_id: str) -> str:
    values = {**PATH_VALUES, "prediction_id": created_id}
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), path)


def needs_api_key(operation: dict) -> bool:
    return any("ApiKey" in requirement for requirement in operation.get("security", []))


def http_file(document: dict) -> str:
    lines = [
        "# Every operation of the API, for VS Code's REST Client (JetBrains' HTTP Client reads",
        "# it too, except the {{createPrediction...}} reference). Generated from the OpenAPI",
        "# document by `python -m clients.export_collections`: edit that, not this file.",
        f"@baseUrl = {BASE_URL}",
        "@apiKey = change-me",
        "",
    ]
    for method, path, operation in ordered_operations(document):
        lines.append(f"### {operation['summary']}: {method} {path}")
        if operation["operationId"] == CREATE_OPERATION:
            lines.append("# @name createPrediction")
        lines.append(f"{method} {{{{baseUrl}}}}{concrete_path(path, HTTP_CREATED_ID)}")
        if needs_api_key(operation):
            lines.append("X-API-Key: {{apiKey}}")
        body = request_body(document, operation)
        if body is not None:
            lines += ["Content-Type: application/json", "", json.dumps(body, indent=2)]
        lines.append("")
    return "\n".join(lines)


def postman_item(document: dict, method: str, path: str, operation: dict) -> dict:
    concrete = concrete_path(path, POSTMAN_CREATED_ID)
    request: dict[str, Any] = {
        "method": method,
        "header": [],
        "url": {
            "raw": "{{baseUrl}}" + concrete,
            "host": ["{{baseUrl}}"],
            "path": concrete.strip("/").split("/"),
        },
        "description": operation.get("description", ""),
    }
    if needs_api_key(operation):
        request["header"].append({"key": "X-API-Key", "value": "{{apiKey}}"})
    body = request_body(document, operation)
    if body is not None:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {
            "mode": "raw",
            "raw": json.dumps(body, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    item: dict[str, Any] = {"name": f"{method} {path}", "request": request}
    if operation["operationId"] == CREATE_OPERATION:
        item["event"] = [
            {"listen": "test", "script": {"type": "text/javascript", "exec": [SAVE_CREATED_ID]}}
        ]
    return item


def postman_collection(document: dict) -> dict:
    return {
        "info": {
            "name": document["info"]["title"],
            "description": document["info"]["description"]
            + "\n\nGenerated from the OpenAPI document by `python -m clients.export_collections`.",
            "schema": POSTMAN_SCHEMA,
        },
        "variable": [
            {"key": "baseUrl", "value": BASE_URL},
            {"key": "apiKey", "value": "change-me"},
            {"key": "predictionId", "value": ""},
        ],
        "item": [
            postman_item(document, method, path, operation)
            for method, path, operation in ordered_operations(document)
        ],
    }


def rendered() -> dict[Path, str]:
    """Each file's expected text."""
    document = openapi_document()
    return {
        HTTP_FILE: http_file(document),
        POSTMAN_FILE: json.dumps(postman_collection(document), indent=2) + "\n",
    }


def main() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
