"""A change id is the whole plan, signed: apply needs no server-side state to know what to send.

The payload (compressed JSON) holds the connector, entity, action, validated params, account, every
object's current/proposed fields, the vendor calls in order, the notices and the expiry. It is signed with
`signing.sign("change", ...)`, so an edited id, a cursor or another server's id is refused, and replicas
sharing CONNECTOR_MCP_SECRET_KEY accept each other's ids. `digest` names a change in the at-most-once store
and the journal without repeating the whole id.

An id travels through the agent's context twice (the preview, then apply_change), so it is kept short: a plan
whose id would pass MAX_INLINE_CHARS (a 5,000-event conversion upload would make a 580,000-character id) is
held by the server process that previewed it (`HeldPlans`, until it expires) and the id carries its SHA-256
instead. Such an id applies only on that process: another replica, or the same server after a restart,
refuses it and sends nothing ("preview again").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .. import signing
from ..errors import InvalidParams
from .spec import ObjectChange, VendorCall

PURPOSE = "change"
# Longer ids are held server-side (about 3,000 tokens of an agent's context at most).
MAX_INLINE_CHARS = 8000
HELD_MAX_BYTES = 64 * 2**20  # compressed plans held at once, per process; the oldest go first


class PlanGone(InvalidParams):
    """A valid id whose held plan this process does not have (another replica, a restart, or expired)."""


class HeldPlans:
    """Plans too large to travel in a change id, held (compressed) by the process that previewed them."""

    def __init__(self, max_bytes: int = HELD_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._plans: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0

    def put(self, payload: bytes, expires: float) -> str:
        ref = hashlib.sha256(payload).hexdigest()
        if ref not in self._plans:
            self._plans[ref] = (expires, payload)
            self._bytes += len(payload)
        now = time.time()
        while self._plans and (self._bytes > self.max_bytes or next(iter(self._plans.values()))[0] <= now):
            _, (_, old) = self._plans.popitem(last=False)
            self._bytes -= len(old)
        return ref

    def get(self, ref: str) -> bytes | None:
        found = self._plans.get(ref)
        return found[1] if found else None


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
    mode: str = "direct"  # how the preview reached the vendor: its calls are that mode's requests

    @property
    def expires_at(self) -> str:
        return dt.datetime.fromtimestamp(self.expires, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def encode(self, held: HeldPlans | None = None) -> str:
        payload = {
            "v": 1, "c": self.connector, "e": self.entity, "a": self.action, "p": self.params, "acct": self.account,
            "o": [o.record() for o in self.objects], "calls": [c.to_json() for c in self.calls], "n": self.notices,
            "x": round(self.expires), "i": self.nonce, "m": self.mode,
        }  # fmt: skip
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        packed = zlib.compress(raw, 9)
        token = signing.sign(PURPOSE, packed)
        if held is None or len(token) <= MAX_INLINE_CHARS:
            return token
        ref = held.put(packed, self.expires)
        small = {"v": 1, "held": ref, "c": self.connector, "e": self.entity, "a": self.action, "x": round(self.expires),
                 "i": self.nonce}  # fmt: skip
        return signing.sign(PURPOSE, zlib.compress(json.dumps(small, separators=(",", ":"), sort_keys=True).encode(), 9))

    @classmethod
    def decode(cls, token: Any, held: HeldPlans | None = None) -> Change:
        if not isinstance(token, str) or not token.strip():
            raise InvalidParams("change_id is missing.", fix="Pass meta.change_id from a preview unchanged.")
        payload = signing.unsign(PURPOSE, token.strip())
        if payload is None:
            raise InvalidParams(
                "change_id is not valid: edited, cut short, or made by another server (key).",
                fix="Pass meta.change_id from a preview of this server unchanged, or preview again.",
            )
        data = json.loads(zlib.decompress(payload))
        if "held" in data:
            packed = held.get(data["held"]) if held is not None else None
            if packed is None or hashlib.sha256(packed).hexdigest() != data["held"]:
                if time.time() >= float(data["x"]):
                    raise InvalidParams("change_id expired.", fix="Preview the change again.")
                raise PlanGone(
                    f"this {data['e']} {data['a']} change is too large to travel in its id, so the server process that "
                    "previewed it holds it, and this one does not (another replica, or a restart since).",
                    fix="Preview the change again and apply the new change_id on the same server, within its lifetime.",
                )
            data = json.loads(zlib.decompress(packed))
        return cls(
            data["c"], data["e"], data["a"], data["p"], data["acct"],
            [ObjectChange.from_record(o) for o in data["o"]], [VendorCall.from_json(c) for c in data["calls"]],
            data["n"], float(data["x"]), data["i"], data.get("m", "direct"),
        )  # fmt: skip

    def expired(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) >= self.expires


def digest(token: str) -> str:
    """A short stable name for a change id (store key, journal field)."""
    return hashlib.sha256(token.strip().encode()).hexdigest()[:24]
