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
class Page:
    records: list[dict[str, Any]]
    next_state: dict[str, Any] | None = None
    # Extra facts for the result's meta; notices for the agent go in {"warnings": ["..."]}; params a backend
    # resolved itself (e.g. default dates in the account's time zone) in {"resolved_params": {...}}, which
    # the executor puts in meta.params and the cursor's frozen query (a None removes the param it replaced).
    meta: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str  # "direct", "hosted" or "sandbox"

    async def fetch(self, request: PageRequest) -> Page: ...

    async def check(self) -> str:
        """One cheap authenticated call; returns a one-line description of what it saw."""
        ...

    async def aclose(self) -> None: ...
