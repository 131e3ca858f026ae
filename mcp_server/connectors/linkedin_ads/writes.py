"""LinkedIn's write actions for the changes machinery (mcp_server/changes/spec.py): per (entity, action) how
to read the objects, plan the change in LinkedIn's terms, and send it once.

Reads go through the connector's own backend (`ctx.backend.fetch`), so a preview in hosted mode reads through
Airbyte too. Plans show readable values (money as numbers, times as ISO, as lists show them) so the drift check
compares like with like; the VendorCall carries LinkedIn's form (amount strings, epoch milliseconds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ...backends.base import PageRequest
from ...changes import (
    CallResult,
    ConnectorWrites,
    FieldChange,
    GuardrailRefused,
    Limits,
    ObjectChange,
    Proposal,
    Snapshot,
    VendorCall,
    WriteContext,
)
from ...changes.guardrails import DELETE_SETTING, check_budget, check_currency, refuse_irreversible_delete, spend_starts
from ...errors import InvalidParams, NotFound
from . import params as p
from . import restli
from . import write_params as w
from .records import readable
from .write_api import send_direct, send_hosted, vendor_call

DELIVERING = "ACTIVE"
BUDGETS = ("dailyBudget", "totalBudget")
MONEY = ("dailyBudget", "totalBudget", "unitCost", "value")
SHOWN_EVENTS = 50  # a preview lists at most this many events one by one; the rest are summed up
COMPOUND_KEY_HOSTED = (
    "Airbyte's LinkedIn connector (spec 1.2.0) addresses {what} as /{path}/(name={{urn}},...), while LinkedIn's "
    "Rest.li 2.0 key is (name:<urn>,...); Airbyte marks the operation untested, and the sandbox refuses that key "
    "as LinkedIn's parser would. Use direct mode for this change (LINKEDIN_ADS_MODE=direct with LinkedIn credentials)."
)


def _soft_delete_fix(entity: str, key: str, params: dict[str, Any]) -> str:
    shown = ", ".join(f'"{k}": {v!r}' for k, v in params.items() if v is not None).replace("'", '"')
    pause = "" if entity == "accounts" else f'To stop delivery and keep it, preview `{entity} update` with "{key}": "PAUSED". '
    return (f'{pause}To remove it, preview `{entity} update` with {{{shown}, "{key}": "PENDING_DELETION"}} instead: '
            f"LinkedIn's soft delete, which works for any status and cannot be undone (it needs {DELETE_SETTING}=on).")  # fmt: skip


def _account(ctx: WriteContext, params: BaseModel, *names: str) -> str:
    account_id = p.default_account(params, *names, "account_id") or ctx.settings.account_id
    if not account_id:
        raise InvalidParams("this change needs account_id.", fix="Pass params.account_id or set LINKEDIN_ADS_ACCOUNT_ID.")
    return restli.urn_id(restli.to_urn("account", account_id))


async def _get(ctx: WriteContext, entity: str, model: type[BaseModel], **values: Any) -> dict[str, Any] | None:
    """One object through the connector's backend (direct or hosted); None when LinkedIn finds none."""
    try:
        page = await ctx.backend.fetch(PageRequest(entity, "get", model(**values), None, 1))
    except NotFound:
        return None
    return page.records[0] if page.records else None


async def _account_facts(ctx: WriteContext, account_id: str) -> dict[str, Any]:
    record = await _get(ctx, "accounts", p.AccountsGet, id=account_id)
    if record is None:
        raise NotFound(f"ad account {account_id} was not found.", fix="`accounts list` shows the accounts this token can read.")
    return {"id": str(record.get("id")), "currency": record.get("currency"), "name": record.get("name"), "status": record.get("status")}


def _with_currency(label: str, value: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """Money as LinkedIn takes it: {amount: string, currencyCode: the account's currency}."""
    check_currency(label, value.get("currencyCode"), currency)
    return {"amount": str(value["amount"]), "currencyCode": value.get("currencyCode") or currency}


def _shown(name: str, value: Any) -> Any:
    """A value as lists show it (readable): what the drift check compares."""
    return readable({name: value})[name]


def _amount(value: Any) -> float | None:
    try:
        return float(value["amount"]) if isinstance(value, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def _now_ms() -> int:
    return int(time.time() // 60 * 60_000)  # to the minute: LinkedIn schedules need no more


@dataclass
class Base:
    entity: str
    action: str
    guardrails: tuple[str, ...] = ()

    async def send(self, ctx: WriteContext, call: VendorCall) -> CallResult:
        if call.method == "HOSTED":
            return await send_hosted(ctx.backend, self.entity, call)
        return await send_direct(ctx.backend.api, self.entity, call)

    def call(self, ctx: WriteContext, params: dict[str, Any], object_ids: list[str]) -> VendorCall:
        return vendor_call(ctx.mode, self.entity, self.action, params, object_ids)


# -- objects with a status: accounts, campaign groups, campaigns, creatives ----------------------------
@dataclass(frozen=True)
class ObjectKind:
    entity: str
    get_model: type[BaseModel]
    status_key: str = "status"
    account_scoped: bool = True  # path /adAccounts/{account_id}/...
    id_kind: str = ""  # URN kind for labels

    def object_id(self, params: BaseModel) -> str:
        return str(params.id)


ACCOUNTS = ObjectKind("accounts", p.AccountsGet, account_scoped=False)
GROUPS = ObjectKind("campaign_groups", p.CampaignGroupsGet)
CAMPAIGNS = ObjectKind("campaigns", p.CampaignsGet)
CREATIVES = ObjectKind("creatives", p.CreativesGet, status_key="intendedStatus")


@dataclass
class Update(Base):
    kind: ObjectKind = ACCOUNTS

    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        oid = self.kind.object_id(params)
        if self.kind.account_scoped:
            account_id = _account(ctx, params)
            facts = await _account_facts(ctx, account_id)
            record = await _get(ctx, self.entity, self.kind.get_model, account_id=account_id, id=params.id)
        else:
            record = await _get(ctx, self.entity, self.kind.get_model, id=params.id)
            facts = {"id": oid, "currency": (record or {}).get("currency"), "name": (record or {}).get("name")}
        snapshot = Snapshot(account=facts)
        if record is not None:
            snapshot.objects[oid] = record
            snapshot.labels[oid] = str(record.get("name") or oid)
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        oid = self.kind.object_id(params)
        current = snapshot.objects.get(oid)
        if current is None:
            raise NotFound(f"{self.entity} {oid} was not found.", fix=f"`{self.entity} list` shows the ids.")
        label = f"{self.entity[:-1].replace('_', ' ')} {snapshot.labels.get(oid, oid)} ({oid})"
        currency = snapshot.account.get("currency")
        try:
            changes = params.changes(*params.path_params())
        except ValueError as error:
            raise InvalidParams(str(error), fix="Give each field once.") from None
        sent: dict[str, Any] = {}
        fields: dict[str, FieldChange] = {}
        notices: list[str] = []
        for name, value in changes.items():
            if name in MONEY and isinstance(value, dict):
                value = _with_currency(f"{label} {name}", w._money(value), currency)
            sent[name] = value
            before, after = current.get(name), _shown(name, value)
            if before != after:
                fields[name] = FieldChange(before, after)
        if not fields:
            raise GuardrailRefused(f"{label} already has these values; nothing would change.", fix="Preview a different value.")
        for name in BUDGETS:
            if name in fields:
                check_budget(f"{label} {name}", _amount(current.get(name)), _amount(sent[name]) or 0.0, ctx.limits, currency)
        notices += self.status_rules(label, current, fields, params, ctx.limits)
        if ctx.mode == "hosted":
            base = {"account_id": int(_account(ctx, params))} if self.kind.account_scoped else {}
        else:
            base = {"account_id": _account(ctx, params)} if self.kind.account_scoped else {}
        call = self.call(ctx, {**base, "id": _path_id(self.kind, oid, ctx.mode), "patch": {"$set": sent}}, [oid])
        return Proposal(snapshot.account.get("id"), [ObjectChange(oid, "update", fields, label=snapshot.labels.get(oid))], [call], notices)

    def status_rules(self, label: str, current: dict[str, Any], fields: dict[str, FieldChange], params: Any,
                     limits: Limits) -> list[str]:  # fmt: skip
        key = self.kind.status_key
        if key not in fields:
            return []
        before, after = fields[key].current, fields[key].proposed
        if before == "CANCELED" and self.entity == "campaign_groups":
            raise GuardrailRefused(
                f"{label} is CANCELED, which LinkedIn makes final: a canceled campaign group cannot be reactivated.",
                fix="Create a new campaign group (campaign_groups create) and move the campaigns into it.",
            )
        if after in FINAL:  # a soft delete or a cancel cannot be undone: the same setting as TikTok's DELETE
            refuse_irreversible_delete(f"{label} {key} {after}", limits, _reversible(self.entity, key))
        if after == DELIVERING and self.entity != "accounts":
            return [spend_starts(label)]
        if after == "PENDING_DELETION":
            return [f"{label} will be soft-deleted (PENDING_DELETION): it stops delivering and disappears from "
                    "Campaign Manager; LinkedIn removes it later."]  # fmt: skip
        return []


FINAL = ("PENDING_DELETION", "CANCELED")  # LinkedIn: deleted later / "permanently canceled", never reactivated


def _reversible(entity: str, key: str) -> str:
    if entity == "accounts":
        return "Pause the account's campaign groups or campaigns instead (status PAUSED): delivery stops and can resume."
    return f"Pause it instead ({key} PAUSED): it stops delivery and can be switched back on."


def _path_id(kind: ObjectKind, oid: str, mode: str) -> Any:
    """Airbyte declares numeric ids as integers; creatives are URNs."""
    return int(oid) if mode == "hosted" and oid.isdigit() else oid


@dataclass
class Delete(Update):
    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        return await Update.read(self, ctx, params)

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        oid = self.kind.object_id(params)
        current = snapshot.objects.get(oid)
        if current is None:
            raise NotFound(f"{self.entity} {oid} was not found (already deleted?).", fix=f"`{self.entity} list` shows the ids.")
        key = self.kind.status_key
        status = current.get(key)
        label = f"{self.entity[:-1].replace('_', ' ')} {snapshot.labels.get(oid, oid)} ({oid})"
        if status != "DRAFT":
            path = {"account_id": getattr(params, "account_id", None) or (ctx.settings.account_id if self.kind.account_scoped else None), "id": oid}
            raise GuardrailRefused(
                f"{label} is {status}: LinkedIn deletes only DRAFT {self.entity.replace('_', ' ')} (any other is "
                "refused with HTTP 400).",
                fix=_soft_delete_fix(self.entity, key, path),
            )
        base = {"account_id": _hosted_int(_account(ctx, params), ctx.mode)} if self.kind.account_scoped else {}
        call = self.call(ctx, {**base, "id": _path_id(self.kind, oid, ctx.mode)}, [oid])
        change = ObjectChange(oid, "delete", {key: FieldChange(status, None)}, label=snapshot.labels.get(oid))
        return Proposal(snapshot.account.get("id"), [change], [call], [f"{label} will be deleted for good (it is a DRAFT and never delivered)."])


def _hosted_int(value: str, mode: str) -> Any:
    return int(value) if mode == "hosted" and value.isdigit() else value


# -- creates --------------------------------------------------------------------------------------
@dataclass
class Create(Base):
    status_key: str | None = "status"
    account_scoped: bool = True
    money: tuple[str, ...] = ()
    schedule: bool = False
    account_field: bool = True  # the body carries `account` (URN)

    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        if self.entity == "accounts":
            return Snapshot(account={"currency": params.currency})
        account_id = _account(ctx, params, "account")
        snapshot = Snapshot(account=await _account_facts(ctx, account_id))
        if self.entity == "creatives":  # the campaign must be in the account
            record = await _get(ctx, "campaigns", p.CampaignsGet, account_id=account_id, id=restli.urn_id(params.campaign))
            if record is not None:
                snapshot.labels[params.campaign] = str(record.get("name"))
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        body = params.model_dump(exclude_none=True)
        currency = snapshot.account.get("currency")
        query = {k: body.pop(k) for k in ("autoAssociationType",) if k in body}
        path: dict[str, Any] = {}
        if self.entity != "accounts":
            account_id = _account(ctx, params, "account")
            body.pop("account_id", None)
            if self.account_field:
                body["account"] = restli.to_urn("account", account_id)
            if self.account_scoped:
                path["account_id"] = _hosted_int(account_id, ctx.mode)
        if self.entity == "creatives" and params.campaign not in snapshot.labels:
            raise NotFound(f"campaign {params.campaign} is not in ad account {snapshot.account.get('id')}.",
                                fix="`campaigns list` shows the account's campaigns.")  # fmt: skip
        for name in self.money:
            if name in body:
                body[name] = _with_currency(f"new {self.entity[:-1]} {name}", w._money(body[name]), currency)
        if self.schedule and "runSchedule" not in body:
            body["runSchedule"] = {"start": _now_ms()}
        label = f"new {self.entity[:-1].replace('_', ' ')} {body.get('name', '')}".strip()
        notices = []
        if self.status_key and body.get(self.status_key) == DELIVERING:
            notices.append(spend_starts(label))
        elif self.status_key:
            notices.append(f"{label} is created {body.get(self.status_key)}: it delivers nothing until its status is set to ACTIVE.")
        call = self.call(ctx, {**path, **body, **query}, [])
        # Shown as lists show objects (ISO times, numeric amounts); the call carries LinkedIn's form.
        shown = readable({**body, **query})
        return Proposal(snapshot.account.get("id"), [ObjectChange(None, "create", new_object=shown, label=body.get("name"))], [call], notices)


# -- account users and campaign conversions (compound keys) ----------------------------------------
def _refuse_hosted(ctx: WriteContext, what: str, path: str) -> None:
    if ctx.mode == "hosted":
        raise InvalidParams(f"{what} changes cannot go through Airbyte's hosted API.", fix=COMPOUND_KEY_HOSTED.format(what=what, path=path))


@dataclass
class AccountUser(Base):
    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        _refuse_hosted(ctx, "account user", "adAccountUsers")
        account_id = _account(ctx, params, "account")
        key = _user_key(account_id, params.user)
        role = None
        listing = PageRequest("account_users", "list", p.AccountUsersList(accounts=account_id), None, 500)
        while True:
            page = await ctx.backend.fetch(listing)
            role = next((u.get("role") for u in page.records if u.get("user") == params.user), role)
            if role or page.next_state is None:
                break
            listing.state = page.next_state
        snapshot = Snapshot(account={"id": account_id})
        snapshot.objects[key] = {"role": role}
        snapshot.labels[key] = params.user
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        account_id = snapshot.account["id"]
        account = restli.to_urn("account", account_id)
        key = _user_key(account_id, params.user)
        before = snapshot.objects[key]["role"]
        label = f"{params.user} on {account}"
        if self.action == "delete":
            if before is None:
                raise NotFound(f"{label}: the member has no role there; nothing to remove.", fix="`account_users list` shows the roles.")
            change = ObjectChange(key, "delete", {"role": FieldChange(before, None)}, label=params.user)
            return Proposal(account_id, [change], [self.call(ctx, {"account": account, "user": params.user}, [key])])
        if self.action == "update":
            role = str(params.changes(*params.path_params())["role"]).upper()
            if before is None:
                raise NotFound(f"{label}: the member has no role to update.", fix="Use account_users create to add one.")
        else:
            role = params.role
        if before == role:
            raise GuardrailRefused(f"{label} already has the role {role}; nothing would change.", fix="Preview a different role.")
        kind = "create" if before is None else "update"
        body = {"account": account, "user": params.user}
        body |= {"patch": {"$set": {"role": role}}} if self.action == "update" else {"role": role}
        change = ObjectChange(key, kind, {"role": FieldChange(before, role)}, label=params.user)
        if kind == "create":
            change.new_object = {"account": account, "user": params.user, "role": role}
        return Proposal(account_id, [change], [self.call(ctx, body, [key])])


def _user_key(account_id: str, user: str) -> str:
    return f"(account:{restli.to_urn('account', account_id)},user:{user})"


@dataclass
class CampaignConversion(Base):
    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        _refuse_hosted(ctx, "campaign conversion", "campaignConversions")
        account_id = _account(ctx, params)
        conversion_id = params.conversion_urn.rsplit(":", 1)[-1]
        rule = await _get(ctx, "conversions", p.ConversionsGet, account_id=account_id, id=conversion_id)
        campaign = await _get(ctx, "campaigns", p.CampaignsGet, account_id=account_id, id=restli.urn_id(params.campaign_urn))
        if rule is None or campaign is None:
            missing = "conversion rule " + params.conversion_urn if rule is None else "campaign " + params.campaign_urn
            raise NotFound(f"{missing} is not in ad account {account_id}.", fix="Pass the account_id both belong to.")
        key = f"(campaign:{params.campaign_urn},conversion:{params.conversion_urn})"
        snapshot = Snapshot(account={"id": account_id})
        snapshot.objects[key] = {"associated": params.campaign_urn in (rule.get("campaigns") or [])}
        snapshot.labels[key] = f"{campaign.get('name')} ↔ {rule.get('name')}"
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        key = f"(campaign:{params.campaign_urn},conversion:{params.conversion_urn})"
        before = snapshot.objects[key]["associated"]
        after = self.action == "create"
        if before == after and not after:
            raise NotFound(f"{snapshot.labels[key]}: the campaign is not associated with the rule; nothing to remove.")
        if before == after:
            raise GuardrailRefused(f"{snapshot.labels[key]}: the campaign is already associated with the rule; nothing would change.",
                                   fix="Nothing to do.")
        body = {"campaign_urn": params.campaign_urn, "conversion_urn": params.conversion_urn}
        if after:
            body |= {"campaign": params.campaign_urn, "conversion": params.conversion_urn}
        change = ObjectChange(key, "create" if after else "delete", {"associated": FieldChange(before, after)}, label=snapshot.labels[key])
        return Proposal(snapshot.account["id"], [change], [self.call(ctx, body, [key])])


# -- conversions and conversion events ------------------------------------------------------------
@dataclass
class ConversionUpdate(Update):
    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        account_id = _account(ctx, params, "account")
        snapshot = Snapshot(account=await _account_facts(ctx, account_id))
        record = await _get(ctx, "conversions", p.ConversionsGet, account_id=account_id, id=params.id)
        if record is not None:
            snapshot.objects[params.id] = record
            snapshot.labels[params.id] = str(record.get("name") or params.id)
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        proposal = Update.plan(self, ctx, params, snapshot)
        call = proposal.calls[0]
        account = restli.to_urn("account", snapshot.account["id"])
        set_ = (call.body.get("patch") or {}).get("$set") or {}
        for name in ("account_id", "account"):
            set_.pop(name, None)
        params_out = {"id": _hosted_int(params.id, ctx.mode), "account": account, "patch": {"$set": set_}}
        proposal.calls = [self.call(ctx, params_out, [params.id])]
        return proposal


@dataclass
class ConversionEvents(Base):
    async def read(self, ctx: WriteContext, params: Any) -> Snapshot:
        account_id = p.default_account(params, "account_id") or ctx.settings.account_id
        snapshot = Snapshot(account={"id": restli.urn_id(str(account_id))} if account_id else {})
        if account_id:  # name the rules, and catch unknown ones before sending
            listing = PageRequest("conversions", "list", p.ConversionsList(account_id=account_id), None, 500)
            while True:
                page = await ctx.backend.fetch(listing)
                for rule in page.records:
                    snapshot.labels[w.CONVERSION_URN + str(rule.get("id"))] = str(rule.get("name"))
                if page.next_state is None:
                    break
                listing.state = page.next_state
        return snapshot

    def plan(self, ctx: WriteContext, params: Any, snapshot: Snapshot) -> Proposal:
        events = params.elements  # checked by the model: rule URNs, epoch ms within 90 days, a user each
        unknown = sorted({e["conversion"] for e in events if snapshot.labels and e["conversion"] not in snapshot.labels})
        if unknown:
            raise NotFound(f"conversion rule(s) {', '.join(unknown[:10])} are not rules of ad account {snapshot.account.get('id')}.",
                           fix="`conversions list` shows the account's rules; pass account_id for another account.")  # fmt: skip
        objects = [ObjectChange(None, "create", new_object=e, label=snapshot.labels.get(e["conversion"])) for e in events[:SHOWN_EVENTS]]
        notices = []
        if len(events) > SHOWN_EVENTS:
            counts: dict[str, int] = {}
            for event in events:
                counts[event["conversion"]] = counts.get(event["conversion"], 0) + 1
            objects.append(ObjectChange(None, "create", new_object={"more_events": len(events) - SHOWN_EVENTS, "events_per_rule": counts}))
            notices.append(f"{len(events)} events in one batch; the first {SHOWN_EVENTS} are listed one by one.")
        without_id = sum(1 for e in events if not e.get("eventId"))
        if without_id:
            notices.append(f"{without_id} event(s) have no eventId, so LinkedIn cannot de-duplicate them against the Insight Tag "
                           "or a later upload of the same events.")  # fmt: skip
        return Proposal(snapshot.account.get("id"), objects, [self.call(ctx, {"elements": events}, [])], notices)


# -- the declaration ------------------------------------------------------------------------------
SPEND = "Setting status (intendedStatus for creatives) to ACTIVE is allowed; the plan says loudly that spend starts."
BUDGET = "A budget (dailyBudget, totalBudget) may rise by at most CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT (default 50%) per change."
CURRENCY = "Money must be in the ad account's currency (a plain number takes it)."
DRAFT_ONLY = "LinkedIn deletes only DRAFT objects: any other is refused at preview with the pause and the soft delete (status PENDING_DELETION) that work."
FINAL_TEXT = ("status PENDING_DELETION (the soft delete) or CANCELED cannot be undone: refused unless CONNECTOR_MCP_ALLOW_DELETE=on "
              "(PAUSED stops delivery instead).")
DRAFT_CREATE = "Creates default to DRAFT (no delivery) unless status/intendedStatus says otherwise."
CANCELED = "A CANCELED campaign group cannot be reactivated (LinkedIn makes it final): refused at preview."

HANDLERS = {
    ("accounts", "create"): Create("accounts", "create", (CURRENCY,), status_key=None, account_scoped=False, account_field=False),
    ("accounts", "update"): Update("accounts", "update", ("Most account fields need the ACCOUNT_BILLING_ADMIN role.", FINAL_TEXT), ACCOUNTS),
    ("accounts", "delete"): Delete("accounts", "delete", (DRAFT_ONLY,), ACCOUNTS),
    ("account_users", "create"): AccountUser("account_users", "create", ("Direct mode only (compound key).",)),
    ("account_users", "update"): AccountUser("account_users", "update", ("Direct mode only (compound key).",)),
    ("account_users", "delete"): AccountUser("account_users", "delete", ("Direct mode only (compound key).",)),
    ("campaign_groups", "create"): Create("campaign_groups", "create", (DRAFT_CREATE, SPEND, CURRENCY), money=("totalBudget",), schedule=True),
    ("campaign_groups", "update"): Update("campaign_groups", "update", (SPEND, BUDGET, CURRENCY, CANCELED, FINAL_TEXT), GROUPS),
    ("campaign_groups", "delete"): Delete("campaign_groups", "delete", (DRAFT_ONLY,), GROUPS),
    ("campaigns", "create"): Create("campaigns", "create", (DRAFT_CREATE, SPEND, CURRENCY), money=("dailyBudget", "totalBudget", "unitCost"), schedule=True),
    ("campaigns", "update"): Update("campaigns", "update", (SPEND, BUDGET, CURRENCY, FINAL_TEXT, "$set replaces a whole field (targetingCriteria included)."), CAMPAIGNS),
    ("campaigns", "delete"): Delete("campaigns", "delete", (DRAFT_ONLY,), CAMPAIGNS),
    ("creatives", "create"): Create("creatives", "create", (DRAFT_CREATE, SPEND), status_key="intendedStatus", account_field=False),
    ("creatives", "update"): Update("creatives", "update", (SPEND, FINAL_TEXT, "Only intendedStatus, name and leadgenCallToAction can change."), CREATIVES),
    ("creatives", "delete"): Delete("creatives", "delete", (DRAFT_ONLY,), CREATIVES),
    ("conversions", "create"): Create("conversions", "create", (CURRENCY,), status_key=None, account_scoped=False, money=("value",)),
    ("conversions", "update"): ConversionUpdate("conversions", "update", ("Conversion rules have no delete: enabled=false retires one.",), ObjectKind("conversions", p.ConversionsGet)),
    ("conversion_events", "create"): ConversionEvents("conversion_events", "create", (
        "At most 5,000 events per change; each at most 90 days old, its time in epoch milliseconds: checked at preview.",
        "After apply, each event's result is reported (a partial failure is per event, never all-or-nothing).",
    )),
    ("campaign_conversions", "create"): CampaignConversion("campaign_conversions", "create", ("Direct mode only (compound key).",)),
    ("campaign_conversions", "delete"): CampaignConversion("campaign_conversions", "delete", ("Direct mode only (compound key).",)),
}  # fmt: skip

WRITES = ConnectorWrites(
    handlers=HANDLERS,
    permissions=(
        "rw_ads for accounts, account users, campaign groups, campaigns and creatives; rw_conversions for conversions, "
        "conversion events and campaign conversions. The member's role decides too: VIEWER is read-only even with "
        "rw_ads; campaigns and groups need CAMPAIGN_MANAGER or higher, creatives CREATIVE_MANAGER or higher, account "
        "users ACCOUNT_MANAGER or higher, account fields ACCOUNT_BILLING_ADMIN; the Conversions API needs one of the "
        "four manager roles."
    ),
)
