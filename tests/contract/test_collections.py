"""`clients/requests.http` and `clients/postman/collection.json`: current with the API, and every
request in them answers its documented success status from both live services."""

import json
import re
from dataclasses import dataclass

import pytest
import requests

from clients.export_collections import (
    HTTP_FILE,
    POSTMAN_FILE,
    SAVE_CREATED_ID,
    openapi_document,
    rendered,
)


@dataclass
class CollectedRequest:
    method: str
    url: str  # with {{variables}} left in
    headers: dict[str, str]
    body: str | None
    saves_id_as: str | None  # the variable a later request reads the created id from


def read_http_file() -> list[CollectedRequest]:
    """VS Code REST Client's format: `###` separates requests; `# @name` names one; a request
    line, headers, a blank line, then the body."""
    collected = []
    for block in HTTP_FILE.read_text().split("\n###")[1:]:
        lines = block.splitlines()[1:]  # the first line is the title after ###
        name = next((line.split()[-1] for line in lines if line.startswith("# @name")), None)
        lines = [line for line in lines if not line.startswith("#")]
        method, url = lines[0].split(" ", 1)
        blank = lines.index("") if "" in lines else len(lines)
        headers = dict(line.split(": ", 1) for line in lines[1:blank])
        body = "\n".join(lines[blank + 1 :]).strip() or None
        saves = f"{name}.response.body.id" if name else None
        collected.append(CollectedRequest(method, url, headers, body, saves))
    return collected


def read_postman_file() -> list[CollectedRequest]:
    """Requests in folders; the collection's API-key auth applies unless a request says noauth."""
    collection = json.loads(POSTMAN_FILE.read_text())
    auth = {entry["key"]: entry["value"] for entry in collection["auth"]["apikey"]}
    collected = []
    for item in [item for folder in collection["item"] for item in folder["item"]]:
        request = item["request"]
        scripts = [line for event in item.get("event", []) for line in event["script"]["exec"]]
        headers = {header["key"]: header["value"] for header in request["header"]}
        if request.get("auth", collection["auth"])["type"] == "apikey":
            headers[auth["key"]] = auth["value"]
        collected.append(
            CollectedRequest(
                request["method"],
                request["url"]["raw"],
                headers,
                request.get("body", {}).get("raw"),
                "predictionId" if SAVE_CREATED_ID in scripts else None,
            )
        )
    return collected


def documented_success(document: dict, method: str, path: str) -> int:
    """The 2xx status the OpenAPI document gives the operation that serves `path`."""
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            responses = operations[method.lower()]["responses"]
            return int(next(code for code in responses if code.startswith("2")))
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def send_all(collected: list[CollectedRequest], base_url: str, api_key: str) -> list[str]:
    """Send each request in order, as the tool would; return every mismatch."""
    document = requests.get(base_url + "/openapi.json", timeout=10).json()
    variables = {"baseUrl": base_url, "apiKey": api_key}
    mismatches = []
    for request in collected:

        def fill(text: str) -> str:
            return re.sub(r"\{\{([^}]+)\}\}", lambda match: str(variables[match.group(1)]), text)

        url = fill(request.url)
        headers = {key: fill(value) for key, value in request.headers.items()}
        response = requests.request(
            request.method, url, headers=headers, data=request.body, timeout=10
        )
        path = url.removeprefix(base_url).split("?")[0]
        expected = documented_success(document, request.method, path)
        if response.status_code != expected:
            mismatches.append(f"{request.method} {path}: {response.status_code} != {expected}")
        if request.saves_id_as:
            variables[request.saves_id_as] = response.json()["id"]
    return mismatches


def test_collections_are_current_with_the_openapi_document():
    for path, text in rendered().items():
        assert path.read_text() == text, (
            f"{path.name} is stale: python -m clients.export_collections"
        )


def test_both_collections_hold_one_request_per_operation():
    document = openapi_document()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert len(read_http_file()) == len(read_postman_file()) == operations


@pytest.mark.live
@pytest.mark.parametrize("collection", [read_http_file, read_postman_file])
@pytest.mark.parametrize("service_name", ["fastapi", "flask"])
def test_every_request_answers_its_documented_status(
    collection, service_name, live_servers, settings
):
    base_url = live_servers[service_name].base_url
    api_key = settings.api_key.get_secret_value()
    assert send_all(collection(), base_url, api_key) == []
