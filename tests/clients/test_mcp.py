"""The MCP server (clients/mcp/) driven by the `mcp` SDK's own client, against both live services.

Most tests connect in memory (`Client(server)`: the SDK runs the server in this process); one
starts `make run-mcp` and speaks to it over stdio, as an agent host would.
"""

import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest
import requests
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, PARSE_ERROR

from clients.mcp.server import TOOLS, create_server, inline
from shared.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.live


@pytest.fixture(params=["fastapi", "flask"])
def service_url(request: pytest.FixtureRequest, live_servers) -> str:
    return live_servers[request.param].base_url


def with_client(server: Any, session: Callable[[Client], Awaitable[Any]]) -> Any:
    """Run one MCP session against `server` and return what `session` returned."""

    async def run() -> Any:
        async with Client(server) as client:
            return await session(client)

    return anyio.run(run)


def call(service_url: str, tool: str, arguments: dict) -> Any:
    return with_client(create_server(service_url), lambda client: client.call_tool(tool, arguments))


def test_the_tools_are_the_services_operations_as_its_document_describes_them(service_url):
    listed = with_client(create_server(service_url), lambda client: client.list_tools()).tools
    assert sorted(tool.name for tool in listed) == sorted(TOOLS)
    document = requests.get(service_url + "/openapi.json", timeout=10).json()
    schemas = document["components"]["schemas"]
    tools = {tool.name: tool for tool in listed}
    assert tools["predict"].input_schema == inline(schemas["Patient"], schemas)
    assert tools["predict"].output_schema == inline(schemas["PredictionResponse"], schemas)
    # The route's docstring: FastAPI puts it in the description, flask-openapi3 in the summary.
    assert tools["predict"].description == "Predict disease progression for one patient."
    actual = tools["record_actual"].input_schema
    assert actual["required"] == ["prediction_id", "value"]
    assert actual["properties"]["value"] == schemas["ActualValue"]["properties"]["value"]


def test_both_services_offer_the_same_tools(live_servers):
    def tools_of(service: str) -> list[dict]:
        server = create_server(live_servers[service].base_url)
        listed = with_client(server, lambda client: client.list_tools()).tools
        return sorted((tool.model_dump() for tool in listed), key=lambda tool: tool["name"])

    assert tools_of("fastapi") == tools_of("flask")


def test_predict_answers_what_the_service_answers(service_url, patient):
    result = call(service_url, "predict", patient)
    assert not result.is_error
    answer = requests.post(service_url + "/predict", json=patient, timeout=10).json()
    assert result.structured_content["prediction"] == pytest.approx(answer["prediction"])
    assert result.structured_content["out_of_range"] == answer["out_of_range"] == []


def test_predict_batch_answers_one_prediction_per_patient(service_url, patient):
    instances = [patient, {**patient, "age": 95}]
    result = call(service_url, "predict_batch", {"instances": instances})
    assert not result.is_error
    assert len(result.structured_content["predictions"]) == 2
    assert result.structured_content["out_of_range"] == [[], ["age"]]


def test_model_card_is_the_services_card(service_url):
    result = call(service_url, "model_card", {})
    assert result.structured_content == requests.get(service_url + "/model", timeout=10).json()


def test_an_agent_stores_a_prediction_then_records_its_actual(service_url, patient):
    async def session(client: Client) -> tuple:
        stored = await client.call_tool("create_prediction", patient)
        prediction_id = stored.structured_content["id"]
        recorded = await client.call_tool(
            "record_actual", {"prediction_id": prediction_id, "value": 151}
        )
        return prediction_id, recorded

    prediction_id, recorded = with_client(create_server(service_url), session)
    assert not recorded.is_error
    assert recorded.structured_content["actual"] == 151
    on_the_service = requests.get(f"{service_url}/predictions/{prediction_id}", timeout=10).json()
    assert on_the_service["actual"] == 151


def test_bad_input_is_a_tool_error_carrying_the_services_message(service_url, patient):
    result = call(service_url, "predict", {**patient, "age": 500})
    assert result.is_error
    assert result.structured_content is None
    assert result.content[0].text == "422: age: Input should be less than or equal to 120"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"value": 151}, "422: prediction_id: Field required"),
        ({"prediction_id": 987654321, "value": 151}, "404: "),
        (
            {"prediction_id": 1, "value": -5},
            "422: value: Input should be greater than or equal to 0",
        ),
    ],
)
def test_a_refused_actual_is_a_tool_error(service_url, arguments, message):
    result = call(service_url, "record_actual", arguments)
    assert result.is_error
    assert result.content[0].text.startswith(message)


NOTHING_THERE = "http://127.0.0.1:9"  # the discard port: nothing listens


def test_a_dead_service_is_reported_in_the_tools_results_not_by_dying(patient):
    """The session starts (the agent's `initialize` is answered); the tools come from the
    service's document, so listing them is an error that says why, and so is every call."""

    async def session(client: Client) -> tuple:
        with pytest.raises(MCPError) as listing:
            await client.list_tools()
        return listing.value, await client.call_tool("predict", patient)

    listing, result = with_client(create_server(NOTHING_THERE), session)
    assert listing.error.code == INTERNAL_ERROR
    assert f"the service at {NOTHING_THERE} did not answer" in listing.error.message
    assert result.is_error
    assert f"the service at {NOTHING_THERE} did not answer" in result.content[0].text


DEEP = "[" * 100_000 + "]" * 100_000
CALL = '{"jsonrpc": "2.0", "id": ID, "method": "tools/call", "params": PARAMS}'
LINES_REFUSED = {
    # a case: (the line, the error code, the id the answer carries)
    "not JSON": ("hello", PARSE_ERROR, None),
    "params not an object": (CALL.replace("ID", "7").replace("PARAMS", '"predict"'), -32600, 7),
    "an object id": ('{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}', -32600, None),
    "a lone surrogate": (
        CALL.replace("ID", '"s-1"').replace(
            "PARAMS", '{"name": "predict", "arguments": {"age": "\\ud800"}}'
        ),
        PARSE_ERROR,
        "s-1",
    ),
    "100,000 deep": (
        CALL.replace("ID", "9").replace(
            "PARAMS", '{"name": "predict", "arguments": {"age": ' + DEEP + "}}"
        ),
        PARSE_ERROR,
        9,
    ),
    "NaN": (
        CALL.replace("ID", "10").replace(
            "PARAMS", '{"name": "predict", "arguments": {"age": NaN}}'
        ),
        PARSE_ERROR,
        10,
    ),
}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}


def test_every_line_gets_an_answer_and_a_log_line():
    """Raw lines on the server's stdin, as a broken or hostile agent host would write them:
    each is answered with a JSON-RPC error (with its id when it has a readable one) and logged
    on stderr; then the server still serves a real `initialize`, even with no service behind."""
    lines = [line for line, _, _ in LINES_REFUSED.values()] + [json.dumps(INITIALIZE)]
    server = subprocess.run(
        [sys.executable, "-m", "clients.mcp.server"],
        input="\n".join(lines) + "\n",
        cwd=PROJECT_ROOT,
        env={**os.environ, "SERVICE_URL": NOTHING_THERE},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    answers = [json.loads(line) for line in server.stdout.splitlines()]
    assert len(answers) == len(lines), server.stderr
    for case, answer in zip(LINES_REFUSED, answers, strict=False):
        _, code, request_id = LINES_REFUSED[case]
        assert (answer["error"]["code"], answer["id"]) == (code, request_id), case
    assert answers[-1]["id"] == 1
    assert answers[-1]["result"]["serverInfo"]["name"] == "diabetes-progression"
    assert server.stderr.count("refused a") == len(LINES_REFUSED)
    assert "Traceback" not in server.stderr


def test_make_run_mcp_serves_the_tools_on_stdio(service_url, patient):
    """As an agent host starts it: `make run-mcp SERVICE_URL=...`, JSON-RPC on stdin/stdout."""
    command = StdioServerParameters(
        command="make",
        args=["--no-print-directory", "run-mcp", f"SERVICE_URL={service_url}"],
        cwd=str(PROJECT_ROOT),
        env=dict(os.environ),
    )

    async def session(client: Client) -> tuple:
        tools = await client.list_tools()
        return [tool.name for tool in tools.tools], await client.call_tool("predict", patient)

    names, result = with_client(command, session)
    assert sorted(names) == sorted(TOOLS)
    assert not result.is_error
    assert result.structured_content["model_version"] == "1.0.0"
