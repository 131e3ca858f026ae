"""LinkedIn's two paging styles behind one Page/next_state shape.

Cursor finders (accounts, groups, campaigns, creatives): pageSize/pageToken,
next page = metadata.nextPageToken → state {"pageToken": ...}.
Offset finders (users, conversions, lead forms/responses): start/count,
stop at paging.total or a short page → state {"start": n}.
"""

from __future__ import annotations

from typing import Any

from ...backends.base import Page, PageRequest
from .api import LinkedinApi

Query = list[tuple[str, Any]]


async def cursor_page(
    api: LinkedinApi, path: str, query: Query, request: PageRequest, *, page_max: int, finder: bool = False
) -> Page:
    params = request.params
    size = min(getattr(params, "pageSize", None) or request.page_size, page_max)
    token = (request.state or {}).get("pageToken") if request.state else getattr(params, "pageToken", None)
    body = await api.get(path, [*query, ("pageSize", size), ("pageToken", token)], finder=finder)
    elements = body.get("elements") or []
    next_token = (body.get("metadata") or {}).get("nextPageToken")
    return Page(records=elements, next_state={"pageToken": next_token} if next_token and elements else None)


async def offset_page(api: LinkedinApi, path: str, query: Query, request: PageRequest, *, page_max: int) -> Page:
    params = request.params
    start = int(request.state["start"]) if request.state else (getattr(params, "start", None) or 0)
    count = min(getattr(params, "count", None) or request.page_size, page_max)
    body = await api.get(path, [*query, ("start", start), ("count", count)])
    elements = body.get("elements") or []
    total = (body.get("paging") or {}).get("total")
    reached = start + len(elements)
    more = bool(elements) and (reached < total if isinstance(total, int) else len(elements) >= count)
    return Page(records=elements, next_state={"start": reached} if more else None)
