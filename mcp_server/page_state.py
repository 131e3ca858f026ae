"""Page states read back from a cursor, checked before a resumed call does anything with them.

A backend's page state (a TikTok page number, a LinkedIn start offset or page token, a report's frozen date
range) travels in the cursor and is sent to the vendor on the next call. The cursor's signature says we made
it; these checks say that what it holds is still something we would send. Each connector declares the states
its backends make (`page_state.py` in its folder, `Connector.page_state`) and checks each value with the rules
the same value given as a param meets: the action's params model validates it, and the state must hold
exactly the value the model makes of it (5, not "5" or 5.0; an id as the model writes it). A state that fails
is an invalid cursor, refused before the backend is built, any plan is made from it, or any request is sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import BaseModel, ValidationError

from .backends.base import PageRequest
from .cursor import invalid_cursor

if TYPE_CHECKING:
    from .connector import Connector

# A warning, not noise: only a cursor signed with our key gets here, so a refusal means a bug of ours or a
# leaked CONNECTOR_MCP_SECRET_KEY. Cursors refused by their signature are not logged at all.
log = logging.getLogger("mcp_server.page_state")


def refuse(reason: str) -> NoReturn:
    log.warning("signed cursor refused: its page state %s", reason)
    raise invalid_cursor()


def check(connector: Connector, request: PageRequest) -> None:
    """The connector's rules for `request.state` (a resumed call's page state); no rules, no state."""
    if connector.page_state is None:
        refuse(f"is not one {connector.id} makes")
    if not isinstance(request.state, dict):
        refuse("is not an object")
    connector.page_state(request)


def keys(state: dict[str, Any], required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """The state has every required key, and no key beyond the optional ones."""
    required = set(required)
    missing, extra = required - set(state), set(state) - required - set(optional)
    if missing:
        refuse(f"lacks {', '.join(sorted(missing))}")
    if extra:
        refuse(f"has keys no state of this action has: {', '.join(sorted(extra)[:5])}")


def as_params(params: BaseModel, **values: Any) -> BaseModel:
    """The call's params with these state values in their place, validated by the params model; each value
    must be the very value the model makes of it (compared as JSON). None is refused: given as a param it would
    mean "the default", but the backend reads the state itself (TikTok's next page is state["page"] + 1)."""
    for name, value in values.items():
        if value is None:
            refuse(f"holds no {name}")
    try:
        checked = type(params).model_validate({**params.model_dump(mode="json", exclude_none=True), **values})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "params"
        refuse(f"fails the params' own rules: {where}: {first['msg'][:160]}")
    dumped = checked.model_dump(mode="json")
    for name, value in values.items():
        if _json(dumped.get(name)) != _json(value):
            refuse(f"holds {name} in another form than the params would")
    return checked


def index(value: Any, size: int, name: str) -> int:
    """A position in a list of `size` items."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < size:
        refuse(f"holds {name} outside 0..{size - 1}")
    return value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
