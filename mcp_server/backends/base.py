"""The one interface every backend implements.

The executor asks a backend for one page at a time. A backend turns
(entity, action, validated params, pagination state) into vendor requests and
answers with records plus the state of the next page. `state` is plain JSON:
it travels inside the opaque cursor the agent sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel


@dataclass
class PageRequest:
    entity: str
    action: str
    params: BaseModel
    # Vendor pagination state from the previous Page.next_state; None = first page.
    state: dict[str, Any] | None
    # Records wanted on this page; a backend may return fewer or more.
    page_size: int
    # Record fields the caller asked for (None = all); backends may push this down.
    fields: list[str] | None = None


@dataclass
class Ahead:
    """The pages after a page, when the vendor addresses pages by number and said how many there are
    (TikTok's page_info): the executor may fetch several of them at once instead of one after another."""

    # The state of each following page, in order (states[0] is the page's next_state).
    states: list[dict[str, Any]]
    # Records a full page holds: how many pages a call still needs is known before fetching them.
    per_page: int
    # The vendor's count of all records (page_info.total_number), to notice records added or removed meanwhile.
    total: int | None = None


@dataclass
class Page:
    records: list[dict[str, Any]]
    next_state: dict[str, Any] | None = None
    # Extra facts for the result's meta; notices for the agent go in {"warnings": ["..."]}; params a backend
    # resolved itself (e.g. default dates in the account's time zone) in {"resolved_params": {...}}, which
    # the executor puts in meta.params and the cursor's frozen query (a None removes the param it replaced).
    meta: dict[str, Any] = field(default_factory=dict)
    # Set when the following pages can be fetched concurrently (see Ahead); None = one after another.
    ahead: Ahead | None = None


class Backend(Protocol):
    name: str  # "direct", "hosted" or "sandbox"

    async def fetch(self, request: PageRequest) -> Page: ...

    async def check(self) -> str:
        """One cheap authenticated call; returns a one-line description of what it saw."""
        ...

    async def aclose(self) -> None: ...
