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

A hostile or broken client gets an answer, never silence: every line that is not a JSON-RPC
message (not JSON, NaN, a lone surrogate, nested past the parser, a wrong `params` or `id`) is
answered with a JSON-RPC error, with its id when one can be read, and logged on stderr
(`guarded_stdio`). A service that is down does not stop the server: it answers `initialize`,
and says so in `tools/list`'s error and in every tool's result.
"""

import json
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from io import TextIOWrapper
from typing import Any
from urllib.parse import quote

import anyio
import httpx2
from mcp import types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

logger = logging.getLogger("clients.mcp")

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


class ServiceTools:
    """The service's operations, read from its document on first use and kept: a service that
    is down when the session starts costs an error per call, not the session."""

    def __init__(self, http: httpx2.AsyncClient) -> None:
        self.http = http
        self._operations: dict[str, Operation] | None = None

    async def operations(self) -> dict[str, Operation]:
        if self._operations is None:
            document = (await self.http.get("/openapi.json")).raise_for_status().json()
            self._operations = operations_from(document)
        return self._operations

    def unreachable(self, error: Exception) -> str:
        return f"the service at {self.http.base_url} did not answer: {error!r}"


def create_server(service_url: str) -> Server:
    """The MCP server for the service at `service_url`. Its document is read at the first
    `tools/list` or `tools/call`, so the tools always match the service being called."""

    @asynccontextmanager
    async def lifespan(_: Server) -> AsyncIterator[dict[str, Any]]:
        async with httpx2.AsyncClient(base_url=service_url, timeout=30) as http:
            yield {"tools": ServiceTools(http)}

    async def list_tools(ctx, params) -> types.ListToolsResult:
        tools: ServiceTools = ctx.lifespan_context["tools"]
        try:
            operations = await tools.operations()
        except (httpx2.HTTPError, ValueError) as error:
            logger.warning("tools/list: %s", tools.unreachable(error))
            raise MCPError(types.INTERNAL_ERROR, tools.unreachable(error)) from error
        return types.ListToolsResult(tools=[operation.tool for operation in operations.values()])

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tools: ServiceTools = ctx.lifespan_context["tools"]
        try:
            operation = (await tools.operations()).get(params.name)
        except (httpx2.HTTPError, ValueError) as error:
            logger.warning("tools/call: %s", tools.unreachable(error))
            return tool_error(tools.unreachable(error))
        if operation is None:
            return tool_error(f"no tool named {params.name!r}")
        try:
            return await call(tools.http, operation, params.arguments or {})
        except Exception as error:  # the SDK would answer code 0: say "internal error"
            logger.exception("tools/call %s failed", params.name)
            raise MCPError(types.INTERNAL_ERROR, f"{params.name} failed: {error!r}") from error

    return Server(
        "diabetes-progression",
        instructions="Predicts disease progression one year ahead from ten baseline measurements "
        "of a diabetes patient, with the model served at " + service_url,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


# --- stdio, guarded: every line answered -------------------------------------------------------

_TOP_LEVEL_ID = re.compile(r'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*[,}]')


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def request_id(value: Any) -> str | int | None:
    """A JSON-RPC id, if `value` is one (a string or an integer; never true or false)."""
    if isinstance(value, str) and value.isprintable():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def top_level_id(line: str) -> str | int | None:
    """The `"id"` member of the outermost object of a line no parser could read (nested too
    deep, say): scanned, not parsed, so a refusal can still name the request it refuses."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            if depth == 1 and (found := _TOP_LEVEL_ID.match(line, index)):
                try:
                    return request_id(json.loads(found.group(1)))
                except ValueError:
                    return None
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return None


def json_rpc_error(code: int, message: str, message_id: str | int | None) -> SessionMessage:
    error = types.JSONRPCError(
        jsonrpc="2.0", id=message_id, error=types.ErrorData(code=code, message=message)
    )
    return SessionMessage(error)


def parse_line(line: str) -> SessionMessage:
    """One line of stdin as a JSON-RPC message, or the error that answers it."""
    try:
        document = json.loads(line, parse_constant=_refuse_constant)
        json.dumps(document, ensure_ascii=False).encode()  # a lone surrogate is not text
    except (ValueError, RecursionError, UnicodeEncodeError):
        return json_rpc_error(
            types.PARSE_ERROR, "Parse error: the line is not JSON text", top_level_id(line)
        )
    invalid = json_rpc_error(
        types.INVALID_REQUEST,
        "Invalid Request: not a JSON-RPC 2.0 message",
        request_id(document.get("id")) if isinstance(document, dict) else None,
    )
    # An id that is neither a string nor an integer made a request pass for a notification,
    # which gets no answer: the client waited for ever.
    is_request = isinstance(document, dict) and "method" in document and "id" in document
    if is_request and request_id(document["id"]) is None:
        return invalid
    try:
        message = types.jsonrpc_message_adapter.validate_python(document, by_name=False)
    except ValidationError:
        return invalid
    return SessionMessage(message)


@asynccontextmanager
async def guarded_stdio() -> AsyncIterator[tuple[Any, Any]]:
    """Stdio as the SDK's transport serves it, except that a line that is not a message gets a
    JSON-RPC error on stdout (the SDK dropped it silently, and the agent waited for ever) and a
    line on stderr. One writer task owns stdout: an error never interleaves with an answer."""
    to_server, from_stdin = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    to_stdout, from_server = anyio.create_memory_object_stream[SessionMessage](0)
    stdin = anyio.wrap_file(TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"))
    stdout = anyio.wrap_file(TextIOWrapper(sys.stdout.buffer, encoding="utf-8"))

    async def read_lines(answer_refusals: Any) -> None:
        async with to_server, answer_refusals:
            async for line in stdin:
                if not line.strip():
                    continue
                message = parse_line(line)
                if isinstance(message.message, types.JSONRPCError):
                    error = message.message
                    logger.warning(
                        "refused a %d-character line (id %r): %s",
                        len(line),
                        error.id,
                        error.error.message,
                    )
                    await answer_refusals.send(message)
                else:
                    await to_server.send(message)

    async def write_lines() -> None:
        async with from_server:
            async for message in from_server:
                text = message.message.model_dump_json(by_alias=True, exclude_unset=True)
                await stdout.write(text + "\n")
                await stdout.flush()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read_lines, to_stdout.clone())
        tasks.start_soon(write_lines)
        yield from_stdin, to_stdout


async def serve_stdio(service_url: str) -> None:
    server = create_server(service_url)
    async with guarded_stdio() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def main() -> None:
    # stdout is the protocol's: every log line goes to stderr.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    anyio.run(serve_stdio, os.environ.get("SERVICE_URL") or DEFAULT_SERVICE_URL)


if __name__ == "__main__":
    main()
