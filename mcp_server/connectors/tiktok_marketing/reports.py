"""report/integrated/get/: split long ranges into TikTok-sized chunks, page each, flatten rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...answers import Reader
from ...backends.base import Ahead, Page
from ...budget import exhausted
from ...params import split_range
from .api import TiktokApi
from .report_params import ObjectReportParams, ReportParams

PATH = "report/integrated/get/"
READ = Reader("TikTok")
# Attribute metrics that are text even when they look numeric.
TEXT_METRICS = {"ad_text", "placement_type", "currency", "timezone", "objective_type", "country_code", "buying_type"}
# Full matches of ASCII digits (re's \d takes "١٢", $ takes a final newline); a value longer than any real
# figure stays text rather than reach int()'s 4,300-digit limit.
INTEGER = re.compile(r"-?[0-9]{1,30}")
DECIMAL = re.compile(r"-?[0-9]{1,30}\.[0-9]{1,30}")


ALL_STATUSES = '["STATUS_ALL"]'


def date_chunks(params: ReportParams, state: dict[str, Any]) -> list[tuple[dt.date, dt.date] | None]:
    """TikTok-sized spans of the range frozen in the page state (`start`/`end`, resolved at the first page)."""
    if params.lifetime:
        return [None]
    start, end = dt.date.fromisoformat(state["start"]), dt.date.fromisoformat(state["end"])
    return list(split_range(start, end, params.max_span_days))


def report_filtering(params: ReportParams, *, status_filter: bool = True) -> list[dict[str, Any]] | None:
    """The caller's filters, plus the status filter that keeps deleted objects in (unless the caller set one)."""
    filtering = list(params.filtering or [])
    if status_filter and isinstance(params, ObjectReportParams) and params.include_deleted:
        if not any(item["field_name"] == params.status_field for item in filtering):
            filtering.append({"field_name": params.status_field, "filter_type": "IN", "filter_value": ALL_STATUSES})
    return filtering or None


def report_query(
    params: ReportParams, advertiser_id: str | None, chunk: tuple[dt.date, dt.date] | None, *, status_filter: bool = True
) -> dict[str, Any]:
    query: dict[str, Any] = {
        "advertiser_id": advertiser_id,
        "report_type": "BASIC",
        "service_type": "AUCTION",
        "data_level": params.data_level,
        "dimensions": params.dimensions,
        "metrics": params.metrics,
        "filtering": report_filtering(params, status_filter=status_filter),
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
        if INTEGER.fullmatch(value):
            return int(value)
        if DECIMAL.fullmatch(value):
            return float(value)
    return value


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    """{"dimensions": {...}, "metrics": {...}} -> one flat row, dimensions first.

    A row that is flat already is kept (Airbyte's hosted schemas describe flat rows; which shape
    its server returns is not verified), so no backend can turn rows into empty records.
    """
    nested = isinstance(item.get("dimensions"), dict) or isinstance(item.get("metrics"), dict)
    if nested:
        row = {}
        for name in ("dimensions", "metrics"):
            part = item.get(name)
            if part is not None and not isinstance(part, dict):
                raise READ.fail(f"a report row's {name}", part, "an object")
            row |= part or {}
    else:
        row = dict(item)
    return {key: _value(key, value) for key, value in row.items()}


# Pages listed ahead at most: a call needs few of them (its limit and request budget are small).
MAX_PAGES_AHEAD = 64


def has_next_page(data: dict[str, Any]) -> bool:
    info = data.get("page_info") or {}  # whole numbers or null (errors.checked_data)
    return bool(data.get("list")) and (info.get("page") or 0) < (info.get("total_page") or 0)


def pages_ahead(data: dict[str, Any], state: dict[str, Any]) -> Ahead | None:
    """The states of the pages after this one, from page_info: TikTok addresses pages by number
    (page, page_size; SDK yml_files/*_get.yml, Airbyte's PageIncrement paginator), so the rest of a
    list can be fetched at once once the first page says how many there are. The last page has none
    ahead but still tells the total, so a change since the first page shows."""
    info = data.get("page_info")
    if not isinstance(info, dict):
        return None
    total = info.get("total_number")
    known = total if isinstance(total, int) else None  # api.checked_data made page_info whole numbers
    last = min(int(info.get("total_page") or 0), state["page"] + MAX_PAGES_AHEAD) if has_next_page(data) else 0
    states = [{**state, "page": n} for n in range(state["page"] + 1, last + 1)]
    return Ahead(states, per_page=int(state["page_size"]), total=known)


async def fetch_report(
    api: TiktokApi,
    params: ReportParams,
    advertiser_id: str | None,
    state: dict[str, Any],
    *,
    status_filter: bool = True,
    concurrent: bool = False,
) -> Page:
    """One page of one chunk; chunks that come back empty are skipped in the same call while the
    call's request budget lasts. Once it is spent, an empty page with the next state lets the call
    stop and hand back a cursor (so 2016-to-today does not run for minutes). Only a chunk's first page
    skips ahead: later pages may be fetched concurrently, each with one request of the call's budget.
    `status_filter=False` for hosted mode, which cannot send one. `concurrent`: say which pages follow
    (Page.ahead), so the executor may fetch them at once (direct mode; hosted pages stay one by one,
    as nothing says Airbyte's Agent API serves one report's pages concurrently)."""
    chunks = date_chunks(params, state)
    index, page = state["chunk"], state["page"]
    skips_empty = page == 1
    while True:
        query = report_query(params, advertiser_id, chunks[index], status_filter=status_filter)
        query |= {"page": page, "page_size": state["page_size"]}
        reply = await api.get(PATH, query)
        records = [flatten(item) for item in reply.data.get("list") or []]
        if has_next_page(reply.data):
            next_state: dict[str, Any] | None = {**state, "chunk": index, "page": page + 1}
        elif index + 1 < len(chunks):
            next_state = {**state, "chunk": index + 1, "page": 1}
        else:
            next_state = None
        if records or next_state is None or exhausted() or not skips_empty:
            here = {**state, "chunk": index, "page": page}
            return Page(records, next_state, reply.meta(), ahead=pages_ahead(reply.data, here) if concurrent else None)
        index, page = next_state["chunk"], 1
