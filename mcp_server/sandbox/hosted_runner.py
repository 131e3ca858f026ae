"""Run one execute call the way Airbyte's hosted connectors do, against a vendor fake.

One page per call; declared params only; required defaults filled in; TikTok
errors inside HTTP 200 swallowed into an empty result (airbyte-hosted.md §8.1);
LinkedIn Rest.li strings inserted into the query exactly as given. TikTok's
advertiser_id and advertiser_ids are filled from the connector's configured
advertiser id as the bare value, the way the agent SDK's scoping does it
(airbyte-agent-sdk executor/local_executor.py `_merge_scoping_defaults`: the
config value passes through unchanged): for advertiser_ids TikTok then sees
`7000`, not the JSON array it requires, and the swallowed error makes an
empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from .hosted_specs import LINKEDIN_VERSION, OPS, Op


class HostedHTTPError(Exception):
    """An error reply of the Agent API: status + ApiErrorResponse body."""

    def __init__(self, status: int, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "errors": [{"field": field, "message": message, "error_code": code, "details": None}]}


@dataclass
class VendorTarget:
    """Where a connector's vendor fake lives inside the hosted fake."""

    title: str
    client: httpx.AsyncClient
    base_url: str  # e.g. http://vendor.sandbox/open_api/v1.3/
    token_url: str | None = None  # LinkedIn: the OAuth token endpoint of the fake


def declared_params(op: Op, params: dict[str, Any], injected: dict[str, Any]) -> dict[str, Any]:
    """Keep declared names, inject config values, fill required defaults, validate ranges."""
    out: dict[str, Any] = {}
    for name, spec in op.params.items():
        value = params.get(name)
        if value is None:
            value = injected.get(name)
        if value is None and spec.required:
            value = spec.default
        if value is None:
            if spec.required:
                raise HostedHTTPError(422, f"Missing required parameter '{name}'", field=f"params.{name}", code="missing")
            continue
        if isinstance(value, (list, dict)):
            raise HostedHTTPError(422, f"Parameter '{name}' must be a string or number", field=f"params.{name}", code="type_error")
        if spec.low is not None or spec.high is not None:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise HostedHTTPError(422, f"Parameter '{name}' must be an integer", field=f"params.{name}") from None
            if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
                raise HostedHTTPError(422, f"Parameter '{name}' must be between {spec.low} and {spec.high}", field=f"params.{name}")
        if spec.choices and value not in spec.choices:
            raise HostedHTTPError(422, f"Parameter '{name}' must be one of {', '.join(spec.choices)}", field=f"params.{name}")
        out[name] = value
    return out


def select(record: Any, paths: list[str] | None) -> Any:
    """Airbyte's select_fields: keep only the dot paths given."""
    if not paths or not isinstance(record, dict):
        return record
    out: dict[str, Any] = {}
    for path in paths:
        source, target, parts = record, out, path.split(".")
        for i, part in enumerate(parts):
            if not isinstance(source, dict) or part not in source:
                break
            if i == len(parts) - 1:
                target[part] = source[part]
            else:
                source = source[part]
                target = target.setdefault(part, {})
    return out


async def run(connector: str, entity: str, action: str, params: dict[str, Any], config: dict[str, Any],
              target: VendorTarget, cache: dict[str, Any]) -> tuple[Any, Any]:  # fmt: skip
    """Returns (result, connector_metadata) or raises HostedHTTPError."""
    op = OPS[connector].get((entity, action))
    if op is None:
        raise HostedHTTPError(400, f"Entity '{entity}' does not support action '{action}'", field="entity", code="unsupported")
    if connector == "tiktok-marketing":
        return await _run_tiktok(op, params, config, target)
    return await _run_linkedin(op, action, params, config, target, cache)


async def _run_tiktok(op: Op, params: dict[str, Any], config: dict[str, Any], target: VendorTarget) -> tuple[Any, Any]:
    advertiser = config.get("advertiser_id")
    injected = {"advertiser_id": advertiser, "advertiser_ids": advertiser}
    query = {k: str(v) for k, v in declared_params(op, params, injected).items()}
    headers = {"Access-Token": str(config.get("access_token", ""))}
    response = await target.client.get(target.base_url + op.path, params=query, headers=headers)
    if response.status_code != 200:
        raise HostedHTTPError(502, f"Upstream {target.title} API returned HTTP {response.status_code}", code="upstream_error")
    try:
        body = response.json()
    except ValueError:
        raise HostedHTTPError(502, f"Upstream {target.title} API returned a body that is not JSON", code="upstream_error") from None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):  # code != 0: no error check in Airbyte's spec, so it looks like "no data"
        return [], {"page_info": None}
    return list(data.get("list") or []), {"page_info": data.get("page_info")}


async def _linkedin_token(config: dict[str, Any], target: VendorTarget, cache: dict[str, Any], *, renew: bool) -> str:
    if renew or "access_token" not in cache:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": config.get("refresh_token", ""),
            "client_id": config.get("client_id", ""),
            "client_secret": config.get("client_secret", ""),
        }
        response = await target.client.post(target.token_url or "", data=form)
        if response.status_code != 200:
            detail = response.json().get("error_description", "") if "json" in response.headers.get("content-type", "") else ""
            raise HostedHTTPError(401, f"{target.title} token refresh failed (HTTP {response.status_code}): {detail}".rstrip(": "), code="oauth_error")
        cache["access_token"] = response.json()["access_token"]
    return cache["access_token"]


def _linkedin_request(op: Op, values: dict[str, Any]) -> tuple[str, str]:
    path = op.path
    for name, spec in op.params.items():
        if spec.in_path:
            path = path.replace("{" + name + "}", quote(str(values.pop(name)), safe=""))
    # Rest.li values arrive ready-made and go into the query exactly as given.
    query = "&".join(f"{name}={value}" for name, value in values.items())
    return path, query


async def _run_linkedin(op: Op, action: str, params: dict[str, Any], config: dict[str, Any],
                        target: VendorTarget, cache: dict[str, Any]) -> tuple[Any, Any]:  # fmt: skip
    version = str(params.get("LinkedIn-Version") or LINKEDIN_VERSION)
    if op.method != "GET":
        return await _linkedin_write(op, params, config, target, cache, version)
    path, query = _linkedin_request(op, declared_params(op, params, {}))
    url = target.base_url + path + (f"?{query}" if query else "")
    # Airbyte sends the Rest.li 2.0 header only on some ops (op.restli); the LinkedIn fake requires it on
    # every call (real LinkedIn falls back to protocol 1.0, which reads these simple queries the same).
    headers = {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0", **op.headers}
    response = None
    for renew in (False, True):  # one refresh on a 401, like Airbyte's OAuth authenticator
        token = await _linkedin_token(config, target, cache, renew=renew)
        response = await target.client.get(url, headers={**headers, "Authorization": f"Bearer {token}"})
        if response.status_code != 401:
            break
    assert response is not None
    if response.status_code >= 500:
        raise HostedHTTPError(502, f"Upstream {target.title} API returned HTTP {response.status_code}", code="upstream_error")
    body = response.json() if "json" in response.headers.get("content-type", "") else {}
    if response.status_code >= 400:
        message = body.get("message") or response.text[:200]
        raise HostedHTTPError(response.status_code, f"{target.title} API error (HTTP {response.status_code}): {message}", code="upstream_error")
    if action == "get":
        return body, None
    paging = body.get("paging") or {}
    meta = {
        "cursor": lambda: {"nextPageToken": (body.get("metadata") or {}).get("nextPageToken")},
        "offset": lambda: {"start": paging.get("start"), "count": paging.get("count"), "total": paging.get("total")},
        "total": lambda: {"total": paging.get("total")},
        "none": lambda: None,
    }[op.meta]()
    return list(body.get("elements") or []), meta


async def _linkedin_write(op: Op, params: dict[str, Any], config: dict[str, Any], target: VendorTarget,
                          cache: dict[str, Any], version: str) -> tuple[Any, Any]:  # fmt: skip
    """A write the way Airbyte's executor sends it (local_executor `_build_request_body`, `_build_path`): body
    fields from the top-level params (None left out), path params percent-encoded whole into the template, the
    create's new id read from the x-restli-id header into connector_metadata.created_id."""
    values = declared_params(op, params, {})
    path = op.path
    for name, spec in op.params.items():
        if spec.in_path:
            path = path.replace("{" + name + "}", quote(str(values.pop(name)), safe=""))
    query = _restli_query(values)
    body = {name: params[name] for name in op.body if params.get(name) is not None}
    url = target.base_url + path + (f"?{query}" if query else "")
    headers = {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0", **op.headers}
    response = None
    for renew in (False, True):
        token = await _linkedin_token(config, target, cache, renew=renew)
        response = await target.client.request(op.method, url, headers={**headers, "Authorization": f"Bearer {token}"},
                                               json=body if body else None)  # fmt: skip
        if response.status_code != 401:
            break
    assert response is not None
    if response.status_code >= 500:
        raise HostedHTTPError(502, f"Upstream {target.title} API returned HTTP {response.status_code}", code="upstream_error")
    reply = response.json() if "json" in response.headers.get("content-type", "") and response.content else {}
    if response.status_code >= 400:
        message = reply.get("message") or response.text[:200]
        raise HostedHTTPError(response.status_code, f"{target.title} API error (HTTP {response.status_code}): {message}", code="upstream_error")
    created = response.headers.get("x-restli-id")
    return reply, ({"created_id": created} if created else None)


def _restli_query(values: dict[str, Any]) -> str:
    """Airbyte's `_encode_restli_query_string`: structured values keep ():,% raw, plain ones are encoded."""
    pairs = []
    for name, value in values.items():
        text = str(value)
        safe = "():,%" if text.startswith(("(", "List(")) else ","
        pairs.append(f"{quote(name, safe='')}={quote(text, safe=safe)}")
    return "&".join(pairs)
