"""The fake's write endpoints: TikTok's rules enforced, and the change applied to the fake's own state.

Rules (sources in ../writes.py): POST with a JSON body; every answer HTTP 200 with a `code`; */status/update/
takes 1-20 ids and ENABLE | DISABLE | DELETE; a deleted object's status (or anything else) cannot change;
adgroup/budget/update/ takes 1-20 items and refuses changes from 23:55 to 00:00 in the advertiser's time
zone; an ad group budget under campaign budget optimisation is accepted and ignored (as TikTok documents
"ignored"); bid_price without bid_type BID_TYPE_CUSTOM is ignored too. A paused or deleted object stops
delivering from today in the reports (its ads' delivery ends yesterday); switching back on does not restart it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from ..clock import now, zone
from .data import Dataset
from .query import Grant, TikTokFault, invalid

WriteHandler = Callable[[Dataset, dict[str, Any], Grant], dict[str, Any]]
STATUSES = ("ENABLE", "DISABLE", "DELETE")
MAX_IDS = 20
# kind -> (id field, ids param, status prefix, delivering secondary status)
KINDS = {
    "campaigns": ("campaign_id", "campaign_ids", "CAMPAIGN_STATUS_", "CAMPAIGN_STATUS_ENABLE"),
    "adgroups": ("adgroup_id", "adgroup_ids", "ADGROUP_STATUS_", "ADGROUP_STATUS_DELIVERY_OK"),
    "ads": ("ad_id", "ad_ids", "AD_STATUS_", "AD_STATUS_DELIVERY_OK"),
}


def _set(data: Dataset, record: dict[str, Any], name: str, value: Any) -> None:
    """Change one field, remembering the old value so the fake's reset can undo it."""
    data.undo.append((record, name, record.get(name)))
    record[name] = value


def undo_writes(data: Dataset) -> None:
    while data.undo:
        record, name, value = data.undo.pop()
        record[name] = value


def _advertiser(data: Dataset, body: dict[str, Any], grant: Grant) -> str:
    advertiser = body.get("advertiser_id")
    if not advertiser:
        raise invalid("advertiser_id: Missing data for required field.")
    return grant.check(str(advertiser))


def _find(data: Dataset, kind: str, advertiser: str, oid: Any) -> dict[str, Any]:
    id_field = KINDS[kind][0]
    for record in data.of(kind, advertiser):
        if record[id_field] == str(oid):
            return record
    raise invalid(f"{id_field}: {oid} does not exist or does not belong to advertiser {advertiser}.")


def _alive(record: dict[str, Any], kind: str) -> None:
    if record["_deleted"]:
        raise invalid(f"The status of deleted {kind[:-1]} {record[KINDS[kind][0]]} cannot be modified.")


def _ids(body: dict[str, Any], name: str) -> list[str]:
    ids = body.get(name)
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_IDS:
        raise invalid(f"{name}: Length must be between 1 and {MAX_IDS}.")
    return [str(i) for i in ids]


def _stop_delivery(data: Dataset, ads: list[dict[str, Any]]) -> None:
    """No delivery from today on (the ads' last delivering day becomes yesterday)."""
    yesterday = data.today - dt.timedelta(days=1)
    for ad in ads:
        delivery = ad.get("_delivery")
        if delivery is not None and delivery.last_day > yesterday:
            _set(data, ad, "_delivery", dataclasses.replace(delivery, last_day=max(yesterday, delivery.first_day - dt.timedelta(days=1))))


def _ads_under(data: Dataset, kind: str, advertiser: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    id_field = KINDS[kind][0]
    if kind == "ads":
        return [record]
    return [ad for ad in data.of("ads", advertiser) if ad[id_field] == record[id_field]]


def status_update(kind: str) -> WriteHandler:
    id_field, ids_param, prefix, delivering = KINDS[kind]

    def handle(data: Dataset, body: dict[str, Any], grant: Grant) -> dict[str, Any]:
        advertiser = _advertiser(data, body, grant)
        ids = _ids(body, ids_param)
        status = body.get("operation_status")
        if status not in STATUSES:
            raise invalid(f"operation_status: Must be one of: {', '.join(STATUSES)}.")
        records = [_find(data, kind, advertiser, i) for i in ids]
        for record in records:
            _alive(record, kind)
        for record in records:  # all or nothing (allow_partial_success is false by default)
            secondary = {"ENABLE": delivering[len(prefix):], "DISABLE": "DISABLE", "DELETE": "DELETE"}[status]
            _set(data, record, "operation_status", "DISABLE" if status == "DELETE" else status)
            _set(data, record, "secondary_status", prefix + secondary)
            _set(data, record, "_deleted", status == "DELETE")
            _set(data, record, "_delivering", status == "ENABLE")
            _set(data, record, "modify_time", now().strftime("%Y-%m-%d %H:%M:%S"))
            if status != "ENABLE":
                _stop_delivery(data, _ads_under(data, kind, advertiser, record))
        return {ids_param: ids, "status": status}

    return handle


def campaign_update(data: Dataset, body: dict[str, Any], grant: Grant) -> dict[str, Any]:
    advertiser = _advertiser(data, body, grant)
    record = _find(data, "campaigns", advertiser, body.get("campaign_id"))
    _alive(record, "campaigns")
    if "budget" in body:
        if record["budget_mode"] == "BUDGET_MODE_INFINITE":
            raise invalid("budget: The budget cannot be set when budget_mode is BUDGET_MODE_INFINITE.")
        _set(data, record, "budget", float(body["budget"]))
    if "campaign_name" in body:
        _set(data, record, "campaign_name", str(body["campaign_name"]))
    return {"campaign_id": record["campaign_id"]}


def adgroup_update(data: Dataset, body: dict[str, Any], grant: Grant) -> dict[str, Any]:
    advertiser = _advertiser(data, body, grant)
    record = _find(data, "adgroups", advertiser, body.get("adgroup_id"))
    _alive(record, "adgroups")
    if "adgroup_name" in body:
        _set(data, record, "adgroup_name", str(body["adgroup_name"]))
    if "bid_price" in body and record["bid_type"] == "BID_TYPE_CUSTOM":  # otherwise TikTok ignores it
        _set(data, record, "bid_price", float(body["bid_price"]))
    if "budget" in body and not _cbo(data, advertiser, record):
        _set(data, record, "budget", float(body["budget"]))
    return {"adgroup_id": record["adgroup_id"]}


def _cbo(data: Dataset, advertiser: str, adgroup: dict[str, Any]) -> bool:
    return bool(_find(data, "campaigns", advertiser, adgroup["campaign_id"])["budget_optimize_on"])


def adgroup_budget_update(data: Dataset, body: dict[str, Any], grant: Grant) -> dict[str, Any]:
    advertiser = _advertiser(data, body, grant)
    items = body.get("budget")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_IDS:
        raise invalid(f"budget: Length must be between 1 and {MAX_IDS}.")
    info = data.advertisers[advertiser]
    local = now().astimezone(zone(info.get("display_timezone")) or dt.timezone.utc)
    if local.time() >= dt.time(23, 55):
        raise invalid("Budget cannot be modified between 23:55 and 00:00 in the advertiser's time zone.")
    records = []
    for item in items:
        if not isinstance(item, dict) or "adgroup_id" not in item or "budget" not in item:
            raise invalid("budget: Each item needs adgroup_id and budget.")
        record = _find(data, "adgroups", advertiser, item["adgroup_id"])
        _alive(record, "adgroups")
        records.append((record, float(item["budget"])))
    for record, budget in records:
        if not _cbo(data, advertiser, record):  # ignored under campaign budget optimisation
            _set(data, record, "budget", budget)
    return {"adgroup_ids": [r["adgroup_id"] for r, _ in records]}


WRITE_HANDLERS: dict[str, WriteHandler] = {
    "campaign/status/update/": status_update("campaigns"),
    "adgroup/status/update/": status_update("adgroups"),
    "ad/status/update/": status_update("ads"),
    "campaign/update/": campaign_update,
    "adgroup/update/": adgroup_update,
    "adgroup/budget/update/": adgroup_budget_update,
}


def json_body(raw: bytes) -> dict[str, Any]:
    import json

    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise TikTokFault(40002, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise TikTokFault(40002, "The request body must be a JSON object.")
    return body
