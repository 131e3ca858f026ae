"""apply_change: at most once per change id, confirmed by a person, refused on drift, never resent.

Order: verify the id (signature) -> a change already applied answers its first result again and sends
nothing (this process's store, then the journal: replicas that share the journal file share this) -> expiry
-> read the objects again: all fields already at `proposed` = "already_applied", nothing sent (this is what
keeps at-most-once across --stateless replicas that share no journal); any field no longer at `current` =
drift, refused -> the person confirms (elicitation; re-read after it, time passed) -> each VendorCall once.

After the vendor certainly refused (an error answer, or a connect error: nothing was sent), the id is not
spent: it may be applied again. After an ambiguous failure (answer lost, timeout, 5xx) the id is spent: a
second apply reads the state back and reports it, and never resends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

import anyio

from ..errors import ConnectorError, InvalidParams, OutcomeUnknown, VendorUnavailable
from ..validation import validate_params
from .change_id import Change, PlanGone, digest
from .service import Changes
from .spec import CallResult, Snapshot
from .summary import summary

Answer = Literal["accept", "decline", "cancel", "approved"]
# Asks the person with the summary; "approved" = the client approved the destructive tool call itself.
Confirm = Callable[[str], Awaitable[Answer]]


class Drift(ConnectorError):
    kind = "drift"


class Declined(ConnectorError):
    kind = "declined"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def compare(change: Change, snapshot: Snapshot) -> tuple[str, list[str]]:
    """'pending' (every field still at current), 'done' (every field at proposed) or 'drift' (differences)."""
    pending, done, drift = True, True, []
    for obj in change.objects:
        if obj.object_id is None:  # a create: nothing to read back
            done = False
            continue
        state = snapshot.objects.get(obj.object_id)
        if state is None:
            pending = False
            if obj.kind != "delete":
                done = False
                drift.append(f"{obj.object_id} is gone")
            continue
        for name, field in obj.fields.items():
            now = state.get(name)
            if not _same(now, field.current):
                pending = False
            if not _same(now, field.proposed):
                done = False
                if not _same(now, field.current):
                    drift.append(f"{obj.object_id}.{name} is now {now!r} (the preview showed {field.current!r})")
    if pending:
        return "pending", []
    if done:
        return "done", []
    return "drift", drift or ["some objects already changed and others not"]


def _records(change: Change, result: str, applied: set[str] | None = None) -> list[dict[str, Any]]:
    out = []
    for obj in change.objects:
        ok = applied is None or obj.object_id is None or obj.object_id in applied
        out.append({
            "id": obj.object_id, **({"name": obj.label} if obj.label else {}), "change": obj.kind,
            "before": {k: f.current for k, f in obj.fields.items()} or None,
            "after": ({k: f.proposed for k, f in obj.fields.items()} or obj.new_object) if ok else None,
            "result": result if ok else "not_applied",
        })  # fmt: skip
    return out


class Applier:
    def __init__(self, changes: Changes):
        self.changes = changes

    async def apply(self, token: Any, confirm: Confirm, caller: dict[str, Any] | None = None) -> dict[str, Any]:
        gone: PlanGone | None = None
        try:
            change = Change.decode(token, self.changes.held)
        except PlanGone as exc:  # signed by this key, but its plan is held elsewhere: a repeat still answers
            gone = exc
        key = digest(token)
        async with self.changes.store.lock(key):
            first = self.changes.store.get(key) or self._from_journal(key)
            if first is not None and first["meta"]["result"] != "unknown":
                return {**first, "meta": {**first["meta"], "repeated": True,
                                          "note": "this change was applied before; nothing was sent again"}}  # fmt: skip
            if gone is not None:
                raise gone
            if first is None and change.expired():
                raise InvalidParams(f"change_id expired at {change.expires_at}.", fix="Preview the change again.")
            connector = self.changes.connector(change.connector)
            assert connector.writes is not None
            handler = connector.writes.handler(change.entity, change.action)
            spec = connector.catalog.entities[change.entity].actions[change.action]
            params = validate_params(change.entity, spec, change.params)
            ctx = await self.changes.context(connector)
            if ctx.mode != change.mode:  # its requests are the other mode's (Rest.li paths vs Airbyte's execute)
                raise InvalidParams(f"this change was previewed in {change.mode} mode and this server reaches "
                                    f"{connector.title} in {ctx.mode} mode; nothing was sent.",
                                    fix="Preview the change again on this server and apply the new change_id.")  # fmt: skip
            if first is not None:  # an earlier attempt's outcome is unknown: read back, never resend
                return await self._settle(change, key, handler, ctx, params, caller)

            state, drift = compare(change, await handler.read(ctx, params))
            if state == "done":
                return self._finish(change, key, "already_applied", [], caller, note="the vendor already shows every proposed value; nothing was sent")
            if state == "drift":
                raise Drift("the objects changed since the preview: " + "; ".join(drift[:5]) + ". Nothing was sent.",
                            fix="Preview the change again and apply the new change_id.")  # fmt: skip
            answer = await confirm(summary(connector, change))
            if answer in ("decline", "cancel"):
                raise Declined(f"the person {answer}d the change; nothing was sent.", fix="Preview again if the change is still wanted.")
            if answer == "accept":  # time passed while the person read: read again
                state, drift = compare(change, await handler.read(ctx, params))
                if state != "pending":
                    raise Drift("the objects changed while the person was asked: " + "; ".join(drift[:5] or ["already applied"])
                                + ". Nothing was sent.", fix="Preview the change again.")  # fmt: skip
            return await self._send(change, key, handler, ctx, caller, answer)

    def _from_journal(self, key: str) -> dict[str, Any] | None:
        entry = self.changes.journal.last_for(key)
        if entry is None or entry.get("result") in ("refused",):
            return None
        return {"data": entry.get("records") or [], "meta": {"change_id_digest": key, "result": entry["result"],
                "request_ids": entry.get("request_ids") or [], "journal": str(self.changes.journal.path)}}  # fmt: skip

    async def _send(self, change: Change, key: str, handler, ctx, caller, answer: str) -> dict[str, Any]:
        # Once a write may leave, the call deadline or a client's cancel must not cut in between sending and
        # recording: the id would stay unspent and a create be sent again. Each request has its own deadline.
        with anyio.CancelScope(shield=True):
            return await self._send_all(change, key, handler, ctx, caller, answer)

    async def _send_all(self, change: Change, key: str, handler, ctx, caller, answer: str) -> dict[str, Any]:
        results: list[CallResult] = []
        applied: set[str] = set()
        for index, call in enumerate(change.calls):
            try:
                result = await handler.send(ctx, call)
            except (OutcomeUnknown, VendorUnavailable) as exc:
                self._record(change, key, "unknown", results, caller, applied, error=exc)
                self.changes.store.put(key, {"data": [], "meta": {"result": "unknown"}})
                raise OutcomeUnknown(
                    f"{exc.message} The change may have been applied{' in part' if index else ''}; it was not sent again.",
                    fix="Call apply_change with the same change_id: it reads the objects back and reports what "
                    f"happened without resending; or list the {change.entity} to check.",
                    request_id=exc.request_id,
                ) from None
            except ConnectorError as exc:
                if index == 0:  # the vendor refused: nothing applied, the id may be applied again
                    self._record(change, key, "refused", results, caller, applied, error=exc)
                    raise
                self._record(change, key, "partial", results, caller, applied, error=exc)
                out = self._result(change, key, "partial", results, applied, warnings=[
                    f"call {index + 1} of {len(change.calls)} failed ({exc.render()}); the calls before it were applied"])
                self.changes.store.put(key, out)
                return out
            results.append(result)
            applied |= set(call.object_ids) - set(result.failed)
        outcome = "partial" if any(r.failed for r in results) else "applied"
        warnings = [f"the vendor refused {oid}: {why}" for r in results for oid, why in r.failed.items()]
        self._record(change, key, outcome, results, caller, applied)
        out = self._result(change, key, outcome, results, applied, warnings=warnings)
        out["meta"]["confirmed_by"] = "the person (elicitation)" if answer == "accept" else "the client's approval of apply_change"
        self.changes.store.put(key, out)
        return out

    async def _settle(self, change: Change, key: str, handler, ctx, params, caller) -> dict[str, Any]:
        if any(o.object_id is None for o in change.objects):
            raise OutcomeUnknown(
                "an earlier apply of this create lost its answer; a create cannot be read back by id, so it was not sent again.",
                fix=f"List the {change.entity} to see whether it exists; preview again only if it does not.",
            )
        state, _ = compare(change, await handler.read(ctx, params))
        if state == "done":
            return self._finish(change, key, "applied", [], caller, note="confirmed by reading the objects back after the earlier attempt lost its answer; nothing was sent again")
        what = "did not take effect" if state == "pending" else "took effect in part, or the objects changed since"
        raise OutcomeUnknown(
            f"the earlier attempt {what}, as far as the vendor shows now. It was not sent again (a change id applies at most once).",
            fix="Preview the change again and apply the new change_id if it is still wanted.",
        )

    def _finish(self, change, key, outcome, results, caller, note: str) -> dict[str, Any]:
        self._record(change, key, outcome, results, caller, None)
        out = self._result(change, key, outcome, results, None)
        out["meta"]["note"] = note
        self.changes.store.put(key, out)
        return out

    def _result(self, change: Change, key: str, outcome: str, results: list[CallResult], applied, warnings=()) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "connector": change.connector, "entity": change.entity, "action": change.action, "account": change.account,
            "result": outcome, "change_id_digest": key, "request_ids": [r.request_id for r in results if r.request_id],
            "journal": str(self.changes.journal.path),
        }  # fmt: skip
        created = [r.created_id for r in results if r.created_id]
        if created:
            meta["created_ids"] = created
        if warnings:
            meta["warnings"] = list(warnings)
        return {"data": _records(change, outcome, applied), "next_cursor": None, "meta": meta}

    def _record(self, change, key, outcome, results, caller, applied, error: ConnectorError | None = None) -> None:
        entry: dict[str, Any] = {
            "change": key, "connector": change.connector, "account": change.account, "entity": change.entity,
            "action": change.action, "object_ids": [o.object_id for o in change.objects],
            "before": {o.object_id or "new": {k: f.current for k, f in o.fields.items()} for o in change.objects},
            "after": {o.object_id or "new": ({k: f.proposed for k, f in o.fields.items()} or o.new_object)
                      for o in change.objects},
            "request_ids": [r.request_id for r in results if r.request_id],
            "result": outcome,
        }  # fmt: skip
        created = [r.created_id for r in results if r.created_id]
        if created:
            entry["created_ids"] = created
        if error is not None:
            entry["error"] = error.render()
        if caller:
            entry["caller"] = caller
        entry["records"] = _records(change, outcome, applied)
        self.changes.journal.append(entry)
