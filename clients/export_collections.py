"""Write `clients/requests.http` and `clients/postman/` (the collection and one environment per
service) from the OpenAPI document.

    .venv/bin/python -m clients.export_collections

One request per operation, in the document's order, except that the stored prediction's own
requests come after the request that creates it and its DELETE comes last. Bodies and parameters
come from the document's examples; what a schema cannot say (a tensor whose shape must match its
data, the id of a prediction created a moment ago) is filled in below. A test regenerates the
files and compares, so they never drift from the API, and sends every request to both services.

The Postman collection is what a Postman user keeps: folders by tag, the API key once as the
collection's auth (public operations opt out, as the document's `security` says), and on every
request `pm.test` checks of the documented status and the answer's required keys, plus a saved
example answer. newman runs those checks in `make test` (tests/contract/test_postman.py).

Why a script and not the npm package `openapi-to-postmanv2`: it writes the plain-text collection
too, needs no Node toolchain in a Python repo, and its output is the same bytes on every run
(that package gives each item a fresh random id, so its files would differ on every export).
"""

import json
import re
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi_service.app import create_app
from shared.contract.openapi import V2_EXAMPLE_REQUEST
from shared.core.model import MODEL_NAME, MODEL_VERSION
from shared.core.schemas import EXAMPLE_PATIENT
from shared.core.settings import PROJECT_ROOT

HTTP_FILE = PROJECT_ROOT / "clients" / "requests.http"
POSTMAN_FILE = PROJECT_ROOT / "clients" / "postman" / "collection.json"
SERVICE_URLS = {"FastAPI": "http://localhost:8000", "Flask": "http://localhost:8001"}
BASE_URL = SERVICE_URLS["FastAPI"]  # the .http file's default
API_KEY_HEADER = "X-API-Key"
POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

# The request that stores a prediction, and how later requests name the id it answers with.
CREATE_OPERATION = "create_prediction"
HTTP_CREATED_ID = "{{createPrediction.response.body.id}}"  # VS Code REST Client's syntax
POSTMAN_CREATED_ID = "{{predictionId}}"
SAVE_CREATED_ID = 'pm.collectionVariables.set("predictionId", pm.response.json().id);'


def environment_file(service: str) -> Path:
    return POSTMAN_FILE.with_name(f"{service.lower()}.postman_environment.json")


# The example patient in the features' order (the document's copy has its keys sorted).
SCHEMA_EXAMPLES = {"Patient": EXAMPLE_PATIENT}
# Bodies the schemas cannot produce from their examples, by operationId.
BODIES: dict[str, Any] = {"infer": V2_EXAMPLE_REQUEST, "infer_version": V2_EXAMPLE_REQUEST}
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
    raise ValueError(f"no example for schema {schema}: add one to its model")


# A saved example response needs a value for every field; where the document gives none, these.
PLACEHOLDERS = {"string": "string", "number": 0.0, "integer": 0, "boolean": True, "null": None}
DATE_TIME = "2026-01-01T12:00:00Z"
PROPERTY_EXAMPLES = {
    "name": MODEL_NAME,
    "model_name": MODEL_NAME,
    "version": MODEL_VERSION,
    "model_version": MODEL_VERSION,
    "versions": [MODEL_VERSION],
}


def response_example(document: dict, schema: dict) -> Any:
    """A value for any schema: its example where it has one, a placeholder where not."""
    try:
        return example_value(document, {key: schema[key] for key in schema if key != "type"})
    except (ValueError, KeyError):
        pass
    if "$ref" in schema:
        return response_example(document, resolved(document, schema))
    for combined in ("anyOf", "oneOf", "allOf"):
        options = [option for option in schema.get(combined, []) if option.get("type") != "null"]
        if options:
            return response_example(document, options[0])
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: PROPERTY_EXAMPLES.get(name) or response_example(document, properties[name])
            for name in properties
        }
    if kind == "array":
        return [response_example(document, schema.get("items", {}))]
    return DATE_TIME if schema.get("format") == "date-time" else PLACEHOLDERS[kind]


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


def needs_api_key(document: dict, operation: dict) -> bool:
    """The operation's own `security`, else the document's (OpenAPI's inheritance)."""
    requirements = operation.get("security", document.get("security", []))
    return any("ApiKey" in requirement for requirement in requirements)


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
        if needs_api_key(document, operation):
            lines.append("X-API-Key: {{apiKey}}")
        body = request_body(document, operation)
        if body is not None:
            lines += ["Content-Type: application/json", "", json.dumps(body, indent=2)]
        lines.append("")
    return "\n".join(lines)


def postman_auth(document: dict, operation: dict) -> dict | None:
    """Collection-level auth sends the key; an operation the document marks public opts out."""
    return None if needs_api_key(document, operation) else {"type": "noauth"}


def resolved(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def success_response(operation: dict) -> tuple[int, dict | None]:
    """The documented 2xx status and its JSON schema (None for a body-less answer)."""
    code = next(code for code in operation["responses"] if code.startswith("2"))
    content = operation["responses"][code].get("content", {}).get("application/json")
    return int(code), None if content is None else content.get("schema", {})


def postman_tests(document: dict, operation: dict) -> list[str]:
    """`pm.test` lines: the documented status, and the documented shape of the answer."""
    status, schema = success_response(operation)
    lines = [
        f'pm.test("answers {status}", function () {{',
        f"    pm.response.to.have.status({status});",
        "});",
    ]
    if schema is None:
        return lines
    shape = resolved(document, schema)
    lines += [
        'pm.test("answers JSON of the documented shape", function () {',
        "    const body = pm.response.json();",
    ]
    if shape.get("type") == "array":
        lines.append('    pm.expect(body).to.be.an("array");')
    else:
        lines.append('    pm.expect(body).to.be.an("object");')
        required = shape.get("required", [])
        if required:
            lines.append(f"    pm.expect(body).to.include.all.keys({json.dumps(required)});")
    lines.append("});")
    if operation["operationId"] == CREATE_OPERATION:
        lines.append(SAVE_CREATED_ID)
    return lines


def example_response(document: dict, operation: dict, request: dict) -> dict:
    """A saved example: what a successful call answers, built from the document's schemas."""
    status, schema = success_response(operation)
    example: dict[str, Any] = {
        "name": f"{status} {HTTPStatus(status).phrase}",
        "originalRequest": request,
        "status": HTTPStatus(status).phrase,
        "code": status,
        "header": [],
    }
    if schema is not None:
        example["_postman_previewlanguage"] = "json"
        example["header"].append({"key": "Content-Type", "value": "application/json"})
        example["body"] = json.dumps(response_example(document, schema), indent=2)
    return example


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
        "description": operation.get("description") or operation["summary"],
    }
    auth = postman_auth(document, operation)
    if auth is not None:
        request["auth"] = auth
    body = request_body(document, operation)
    if body is not None:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {
            "mode": "raw",
            "raw": json.dumps(body, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    return {
        # A short name for Postman's sidebar: `create_prediction` -> "Create prediction".
        "name": operation["operationId"].replace("_", " ").capitalize(),
        "event": [
            {
                "listen": "test",
                "script": {"type": "text/javascript", "exec": postman_tests(document, operation)},
            }
        ],
        "request": request,
        "response": [example_response(document, operation, request)],
    }


def postman_folders(document: dict) -> list[dict]:
    """One folder per tag, in the order the operations first use them."""
    folders: dict[str, dict] = {}
    descriptions = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    for method, path, operation in ordered_operations(document):
        tag = operation.get("tags", ["other"])[0]
        folder = folders.setdefault(
            tag, {"name": tag, "description": descriptions.get(tag, ""), "item": []}
        )
        folder["item"].append(postman_item(document, method, path, operation))
    return list(folders.values())


def postman_collection(document: dict) -> dict:
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, BASE_URL + "/openapi.json")),
            "name": document["info"]["title"],
            "description": document["info"]["description"]
            + "\n\nPick the environment of the service to call (FastAPI or Flask) and set its"
            " `apiKey`. Every request tests its status and the shape of its answer."
            "\n\nGenerated from the OpenAPI document by `python -m clients.export_collections`.",
            "schema": POSTMAN_SCHEMA,
        },
        # The key goes where the document's ApiKey scheme says; public requests say `noauth`.
        "auth": {
            "type": "apikey",
            "apikey": [
                {"key": "key", "value": API_KEY_HEADER, "type": "string"},
                {"key": "value", "value": "{{apiKey}}", "type": "string"},
                {"key": "in", "value": "header", "type": "string"},
            ],
        },
        # Set by the request that stores a prediction; read by those that use it.
        "variable": [{"key": "predictionId", "value": ""}],
        "item": postman_folders(document),
    }


def postman_environment(service: str, base_url: str) -> dict:
    """One environment per service: its address, and the key as a secret (masked in Postman)."""
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, base_url)),
        "name": f"{service} ({base_url.removeprefix('http://')})",
        "values": [
            {"key": "baseUrl", "value": base_url, "type": "default", "enabled": True},
            {"key": "apiKey", "value": "change-me", "type": "secret", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    }


def rendered() -> dict[Path, str]:
    """Each file's expected text."""
    document = openapi_document()
    files = {HTTP_FILE: http_file(document), POSTMAN_FILE: postman_collection(document)}
    for service, base_url in SERVICE_URLS.items():
        files[environment_file(service)] = postman_environment(service, base_url)
    return {
        path: content if isinstance(content, str) else json.dumps(content, indent=2) + "\n"
        for path, content in files.items()
    }


def main() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
