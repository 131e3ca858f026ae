"""A faithful fake of Airbyte's Agent API (https://api.airbyte.ai), for --demo and the tests.

Execute calls run against each connector's own vendor fake in-process, the way
Airbyte's hosted connectors would (see hosted_runner). Control routes live
under /__sandbox__/: faults, answers (edits to its own answers, for fuzzing), reset, config (token lifetime,
organizations) and an OAuth consent page that stands in for the user clicking "Allow".
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .control import AnswerEdits, EditedAnswers, FaultQueue, RequestLog, Trickle, control_routes
from .hosted_data import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, HostedStore, public_connector
from .hosted_faults import AFTER_KINDS, DroppedAnswer, fault_reply, refusal
from .hosted_requests import (
    VENDOR_ORIGIN,
    checked_credentials,
    config_from,
    connector_for,
    error,
    read_json,
    registry,
    vendor_settings,
    workspace_of,
)
from .hosted_runner import HostedHTTPError, VendorTarget, run, select

Handler = Callable[[Request], Awaitable[Response]]


def create_app(*, store: HostedStore | None = None) -> Starlette:
    store = store or HostedStore()
    faults, requests, edits = FaultQueue(), RequestLog(), AnswerEdits()
    vendor_apps = {cid: c.sandbox_app() for cid, c in registry().items()}
    vendor_tokens: dict[str, dict[str, Any]] = {}  # per connector instance: LinkedIn access token cache

    for cid, connector in registry().items():  # the "default" workspace holds one demo connector each
        store.add_connector(
            workspace="default", connector_id=cid, definition_id=connector.airbyte_definition_id,
            connector_type=connector.airbyte_connector_type, name=f"{connector.title} (demo)",
            config=config_from(vendor_settings(cid)), start_date="2024-01-01",
        )  # fmt: skip

    def api(handler: Handler, *, auth: bool = True) -> Handler:
        async def wrapped(request: Request) -> Response:
            await requests.record(request)
            fault = faults.take(request.url.path)
            if fault is not None and fault.get("kind") == "token_expired":
                store.expire_tokens()
            elif fault is not None and fault.get("kind") in AFTER_KINDS:
                return await after_fault(fault, wrapped_handler, request)
            elif fault is not None:
                return fault_reply(fault)
            return await wrapped_handler(request)

        async def wrapped_handler(request: Request) -> Response:
            if auth:
                token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
                if not store.token_valid(token):
                    return error(401, "Invalid or expired access token")
                org = request.headers.get("x-organization-id")
                if org and org not in store.organizations:
                    return error(403, f"Access denied to organization {org}")
                if not org and len(store.organizations) > 1:
                    return error(403, "This application belongs to several organizations; send the X-Organization-Id header")
            try:
                return await handler(request)
            except HostedHTTPError as failure:
                return JSONResponse(failure.body, failure.status)

        return wrapped

    async def after_fault(fault: dict[str, Any], handler: Handler, request: Request) -> Response:
        """The request is carried out (the connector created, the report run); only the answer suffers."""
        if fault["kind"] == "slow":
            await anyio.sleep(float(fault.get("seconds", 2)))
            return await handler(request)
        if fault["kind"] == "trickle":
            return Trickle(await handler(request), every=float(fault.get("seconds", 0.4)))
        return DroppedAnswer(await handler(request))

    async def token(request: Request) -> Response:
        body = await read_json(request)
        if store.clients.get(str(body.get("client_id"))) != body.get("client_secret") or not body.get("client_secret"):
            return error(401, "Invalid client credentials")
        return JSONResponse(store.issue_token(body["client_id"]))

    async def workspaces(request: Request) -> Response:
        contains = request.query_params.get("name_contains", "")
        limit = min(int(request.query_params.get("limit", 20)), 100)
        found = [w for w in store.workspaces.values() if contains.lower() in w["name"].lower()]
        return JSONResponse({"data": found[:limit], "next": None})

    async def list_connectors(request: Request) -> Response:
        workspace = workspace_of(dict(request.query_params))
        if workspace is None and request.query_params.get("workspace_id"):
            workspace = next((w["name"] for w in store.workspaces.values() if w["id"] == request.query_params["workspace_id"]), "")
        found = [
            c for c in store.connectors.values()
            if (workspace is None or c["workspace_name"] == workspace)
            and c["definition_id"] == request.query_params.get("definition_id", c["definition_id"])
        ]  # fmt: skip
        return JSONResponse({"data": [public_connector(c) for c in found]})

    async def create_connector(request: Request) -> Response:
        body = await read_json(request)
        connector = connector_for(body)
        workspace = workspace_of(body) or "default"
        start_date = (body.get("replication_config") or {}).get("start_date")
        if connector.id == "linkedin-ads" and not start_date:
            raise HostedHTTPError(422, "replication_config.start_date is required", field="replication_config.start_date")
        if body.get("server_side_oauth_secret_id"):
            secret = store.take_secret(body["server_side_oauth_secret_id"])
            if secret is None or secret["connector"] != connector.id:
                raise HostedHTTPError(400, "Invalid secret_id", field="server_side_oauth_secret_id")
            config = secret["credentials"]
        elif body.get("credentials"):
            config = checked_credentials(connector.id, body["credentials"])
        else:
            raise HostedHTTPError(422, "Either credentials or server_side_oauth_secret_id must be provided", field="credentials")
        record = store.add_connector(
            workspace=workspace, connector_id=connector.id, definition_id=connector.airbyte_definition_id,
            connector_type=connector.airbyte_connector_type, name=body.get("name") or f"{connector.title} {len(store.connectors) + 1}",
            config=config, start_date=start_date,
        )  # fmt: skip
        return JSONResponse(public_connector(record), 201)

    async def oauth_initiate(request: Request) -> Response:
        body = await read_json(request)
        connector = connector_for(body)
        if not body.get("redirect_url"):
            raise HostedHTTPError(422, "redirect_url is required", field="redirect_url")
        state = f"st_{len(store.oauth_sessions) + 1}_{int(time.time())}"
        store.oauth_sessions[state] = {"connector": connector.id, "workspace": workspace_of(body) or "default", "redirect_url": body["redirect_url"]}
        return JSONResponse({"consent_url": f"{str(request.base_url).rstrip('/')}/__sandbox__/oauth/consent?state={state}"})

    async def execute(request: Request) -> Response:
        record = store.connectors.get(request.path_params["connector_id"])
        if record is None:
            raise HostedHTTPError(404, f"Connector {request.path_params['connector_id']} not found")
        body = await read_json(request)
        if not body.get("entity") or not body.get("action"):
            raise HostedHTTPError(422, "entity and action are required", field="entity")
        if not isinstance(body.get("params") or {}, dict):
            raise HostedHTTPError(422, "params must be an object", field="params")
        started = time.monotonic()
        connector = registry()[record["connector"]]
        settings = vendor_settings(connector.id)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(vendor_apps[connector.id]), timeout=30) as client:
            target = VendorTarget(
                title=connector.title, client=client,
                base_url=next(v for k, v in settings.items() if k.endswith("base_url")).rstrip("/") + "/",
                token_url=next((v for k, v in settings.items() if k.endswith("token_url")), None),
            )  # fmt: skip
            cache = vendor_tokens.setdefault(record["id"], {})
            result, meta = await run(connector.id, body["entity"], body["action"], body.get("params") or {}, record["config"], target, cache)
        paths = body.get("select_fields")
        result = [select(r, paths) for r in result] if isinstance(result, list) else select(result, paths)
        return JSONResponse({
            "status": "success",
            "result": result,
            "connector_metadata": meta,
            "execution_metadata": {"connector_instance_id": record["id"], "execution_time_ms": int((time.monotonic() - started) * 1000)},
        })  # fmt: skip

    async def consent(request: Request) -> Response:
        """Stands in for the user approving access at the vendor: mints a secret_id (or creates the connector)."""
        session = store.oauth_sessions.pop(request.query_params.get("state", ""), None)
        if session is None:
            return PlainTextResponse("unknown or used consent state", 400)
        credentials = config_from(vendor_settings(session["connector"]))
        if request.query_params.get("style") == "connector_id":
            connector = registry()[session["connector"]]
            record = store.add_connector(
                workspace=session["workspace"], connector_id=connector.id, definition_id=connector.airbyte_definition_id,
                connector_type=connector.airbyte_connector_type, name=f"{connector.title} (oauth)", config=credentials, start_date=None,
            )  # fmt: skip
            query = {"connector_id": record["id"]}
        else:
            query = {"secret_id": store.mint_secret(session, credentials)}
        separator = "&" if "?" in session["redirect_url"] else "?"
        return RedirectResponse(session["redirect_url"] + separator + urlencode(query), 302)

    async def configure(request: Request) -> Response:
        body = await read_json(request)
        if "token_lifetime" in body:
            store.token_lifetime = int(body["token_lifetime"])
        if body.get("organizations"):
            store.organizations = list(body["organizations"])
        if body.get("expire_tokens"):
            store.expire_tokens()
        return JSONResponse({"token_lifetime": store.token_lifetime, "organizations": store.organizations})

    async def admit(spec: dict[str, Any]) -> dict[str, Any] | Response:
        if spec.get("connector"):  # a vendor fault behind the hosted connector: that fake's own reply
            async with httpx.AsyncClient(transport=httpx.ASGITransport(vendor_apps[spec["connector"]])) as client:
                reply = await client.post(f"{VENDOR_ORIGIN}/__sandbox__/faults", json={k: v for k, v in spec.items() if k != "connector"})
            return Response(reply.content, reply.status_code, media_type="application/json")
        return refusal(spec) or spec

    async def reset_vendors() -> None:
        for vendor_app in vendor_apps.values():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(vendor_app)) as client:
                await client.post(f"{VENDOR_ORIGIN}/__sandbox__/reset")

    base = "/api/v1"
    app = Starlette(routes=[
        Route(f"{base}/account/applications/token", api(token, auth=False), methods=["POST"]),
        Route(f"{base}/workspaces", api(workspaces), methods=["GET"]),
        Route(f"{base}/integrations/connectors", api(list_connectors), methods=["GET"]),
        Route(f"{base}/integrations/connectors", api(create_connector), methods=["POST"]),
        Route(f"{base}/integrations/connectors/oauth/initiate", api(oauth_initiate), methods=["POST"]),
        Route(f"{base}/integrations/connectors/{{connector_id}}/execute", api(execute), methods=["POST"]),
        Route("/__sandbox__/oauth/consent", consent, methods=["GET"]),
        *control_routes(faults, requests, admit=admit, reset=reset_vendors, read_spec=read_json, edits=edits,
                        extra=[Route("/__sandbox__/config", configure, methods=["POST"])]),
    ])  # fmt: skip
    app.add_middleware(EditedAnswers, edits=edits)
    app.state.requests = requests
    app.state.answer_edits = edits
    app.state.store = store
    app.state.vendor_apps = vendor_apps
    return app


def demo_settings(base_url: str) -> dict[str, Any]:
    """AirbyteSettings kwargs for a fake served at base_url."""
    return {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "workspace_name": "default",
        "organization_id": None,  # the fake has one organization; ignore a real AIRBYTE_ORGANIZATION_ID
        "api_url": base_url,
    }
