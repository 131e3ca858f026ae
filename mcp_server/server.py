"""Assemble the FastMCP server from the registry: one execute tool per
connector, a describe tool, and the catalog resources."""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Literal

from fastmcp import FastMCP
from fastmcp.exceptions import ResourceError
from fastmcp.tools import Tool, ToolResult
from mcp.types import ToolAnnotations
from pydantic import Field, create_model
from pydantic.json_schema import SkipJsonSchema

from . import __version__, signing
from .call_deadline import CallDeadline
from .catalog import compact_schema
from .changes.service import Changes
from .changes.tool import apply_change_tool
from .connector import Connector
from .connectors import REGISTRY
from .documents import catalog_document, connector_document, entity_document, tool_description
from .errors import ConnectorError, InvalidParams
from .executor import Executor
from .http_auth import build_auth
from .report_cache import ReportCache
from .reporting.metrics import metrics_document
from .reporting.tool import DESCRIPTION as REPORT_DESCRIPTION
from .reporting.tool import NAME as REPORT_TOOL
from .reporting.tool import Platform, ReportTool
from .reporting.tool import input_schema as report_input_schema
from .runtime import Runtime
from .settings import ServerSettings
from .tool_results import LeanMeta, answer, error_result, json_result
from .validation import DEFAULT_LIMIT, MAX_LIMIT, choices

READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=True)
# describe reads only our own catalog: nothing outside this process.
CLOSED_READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)

# No outputSchema on our tools: the descriptions say {data, next_cursor, meta}, and a schema would cost every
# agent ~500 bytes of tools/list and every client a validation of each result (structuredContent is sent anyway).


def action_description(connector: Connector) -> str:
    """The actions this connector has, and which entities take each: 'list (every entity) or get (a, b)'."""
    entities = connector.catalog.entities
    parts, many_writes = [], []
    for action in connector.catalog.action_names:
        having = [name for name, entity in entities.items() if action in entity.actions]
        missing = [name for name in entities if name not in having]
        # Short forms keep tools/list small: "every entity but a, b"; write actions on many entities are named
        # together (describe and the resources list their entities; a wrong pair is refused naming the right ones).
        if missing and len(having) > 3 and any(entities[n].actions[action].write for n in having):
            many_writes.append(action)
            continue
        if not missing:
            scope = "every entity"
        elif len(missing) <= 3 < len(having):
            scope = "every entity but " + ", ".join(missing)
        else:
            scope = ", ".join(having)
        parts.append(f"{action} ({scope})")
    if many_writes:
        parts.append(f"{'/'.join(many_writes)} (previews)")
    return " or ".join(parts) + "."


def execute_input_schema(connector: Connector) -> dict[str, Any]:
    """Derived from the catalog: entity and action are enums of what exists."""
    catalog = connector.catalog
    model = create_model(
        f"{connector.tool_name}_arguments",
        entity=(Literal[tuple(catalog.entities)], Field(description="What to read.")),
        action=(Literal[tuple(catalog.action_names)], Field(description=action_description(connector))),
        params=(
            dict[str, Any] | str | None,
            Field(default=None, description="Action params (an object)."),
        ),
        fields=(
            list[str] | str | None,
            Field(default=None, description="Keep only these record fields (dot paths allowed)."),
        ),
        limit=(int, Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Max records to return.")),
        cursor=(str | None, Field(default=None, description="next_cursor from a previous result.")),
    )
    schema = compact_schema(model.model_json_schema())
    for prop in schema["properties"].values():
        if "const" in prop:  # a one-value Literal; clients expect an enum either way
            prop["enum"] = [prop.pop("const")]
    schema["additionalProperties"] = False
    return schema


def missing_arguments(names: list[str], schema: dict[str, Any]) -> str:
    """invalid_params for required tool arguments left out, listing what each may be."""
    choices = []
    for name in names:
        options = schema["properties"].get(name, {}).get("enum")
        choices.append(f"{name} ({', '.join(map(str, options))})" if options else name)
    return (
        f"invalid_params: missing required argument(s) {', '.join(names)}. "
        f"Fix: pass {'; '.join(choices)}."
    )


class ExecuteTool(LeanMeta, Tool):
    """The connector's single tool. Arguments are validated by the executor, not by
    FastMCP, so every mistake comes back as an isError result that names the fix."""

    executor: SkipJsonSchema[Any] = Field(default=None, exclude=True)

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        unknown = sorted(set(arguments) - set(self.parameters["properties"]))
        if unknown:
            return error_result(
                f"invalid_params: unknown argument(s) {', '.join(unknown)}. "
                "Fix: use entity, action, params, fields, limit, cursor; vendor params go inside params."
            )
        missing = [name for name in self.parameters.get("required", []) if arguments.get(name) is None]
        if missing:
            return error_result(missing_arguments(missing, self.parameters))
        return await answer(self.name, self.executor.execute(**arguments))


DESCRIBE_TEXT = "An entity's params (JSON Schema), defaults, pagination and record fields; or a connector's entities."


def describe_input_schema(connector_ids: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "connector": {"type": "string", "enum": list(connector_ids)},
            "entity": {"type": "string", "description": "Omit for the connector's overview."},
        },
        "required": ["connector"],
        "additionalProperties": False,
    }


class DescribeTool(LeanMeta, Tool):
    """Documents a connector or one entity. Checks its own arguments so a mistake reads like
    every other error here ("problem. Fix: ...") instead of pydantic's raw text."""

    connectors: SkipJsonSchema[Any] = Field(default=None, exclude=True)  # connector id -> Connector
    writes: SkipJsonSchema[Any] = Field(default=None, exclude=True)  # the writes state line (changes.Changes)

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        try:
            document = self._document(arguments)
        except ConnectorError as exc:
            return error_result(exc.render())
        return json_result(document)

    def _document(self, arguments: dict[str, Any]) -> dict[str, Any]:
        served = ", ".join(self.connectors)
        unknown = sorted(set(arguments) - {"connector", "entity"})
        if unknown:
            raise InvalidParams(f"unknown argument(s) {', '.join(unknown)}.", fix="describe takes connector and entity.")
        connector, entity = arguments.get("connector"), arguments.get("entity")
        if connector is None:
            raise InvalidParams("missing required argument connector.", fix=f"Pass connector: one of {served}.")
        if not isinstance(connector, str) or connector not in self.connectors:
            raise InvalidParams(f"unknown connector {connector!r}.", fix=choices(str(connector), list(self.connectors)))
        spec = self.connectors[connector]
        if entity is None or entity == "":
            return connector_document(spec, self.writes)
        if not isinstance(entity, str):
            raise InvalidParams(
                f"entity must be a string, got {type(entity).__name__}.",
                fix=f"Use one of: {', '.join(spec.catalog.entities)}; omit it for the overview.",
            )
        return entity_document(spec, entity, self.writes)


def _served(settings: ServerSettings) -> list[Connector]:
    if not settings.connectors:
        return list(REGISTRY.values())
    unknown = [c for c in settings.connectors if c not in REGISTRY]
    if unknown:
        raise SystemExit(
            f"CONNECTOR_MCP_CONNECTORS names unknown connector(s): {', '.join(unknown)}. "
            f"Known: {', '.join(REGISTRY)}."
        )
    return [REGISTRY[c] for c in settings.connectors]


def build_server(settings: ServerSettings | None = None, *, hosted_demo: bool = False) -> FastMCP:
    settings = settings or ServerSettings()
    signing.use_key(settings.secret_key.get_secret_value() if settings.secret_key else None)
    connectors = _served(settings)
    runtime = Runtime(settings, connectors, hosted_demo=hosted_demo)
    by_id = {c.id: c for c in connectors}
    changes = Changes(settings, runtime, connectors)  # previews and apply_change (mcp_server/changes)

    @contextlib.asynccontextmanager
    async def lifespan(_server: FastMCP):
        try:
            yield {}
        finally:
            await runtime.aclose()

    mcp = FastMCP(
        name="connector-mcp",
        version=__version__,
        instructions=(
            "Ad platform data: ads_report for performance across platforms in one call; one *_execute "
            "tool per platform for any entity; describe for an entity's params and fields."
            + (" Write actions only preview; apply_change applies after the person confirms." if changes.writes_on
               else " Write actions only preview (writes are off).")
            + (" Running on the built-in sandbox: data is synthetic." if runtime.demo else "")
        ),
        lifespan=lifespan,
        auth=build_auth(settings),
    )

    mcp.add_middleware(CallDeadline(settings.call_timeout))
    # One cache of computed reports for every executor of this server, so a cursor continues without re-running.
    report_cache = ReportCache(
        ttl=settings.report_cache_ttl,
        max_entries=settings.report_cache_max_entries,
        max_rows=settings.report_cache_max_rows,
    )
    for connector in connectors:
        mcp.add_tool(
            ExecuteTool(
                name=connector.tool_name,
                title=f"{connector.title}: read",
                description=tool_description(connector),
                parameters=execute_input_schema(connector),
                output_schema=None,
                annotations=READ_ONLY,
                executor=Executor(
                    connector,
                    runtime.backend,
                    sandbox=runtime.demo,
                    max_tokens=settings.max_result_tokens,
                    max_requests=settings.max_requests_per_call,
                    page_concurrency=settings.page_concurrency,
                    report_cache=report_cache,
                    changes=changes,
                ),
            )
        )

    reporting = [c for c in connectors if c.report is not None]
    if reporting:
        # Its own executors: same backends, clients and request budget per call; no result cap (max_tokens=None):
        # the report reads whole vendor answers, and its own limit and size cap apply to what it returns.
        platforms = {
            c.id: Platform(c, Executor(c, runtime.backend, sandbox=runtime.demo, max_tokens=None,
                                       max_requests=settings.max_requests_per_call,
                                       page_concurrency=settings.page_concurrency, report_cache=report_cache).execute)
            for c in reporting
        }  # fmt: skip
        mcp.add_tool(
            ReportTool(
                name=REPORT_TOOL,
                title="Ads report: every platform",
                description=REPORT_DESCRIPTION,
                parameters=report_input_schema(),
                output_schema=None,
                annotations=READ_ONLY,
                platforms=platforms,
                runtime=runtime,
                max_tokens=settings.max_result_tokens,
            )
        )

        @mcp.resource("connectors://metrics", name="metrics", mime_type="application/json")
        def metrics() -> dict[str, Any]:
            """ads_report's metrics: formula, and the vendor field and definition behind each on each platform."""
            return metrics_document({c.id: c.report for c in reporting})


    mcp.add_tool(
        DescribeTool(
            name="describe",
            description=DESCRIBE_TEXT,
            parameters=describe_input_schema(tuple(by_id)),
            output_schema=None,
            annotations=CLOSED_READ_ONLY,
            connectors=by_id,
            writes=changes.writes_state(),
        )
    )
    # The write tools of the inventory, dropped at registration when writes are off (github-mcp-server's
    # read-only mode): only apply_change writes; previews go through the read-only execute tools.
    write_tools = [apply_change_tool(changes)]
    for tool in write_tools:
        if changes.writes_on:
            mcp.add_tool(tool)

    @mcp.resource("connectors://catalog", name="catalog", mime_type="application/json")
    def catalog() -> dict[str, Any]:
        """Every connector, its entities and actions, one line each."""
        return catalog_document(connectors)

    @mcp.resource("connectors://{connector}/{entity}", name="entity", mime_type="application/json")
    def entity_resource(connector: str, entity: str) -> dict[str, Any]:
        """Per action: params JSON Schema, required params, defaults, pagination, main record fields."""
        # A bad URI is the client's mistake, answered to the client: FastMCP logs it at INFO, in one line (logs.py).
        if connector not in by_id:
            raise ResourceError(f"unknown connector {connector!r}. {choices(connector, list(by_id))}", log_level=logging.INFO)
        try:
            return entity_document(by_id[connector], entity, changes.writes_state())
        except ConnectorError as exc:
            raise ResourceError(exc.render(), log_level=logging.INFO) from None

    return mcp
