"""A change id is the whole plan, signed: apply needs no server-side state to know what to send.

The payload (compressed JSON) holds the connector, entity, action, validated params, account, every
object's current/proposed fields, the vendor calls in order, the notices and the expiry. It is signed with
`signing.sign("change", ...)`, so an edited id, a cursor or another server's id is refused, and replicas
sharing CONNECTOR_MCP_SECRET_KEY accept each other's ids. `digest` names a change in the at-most-once store
and the journal without repeating the whole id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from .. import signing
from ..errors import InvalidParams
from .spec import ObjectChange, VendorCall

PURPOSE = "change"


@dataclass
class Change:
    connector: str
    entity: str
    action: str
    params: dict[str, Any]
    account: str | None
    objects: list[ObjectChange]
    calls: list[VendorCall]
    notices: list[str] = field(default_factory=list)
    expires: float = 0.0  # epoch seconds
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def expires_at(self) -> str:
        return dt.datetime.fromtimestamp(self.expires, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def encode(self) -> str:
        payload = {
            "v": 1, "c": self.connector, "e": self.entity, "a": self.action, "p": self.params, "acct": self.account,
            "o": [o.record() for o in self.objects], "calls": [c.to_json() for c in self.calls], "n": self.notices,
            "x": round(self.expires), "i": self.nonce,
        }  # fmt: skip
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        return signing.sign(PURPOSE, zlib.compress(raw, 9))

    @classmethod
    def decode(cls, token: Any) -> Change:
        if not isinstance(token, str) or not token.strip():
            raise InvalidParams("change_id is missing.", fix="Pass meta.change_id from a preview unchanged.")
        payload = signing.unsign(PURPOSE, token.strip())
        if payload is None:
            raise InvalidParams(
                "change_id is not valid: edited, cut short, or made by another server (key).",
                fix="Pass meta.change_id from a preview of this server unchanged, or preview again.",
            )
        data = json.loads(zlib.decompress(payload))
        return cls(
            data["c"], data["e"], data["a"], data["p"], data["acct"],
            [ObjectChange.from_record(o) for o in data["o"]], [VendorCall.from_json(c) for c in data["calls"]],
            data["n"], float(data["x"]), data["i"],
        )  # fmt: skip

    def expired(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) >= self.expires


def digest(token: str) -> str:
    """A short stable name for a change id (store key, journal field)."""
    return hashlib.sha256(token.strip().encode()).hexdigest()[:24]
