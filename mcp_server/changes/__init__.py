"""Safe changes: the agent proposes, a person confirms, the server applies once and keeps a record.

A write action is declared like any other action in a connector's catalog (`Action(..., write=True)`, its
params a pydantic model), so it shows in the entity's actions, the execute tool's `action` enum, `describe`
and the resources. What is vendor-specific about it lives in the connector's folder (`writes.py`), as one
`WriteHandler` per (entity, action), gathered in a `ConnectorWrites` that the connector declares
(`Connector.writes`, as `Connector.report` is for ads_report).

The flow, for every connector alike:

1. Preview (`*_execute` with a write action; read-only, never writes): validate params → `handler.read`
   (the current state of every object the change touches) → `handler.plan` (guardrails refuse here, naming
   the setting that allows them) → a `Plan`, signed into `meta.change_id` with `meta.expires_at`.
2. `apply_change({"change_id"})` (listed only when CONNECTOR_MCP_WRITES is on): verify signature and
   expiry → at most once (the first result is answered again, nothing sent) → the person confirms
   (elicitation when the client can) → `handler.read` again: drift refuses, "already applied" sends nothing
   → `handler.send` for each `VendorCall` of the plan, in order, once each → one journal line.

Public surface: `spec` (the interface a connector implements), `guardrails` (shared checks). The machinery is
internal: `service` (settings, backends, the at-most-once store), `preview`, `change_id` (the signed plan),
`summary` (the paragraph a person confirms), `apply`, `journal`, `tool` (apply_change, elicitation) and `cli`
(`connector-mcp changes` / `apply`).
"""

from .spec import (
    CallResult,
    ConnectorWrites,
    FieldChange,
    GuardrailRefused,
    Limits,
    ObjectChange,
    OutcomeUnknown,
    Proposal,
    Snapshot,
    VendorCall,
    WriteContext,
    WriteHandler,
)

__all__ = [
    "CallResult",
    "ConnectorWrites",
    "FieldChange",
    "GuardrailRefused",
    "Limits",
    "ObjectChange",
    "OutcomeUnknown",
    "Proposal",
    "Snapshot",
    "VendorCall",
    "WriteContext",
    "WriteHandler",
]
