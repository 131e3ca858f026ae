"""The fake's LinkedIn write endpoints: Rest.li creates, partial updates, deletes, compound-key PUTs and the
Conversions API batch, each changing the fake's own data so the next list shows it.

What it enforces, and where each rule comes from (the final report lists the sources in full):
- updates are POST + `X-RestLi-Method: PARTIAL_UPDATE` with `{"patch": {"$set": {...}}}`, answered 204; `$set` on
  a field replaces the whole value, arrays included (Airbyte spec 1.2.0 RestliPartialUpdateRequest;
  linkedin-api-python-client `partial_update`; "top-level fields only");
- creates are POST, answered 201 with the new id in `x-restli-id` and an empty body;
- DELETE only for DRAFT objects (creatives also need `X-RestLi-Method: DELETE`), else 400;
- CANCELED campaign groups cannot change status again; budgets are {amount: string, currencyCode} in the
  account's currency;
- adAccountUsers and campaignConversions are PUT on Rest.li 2.0 compound keys `(account:<urn>,user:<urn>)`,
  201 when new and 204 when the key existed;
- conversionEvents is BATCH_CREATE with at most 5,000 elements; each event is at most 90 days old, its time in
  epoch milliseconds; the answer is 200 with one status per element;
- scopes and roles: rw_ads for ads objects, rw_conversions for the Conversions API; VIEWER is read-only even
  with rw_ads; the Conversions API needs one of the four manager roles (Microsoft Learn).
The error bodies are LinkedIn's shape ({status, serviceErrorCode, code, message}); their wording is the fake's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ....params import today
from .analytics import MEMBER
from .data import Data, audit, ms
from .rules import BadParam, _Strict, error

MAX_EVENTS = 5000
EVENT_MAX_AGE_DAYS = 90
CONVERSION_URN = "urn:lla:llaPartnerConversion:"
# The roles that may write each kind of object (Microsoft Learn, "Account Access Controls" and each API's
# Permissions section; most account fields need the billing admin, per Airbyte's spec).
MANAGERS = ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER")
WRITERS = {
    "account": ("ACCOUNT_BILLING_ADMIN",),
    "account_user": ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER"),
    "campaign": ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER"),
    "creative": MANAGERS,
    "conversion": MANAGERS,
}
CREATIVE_MUTABLE = {"intendedStatus", "name", "leadgenCallToAction"}
READ_ONLY = {"id", "account", "changeAuditStamps", "servingStatuses", "version", "test", "createdAt", "createdBy"}


class Refusal(Exception):
    """A write LinkedIn refuses: carries the error answer."""

    def __init__(self, response: Response):
        self.response = response


def _refuse(status: int, message: str, *, code: str | None = None, field: str | None = None) -> Refusal:
    service = {400: 100, 403: 100, 404: 0}.get(status)
    return Refusal(error(status, message, code=code, service_code=service, field=field))


def urn(kind: str, value: Any) -> str:
    return f"urn:li:{kind}:{value}"


class Writer:
    """One write request: its method, body, scopes and the member's roles, checked against the fake's data."""

    def __init__(self, state: Any, request: Request, body: bytes):
        self.state, self.data, self.request = state, state.data, request
        self.body_bytes = body
        self.method = request.method
        self.restli_method = request.headers.get("x-restli-method", "").upper()
        self.path = request.path_params

    # -- checks ---------------------------------------------------------------------------------
    def json(self) -> dict[str, Any]:
        try:
            body = json.loads(self.body_bytes or b"{}")
        except ValueError:
            raise _refuse(400, "Request body is not valid JSON", code="MALFORMED_JSON") from None
        if not isinstance(body, dict):
            raise _refuse(400, "Request body must be a JSON object", code="INVALID_BODY")
        return body

    def scope(self, needed: str, resource: str) -> None:
        if needed not in self.state.scopes:
            method = self.restli_method or {"POST": "CREATE", "PUT": "UPDATE", "DELETE": "DELETE"}[self.method]
            raise _refuse(403, f"Not enough permissions to access: {resource}.{method}.20260601", code="ACCESS_DENIED")

    def role(self, account: str, kind: str) -> None:
        role = self.state.role_of(account)
        if role not in WRITERS[kind]:
            shown = role or "no role"
            raise _refuse(
                403,
                f"Member {MEMBER} ({shown} on {account}) does not have permission to modify this {kind.replace('_', ' ')}",
                code="ACCESS_DENIED",
            )

    def partial_update(self) -> dict[str, Any]:
        if self.method == "PUT":
            raise _refuse(405, "Full UPDATE (PUT) is not supported on this resource; use PARTIAL_UPDATE")
        if self.restli_method != "PARTIAL_UPDATE":
            raise _refuse(400, "POST on an entity needs the header X-RestLi-Method: PARTIAL_UPDATE", code="INVALID_METHOD")
        body = self.json()
        patch = body.get("patch")
        if set(body) != {"patch"} or not isinstance(patch, dict) or not isinstance(patch.get("$set"), dict) or set(patch) - {"$set", "$delete"}:
            raise _refuse(400, 'A partial update body must be {"patch": {"$set": {...}}}', code="INVALID_PATCH", field="patch")
        changes = patch["$set"]
        for name in changes:
            if name in READ_ONLY:
                raise _refuse(400, f"Field '{name}' cannot be updated", code="FIELD_NOT_UPDATABLE", field=f"patch.$set.{name}")
            if "." in name:
                raise _refuse(400, "Only top-level fields can be set", code="INVALID_PATCH", field=f"patch.$set.{name}")
        return changes

    def create_body(self) -> dict[str, Any]:
        if self.restli_method not in ("", "CREATE"):
            raise _refuse(400, f"X-RestLi-Method {self.restli_method} is not supported on this collection", code="INVALID_METHOD")
        return self.json()


def _require(body: dict[str, Any], *names: str) -> None:
    for name in names:
        if body.get(name) in (None, ""):
            raise _refuse(400, f"Field '{name}' is required", code="FIELD_REQUIRED", field=name)


def _money(body: dict[str, Any], currency: str, *names: str) -> None:
    for name in names:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, dict) or not isinstance(value.get("amount"), str) or not value.get("currencyCode"):
            raise _refuse(400, f"'{name}' must be {{amount: string, currencyCode}}", code="INVALID_MONEY", field=name)
        try:
            if float(value["amount"]) < 0:
                raise ValueError
        except ValueError:
            raise _refuse(400, f"'{name}.amount' must be a non-negative decimal string", code="INVALID_MONEY", field=f"{name}.amount") from None
        if value["currencyCode"] != currency:
            raise _refuse(
                400, f"'{name}.currencyCode' {value['currencyCode']} does not match the account currency {currency}",
                code="CURRENCY_MISMATCH", field=f"{name}.currencyCode",
            )  # fmt: skip


def _touch(item: dict[str, Any]) -> None:
    stamps = item.get("changeAuditStamps")
    if isinstance(stamps, dict):
        stamps["lastModified"] = {"time": ms(today())}


def _account_of(data: Data, account_id: str) -> dict[str, Any]:
    found = [a for a in data.accounts if str(a["id"]) == str(account_id)]
    if not found:
        raise _refuse(404, "Not Found")
    return found[0]


def _in_account(items: list[dict[str, Any]], account: str, item_id: Any) -> dict[str, Any]:
    found = [i for i in items if str(i["id"]) == str(item_id) and i["account"] == account]
    if not found:
        raise _refuse(404, "Not Found")
    return found[0]


def _created(new_id: Any) -> Response:
    return Response(status_code=201, headers={"x-restli-id": str(new_id), "x-li-request-id": "SANDBOX-REQ"})


def _done() -> Response:
    return Response(status_code=204, headers={"x-li-request-id": "SANDBOX-REQ"})


def _status_change(item: dict[str, Any], changes: dict[str, Any], key: str = "status") -> None:
    """Campaign groups: "CANCELED ... permanently canceled and cannot be reactivated" (Microsoft Learn)."""
    if key in changes and item.get(key) == "CANCELED" and changes[key] != "CANCELED":
        raise _refuse(400, "A CANCELED object cannot be reactivated or changed to another status", code="INVALID_STATUS_TRANSITION", field=f"patch.$set.{key}")


def _apply(item: dict[str, Any], changes: dict[str, Any]) -> None:
    item.update(changes)  # $set replaces each top-level value whole, arrays included
    _touch(item)


def _next_id(items: list[dict[str, Any]], floor: int) -> int:
    numbers = [int(str(i["id"]).rsplit(":", 1)[-1]) for i in items if str(i.get("id", "")).rsplit(":", 1)[-1].isdigit()]
    return max([floor, *numbers]) + 1


def _delete_draft(w: Writer, items: list[dict[str, Any]], item: dict[str, Any], key: str = "status") -> Response:
    if item.get(key) != "DRAFT":
        raise _refuse(
            400, f"Only DRAFT objects can be deleted; this one is {item.get(key)}. Set {key} to PENDING_DELETION instead",
            code="DELETE_NOT_ALLOWED",
        )  # fmt: skip
    items.remove(item)
    return _done()


# -- accounts -------------------------------------------------------------------------------------
def accounts(w: Writer) -> Response:
    w.scope("rw_ads", "adAccounts")
    body = w.create_body()
    _require(body, "name", "type")
    if body["type"] != "BUSINESS":
        raise _refuse(400, "Only BUSINESS accounts can be created", code="INVALID_ACCOUNT_TYPE", field="type")
    new_id = _next_id(w.data.accounts, 500000000)
    first = today()
    w.data.accounts.append({
        "id": new_id, "name": body["name"], "currency": body.get("currency", "USD"), "status": body.get("status", "DRAFT"),
        "type": "BUSINESS", "reference": body.get("reference"), "test": bool(body.get("test", False)),
        "servingStatuses": ["ACCOUNT_TOTAL_BUDGET_HOLD"], "notifiedOnCampaignOptimization": False,
        "notifiedOnCreativeApproval": False, "notifiedOnCreativeRejection": False, "notifiedOnEndOfCampaign": False,
        "notifiedOnNewFeaturesEnabled": False, "version": {"versionTag": "1"}, "changeAuditStamps": audit(first, first),
    })  # fmt: skip
    # Whoever creates an account administers its billing.
    w.data.users.append({"account": urn("sponsoredAccount", new_id), "user": MEMBER, "role": "ACCOUNT_BILLING_ADMIN",
                         "changeAuditStamps": audit(first, first)})  # fmt: skip
    return _created(new_id)


def account(w: Writer) -> Response:
    w.scope("rw_ads", "adAccounts")
    item = _account_of(w.data, w.path["account_id"])
    w.role(urn("sponsoredAccount", item["id"]), "account")
    if w.method == "DELETE":
        return _delete_draft(w, w.data.accounts, item)
    changes = w.partial_update()
    _apply(item, changes)
    return _done()


# -- account users (compound key) -----------------------------------------------------------------
def compound_key(w: Writer, collection: str, names: tuple[str, str]) -> dict[str, str]:
    """`(account:urn%3Ali%3A...,user:urn%3Ali%3A...)` from the undecoded path: Rest.li 2.0 key syntax."""
    raw = w.request.scope.get("raw_path", b"").decode("latin-1").split(f"/{collection}/", 1)[-1]
    try:
        key = _Strict("key", raw).parse()
    except BadParam as bad:
        raise _refuse(400, f"Invalid compound key {raw!r}: {bad.message}. Use ({names[0]}:<urn>,{names[1]}:<urn>)", code="INVALID_KEY") from None
    if not isinstance(key, dict) or set(key) != set(names):
        raise _refuse(400, f"Invalid compound key {raw!r}: expected ({names[0]}:<urn>,{names[1]}:<urn>)", code="INVALID_KEY")
    return key


def account_user(w: Writer) -> Response:
    w.scope("rw_ads", "adAccountUsers")
    key = compound_key(w, "adAccountUsers", ("account", "user"))
    _account_of(w.data, key["account"].rsplit(":", 1)[-1])
    w.role(key["account"], "account_user")
    existing = [u for u in w.data.users if u["account"] == key["account"] and u["user"] == key["user"]]
    if w.method == "DELETE":
        if not existing:
            raise _refuse(404, "Not Found")
        w.data.users.remove(existing[0])
        return _done()
    if w.method == "PUT":
        body = w.json()
        _require(body, "role")
        _role_value(body["role"], "role")
        for name in ("account", "user"):
            if body.get(name) not in (None, key[name]):
                raise _refuse(400, f"'{name}' in the body does not match the key", code="KEY_MISMATCH", field=name)
        if existing:
            existing[0]["role"] = body["role"]
            _touch(existing[0])
            return _done()
        w.data.users.append({**key, "role": body["role"], "changeAuditStamps": audit(today(), today())})
        return _created(f"(account:{key['account']},user:{key['user']})")
    changes = w.partial_update()
    if not existing:
        raise _refuse(404, "Not Found")
    if "role" in changes:
        _role_value(changes["role"], "patch.$set.role")
    _apply(existing[0], changes)
    return _done()


def _role_value(role: Any, field: str) -> None:
    if role not in (*MANAGERS, "VIEWER"):
        raise _refuse(400, f"Unknown role {role!r}", code="INVALID_ROLE", field=field)


# -- campaign groups, campaigns, creatives --------------------------------------------------------
def _scoped_account(w: Writer) -> tuple[dict[str, Any], str]:
    item = _account_of(w.data, w.path["account_id"])
    return item, urn("sponsoredAccount", item["id"])


def _schedule(body: dict[str, Any], field: str = "runSchedule") -> None:
    schedule = body.get(field)
    if schedule is None:
        return
    if not isinstance(schedule, dict) or not isinstance(schedule.get("start"), int):
        raise _refuse(400, f"'{field}.start' must be epoch milliseconds", code="INVALID_SCHEDULE", field=f"{field}.start")
    if "end" in schedule and (not isinstance(schedule["end"], int) or schedule["end"] <= schedule["start"]):
        raise _refuse(400, f"'{field}.end' must be epoch milliseconds after start", code="INVALID_SCHEDULE", field=f"{field}.end")


def campaign_groups(w: Writer) -> Response:
    w.scope("rw_ads", "adCampaignGroups")
    acct, account = _scoped_account(w)
    w.role(account, "campaign")
    body = w.create_body()
    _require(body, "account", "name", "runSchedule")
    if body["account"] != account:
        raise _refuse(400, "'account' does not match the account in the path", code="KEY_MISMATCH", field="account")
    _schedule(body)
    _money(body, acct["currency"], "totalBudget")
    status = body.get("status", "DRAFT")
    new_id = _next_id(w.data.groups, 600000000)
    w.data.groups.append({
        "id": new_id, "name": body["name"], "account": account, "status": status, "test": acct["test"], "backfilled": False,
        "totalBudget": body.get("totalBudget"), "runSchedule": body["runSchedule"],
        "servingStatuses": ["RUNNABLE"] if status == "ACTIVE" else ["CAMPAIGN_GROUP_STATUS_HOLD"],
        "allowedCampaignTypes": ["SPONSORED_UPDATES", "TEXT_AD", "SPONSORED_INMAILS"], "changeAuditStamps": audit(today(), today()),
        **{k: v for k, v in body.items() if k in ("objectiveType",)},
    })  # fmt: skip
    return _created(new_id)


def campaign_group(w: Writer) -> Response:
    w.scope("rw_ads", "adCampaignGroups")
    acct, account = _scoped_account(w)
    item = _in_account(w.data.groups, account, w.path["id"])
    w.role(account, "campaign")
    if w.method == "DELETE":
        return _delete_draft(w, w.data.groups, item)
    changes = w.partial_update()
    _status_change(item, changes)
    _schedule(changes)
    _money(changes, acct["currency"], "totalBudget")
    _apply(item, changes)
    return _done()


def campaigns(w: Writer) -> Response:
    w.scope("rw_ads", "adCampaigns")
    acct, account = _scoped_account(w)
    w.role(account, "campaign")
    body = w.create_body()
    _require(body, "account", "name", "runSchedule", "politicalIntent")
    if "offsiteDeliveryEnabled" not in body:
        raise _refuse(400, "Field 'offsiteDeliveryEnabled' is required", code="FIELD_REQUIRED", field="offsiteDeliveryEnabled")
    if body["account"] != account:
        raise _refuse(400, "'account' does not match the account in the path", code="KEY_MISMATCH", field="account")
    group = body.get("campaignGroup")
    if group is not None and not any(urn("sponsoredCampaignGroup", g["id"]) == group for g in w.data.groups if g["account"] == account):
        raise _refuse(400, f"Campaign group {group} is not in {account}", code="INVALID_REFERENCE", field="campaignGroup")
    _schedule(body)
    _money(body, acct["currency"], "dailyBudget", "totalBudget", "unitCost")
    new_id = _next_id(w.data.campaigns, 700000000)
    status = body.get("status", "DRAFT")
    w.data.campaigns.append({
        "associatedEntity": None, "audienceExpansionEnabled": False, "creativeSelection": "OPTIMIZED", "locale": None,
        "targetingCriteria": None, "type": "SPONSORED_UPDATES", "costType": "CPM", "test": acct["test"], **body,
        "id": new_id, "status": status, "servingStatuses": ["RUNNABLE"] if status == "ACTIVE" else ["CAMPAIGN_STATUS_NOT_ACTIVE"],
        "version": {"versionTag": "1"}, "changeAuditStamps": audit(today(), today()),
    })  # fmt: skip
    return _created(new_id)


def campaign(w: Writer) -> Response:
    w.scope("rw_ads", "adCampaigns")
    acct, account = _scoped_account(w)
    item = _in_account(w.data.campaigns, account, w.path["id"])
    w.role(account, "campaign")
    if w.method == "DELETE":
        return _delete_draft(w, w.data.campaigns, item)
    changes = w.partial_update()
    _schedule(changes)
    _money(changes, acct["currency"], "dailyBudget", "totalBudget", "unitCost")
    was = item.get("status")
    _apply(item, changes)
    _delivery_follows(w.data, item, was)
    return _done()


def _delivery_follows(data: Data, item: dict[str, Any], was: Any) -> None:
    """A campaign stopped today delivers nothing from today in the fake's reports."""
    if was == "ACTIVE" and item.get("status") != "ACTIVE" and item["id"] in data.runs:
        first, last = data.runs[item["id"]]
        yesterday = today() - dt.timedelta(days=1)
        if last > yesterday:
            data.runs[item["id"]] = (first, max(first, yesterday))


def creatives(w: Writer) -> Response:
    w.scope("rw_ads", "creatives")
    acct, account = _scoped_account(w)
    w.role(account, "creative")
    body = w.create_body()
    _require(body, "campaign")
    owner = [c for c in w.data.campaigns if urn("sponsoredCampaign", c["id"]) == body["campaign"] and c["account"] == account]
    if not owner:
        raise _refuse(400, f"Campaign {body['campaign']} is not in {account}", code="INVALID_REFERENCE", field="campaign")
    number = _next_id(w.data.creatives, 7_000_000_000)
    new_urn = urn("sponsoredCreative", number)
    intended = body.get("intendedStatus", "DRAFT")
    w.data.creatives.append({
        "name": "", "content": {}, **body, "id": new_urn, "account": account, "intendedStatus": intended, "isServing": False,
        "isTest": acct["test"], "createdAt": ms(today()), "createdBy": MEMBER, "lastModifiedAt": ms(today()),
        "lastModifiedBy": MEMBER, "review": {"status": "PENDING"}, "servingHoldReasons": ["UNDER_REVIEW"],
    })  # fmt: skip
    return _created(new_urn)


def creative(w: Writer) -> Response:
    w.scope("rw_ads", "creatives")
    raw_path = w.request.scope.get("raw_path", b"").decode("latin-1")
    if "urn:" in raw_path:
        raise _refuse(400, "The creative URN in the path must be percent-encoded", code="PARAM_INVALID")
    _, account = _scoped_account(w)
    item = _in_account(w.data.creatives, account, w.path["id"])
    w.role(account, "creative")
    if w.method == "DELETE":
        if w.restli_method != "DELETE":
            raise _refuse(400, "Deleting a creative needs the header X-RestLi-Method: DELETE", code="INVALID_METHOD")
        return _delete_draft(w, w.data.creatives, item, key="intendedStatus")
    changes = w.partial_update()
    for name in changes:
        if name not in CREATIVE_MUTABLE:
            raise _refuse(400, f"Field '{name}' of a creative cannot be updated", code="FIELD_NOT_UPDATABLE", field=f"patch.$set.{name}")
    item.update(changes)
    item["lastModifiedAt"] = ms(today())
    return _done()


# -- conversions ----------------------------------------------------------------------------------
def conversions(w: Writer) -> Response:
    w.scope("rw_conversions", "conversions")
    body = w.create_body()
    _require(body, "account", "name", "type")
    acct = _account_of(w.data, str(body["account"]).rsplit(":", 1)[-1])
    w.role(body["account"], "conversion")
    _money(body, acct["currency"], "value")
    new_id = _next_id(w.data.conversions, 810000)
    query = dict(part.split("=", 1) for part in w.request.url.query.split("&") if "=" in part)
    auto = query.get("autoAssociationType") == "ALL_CAMPAIGNS"
    campaigns = [urn("sponsoredCampaign", c["id"]) for c in w.data.campaigns if c["account"] == body["account"]] if auto else []
    w.data.conversions.append({
        "attributionType": "LAST_TOUCH_BY_CAMPAIGN", "ownershipType": "ACCOUNT", "conversionMethod": "CONVERSIONS_API",
        "valueType": "FIXED", "enabled": True, "postClickAttributionWindowSize": 30, "viewThroughAttributionWindowSize": 7,
        "associatedCampaigns": [], "imagePixelTag": "", "urlMatchRuleExpression": [], "urlRules": [], **body,
        "id": new_id, "created": ms(today()), "lastModified": ms(today()), "campaigns": campaigns,
    })  # fmt: skip
    return _created(new_id)


def conversion(w: Writer) -> Response:
    w.scope("rw_conversions", "conversions")
    query = dict(part.split("=", 1) for part in w.request.url.query.split("&") if "=" in part)
    if "account" not in query:
        raise BadParam("account", "Missing required parameter 'account'")
    from urllib.parse import unquote

    account = unquote(query["account"])
    found = [c for c in w.data.conversions if str(c["id"]) == w.path["id"] and c["account"] == account]
    if not found:
        raise _refuse(404, "Not Found")
    w.role(account, "conversion")
    changes = w.partial_update()
    _money(changes, _account_of(w.data, account.rsplit(":", 1)[-1])["currency"], "value")
    found[0].update(changes)
    found[0]["lastModified"] = ms(today())
    return _done()


def conversion_events(w: Writer) -> Response:
    w.scope("rw_conversions", "conversionEvents")
    if w.restli_method != "BATCH_CREATE":
        raise _refuse(400, "conversionEvents takes X-RestLi-Method: BATCH_CREATE", code="INVALID_METHOD")
    body = w.json()
    elements = body.get("elements")
    if not isinstance(elements, list) or not elements:
        raise _refuse(400, "'elements' must be a non-empty array", code="INVALID_BODY", field="elements")
    if len(elements) > MAX_EVENTS:
        raise _refuse(400, f"At most {MAX_EVENTS} elements per batch, got {len(elements)}", code="BATCH_TOO_LARGE", field="elements")
    statuses = [_one_event(w, i, e) for i, e in enumerate(elements)]
    return JSONResponse({"elements": statuses}, headers={"x-li-request-id": "SANDBOX-REQ"})


def _one_event(w: Writer, index: int, event: Any) -> dict[str, Any]:
    def bad(message: str, field: str) -> dict[str, Any]:
        return {"status": 400, "error": {"status": 400, "message": message, "code": "INVALID_EVENT", "field": f"elements[{index}].{field}"}}

    if not isinstance(event, dict):
        return bad("an event must be an object", "")
    rule = str(event.get("conversion") or "")
    found = [c for c in w.data.conversions if rule == f"{CONVERSION_URN}{c['id']}"]
    if not found:
        return bad(f"unknown conversion rule {rule!r}", "conversion")
    if w.state.role_of(found[0]["account"]) not in MANAGERS:
        return {"status": 403, "error": {"status": 403, "message": "Member lacks a manager role on the rule's ad account", "code": "ACCESS_DENIED"}}
    happened = event.get("conversionHappenedAt")
    now_ms = ms(today()) + 15 * 3_600_000  # the fake's "now": today, late afternoon UTC
    if not isinstance(happened, int) or isinstance(happened, bool) or happened < 10**12:
        return bad("conversionHappenedAt must be epoch milliseconds", "conversionHappenedAt")
    if happened < now_ms - EVENT_MAX_AGE_DAYS * 86_400_000 - 15 * 3_600_000:
        return bad(f"conversionHappenedAt is more than {EVENT_MAX_AGE_DAYS} days ago", "conversionHappenedAt")
    if happened > now_ms + 86_400_000:
        return bad("conversionHappenedAt is in the future", "conversionHappenedAt")
    if not (event.get("user") or {}).get("userIds") and not (event.get("user") or {}).get("userInfo"):
        return bad("user.userIds or user.userInfo is required", "user")
    key = (rule, event.get("eventId"))
    if event.get("eventId") and key in w.state.event_ids:
        return {"status": 201}  # accepted; LinkedIn counts one conversion per eventId
    w.state.event_ids.add(key)
    w.state.events.append(event)
    return {"status": 201}


def campaign_conversion(w: Writer) -> Response:
    w.scope("rw_conversions", "campaignConversions")
    key = compound_key(w, "campaignConversions", ("campaign", "conversion"))
    rule = [c for c in w.data.conversions if key["conversion"] == f"{CONVERSION_URN}{c['id']}"]
    owner = [c for c in w.data.campaigns if urn("sponsoredCampaign", c["id"]) == key["campaign"]]
    if not rule or not owner:
        raise _refuse(404, "Not Found")
    w.role(owner[0]["account"], "conversion")
    linked = rule[0].setdefault("campaigns", [])
    if w.method == "DELETE":
        if key["campaign"] not in linked:
            raise _refuse(404, "Not Found")
        linked.remove(key["campaign"])
        return _done()
    if w.method != "PUT":
        raise _refuse(405, "Method not allowed")
    body = w.json()
    for name in ("campaign", "conversion"):
        if body.get(name) not in (None, key[name]):
            raise _refuse(400, f"'{name}' in the body does not match the key", code="KEY_MISMATCH", field=name)
    if key["campaign"] in linked:
        return _done()
    linked.append(key["campaign"])
    return _created(f"(campaign:{key['campaign']},conversion:{key['conversion']})")


Handler = Callable[[Writer], Response]
# path → {HTTP method: handler}; a write to a path or method not listed is 405, as Rest.li answers.
WRITES: dict[str, dict[str, Handler]] = {
    "/adAccounts": {"POST": accounts},
    "/adAccounts/{account_id}": {"POST": account, "DELETE": account},
    "/adAccountUsers/{key}": {"PUT": account_user, "POST": account_user, "DELETE": account_user},
    "/adAccounts/{account_id}/adCampaignGroups": {"POST": campaign_groups},
    "/adAccounts/{account_id}/adCampaignGroups/{id}": {"POST": campaign_group, "DELETE": campaign_group},
    "/adAccounts/{account_id}/adCampaigns": {"POST": campaigns},
    "/adAccounts/{account_id}/adCampaigns/{id}": {"POST": campaign, "DELETE": campaign},
    "/adAccounts/{account_id}/creatives": {"POST": creatives},
    "/adAccounts/{account_id}/creatives/{id}": {"POST": creative, "DELETE": creative},
    "/conversions": {"POST": conversions},
    "/conversions/{id}": {"POST": conversion},
    "/conversionEvents": {"POST": conversion_events},
    "/campaignConversions/{key}": {"PUT": campaign_conversion, "DELETE": campaign_conversion},
}


def run(state: Any, path: str, request: Request, body: bytes) -> Response:
    handler = WRITES.get(path, {}).get(request.method)
    if handler is None:
        return error(405, "Method not allowed")
    try:
        response = handler(Writer(state, request, body))
    except Refusal as refusal:
        return refusal.response
    except BadParam as bad:
        return bad.response()
    state.dirty = True
    return response
