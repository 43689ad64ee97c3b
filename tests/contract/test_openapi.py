"""The two OpenAPI documents describe one contract: the committed snapshot, word for word."""

import pytest

from scripts.openapi_snapshot import SNAPSHOT, rendered
from tests.support import SERVICES
from tests.support.clients import create_app, in_process_client


@pytest.fixture(scope="module")
def documents(settings):
    """Each service's /openapi.json, fetched in-process (the live ones serve the same code)."""
    fetched = {}
    for service in SERVICES:
        client = in_process_client(service, create_app(service, settings, load_model=False))
        fetched[service] = client.get("/openapi.json").json()
        client.close()
    return fetched


def operations(document):
    """(path, method) -> what a client relies on: its id, body schema, each status's schema."""

    def schema_of(content):
        return (content or {}).get("application/json", {}).get("schema")

    return {
        (path, method): {
            "operation_id": operation["operationId"],
            "tags": operation.get("tags"),
            "request": schema_of(operation.get("requestBody", {}).get("content")),
            "responses": {
                status: schema_of(response.get("content"))
                for status, response in operation["responses"].items()
            },
            "parameters": sorted(
                (parameter["in"], parameter["name"], parameter.get("required", False))
                for parameter in operation.get("parameters", [])
            ),
        }
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_the_committed_snapshot(documents, service):
    """Any change to the contract shows as a diff of the snapshot in review. A change meant to
    alter the document: `make openapi-snapshot`, then review and commit the file."""
    assert rendered(documents[service]) == SNAPSHOT.read_text()


def test_both_documents_are_openapi_3_1(documents):
    assert {document["openapi"] for document in documents.values()} == {"3.1.0"}


def test_same_operations(documents):
    fastapi, flask = (set(operations(documents[service])) for service in SERVICES)
    assert fastapi == flask


def test_same_status_codes_and_body_schemas_per_operation(documents):
    fastapi, flask = (operations(documents[service]) for service in SERVICES)
    for key in fastapi:
        assert fastapi[key] == flask[key], key


def test_same_component_schemas(documents):
    fastapi, flask = (documents[service]["components"]["schemas"] for service in SERVICES)
    assert fastapi == flask


def test_every_operation_documents_its_errors(documents):
    for key, operation in operations(documents["fastapi"]).items():
        if operation["request"] is not None:
            assert {"400", "413", "415", "422"} <= set(operation["responses"]), key


def test_docs_page_works_offline(api):
    page = api.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert "http" not in page.text.replace("http-equiv", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js"):
        assert api.get(f"/static/swagger-ui/{asset}").status_code == 200


def test_openapi_document_is_served(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    assert "/predict" in response.json()["paths"]
