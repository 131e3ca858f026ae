"""The fake report/integrated/get/: nested rows with string metrics, TikTok's span limits.

The fake keeps its own copy of TikTok's report rules (not the client's report_params), so a client
that sends a metric, a status field or a span TikTok refuses fails a test instead of passing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

# The one clock the client and the fake share: both must see the same instant when a test freezes it
# (the environment, not one of TikTok's rules). The advertiser's calendar below is the fake's own.
from ..clock import now
from .data import Dataset
from .delivery import RESULT_OF, daily_counts, hourly_counts
from .query import Query, invalid

LEVELS = {"AUCTION_ADVERTISER": "advertiser_id", "AUCTION_CAMPAIGN": "campaign_id", "AUCTION_ADGROUP": "adgroup_id", "AUCTION_AD": "ad_id"}
TIME_DIMENSIONS = ("stat_time_day", "stat_time_hour")
# TikTok's longest span per request: 30 days by day, 1 day by hour, 365 days with no time dimension.
MAX_SPAN_DAYS = {"stat_time_day": 30, "stat_time_hour": 1, None: 365}
ATTRIBUTES = {"campaign_name", "campaign_id", "adgroup_name", "adgroup_id", "ad_name", "ad_text", "placement_type", "currency"}
# The BASIC report metrics the fake computes (TikTok's metric names, as Airbyte's report definitions use them).
KNOWN_METRICS = ATTRIBUTES | set("""
    spend cash_spend voucher_spend cpc cpm impressions clicks ctr reach cost_per_1000_reached frequency
    conversion cost_per_conversion conversion_rate real_time_conversion real_time_cost_per_conversion
    real_time_conversion_rate result cost_per_result result_rate real_time_result real_time_cost_per_result
    real_time_result_rate secondary_goal_result cost_per_secondary_goal_result secondary_goal_result_rate
    video_play_actions video_watched_2s video_watched_6s average_video_play average_video_play_per_user
    video_views_p25 video_views_p50 video_views_p75 video_views_p100 profile_visits likes comments shares follows
    clicks_on_music_disc real_time_app_install real_time_app_install_cost app_install
""".split())
# Only AUCTION_ADVERTISER with stat_time_day reports these (TikTok report doc 1707957200780290, via Airbyte).
ADVERTISER_DAILY_ONLY = {"cash_spend", "voucher_spend"}
ID_FILTERS = {"campaign_ids": "campaign_id", "adgroup_ids": "adgroup_id", "ad_ids": "ad_id"}
# Each data level takes its own status field only (Airbyte PRs #44048, #65623); the advertiser level none.
STATUS_FIELDS = {"AUCTION_CAMPAIGN": "campaign_status", "AUCTION_ADGROUP": "adgroup_status", "AUCTION_AD": "ad_status"}
STATUS_FILTERS = {"campaign_status", "adgroup_status", "ad_status"}
STATUS_VALUES = {"STATUS_ALL", "STATUS_NOT_DELETE", "STATUS_DELETE", "STATUS_DELIVERY_OK", "STATUS_DISABLE"}


def advertiser_today(advertiser: dict[str, Any]) -> dt.date:
    """Today in the advertiser's own time zone: TikTok's report days are the account's days."""
    return now().astimezone(ZoneInfo(advertiser["display_timezone"])).date()


def integrated_report(data: Dataset, query: Query, advertiser_id: str) -> dict[str, Any]:
    query.text("report_type", required=True, choices=("BASIC",))
    query.text("service_type", choices=("AUCTION",))
    level = query.text("data_level", required=True, choices=tuple(LEVELS))
    id_dim = LEVELS[level]  # type: ignore[index]
    time_dim = _check_dimensions(query.json("dimensions", list, required=True), id_dim)
    metrics = query.json("metrics", list) or ["spend", "impressions"]
    unknown = [m for m in metrics if m not in KNOWN_METRICS]
    if unknown:
        raise invalid(f"metrics: Invalid metric(s): {unknown}.")
    misplaced = [m for m in metrics if m in ADVERTISER_DAILY_ONLY]
    if misplaced and (level != "AUCTION_ADVERTISER" or time_dim != "stat_time_day"):
        raise invalid(f"metrics: {misplaced} are only supported at data_level AUCTION_ADVERTISER with stat_time_day.")
    page = query.integer("page", default=1, maximum=1_000_000)
    page_size = query.integer("page_size", default=10, maximum=1000)
    ads = _filtered_ads(data, advertiser_id, query.json("filtering", list) or [], level)  # type: ignore[arg-type]
    # Report days are days in the advertiser's time zone: "today" there may be tomorrow (or yesterday) in UTC.
    today = advertiser_today(data.advertisers[advertiser_id])
    if query.boolean("query_lifetime"):
        if time_dim:
            raise invalid("query_lifetime: Cannot be used with a time dimension.")
        buckets: list[Any] = [None]
    else:
        buckets = list(_buckets(query, time_dim, today))
    rows = [row for row in _rows(data, advertiser_id, ads, id_dim, time_dim, buckets, metrics, today) if row]
    rows = _ordered(rows, query.text("order_field"), query.text("order_type", choices=("ASC", "DESC")) or "DESC")
    first, last, page_size = _page_bounds(data.report_drift, page, page_size, len(rows))
    total_page = -(-len(rows) // page_size)
    return {
        "list": rows[first:last],
        "page_info": {"page": page, "page_size": page_size, "total_number": len(rows), "total_page": total_page},
    }


def _page_bounds(drift: dict[str, int], page: int, page_size: int, count: int) -> tuple[int, int, int]:
    """Where a numbered page starts and stops. TikTok sends no sort order unless asked (order_field), so on live
    data a row can move across a page boundary between the requests of one walk. The drift mode
    (POST /__sandbox__/report_pages {"page_size": N, "shift": S}) shows it: pages of at most N rows, and every
    page after the first starts S rows earlier, as if S rows had moved from the end of page 1 to the start of
    page 2 after page 1 was served. Those rows come back twice; the last page runs to the end, so no row is lost
    and the whole data set stays the true total."""
    if not drift:
        return (page - 1) * page_size, page * page_size, page_size
    size = min(page_size, drift["page_size"])
    shift = drift["shift"] if page > 1 else 0
    last_page = -(-count // size)
    stop = count if page >= last_page else page * size - (drift["shift"] if page > 1 else 0)
    return max((page - 1) * size - shift, 0), stop, size


def _ordered(rows: list[dict[str, Any]], field: str | None, direction: str) -> list[dict[str, Any]]:
    if field is None:
        return rows  # time, then id: the order they were built in
    if rows and field not in rows[0]["metrics"]:
        raise invalid(f"order_field: {field} must be one of the requested metrics.")

    def key(row: dict[str, Any]) -> float:
        value = row["metrics"][field]
        return float("-inf") if value == "-" else float(value)

    return sorted(rows, key=key, reverse=direction == "DESC")


def _check_dimensions(dimensions: list[Any], id_dim: str) -> str | None:
    times = [d for d in dimensions if d in TIME_DIMENSIONS]
    if dimensions.count(id_dim) != 1 or len(times) > 1 or len(dimensions) != 1 + len(times):
        raise invalid(f"dimensions: Invalid dimensions {dimensions} for this data_level; use {id_dim} plus one time dimension at most.")
    return times[0] if times else None


def _buckets(query: Query, time_dim: str | None, today: dt.date) -> Iterator[Any]:
    start, end = query.date("start_date"), query.date("end_date")
    if end < start:
        raise invalid("end_date: Must be later than or equal to start_date.")
    limit = MAX_SPAN_DAYS[time_dim]
    if (end - start).days + 1 > limit:
        raise invalid(f"The time span between start_date and end_date cannot exceed {limit} days for this query.")
    if time_dim is None:
        yield (start, min(end, today))
        return
    day = start
    while day <= min(end, today):
        if time_dim == "stat_time_day":
            yield (day, None)
        else:
            yield from ((day, hour) for hour in range(24))
        day += dt.timedelta(days=1)


def _filtered_ads(data: Dataset, advertiser_id: str, filtering: list[Any], level: str) -> list[dict[str, Any]]:
    """Deleted objects are left out (STATUS_NOT_DELETE) unless the status field of this data level asks for them;
    a status field of another level is refused (Airbyte PRs #44048, #65623). Advertiser totals count everything."""
    ads = data.of("ads", advertiser_id)
    own_status = STATUS_FIELDS.get(level)
    deleted_ok = {True, False} if own_status is None else {False}  # which values of `_deleted` stay
    for item in filtering:
        if not isinstance(item, dict) or not isinstance(item.get("filter_value"), str):
            raise invalid("filtering: each item needs field_name, filter_type and a string filter_value.")
        name, kind = item.get("field_name"), item.get("filter_type")
        if name not in ID_FILTERS and name not in STATUS_FILTERS:
            raise invalid(f"filtering: Invalid field_name {name!r}.")
        if kind != "IN":
            raise invalid(f"filtering: filter_type for {name} must be IN.")
        try:
            values = json.loads(item["filter_value"])
        except ValueError:
            raise invalid(f"filtering: filter_value for {name} must be a JSON-encoded list string.") from None
        if not isinstance(values, list) or len(values) > 100:
            raise invalid(f"filtering: filter_value for {name} must be a JSON list of at most 100 values.")
        if name in ID_FILTERS:
            ads = [ad for ad in ads if ad[ID_FILTERS[name]] in {str(v) for v in values}]
            continue
        if name != own_status:
            raise invalid(f"filtering: field_name {name} is not supported at data_level {level}.")
        if not set(values) <= STATUS_VALUES:
            raise invalid(f"filtering: filter_value for {name} must be among {sorted(STATUS_VALUES)}.")
        deleted_ok = {True, False} if "STATUS_ALL" in values else {True} if values == ["STATUS_DELETE"] else {False}
    return [ad for ad in ads if ad["_deleted"] in deleted_ok]


def _rows(data, advertiser_id, ads, id_dim, time_dim, buckets, metrics, today) -> Iterator[dict[str, Any] | None]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for ad in ads:
        groups.setdefault(advertiser_id if id_dim == "advertiser_id" else ad[id_dim], []).append(ad)
    for bucket in buckets:
        for key, members in groups.items():
            counts = _sum(members, bucket, today)
            if counts["impressions"]:
                dims = {id_dim: key} | ({time_dim: _stamp(bucket)} if time_dim else {})
                yield {"dimensions": dims, "metrics": _metrics(counts, members[0], id_dim, data.advertisers[advertiser_id], metrics)}


def _stamp(bucket: tuple[dt.date, int | None]) -> str:
    day, hour = bucket
    return f"{day.isoformat()} {hour or 0:02d}:00:00"


def _sum(ads: list[dict[str, Any]], bucket: Any, today: dt.date) -> dict[str, float]:
    total: dict[str, float] = {"impressions": 0}
    for ad in ads:
        own: dict[str, float] = {}
        days = 0
        for counts in _ad_counts(ad, bucket, today):
            days += bool(counts)
            for k, v in counts.items():
                own[k] = own.get(k, 0) + v
        if days > 1:  # reach counts people once: over many days the same viewers return
            own["reach"] = int(own["reach"] / (1 + 0.3 * math.log(days)))
            if RESULT_OF.get(ad["_delivery"].objective) == "reach":
                own["result"] = own["reach"]
        for k, v in own.items():
            total[k] = total.get(k, 0) + v
    return total


def _ad_counts(ad: dict[str, Any], bucket: Any, today: dt.date) -> Iterator[dict[str, float]]:
    delivery = ad["_delivery"]
    if bucket is None or isinstance(bucket[1], dt.date):  # lifetime, or a whole range without time dimension
        start, end = (delivery.first_day, today) if bucket is None else (max(delivery.first_day, bucket[0]), bucket[1])
        for offset in range((end - start).days + 1):
            yield daily_counts(delivery, start + dt.timedelta(days=offset))
    else:
        day, hour = bucket
        yield daily_counts(delivery, day) if hour is None else hourly_counts(delivery, day, hour)


def _ratio(num: float, den: float, scale: float = 1.0) -> str:
    return f"{num / den * scale:.2f}" if den else "-"


def _metrics(c: dict[str, float], sample: dict[str, Any], id_dim: str, advertiser: dict[str, Any], names: list[str]) -> dict[str, str]:
    spend, conv, plays, result = c["spend"], c.get("conversion", 0), c.get("video_play_actions", 0), c.get("result", 0)
    # Reach campaigns price their result (people reached) per 1,000, as Ads Manager shows it.
    per_result = 1000 if id_dim != "advertiser_id" and sample["_delivery"].objective == "REACH" else 1
    voucher = round(spend * 0.1, 2)  # a promotional credit pays a tenth; cash + voucher = spend
    derived = {
        "spend": f"{spend:.2f}", "cash_spend": f"{spend - voucher:.2f}", "voucher_spend": f"{voucher:.2f}",
        "cpc": _ratio(spend, c["clicks"]), "cpm": _ratio(spend, c["impressions"], 1000),
        "ctr": _ratio(c["clicks"], c["impressions"], 100), "cost_per_1000_reached": _ratio(spend, c["reach"], 1000),
        "frequency": _ratio(c["impressions"], c["reach"]), "cost_per_conversion": _ratio(spend, conv),
        "conversion_rate": _ratio(conv, c["clicks"], 100), "cost_per_result": _ratio(spend, result, per_result),
        "result_rate": _ratio(result, c["impressions"], 100), "average_video_play": _ratio(c.get("play_seconds", 0), plays),
        "average_video_play_per_user": _ratio(c.get("play_seconds", 0), c["reach"]),
        "real_time_app_install_cost": _ratio(spend, c.get("app_install", 0)), "currency": advertiser["currency"],
        "secondary_goal_result": "-", "cost_per_secondary_goal_result": "-", "secondary_goal_result_rate": "-",
    }  # fmt: skip
    for name in ("conversion", "cost_per_conversion", "conversion_rate", "result", "cost_per_result", "result_rate", "app_install"):
        derived[f"real_time_{name}"] = derived.get(name) or str(int(c.get(name, 0)))
    out = {}
    for name in names:
        if name in derived:
            out[name] = derived[name]
        elif name in ATTRIBUTES:  # attributes of a lower level are not applicable
            out[name] = str(sample.get(name, sample.get("_" + name))) if _applies(name, id_dim) else "-"
        else:
            out[name] = str(int(c.get(name, 0)))
    return out


def _applies(attribute: str, id_dim: str) -> bool:
    order = ["campaign", "adgroup", "ad"]
    level = id_dim.removesuffix("_id")
    if level not in order:
        return False
    own = attribute.split("_")[0]
    return own in order and order.index(own) <= order.index(level) or attribute == "placement_type" and level != "campaign"
