"""The page states TikTok's backends make, checked with the params' own rules when a cursor brings one back.

States (client.py, hosted.py, reports.py), direct and hosted alike unless noted:
- lists: {"page", "page_size"}; catalogs (direct) also {"bcs": the Business Centers read one after
  another, "bc": the one being read};
- reports: {"chunk", "page", "page_size"}, and for a date range {"start", "end"} (the range frozen at the
  first page, which meta.params and the cursor's params hold too) with the "time_zone" it was resolved in;
- advertisers: {"offset"} into params.advertiser_ids or (direct, discovered) into {"ids"}.
The date range is checked before its chunks are counted, so no plan is made from a range the params refuse.
"""

from __future__ import annotations

from typing import Any

from ...backends.base import PageRequest
from ...page_state import as_params, index, keys, refuse
from .clock import zone
from .client import BC_PAGE_SIZE, MAX_BC_PAGES
from .report_params import ReportParams

PAGE = ("page", "page_size")
# The most Business Centers discovery lists (client.py, _discover_business_centers).
MAX_BUSINESS_CENTERS = BC_PAGE_SIZE * MAX_BC_PAGES


def check(request: PageRequest) -> None:
    state, params = request.state or {}, request.params
    if request.entity == "advertisers":
        _advertisers(state, params)
    elif isinstance(params, ReportParams):
        _report(state, params)
    elif request.entity == "catalogs" and ("bcs" in state or "bc" in state):
        keys(state, (*PAGE, "bcs", "bc"))
        as_params(params, page=state["page"], page_size=state["page_size"])
        _business_centers(state, params)
    else:
        keys(state, PAGE)
        as_params(params, page=state["page"], page_size=state["page_size"])


def _report(state: dict[str, Any], params: ReportParams) -> None:
    if params.lifetime:
        keys(state, ("chunk", *PAGE))
        as_params(params, page=state["page"], page_size=state["page_size"])
        index(state["chunk"], 1, "chunk")
        return
    keys(state, ("chunk", *PAGE, "start", "end"), ("time_zone",))
    checked = as_params(
        params, page=state["page"], page_size=state["page_size"], start_date=state["start"], end_date=state["end"]
    )
    assert isinstance(checked, ReportParams)
    if (checked.start_date, checked.end_date) != (params.start_date, params.end_date):
        refuse("holds another date range than the cursor's params")
    days = (checked.end_date - checked.start_date).days + 1  # type: ignore[operator]
    index(state["chunk"], -(-days // params.max_span_days), "chunk")
    if "time_zone" in state and not (isinstance(state["time_zone"], str) and zone(state["time_zone"])):
        refuse("holds a time_zone that is no IANA zone")


def _advertisers(state: dict[str, Any], params: Any) -> None:
    keys(state, ("offset",), ("ids",))
    ids = state.get("ids")
    if ids is not None:
        as_params(params, advertiser_ids=ids)
    else:
        ids = params.advertiser_ids
    if not ids:
        refuse("holds an offset with no advertiser ids to page over")
    index(state["offset"], len(ids), "offset")


def _business_centers(state: dict[str, Any], params: Any) -> None:
    bcs = state["bcs"]
    if not isinstance(bcs, list) or not 1 <= len(bcs) <= MAX_BUSINESS_CENTERS:
        refuse(f"holds bcs that are not a list of 1 to {MAX_BUSINESS_CENTERS} Business Centers")
    for bc_id in bcs:
        as_params(params, bc_id=bc_id)
    index(state["bc"], len(bcs), "bc")
