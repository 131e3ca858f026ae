"""The interface a connector implements to offer write actions (its `writes.py`).

Contract
--------
A connector declares `Connector.writes = ConnectorWrites(handlers={(entity, action): handler, ...})`.
Every key must be a catalog action declared with `write=True` (and every such action must have a handler;
`check_declaration` enforces both at import). The action's params model (in the catalog) is the single
source of truth for what the agent may pass; the handler gets the validated model instance.

A `WriteHandler` has three steps and one list of guardrail texts:

- `read(ctx, params) -> Snapshot`: the vendor's current state of every object the change touches, read
  through the connector's own backend (`ctx.backend`, direct or hosted per `ctx.mode`), plus the account
  facts the guardrails need (currency, time zone, ...). Values must be normalised so that `==` compares them
  (e.g. budgets as floats): the same read runs again at apply time for the drift check. An object absent
  from `Snapshot.objects` is gone (deleted / not found). Reads may be retried like any read.
- `plan(ctx, params, snapshot) -> Proposal`: pure (no I/O). Per object an `ObjectChange`: for an update or
  delete, field -> `FieldChange(current, proposed)` where `current` is exactly the snapshot's value (the
  drift check compares these); for a create, the full `new_object` (object_id None). It lists the
  `VendorCall`s apply will send, in order, as plain JSON data: the change id carries them, so apply never
  re-derives anything. Guardrails refuse here by raising `GuardrailRefused(message, setting=..., fix=...)`
  (use `changes.guardrails` for the shared ones: budget increase, currency, deletes, non-delivering
  creates); loud facts the person must see (spend starts) go in `Proposal.notices`. A change that changes
  nothing raises InvalidParams.
- `send(ctx, call) -> CallResult`: send ONE vendor write, once. Use `http.send_write` (direct): it retries
  only a connect error (the request certainly never left) and raises `OutcomeUnknown` for a dropped
  connection or timeout after sending. Map the vendor's answer with the connector's error mapping; a 5xx or
  the vendor's "internal error" (VendorUnavailable) is treated by the machinery as outcome unknown too, and
  never resent. A permission error must name what is missing (scope, role). Return the vendor's request id
  and, for a create, the new id; per-element failures (batch creates) go in `CallResult.failed`, not in an
  exception (a partial failure is not all-or-nothing).
- `guardrails`: one line per rule, shown by describe and the entity resource.

Hosted mode: `ConnectorWrites.hosted_refusal` set = every preview and apply in hosted mode is refused with
that text as the fix (TikTok: Airbyte's connector has no writes). None = the handlers work in hosted mode
too: they look at `ctx.mode` and read/send through `ctx.backend` (the HostedBackend: `ctx.backend.client
.execute(...)` with Airbyte's entity, action and params; a `VendorCall` then has method "HOSTED", path
"<entity>.<action>", body = Airbyte's params). The never-resend rule holds there too.

What the machinery does with it (so a handler does not): signing and expiry of change ids, writes on/off,
asking the person, the drift check and "already applied" (every field of every object already equals
`proposed` -> reported applied, nothing sent), at-most-once per id, stopping at the first failed call,
the journal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel

from ..errors import ConnectorError, OutcomeUnknown

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..catalog import Catalog
    from ..settings import ConnectorSettings

__all__ = [
    "CallResult", "ConnectorWrites", "FieldChange", "GuardrailRefused", "Limits", "ObjectChange", "OutcomeUnknown",
    "Proposal", "Snapshot", "VendorCall", "WriteContext", "WriteHandler", "check_declaration",
]  # fmt: skip

Kind = Literal["update", "create", "delete"]


class GuardrailRefused(ConnectorError):
    """A preview the guardrails refuse; `setting` names what allows it (the fix says how)."""

    kind = "refused"

    def __init__(self, message: str, *, setting: str | None = None, fix: str | None = None):
        super().__init__(message, fix=fix or (f"Set {setting} to allow it, restart, and preview again." if setting else None))
        self.setting = setting


@dataclass(frozen=True)
class Limits:
    """The guardrail settings (CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT, CONNECTOR_MCP_ALLOW_DELETE)."""

    # A budget may grow by at most this percentage in one change.
    max_budget_increase_pct: float = 50.0
    # Irreversible deletes (TikTok DELETE) are refused unless this is on; the pause that works is offered.
    allow_delete: bool = False


@dataclass
class WriteContext:
    backend: Backend  # the connector's backend as the runtime built it (direct over the sandbox in --demo)
    settings: ConnectorSettings  # the connector's settings (default account, ...)
    limits: Limits
    mode: Literal["direct", "hosted"]
    sandbox: bool = False


@dataclass(frozen=True)
class FieldChange:
    current: Any
    proposed: Any


@dataclass
class ObjectChange:
    """One record of the preview's `data`: one object the change touches."""

    object_id: str | None  # None for a create
    kind: Kind = "update"
    fields: dict[str, FieldChange] = field(default_factory=dict)  # update / delete
    new_object: dict[str, Any] | None = None  # create: the whole object as sent
    label: str | None = None  # the name a person recognises

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.object_id, "change": self.kind}
        if self.label is not None:
            out["name"] = self.label
        if self.fields:
            out["fields"] = {name: {"current": c.current, "proposed": c.proposed} for name, c in self.fields.items()}
        if self.new_object is not None:
            out["new_object"] = self.new_object
        return out

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ObjectChange:
        fields = {name: FieldChange(v["current"], v["proposed"]) for name, v in (record.get("fields") or {}).items()}
        return cls(record.get("id"), record["change"], fields, record.get("new_object"), record.get("name"))


@dataclass
class VendorCall:
    """One vendor write apply will send, as plain JSON (it travels inside the change id)."""

    method: str  # "POST", "PUT", "DELETE"; "HOSTED" for an Airbyte execute
    path: str  # vendor path relative to the API base; "<entity>.<action>" for HOSTED
    body: dict[str, Any] = field(default_factory=dict)  # JSON body (HOSTED: Airbyte's params)
    object_ids: list[str] = field(default_factory=list)  # the objects it touches
    headers: dict[str, str] = field(default_factory=dict)  # non-secret headers (X-RestLi-Method)
    query: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VendorCall:
        return cls(**data)


@dataclass
class CallResult:
    request_id: str | None = None  # the vendor's id for the request (journal, support)
    created_id: str | None = None  # a create's new id
    failed: dict[str, str] = field(default_factory=dict)  # object id / element index -> the vendor's reason
    detail: dict[str, Any] = field(default_factory=dict)  # anything else worth recording (per-element statuses)


@dataclass
class Snapshot:
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # object id -> normalised current fields
    account: dict[str, Any] = field(default_factory=dict)  # facts guardrails need: currency, time_zone, ...
    labels: dict[str, str] = field(default_factory=dict)  # object id -> its name, for the plan


@dataclass
class Proposal:
    account: str | None  # the ad account / advertiser the change is in
    objects: list[ObjectChange]
    calls: list[VendorCall]
    notices: list[str] = field(default_factory=list)  # said loudly in the preview and to the person


class WriteHandler(Protocol):
    guardrails: tuple[str, ...]

    async def read(self, ctx: WriteContext, params: BaseModel) -> Snapshot: ...

    def plan(self, ctx: WriteContext, params: BaseModel, snapshot: Snapshot) -> Proposal: ...

    async def send(self, ctx: WriteContext, call: VendorCall) -> CallResult: ...


@dataclass(frozen=True)
class ConnectorWrites:
    handlers: dict[tuple[str, str], WriteHandler]
    # Set: writes in hosted mode are refused with this fix. None: handlers serve hosted mode too (ctx.mode).
    hosted_refusal: str | None = None
    # What writes need from the credentials (scopes, roles), for describe.
    permissions: str = ""

    def handler(self, entity: str, action: str) -> WriteHandler:
        return self.handlers[(entity, action)]


def check_declaration(catalog: Catalog, writes: ConnectorWrites | None) -> None:
    """Every write action in the catalog has a handler and every handler a write action."""
    declared = {(e.name, a.name) for e in catalog.entities.values() for a in e.actions.values() if a.write}
    handled = set(writes.handlers) if writes else set()
    if declared != handled:
        raise AssertionError(f"write actions without a handler: {sorted(declared - handled)}; "
                             f"handlers without a write action: {sorted(handled - declared)}")
