"""A cap on the vendor requests one tool call may make.

The executor opens a budget per call; every HTTP request sent through
`http.send` spends one unit (token exchanges and retries included). Paged
work stops when it runs out: the executor fetches no further page, and
backends that loop over many requests for one page (TikTok date chunks) ask
`exhausted()` before the next one and hand back their state instead, so the
call returns what it has with a cursor. Work that cannot stop halfway (a
LinkedIn analytics report is one response) counts what it needs against
`remaining()` first and is refused up front if it does not fit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

DEFAULT_MAX_REQUESTS = 40
SETTING = "CONNECTOR_MCP_MAX_REQUESTS_PER_CALL"


@dataclass
class RequestBudget:
    limit: int
    used: int = 0
    # Told of each request as it is counted (progress notifications); must not block.
    on_spend: Callable[[int], None] | None = field(default=None, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit


_current: ContextVar[RequestBudget | None] = ContextVar("request_budget", default=None)


@contextlib.contextmanager
def request_budget(limit: int) -> Iterator[RequestBudget]:
    budget = RequestBudget(limit)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def spend() -> None:
    """Count one vendor request against the running call's budget (no-op outside a call)."""
    budget = _current.get()
    if budget is not None:
        budget.used += 1
        if budget.on_spend is not None:
            budget.on_spend(budget.used)


def exhausted() -> bool:
    """True once the running tool call has sent as many vendor requests as it may."""
    budget = _current.get()
    return budget is not None and budget.exhausted


def remaining() -> int | None:
    """How many more vendor requests the running tool call may send; None outside a call (no cap)."""
    budget = _current.get()
    return None if budget is None else max(budget.limit - budget.used, 0)


def affords(requests: int) -> bool:
    """Whether the running tool call may still send `requests` more vendor requests (always outside a call)."""
    left = remaining()
    return left is None or requests <= left
