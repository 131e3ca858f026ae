"""Fake handlers for TikTok's object endpoints (everything but reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .data import DEMO_APP_ID, DEMO_SECRET, Dataset
from .query import Grant, Query, TikTokFault, invalid
from .reports import integrated_report

Handler = Callable[[Dataset, Query, Grant], dict[str, Any]]
# filtering keys TikTok documents for */get; the ones we model are handled, the rest accepted
KNOWN_FILTERS = {
    "campaign_ids", "adgroup_ids", "ad_ids", "campaign_name", "adgroup_name", "primary_status", "secondary_status",
    "objective_type", "buying_types", "campaign_type", "campaign_system_origins", "is_smart_performance_campaign",
    "billing_events", "creative_campaign_type", "split_test_enabled", "campaign_product_source", "optimization_goal",
    "sales_destination", "campaign_automation_type", "creation_filter_start_time", "creation_filter_end_time",
    "image_ids", "video_ids", "material_ids", "displayable", "height", "width", "ratio",
}  # fmt: skip
PRIMARY_STATUS = ("STATUS_NOT_DELETE", "STATUS_ALL", "STATUS_DELETE", "STATUS_DELIVERY_OK", "STATUS_DISABLE")
USER = {
    "core_user_id": "7090431864521987073", "display_name": "Northwind Marketing (demo)",
    "email": "marketing@northwind.example", "avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg",
    "create_time": 1672531200,
}  # fmt: skip


def public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def paged(query: Query, items: list[dict[str, Any]], *, maximum: int, default: int = 10) -> dict[str, Any]:
    page = query.integer("page", default=1, maximum=1_000_000)
    size = query.integer("page_size", default=default, maximum=maximum)
    return {
        "list": items[(page - 1) * size : page * size],
        "page_info": {"page": page, "page_size": size, "total_number": len(items), "total_page": -(-len(items) // size)},
    }


def project(query: Query, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = query.json("fields", list)
    records = [public(r) for r in records]
    if fields and records:
        unknown = [f for f in fields if f not in records[0]]
        if unknown:
            raise invalid(f"fields: Invalid field(s) {unknown}.")
        records = [{f: r[f] for f in fields} for r in records]
    if "NULL_FIELD" in (query.json("exclude_field_types_in_response", list) or []):
        records = [{k: v for k, v in r.items() if v is not None} for r in records]
    return records


def _status_ok(record: dict[str, Any], primary: str) -> bool:
    deleted = record["_deleted"]
    return {
        "STATUS_ALL": True,
        "STATUS_NOT_DELETE": not deleted,
        "STATUS_DELETE": deleted,
        "STATUS_DELIVERY_OK": record["_delivering"],
        "STATUS_DISABLE": not record["_delivering"] and not deleted,
    }[primary]


def _filter(records: list[dict[str, Any]], filtering: dict[str, Any]) -> list[dict[str, Any]]:
    unknown = set(filtering) - KNOWN_FILTERS
    if unknown:
        raise invalid(f"filtering: Unknown field(s) {sorted(unknown)}.")
    for key, value in filtering.items():
        if key.endswith("_ids"):
            if not isinstance(value, list) or len(value) > 100:
                raise invalid(f"filtering.{key}: Must be a list of at most 100 ids.")
            wanted = {str(v) for v in value}
            records = [r for r in records if r.get(key[:-1]) in wanted]
        elif key.endswith("_name"):
            records = [r for r in records if str(value).lower() in str(r.get(key, "")).lower()]
        elif key == "secondary_status" and str(value).endswith("_STATUS_ALL"):
            continue  # every status, deleted included (what Airbyte sends)
        elif key in ("secondary_status", "objective_type"):
            records = [r for r in records if r.get(key) == value]
    primary = filtering.get("primary_status", "STATUS_NOT_DELETE")
    if primary not in PRIMARY_STATUS:
        raise invalid(f"filtering.primary_status: Must be one of: {', '.join(PRIMARY_STATUS)}.")
    if "_deleted" in (records[0] if records else {}):
        keep_deleted = str(filtering.get("secondary_status", "")).endswith(("_DELETE", "_ALL"))
        records = [r for r in records if keep_deleted or _status_ok(r, primary)]
    return records


def objects(kind: str, id_key: str, *, maximum: int, default: int = 10) -> Handler:
    """campaign/get-style endpoints: advertiser_id, filtering object, fields, paging; newest id first."""

    def handle(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
        advertiser_id = grant.check(query.text("advertiser_id", required=True))
        records = _filter(data.of(kind, advertiser_id), query.json("filtering", dict) or {})
        if kind == "audiences":
            ids = query.id_list("custom_audience_ids")
            records = [r for r in records if ids is None or r["audience_id"] in ids]
        records = sorted(records, key=lambda r: _sort_key(r, id_key), reverse=True)
        return paged(query, project(query, records), maximum=maximum, default=default)

    return handle


def _sort_key(record: dict[str, Any], id_key: str) -> Any:
    value = record
    for part in id_key.split("."):
        value = value[part]
    return (len(value), value)


def catalogs(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
    """catalog/get/: bc_id is required (SDK yml_files/catalog_get.yml); catalogs belong to the BC. Like TikTok's
    gateway, which maps only the params an endpoint declares, an extra advertiser_id is not used."""
    bc_id = grant.check_bc(query.text("bc_id", required=True))
    records = data.of("catalogs", bc_id)
    wanted = query.text("catalog_id")
    records = [r for r in records if wanted is None or r["catalog_id"] == wanted]
    records = sorted(records, key=lambda r: _sort_key(r, "catalog_id"), reverse=True)
    return paged(query, [public(r) for r in records], maximum=100)


def business_centers(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
    """bc/get/: the Business Centers the token can see; page_size ≤ 50 (SDK yml_files/bc_get.yml)."""
    items = [data.business_centers[bc] for bc in grant.business_centers if bc in data.business_centers]
    return paged(query, items, maximum=50)


def advertiser_info(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
    ids = query.id_list("advertiser_ids", required=True) or []
    records = [data.advertisers[grant.check(i)] for i in ids]
    return {"list": project(query, records)}


def advertiser_get(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
    app_id, secret = query.text("app_id", required=True), query.text("secret", required=True)
    if app_id != DEMO_APP_ID:
        raise TikTokFault(40000, "The app_id is inconsistent with the token's app information. Please retry after correcting it.")
    if secret != DEMO_SECRET:
        raise TikTokFault(40101, "Invalid auth params: the secret does not belong to this app.")
    return {"list": [{"advertiser_id": i, "advertiser_name": data.advertisers[i]["name"]} for i in grant.advertisers]}


def report(data: Dataset, query: Query, grant: Grant) -> dict[str, Any]:
    return integrated_report(data, query, grant.check(query.text("advertiser_id", required=True)))


HANDLERS: dict[str, Handler] = {
    "user/info/": lambda data, query, grant: dict(USER),
    "oauth2/advertiser/get/": advertiser_get,
    "advertiser/info/": advertiser_info,
    "campaign/get/": objects("campaigns", "campaign_id", maximum=1000),
    "adgroup/get/": objects("adgroups", "adgroup_id", maximum=1000),
    "ad/get/": objects("ads", "ad_id", maximum=1000),
    "dmp/custom_audience/list/": objects("audiences", "audience_id", maximum=100),
    "file/image/ad/search/": objects("images", "image_id", maximum=100, default=20),
    "file/video/ad/search/": objects("videos", "video_id", maximum=100, default=20),
    "tt_video/list/": objects("spark_ads", "item_info.item_id", maximum=50, default=20),
    "catalog/get/": catalogs,
    "bc/get/": business_centers,
    "report/integrated/get/": report,
}
