"""Sending one LinkedIn write, once: directly (Rest.li over LinkedinApi's client and token) or through
Airbyte's hosted execute. Neither ever resends a write whose request may have left.

Requests are built from Airbyte's params by one table (REQUESTS), so direct and hosted mode send the same
change: path params by name, `patch` as the PARTIAL_UPDATE body, query params by name, the rest as the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
import re
from urllib.parse import quote, unquote

from ...backends.hosted import API, Resend, _maybe_done
from ...changes import CallResult, OutcomeUnknown, VendorCall
from ...errors import ConnectorError, PermissionDenied
from ...http import send_write
from ...rate_limit import limiter
from . import restli
from .errors import body_of, error_for, is_token_rejection, request_id

VENDOR = "LinkedIn Ads"
ACCOUNT_URN = "urn:li:sponsoredAccount:"


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # {name} = a path param (each fully percent-encoded); {key} = a Rest.li compound key
    restli_method: str | None = None
    query: tuple[str, ...] = ()  # params sent in the query string
    key: tuple[str, ...] = ()  # (key name in LinkedIn's syntax, Airbyte param name) pairs, flattened
    scope: str = "rw_ads"


# Airbyte spec 1.2.0, one row per write operation.
REQUESTS: dict[tuple[str, str], Request] = {
    ("accounts", "create"): Request("POST", "adAccounts"),
    ("accounts", "update"): Request("POST", "adAccounts/{id}", "PARTIAL_UPDATE"),
    ("accounts", "delete"): Request("DELETE", "adAccounts/{id}"),
    ("account_users", "create"): Request("PUT", "adAccountUsers/{key}", key=("account", "account", "user", "user")),
    ("account_users", "update"): Request("POST", "adAccountUsers/{key}", "PARTIAL_UPDATE", key=("account", "account", "user", "user")),
    ("account_users", "delete"): Request("DELETE", "adAccountUsers/{key}", key=("account", "account", "user", "user")),
    ("campaign_groups", "create"): Request("POST", "adAccounts/{account_id}/adCampaignGroups"),
    ("campaign_groups", "update"): Request("POST", "adAccounts/{account_id}/adCampaignGroups/{id}", "PARTIAL_UPDATE"),
    ("campaign_groups", "delete"): Request("DELETE", "adAccounts/{account_id}/adCampaignGroups/{id}"),
    ("campaigns", "create"): Request("POST", "adAccounts/{account_id}/adCampaigns"),
    ("campaigns", "update"): Request("POST", "adAccounts/{account_id}/adCampaigns/{id}", "PARTIAL_UPDATE"),
    ("campaigns", "delete"): Request("DELETE", "adAccounts/{account_id}/adCampaigns/{id}"),
    ("creatives", "create"): Request("POST", "adAccounts/{account_id}/creatives"),
    ("creatives", "update"): Request("POST", "adAccounts/{account_id}/creatives/{id}", "PARTIAL_UPDATE"),
    # LinkedIn wants the method header on this DELETE too (Airbyte's spec: "uniquely requires").
    ("creatives", "delete"): Request("DELETE", "adAccounts/{account_id}/creatives/{id}", "DELETE"),
    ("conversions", "create"): Request("POST", "conversions", query=("autoAssociationType",), scope="rw_conversions"),
    ("conversions", "update"): Request("POST", "conversions/{id}", "PARTIAL_UPDATE", query=("account",), scope="rw_conversions"),
    ("conversion_events", "create"): Request("POST", "conversionEvents", "BATCH_CREATE", scope="rw_conversions"),
    ("campaign_conversions", "create"): Request(
        "PUT", "campaignConversions/{key}", key=("campaign", "campaign_urn", "conversion", "conversion_urn"), scope="rw_conversions"
    ),
    ("campaign_conversions", "delete"): Request(
        "DELETE", "campaignConversions/{key}", key=("campaign", "campaign_urn", "conversion", "conversion_urn"), scope="rw_conversions"
    ),
}  # fmt: skip
# What each entity's writes need besides the scope (Microsoft Learn: Account Access Controls, Conversions API).
ROLES_NEEDED = {
    "accounts": "ACCOUNT_BILLING_ADMIN",
    "account_users": "ACCOUNT_BILLING_ADMIN or ACCOUNT_MANAGER",
    "campaign_groups": "CAMPAIGN_MANAGER or higher",
    "campaigns": "CAMPAIGN_MANAGER or higher",
    "creatives": "CREATIVE_MANAGER or higher",
    "conversions": "one of ACCOUNT_BILLING_ADMIN, ACCOUNT_MANAGER, CAMPAIGN_MANAGER, CREATIVE_MANAGER",
    "conversion_events": "one of ACCOUNT_BILLING_ADMIN, ACCOUNT_MANAGER, CAMPAIGN_MANAGER, CREATIVE_MANAGER",
    "campaign_conversions": "one of ACCOUNT_BILLING_ADMIN, ACCOUNT_MANAGER, CAMPAIGN_MANAGER, CREATIVE_MANAGER",
}


def vendor_call(mode: str, entity: str, action: str, params: dict[str, Any], object_ids: list[str]) -> VendorCall:
    """The one request a change sends: Airbyte's execute in hosted mode, else LinkedIn's Rest.li request."""
    params = {k: v for k, v in params.items() if v is not None}
    if mode == "hosted":
        return VendorCall("HOSTED", f"{entity}.{action}", body=params, object_ids=object_ids)
    spec = REQUESTS[(entity, action)]
    rest = dict(params)
    path = spec.path
    if spec.key:
        pairs = list(zip(spec.key[::2], spec.key[1::2]))
        # Rest.li 2.0 compound key: (name:<percent-encoded URN>,...) as in LinkedIn's own examples.
        key = "(" + ",".join(f"{name}:{quote(str(rest.pop(param)), safe='')}" for name, param in pairs) + ")"
        path = path.replace("{key}", key)
    for name in ("account_id", "id"):
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", quote(str(rest.pop(name)), safe=""))
    query = {name: rest.pop(name) for name in spec.query if name in rest}
    headers = {"X-RestLi-Method": spec.restli_method} if spec.restli_method else {}
    body = rest if spec.method != "DELETE" else {}
    return VendorCall(spec.method, path, body=body, object_ids=object_ids, headers=headers, query=query)


# -- direct -----------------------------------------------------------------------------------------
async def send_direct(api: Any, entity: str, call: VendorCall) -> CallResult:
    """One Rest.li write over the direct client; a 401 (refused, so not applied) is resent once with a fresh token."""
    token = await api.tokens.token()
    response = await _once(api, call, token)
    if is_token_rejection(response):
        response = await _once(api, call, await api.tokens.replace(token))
    if response.is_success:
        return _result(response.status_code, response.headers, body_of(response))
    error = error_for(response, api.settings.api_version)
    if response.status_code == 403:
        raise await _denied(api, entity, call, error)
    error.retryable = False  # a write is never resent after an answer (a 5xx is outcome-unknown for the machinery)
    raise error


async def _once(api: Any, call: VendorCall, token: str) -> Any:
    headers = {
        "Authorization": f"Bearer {token}",
        "LinkedIn-Version": api.settings.api_version,
        "X-Restli-Protocol-Version": "2.0.0",
        **call.headers,
    }
    query = restli.query_string(call.query) if call.query else ""
    url = f"{api.settings.api_base_url}/{call.path}" + (f"?{query}" if query else "")
    json_body = call.body if (call.body or call.method in ("POST", "PUT")) and call.method != "DELETE" else None
    request = api.client.build_request(call.method, url, headers=headers, json=json_body)
    bucket = limiter("linkedin-ads", api.settings.max_qps, in_process=api.options.transport is not None)
    return await send_write(api.client, request, service="LinkedIn", options=api.options, limiter=bucket,
                            check="list the objects (or `conversions list`) to see whether it was applied")  # fmt: skip


async def _denied(api: Any, entity: str, call: VendorCall, error: ConnectorError) -> PermissionDenied:
    """A 403 names what is missing: the member's role on the account (read back here) or else the scope."""
    scope = REQUESTS_SCOPE.get(entity, "rw_ads")
    account = account_of(call)
    role = None
    if account:
        try:
            body = await api.get("adAccountUsers", [("q", "authenticatedUser")])
            role = next((u.get("role") for u in body.get("elements") or [] if u.get("account") == account), "none")
        except ConnectorError:
            role = None
    return denied(entity, scope, account, role, error.message, error.request_id)


def denied(entity: str, scope: str, account: str | None, role: str | None, vendor_message: str, rid: str | None) -> PermissionDenied:
    needed = ROLES_NEEDED.get(entity, "a manager role")
    where = account or "the ad account"
    if role in (None, ""):
        why = (f"Either the token lacks the {scope} scope, or the member's role on {where} is not enough "
               f"({entity} writes need {needed}; VIEWER is read-only even with rw_ads).")  # fmt: skip
        fix = f"Re-authorize the app with {scope} (and r_ads), and check the member's role in Campaign Manager → Account settings."
    elif role == "none" or role == "VIEWER" or not _role_ok(entity, role):
        shown = "no role" if role == "none" else f"the role {role}"
        why = f"The member has {shown} on {where}; {entity} writes need {needed} (VIEWER is read-only even with rw_ads)."
        fix = f"Ask an account admin to give the member {needed} on {where} (Campaign Manager → Account settings → Manage access)."
    else:
        why = f"The member's role on {where} is {role}, which is enough, so the token lacks the {scope} scope."
        fix = f"Re-authorize the LinkedIn app with the {scope} scope (and r_ads), then set the new refresh token."
    return PermissionDenied(f"LinkedIn refused the change (403: {vendor_message}) {why}", fix=fix, request_id=rid)


def _role_ok(entity: str, role: str) -> bool:
    allowed = {
        "accounts": {"ACCOUNT_BILLING_ADMIN"},
        "account_users": {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER"},
        "campaign_groups": {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER"},
        "campaigns": {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER"},
    }.get(entity, {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER"})
    return role in allowed


REQUESTS_SCOPE = {entity: spec.scope for (entity, _), spec in REQUESTS.items()}


def account_of(call: VendorCall) -> str | None:
    """The ad account URN a call is in: from its body or query (`account`), its path or compound key."""
    for value in ((call.body or {}).get("account"), (call.query or {}).get("account")):
        if isinstance(value, str) and value.startswith(ACCOUNT_URN):
            return value
    account_id = (call.body or {}).get("account_id")
    if account_id:
        return restli.to_urn("account", account_id)
    found = re.search(r"^adAccounts/(\d+)", call.path) or re.search(r"urn:li:sponsoredAccount:(\d+)", unquote(call.path))
    return ACCOUNT_URN + found.group(1) if found else None


def _result(status: int, headers: Any, body: dict[str, Any]) -> CallResult:
    result = CallResult(request_id=headers.get("x-li-request-id"), created_id=headers.get("x-restli-id"))
    _per_element(result, body)
    result.detail["status"] = status
    return result


def _per_element(result: CallResult, body: Any) -> None:
    """A BATCH_CREATE answers one status per element; failures are reported per element, not all-or-nothing."""
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return
    ok = 0
    for index, element in enumerate(elements):
        status = element.get("status") if isinstance(element, dict) else None
        if isinstance(status, int) and 200 <= status < 300:
            ok += 1
            continue
        detail = element.get("error") if isinstance(element, dict) else None
        message = (detail or {}).get("message") if isinstance(detail, dict) else None
        result.failed[str(index)] = f"HTTP {status}: {message or 'refused'}"
    result.detail.update({"accepted": ok, "refused": len(elements) - ok})


# -- hosted -----------------------------------------------------------------------------------------
async def send_hosted(backend: Any, entity: str, call: VendorCall) -> CallResult:
    """One Airbyte execute carrying the write; resent only when it certainly never left (a connect error)."""
    client = backend.client
    connector_id = await client.connector_id(backend.connector, backend.settings)
    hosted_entity, action = call.path.split(".", 1)
    body = {"entity": hosted_entity, "action": action, "params": call.body}
    path = f"{API}/integrations/connectors/{connector_id}/execute"
    unsure = (
        f"Airbyte may or may not have sent the {hosted_entity}.{action} change to LinkedIn; it was not sent again.",
        "Apply the same change_id again: it reads the objects back instead of resending.",
    )
    try:
        reply = await client.request("POST", path, vendor=VENDOR, resend=Resend.UNSENT_ONLY, unsure=unsure, json=body)
    except ConnectorError as error:
        if _maybe_done(error):
            raise OutcomeUnknown(error.message, fix=unsure[1], request_id=error.request_id) from None
        if isinstance(error, PermissionDenied):
            raise denied(entity, REQUESTS_SCOPE.get(entity, "rw_ads"), account_of(call), None, error.message, error.request_id) from None
        raise
    if str(reply.get("status", "success")).lower() not in ("success", "succeeded", "ok"):
        raise OutcomeUnknown(
            f"Airbyte reported status {reply.get('status')!r} for {hosted_entity}.{action}: {reply.get('warning') or ''}".strip(),
            fix=unsure[1],
        )
    meta = reply.get("connector_metadata") if isinstance(reply.get("connector_metadata"), dict) else {}
    result = CallResult(created_id=meta.get("created_id"))
    _per_element(result, reply.get("result"))
    return result
