"""An MCP server for the model: an agent's tools, built from the service's own OpenAPI document.

    make run-mcp SERVICE_URL=http://127.0.0.1:8000    # or :8001, the Flask twin

An agent (Claude, an IDE's assistant, any Model Context Protocol client) lists the tools, reads
their descriptions and input schemas, and calls them; this process turns each call into one HTTP
request to the service and the answer into the tool's result.

Nothing is retyped. At start the server reads `GET /openapi.json` from the service; each tool's
name is an operationId, its description the operation's summary and description, its input schema
the request body's schema (plus the path parameters), its output schema the success response's.
Both services publish the same document, so the same tools appear against either. The service
stays the one validator: a refused call comes back as a tool error carrying the service's message.

Transport: stdio only. An agent host starts this server as a subprocess and speaks JSON-RPC on its
stdin and stdout: no port, no login, and it lives exactly as long as the agent's session. The
network hop already exists (this process calls the service over HTTP), so Streamable HTTP would add
a second network service to secure (authentication, Origin checks against DNS rebinding) and to
run, for nothing a remote program could not get by calling the HTTP API itself.
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import anyio
import httpx2
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

DEFAULT_SERVICE_URL = "http://127.0.0.1:8000"

TOOLS = (
    "predict",
    "predict_batch",
    "create_prediction",
    "record_actual",
    "model_card",
    "model_performance",
)
"""The operations an agent gets, by operationId: predictions, the model card, and the stored
predictions with their actuals. Deleting, paging and the V2 protocol stay out: an agent has no use
for them, and every tool listed costs the agent's context window its description."""


@dataclass
class Operation:
    """One tool and the HTTP request it becomes."""

    tool: types.Tool
    method: str
    path: str  # a template: /predictions/{prediction_id}/actual
    path_parameters: list[str]
    has_body: bool


def inline(node: Any, schemas: dict[str, Any]) -> Any:
    """The schema with every `$ref` replaced by the schema it names: a tool's schema stands
    alone, as MCP clients expect (the contract's schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(schemas[node["$ref"].rsplit("/", 1)[-1]], schemas)
        return {key: inline(value, schemas) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(value, schemas) for value in node]
    return node


def json_schema(content: dict[str, Any] | None, schemas: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of a request body or a response, if it has one."""
    schema = (content or {}).get("content", {}).get("application/json", {}).get("schema")
    return inline(schema, schemas) if schema else None


def input_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The request body's schema, with the path parameters added as required properties: an
    agent sends one flat object, `{"prediction_id": 7, "value": 151}`."""
    schema = json_schema(operation.get("requestBody"), schemas) or {
        "type": "object",
        "properties": {},
    }
    path_parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    for parameter in reversed(path_parameters):
        described = inline(parameter["schema"], schemas)
        if "description" in parameter:
            described.setdefault("description", parameter["description"])
        schema["properties"] = {parameter["name"]: described, **schema["properties"]}
        schema["required"] = [parameter["name"], *schema.get("required", [])]
    return schema


def success_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            return json_schema(response, schemas)
    return None


def operations_from(document: dict[str, Any]) -> dict[str, Operation]:
    """The tools of TOOLS, read from an OpenAPI document."""
    schemas = document.get("components", {}).get("schemas", {})
    found: dict[str, Operation] = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            name = operation.get("operationId")
            if name not in TOOLS:
                continue
            tool = types.Tool(
                name=name,
                description=operation.get("description") or operation.get("summary", ""),
                input_schema=input_schema(operation, schemas),
                output_schema=success_schema(operation, schemas),
            )
            path_parameters = [
                p["name"] for p in operation.get("parameters", []) if p["in"] == "path"
            ]
            found[name] = Operation(
                tool, method.upper(), path, path_parameters, "requestBody" in operation
            )
    missing = set(TOOLS) - set(found)
    if missing:
        raise RuntimeError(f"the service's OpenAPI document has no operation {sorted(missing)}")
    return found


def refusal(status: int, answer: Any) -> str:
    """The service's error as one line: `422: age: Input should be less than or equal to 120`."""
    detail = answer.get("detail") if isinstance(answer, dict) else answer
    if isinstance(detail, list):  # the contract's 422: one issue per refused field
        detail = "; ".join(f"{issue['loc'][-1]}: {issue['msg']}" for issue in detail)
    return f"{status}: {detail}"


def tool_error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


async def call(
    http: httpx2.AsyncClient, operation: Operation, arguments: dict[str, Any]
) -> types.CallToolResult:
    """One tool call as one HTTP request; the service's answer as the tool's result."""
    arguments = dict(arguments)
    path = operation.path
    for name in operation.path_parameters:
        if name not in arguments:
            return tool_error(f"422: {name}: Field required")
        path = path.replace("{" + name + "}", quote(str(arguments.pop(name)), safe=""))
    body = arguments if operation.has_body else None
    try:
        response = await http.request(operation.method, path, json=body)
        answer = response.json()
    except (httpx2.HTTPError, json.JSONDecodeError) as error:
        return tool_error(f"the service at {http.base_url} did not answer: {error}")
    if response.status_code >= 400:
        return tool_error(refusal(response.status_code, answer))
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(answer))],
        structured_content=answer,
    )


def create_server(service_url: str) -> Server:
    """The MCP server for the service at `service_url`. Its document is read when a session
    starts (the lifespan), so the tools always match the service being called."""

    @asynccontextmanager
    async def lifespan(_: Server) -> AsyncIterator[dict[str, Any]]:
        async with httpx2.AsyncClient(base_url=service_url, timeout=30) as http:
            document = (await http.get("/openapi.json")).raise_for_status().json()
            yield {"http": http, "operations": operations_from(document)}

    async def list_tools(ctx, params) -> types.ListToolsResult:
        operations = ctx.lifespan_context["operations"]
        return types.ListToolsResult(tools=[operation.tool for operation in operations.values()])

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        operation = ctx.lifespan_context["operations"].get(params.name)
        if operation is None:
            return tool_error(f"no tool named {params.name!r}")
        return await call(ctx.lifespan_context["http"], operation, params.arguments or {})

    return Server(
        "diabetes-progression",
        instructions="Predicts disease progression one year ahead from ten baseline measurements "
        "of a diabetes patient, with the model served at " + service_url,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(service_url: str) -> None:
    server = create_server(service_url)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def main() -> None:
    anyio.run(serve_stdio, os.environ.get("SERVICE_URL") or DEFAULT_SERVICE_URL)


if __name__ == "__main__":
    main()
