"""Opaque pagination cursors.

A cursor freezes the query (entity, action, resolved params) and where the
next record sits (the backend's page state plus records already consumed from
that page, or, for re-run reports, the key of the last record returned), so
resuming returns exactly the records that came next. It also keeps the params
as the agent gave them: resending those on a later day is the same query, even
when the resolved params hold clock-derived defaults ("the last 30 days").

Every cursor is signed with the server key (signing.py, purpose "cursor"): one that was edited, cut short
or made by another key is refused by its tag, before it is even inflated. What a signed cursor holds is
still checked where it is used: its params by the action's params model, its page state by the
connector's page_state rules (the same rules), so a cursor made by a careless change of ours cannot
reach a vendor either.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from . import signing
from .errors import InvalidParams
from .validation import MAX_LIMIT

_VERSION = 3
PURPOSE = "cursor"
# Far above any real cursor (its params and page state are a few KB): nothing we signed inflates to more.
MAX_DECODED_BYTES = 1_000_000
# Raw deflate: the signature already guards the bytes, so zlib's header and checksum would be 8 characters for nothing.
_RAW_DEFLATE = -15
# Records already returned from one vendor page (or with one report key): a page holds far fewer.
MAX_SKIP = 1_000_000


def invalid_cursor() -> InvalidParams:
    """The one answer to a cursor we cannot use: the agent cannot repair one, only start over."""
    return InvalidParams(
        "cursor is not valid; call again without it.",
        fix="Omit cursor to start the query over. A cursor works only unchanged, on the server that made it "
        "(or a replica with the same CONNECTOR_MCP_SECRET_KEY).",
    )


@dataclass(frozen=True)
class Position:
    state: dict[str, Any] | None  # backend page state (None = first page)
    # Records of that page already returned; with `after`, records with exactly that key already returned.
    skip: int = 0
    # Resume-by-key (Action.resume_key): the sort key of the next record; records before it were returned.
    after: list[str] | None = None


@dataclass(frozen=True)
class Cursor:
    connector: str
    entity: str
    action: str
    params: dict[str, Any]
    page_size: int
    position: Position
    given: dict[str, Any] | None = None  # the params as the agent sent them
    shown: dict[str, Any] | None = None  # the params as meta.params showed them (resolved dates included)

    def encode(self) -> str:
        raw = {
            "v": _VERSION,
            "c": self.connector,
            "e": self.entity,
            "a": self.action,
            "p": self.params,
            "n": self.page_size,
            "s": self.position.state,
            "k": self.position.skip,
            "after": self.position.after,
            "g": self.given,
            "m": self.shown,
        }
        return seal(json.dumps(raw, separators=(",", ":"), sort_keys=True).encode())

    @classmethod
    def decode(cls, text: str) -> Cursor:
        data = unseal(text)
        bad = invalid_cursor()
        try:
            raw = json.loads(data)
            if raw.get("v") != _VERSION or not isinstance(raw["s"], (dict, type(None))):
                raise bad
            page_size, skip = _whole(raw["n"], 1, MAX_LIMIT), _whole(raw["k"], 0, MAX_SKIP)
            return cls(
                connector=str(raw["c"]),
                entity=str(raw["e"]),
                action=str(raw["a"]),
                params=dict(raw["p"]),
                page_size=page_size,
                position=Position(state=raw["s"], skip=skip, after=_key(raw.get("after"))),
                given=dict(raw["g"]) if raw.get("g") is not None else None,
                shown=dict(raw["m"]) if raw.get("m") is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise bad from None


def seal(data: bytes) -> str:
    """A cursor's text: its JSON compressed, then signed."""
    # Compressed: resolved params (e.g. report metric lists) repeat a lot and cost the agent context.
    deflate = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE)
    return signing.sign(PURPOSE, deflate.compress(data) + deflate.flush())


def unseal(text: str) -> bytes:
    """The JSON of a cursor this key signed; anything else is refused before it is inflated."""
    payload = signing.unsign(PURPOSE, text)
    if payload is None:  # edited, cut short, another server's key, or another kind of token
        raise invalid_cursor()
    try:
        inflate = zlib.decompressobj(_RAW_DEFLATE)
        data = inflate.decompress(payload, MAX_DECODED_BYTES)
    except zlib.error:
        raise invalid_cursor() from None
    if not inflate.eof:  # only a signed cursor of ours gets here: never, but never unbounded either
        raise invalid_cursor()
    return data


def _whole(value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError("out of bounds")
    return value


def _key(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("bad resume key")
    return value
