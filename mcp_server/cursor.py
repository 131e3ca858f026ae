"""Opaque pagination cursors.

A cursor freezes the query (entity, action, resolved params) and where the
next record sits (the backend's page state plus records already consumed from
that page, or, for re-run reports, the key of the last record returned), so
resuming returns exactly the records that came next. It also keeps the params
as the agent gave them: resending those on a later day is the same query, even
when the resolved params hold clock-derived defaults ("the last 30 days").
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from typing import Any

from .errors import InvalidParams
from .validation import MAX_LIMIT

_VERSION = 2
# Far above any real cursor (its params and page state are a few KB): a forged one cannot make us inflate more.
MAX_DECODED_BYTES = 1_000_000


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
        data = json.dumps(raw, separators=(",", ":"), sort_keys=True).encode()
        # Compressed: resolved params (e.g. report metric lists) repeat a lot and cost the agent context.
        return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        bad = InvalidParams(
            "cursor is not valid.",
            fix="Pass next_cursor from the previous result unchanged, or omit cursor to start over.",
        )
        try:
            padded = text + "=" * (-len(text) % 4)
            inflate = zlib.decompressobj()
            data = inflate.decompress(base64.urlsafe_b64decode(padded.encode()), MAX_DECODED_BYTES)
            if not inflate.eof:  # cut short, or a forged cursor that inflates to megabytes
                raise bad
            raw = json.loads(data)
            if raw.get("v") != _VERSION or not isinstance(raw["s"], (dict, type(None))):
                raise bad
            if not 1 <= int(raw["n"]) <= MAX_LIMIT or int(raw["k"]) < 0:  # edited: never sent to a vendor
                raise bad
            return cls(
                connector=str(raw["c"]),
                entity=str(raw["e"]),
                action=str(raw["a"]),
                params=dict(raw["p"]),
                page_size=int(raw["n"]),
                position=Position(state=raw["s"], skip=int(raw["k"]), after=_key(raw.get("after"))),
                given=dict(raw["g"]) if raw.get("g") is not None else None,
                shown=dict(raw["m"]) if raw.get("m") is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, zlib.error):
            raise bad from None


def _key(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("bad resume key")
    return value
