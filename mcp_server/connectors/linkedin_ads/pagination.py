"""LinkedIn's two paging styles behind one Page/next_state shape.

Cursor finders (accounts, groups, campaigns, creatives): pageSize/pageToken,
next page = metadata.nextPageToken → state {"pageToken": ...}. A page can be
empty and still carry a token (its records were all left out), so only a
missing token ends the list.

Offset finders (users, conversions, lead forms/responses): start/count →
state {"start": n}. LinkedIn returns pages shorter than `count` in the middle
of a result (records it leaves out; Airbyte issue #34164, PR #60996), so the
next page starts at start + count (Microsoft's pagination guide: "subsequent
pages start at 2N, 3N"), never at start + len(elements). When to stop:
- paging.total known (an integer >= 0): the list goes on while start + count <
  total, whatever the page held; an empty page (its records all left out) is
  not the end while the total says more follow.
- total missing or negative (conversions answer -1, i.e. unknown): the list
  ends at the first empty page.
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
    next_token = (body.get("metadata") or {}).get("nextPageToken") or None
    if next_token is not None and next_token == token:
        # The same token back would fetch the same page forever: stop, and say the list may go on.
        warning = "LinkedIn returned the page token it was sent; stopped here, the list may be incomplete"
        return Page(records=elements, meta={"warnings": [warning]})
    return Page(records=elements, next_state={"pageToken": next_token} if next_token else None)


def known_total(paging: dict[str, Any]) -> int | None:
    """paging.total when LinkedIn gave a real one; None when it is missing or negative (-1 = unknown)."""
    total = paging.get("total")
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return total
    return None


async def offset_page(api: LinkedinApi, path: str, query: Query, request: PageRequest, *, page_max: int) -> Page:
    params = request.params
    start = int(request.state["start"]) if request.state else (getattr(params, "start", None) or 0)
    count = min(getattr(params, "count", None) or request.page_size, page_max)
    body = await api.get(path, [*query, ("start", start), ("count", count)])
    elements = body.get("elements") or []
    total = known_total(body.get("paging") or {})
    following = start + count
    more = following < total if total is not None else bool(elements)
    return Page(records=elements, next_state={"start": following} if more else None)
