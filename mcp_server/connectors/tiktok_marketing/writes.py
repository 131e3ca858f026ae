"""TikTok's write actions: `update` on campaigns, ad_groups and ads (mcp_server/changes/spec.py).

Reads: */get/ with filtering on the ids (primary_status STATUS_ALL, so a deleted object is seen as deleted)
and advertiser/info/ (currency, time zone). Writes (POST JSON, SDK CampaignCreationApi.md / AdgroupApi.md /
AdApi.md): */status/update/ (1-20 ids, ENABLE | DISABLE | DELETE; "the status of deleted ads cannot be
modified"), campaign/update/ (budget, campaign_name; one campaign), adgroup/update/ (adgroup_name,
bid_price; one ad group), adgroup/budget/update/ (`budget: [{adgroup_id, budget}]`, 1-20; not in the official
SDK; refuses changes from 23:55 to 00:00 in the advertiser's time zone, TikTok docs 1739591133130817).
An ad group's budget is ignored under campaign budget optimisation (SDK AdgroupUpdateBody.md): refused here.
Hosted mode is refused: Airbyte's TikTok connector has no writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ...changes.guardrails import check_budget, check_currency, refuse_irreversible_delete, spend_starts
from ...changes.spec import (
    CallResult,
    ConnectorWrites,
    FieldChange,
    GuardrailRefused,
    ObjectChange,
    Proposal,
    Snapshot,
    VendorCall,
    WriteContext,
)
from ...errors import InvalidParams, NotFound, PermissionDenied
from .clock import advertiser_zone, now, zone
from .write_params import MAX_IDS, _Update

ADVERTISER_SETTING = "TIKTOK_MARKETING_ADVERTISER_ID"
HOSTED_REFUSAL = (
    "Airbyte's TikTok Marketing connector has no write actions: set TIKTOK_MARKETING_MODE=direct with "
    "TIKTOK_MARKETING_ACCESS_TOKEN (and TIKTOK_MARKETING_ADVERTISER_ID) to change TikTok objects."
)
PERMISSIONS = (
    "A token authorized with TikTok's Ads Management permission for the advertiser, by a member whose role may "
    "edit campaigns (read-only roles cannot)."
)
BUDGET_FREEZE = dt.time(23, 55)  # adgroup/budget/update/ refuses changes from 23:55 to 00:00 (advertiser time)
NO_BUDGET_MODES = ("BUDGET_MODE_INFINITE", None, "")


@dataclass(frozen=True)
class Kind:
    entity: str
    id_field: str  # campaign_id
    ids_param: str  # campaign_ids (status/update/ and filtering)
    get: str
    status: str
    name_field: str
    update: str | None  # the */update/ path for name (and campaign budget, ad group bid)
    label: str  # "campaign"


KINDS = {
    "campaigns": Kind("campaigns", "campaign_id", "campaign_ids", "campaign/get/", "campaign/status/update/",
                      "campaign_name", "campaign/update/", "campaign"),
    "ad_groups": Kind("ad_groups", "adgroup_id", "adgroup_ids", "adgroup/get/", "adgroup/status/update/",
                      "adgroup_name", "adgroup/update/", "ad group"),
    "ads": Kind("ads", "ad_id", "ad_ids", "ad/get/", "ad/status/update/", "ad_name", None, "ad"),
}  # fmt: skip


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _status(record: dict[str, Any]) -> str:
    """operation_status, with a deleted object as DELETE (TikTok lists it with secondary_status *_DELETE)."""
    if str(record.get("secondary_status") or "").endswith("_DELETE") or record.get("operation_status") == "DELETE":
        return "DELETE"
    return str(record.get("operation_status") or "")


class TiktokUpdate:
    def __init__(self, kind: Kind):
        self.kind = kind
        rules = [
            f"1-{MAX_IDS} ids per change (TikTok's limit).",
            "operation_status ENABLE is allowed but the plan says SPEND STARTS.",
            "operation_status DELETE cannot be undone: refused unless CONNECTOR_MCP_ALLOW_DELETE=on (DISABLE pauses instead).",
            "A deleted object's status cannot change (TikTok).",
            "Hosted mode: refused (Airbyte's TikTok connector has no writes); use direct mode.",
        ]
        if kind.entity != "ads":
            rules += [
                "budget may rise by at most CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT (default 50%) per change; "
                "currency, when given, must be the advertiser's.",
                "budget is refused for an object with no budget of its own (BUDGET_MODE_INFINITE).",
            ]
        if kind.entity == "ad_groups":
            rules += [
                "budget is refused under campaign budget optimisation (TikTok ignores ad group budgets there).",
                "budget is refused from 23:55 to 00:00 in the advertiser's time zone (adgroup/budget/update/).",
                "bid_price only for ad groups with bid_type BID_TYPE_CUSTOM.",
            ]
        self.guardrails = tuple(rules)

    # ---- read
    async def read(self, ctx: WriteContext, params: BaseModel) -> Snapshot:
        assert isinstance(params, _Update)
        api = ctx.backend.api  # type: ignore[attr-defined]  # TiktokDirectBackend (hosted mode is refused)
        advertiser = self._advertiser(ctx, params)
        kind = self.kind
        fields = [kind.id_field, kind.name_field, "operation_status", "secondary_status"]
        if kind.entity != "ads":
            fields += ["budget", "budget_mode"]
        if kind.entity == "ad_groups":
            fields += ["campaign_id", "bid_type", "bid_price"]
        if kind.entity == "campaigns":
            fields += ["budget_optimize_on"]
        records = await self._get(api, kind.get, advertiser, kind.ids_param, params.ids(), fields)
        snapshot = Snapshot(account={"advertiser_id": advertiser})
        for record in records:
            oid = str(record.get(kind.id_field))
            state: dict[str, Any] = {"operation_status": _status(record), kind.name_field: record.get(kind.name_field)}
            if kind.entity != "ads":
                state |= {"budget": _float(record.get("budget")), "budget_mode": record.get("budget_mode")}
            if kind.entity == "ad_groups":
                state |= {"bid_price": _float(record.get("bid_price")), "bid_type": record.get("bid_type"),
                          "campaign_id": str(record.get("campaign_id"))}  # fmt: skip
            snapshot.objects[oid] = state
            snapshot.labels[oid] = str(record.get(kind.name_field) or oid)
        if kind.entity == "ad_groups" and getattr(params, "budget", None) is not None:
            campaigns = sorted({s["campaign_id"] for s in snapshot.objects.values()})
            found = await self._get(api, "campaign/get/", advertiser, "campaign_ids", campaigns,
                                    ["campaign_id", "campaign_name", "budget_optimize_on"])  # fmt: skip
            cbo = {str(c["campaign_id"]): c for c in found}
            for state in snapshot.objects.values():
                campaign = cbo.get(state["campaign_id"], {})
                state["cbo"] = bool(campaign.get("budget_optimize_on"))
                state["campaign_name"] = campaign.get("campaign_name")
        if getattr(params, "budget", None) is not None or getattr(params, "bid_price", None) is not None or params.currency:
            info = (await api.get("advertiser/info/", {"advertiser_ids": [advertiser],
                    "fields": ["advertiser_id", "currency", "timezone", "display_timezone"]})).data  # fmt: skip
            record = (info.get("list") or [{}])[0]
            snapshot.account |= {"currency": record.get("currency"), "time_zone": advertiser_zone(record)}
        return snapshot

    @staticmethod
    async def _get(api, path: str, advertiser: str, ids_param: str, ids: list[str], fields: list[str]) -> list[dict[str, Any]]:
        query = {
            "advertiser_id": advertiser, "filtering": {ids_param: ids, "primary_status": "STATUS_ALL"},
            "fields": fields, "page": 1, "page_size": max(len(ids), 1),
        }  # fmt: skip
        return list((await api.get(path, query)).data.get("list") or [])

    @staticmethod
    def _advertiser(ctx: WriteContext, params: _Update) -> str:
        advertiser = params.advertiser_id or getattr(ctx.settings, "advertiser_id", None)
        if not advertiser:
            raise InvalidParams("advertiser_id is missing.", fix=f"Pass params.advertiser_id or set {ADVERTISER_SETTING}.")
        return advertiser

    # ---- plan
    def plan(self, ctx: WriteContext, params: BaseModel, snapshot: Snapshot) -> Proposal:
        assert isinstance(params, _Update)
        kind, limits = self.kind, ctx.limits
        advertiser = snapshot.account["advertiser_id"]
        missing = [i for i in params.ids() if i not in snapshot.objects]
        if missing:
            raise NotFound(f"no {kind.label} {', '.join(missing)} in advertiser {advertiser}.",
                           fix=f"List the {kind.entity} to see their ids.")  # fmt: skip
        wanted = params.changes()
        currency = snapshot.account.get("currency")
        check_currency(f"advertiser {advertiser}", params.currency, currency)
        objects, notices = [], []
        for oid in params.ids():
            state, label = snapshot.objects[oid], f"{kind.label} {snapshot.labels[oid]!r} ({oid})"
            if state["operation_status"] == "DELETE":
                raise GuardrailRefused(f"{label} is deleted: TikTok does not change a deleted object.",
                                       fix=f"Leave {oid} out of the change.")  # fmt: skip
            fields: dict[str, FieldChange] = {}
            for name, value in wanted.items():
                if name == "budget":
                    self._check_budget(ctx, label, state, float(value), snapshot, currency)
                if name == "bid_price" and state.get("bid_type") != "BID_TYPE_CUSTOM":
                    raise GuardrailRefused(
                        f"{label} bids with {state.get('bid_type') or 'no bid type'}: bid_price applies only under "
                        "BID_TYPE_CUSTOM (Cost Cap / Bid Cap).",
                        fix="Change the ad group's bidding strategy in TikTok Ads Manager first, or leave bid_price out.",
                    )
                current = state.get(name)
                if current == value or (name in ("budget", "bid_price") and current is not None and abs(current - value) < 1e-9):
                    continue
                if name == "operation_status" and value == "DELETE":
                    refuse_irreversible_delete(label, limits, "Pause it instead with operation_status DISABLE: it stops "
                                               "delivery and can be switched back on.")  # fmt: skip
                if name == "operation_status" and value == "ENABLE":
                    notices.append(spend_starts(label))
                fields[name] = FieldChange(current, value)
            if fields:
                deleting = fields.get("operation_status", FieldChange(None, None)).proposed == "DELETE"
                objects.append(ObjectChange(oid, "delete" if deleting else "update", fields, label=snapshot.labels[oid]))
        if currency and any(name in o.fields for o in objects for name in ("budget", "bid_price")):
            # The plan's amounts are bare numbers: the person confirming sees which money they are.
            notices.append(f"Amounts are in {currency}, advertiser {advertiser}'s currency.")
        return Proposal(account=advertiser, objects=objects, calls=self._calls(advertiser, objects), notices=notices)

    def _check_budget(self, ctx, label: str, state: dict[str, Any], budget: float, snapshot: Snapshot, currency) -> None:
        if state.get("cbo"):
            raise GuardrailRefused(
                f"{label} is in campaign {state.get('campaign_name')!r} ({state['campaign_id']}), which uses campaign "
                "budget optimisation: TikTok ignores ad group budgets there.",
                fix=f"Change the campaign's budget instead (entity campaigns, campaign_id {state['campaign_id']}).",
            )
        if state.get("budget_mode") in NO_BUDGET_MODES:
            raise GuardrailRefused(
                f"{label} has no budget of its own (budget_mode {state.get('budget_mode') or 'unset'}).",
                fix="Set a budget mode in TikTok Ads Manager, or change the budget where it is set.",
            )
        if self.kind.entity == "ad_groups":
            local = now().astimezone(zone(snapshot.account.get("time_zone")) or dt.timezone.utc)
            if local.time() >= BUDGET_FREEZE:
                raise GuardrailRefused(
                    f"TikTok refuses ad group budget changes from 23:55 to 00:00 in the advertiser's time zone "
                    f"({snapshot.account.get('time_zone') or 'UTC'}; now {local:%H:%M}).",
                    fix="Preview again after midnight (advertiser time).",
                )
        check_budget(label, state.get("budget"), budget, ctx.limits, currency)

    def _calls(self, advertiser: str, objects: list[ObjectChange]) -> list[VendorCall]:
        kind = self.kind
        status_calls: list[VendorCall] = []
        by_status: dict[str, list[str]] = {}
        for obj in objects:
            if "operation_status" in obj.fields:
                by_status.setdefault(obj.fields["operation_status"].proposed, []).append(obj.object_id or "")
        for status, ids in by_status.items():
            body = {"advertiser_id": advertiser, kind.ids_param: ids, "operation_status": status}
            status_calls.append(VendorCall("POST", kind.status, body, ids))
        other: list[VendorCall] = []
        budgets = [o for o in objects if "budget" in o.fields]
        if kind.entity == "ad_groups" and budgets:
            items = [{"adgroup_id": o.object_id, "budget": o.fields["budget"].proposed} for o in budgets]
            other.append(VendorCall("POST", "adgroup/budget/update/", {"advertiser_id": advertiser, "budget": items},
                                    [o.object_id or "" for o in budgets]))  # fmt: skip
        for obj in objects:
            body = {name: obj.fields[name].proposed for name in (kind.name_field, "bid_price") if name in obj.fields}
            if kind.entity == "campaigns" and "budget" in obj.fields:
                body["budget"] = obj.fields["budget"].proposed
            if body and kind.update:
                other.append(VendorCall("POST", kind.update, {"advertiser_id": advertiser, kind.id_field: obj.object_id,
                                                              **body}, [obj.object_id or ""]))  # fmt: skip
        # Pausing first stops spend before anything else; switching on last starts it with the new settings.
        pausing = any(s in ("DISABLE", "DELETE") for s in by_status)
        return status_calls + other if pausing else other + status_calls

    # ---- send
    async def send(self, ctx: WriteContext, call: VendorCall) -> CallResult:
        api = ctx.backend.api  # type: ignore[attr-defined]
        try:
            reply = await api.post(call.path, call.body, check=f"list the {self.kind.entity} with filtering on their ids")
        except PermissionDenied as exc:
            exc.fix = (
                f"The token may not change advertiser {call.body.get('advertiser_id')}: it needs TikTok's Ads Management "
                "permission (re-authorize the app with it) and a member role that may edit campaigns (not read-only)."
            )
            raise
        return CallResult(request_id=reply.request_id)


WRITES = ConnectorWrites(
    handlers={(entity, "update"): TiktokUpdate(kind) for entity, kind in KINDS.items()},
    hosted_refusal=HOSTED_REFUSAL,
    permissions=PERMISSIONS,
)
