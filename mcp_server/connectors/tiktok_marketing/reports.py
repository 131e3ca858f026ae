"""report/integrated/get/: split long ranges into TikTok-sized chunks, page each, flatten rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...backends.base import Page
from ...params import split_range
from .api import TiktokApi
from .report_params import ReportParams

PATH = "report/integrated/get/"
# Attribute metrics that are text even when they look numeric.
TEXT_METRICS = {"ad_text", "placement_type", "currency", "timezone", "objective_type", "country_code", "buying_type"}
INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def date_chunks(params: ReportParams) -> list[tuple[dt.date, dt.date] | None]:
    if params.lifetime:
        return [None]
    assert params.start_date and params.end_date  # resolved by the model validator
    return list(split_range(params.start_date, params.end_date, params.max_span_days))


def report_query(params: ReportParams, advertiser_id: str, chunk: tuple[dt.date, dt.date] | None) -> dict[str, Any]:
    query: dict[str, Any] = {
        "advertiser_id": advertiser_id,
        "report_type": "BASIC",
        "service_type": "AUCTION",
        "data_level": params.data_level,
        "dimensions": params.dimensions,
        "metrics": params.metrics,
        "filtering": params.filtering,
        "order_field": params.order_field,
        "order_type": params.order_type,
    }
    if chunk is None:
        query["query_lifetime"] = True
    else:
        query["start_date"], query["end_date"] = chunk[0].isoformat(), chunk[1].isoformat()
    return query


def _is_text(key: str) -> bool:
    return key.endswith(("_id", "_name")) or key.startswith("stat_time_") or key in TEXT_METRICS


def _value(key: str, value: Any) -> Any:
    if value == "-":
        return None
    if isinstance(value, str) and not _is_text(key):
        if INTEGER.match(value):
            return int(value)
        if DECIMAL.match(value):
            return float(value)
    return value


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    """{"dimensions": {...}, "metrics": {...}} -> one flat row, dimensions first.

    A row that is flat already is kept (Airbyte's hosted schemas describe flat rows; which shape
    its server returns is not verified), so no backend can turn rows into empty records.
    """
    nested = isinstance(item.get("dimensions"), dict) or isinstance(item.get("metrics"), dict)
    row = {**(item.get("dimensions") or {}), **(item.get("metrics") or {})} if nested else dict(item)
    return {key: _value(key, value) for key, value in row.items()}


def has_next_page(data: dict[str, Any]) -> bool:
    info = data.get("page_info") or {}
    return bool(data.get("list")) and int(info.get("page", 0)) < int(info.get("total_page", 0))


async def fetch_report(api: TiktokApi, params: ReportParams, advertiser_id: str, state: dict[str, Any]) -> Page:
    """One page of one chunk; chunks that come back empty are skipped in the same call."""
    chunks = date_chunks(params)
    index, page, page_size = state["chunk"], state["page"], state["page_size"]
    while True:
        query = report_query(params, advertiser_id, chunks[index]) | {"page": page, "page_size": page_size}
        reply = await api.get(PATH, query)
        records = [flatten(item) for item in reply.data.get("list") or []]
        if has_next_page(reply.data):
            next_state: dict[str, Any] | None = {"chunk": index, "page": page + 1, "page_size": page_size}
        elif index + 1 < len(chunks):
            next_state = {"chunk": index + 1, "page": 1, "page_size": page_size}
        else:
            next_state = None
        if records or next_state is None:
            return Page(records, next_state, reply.meta())
        index, page = next_state["chunk"], 1
