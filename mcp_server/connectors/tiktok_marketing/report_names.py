"""The advertiser's id and name on every report row, at every data level.

Campaign, ad group and ad names come from TikTok's own attribute metrics (report_params defaults);
for the advertiser we found no primary source listing an `advertiser_name` report metric, so its name
comes from advertiser/info/ (`name`), the lookup the report already makes for the time zone and caches
per backend. A failed lookup leaves the id as the name, with a warning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...budget import SETTING as BUDGET_SETTING
from ...budget import exhausted
from ...errors import ConnectorError

AdvertiserInfo = Callable[[Any], Awaitable[dict[str, Any]]]


async def name_advertiser(
    records: list[dict[str, Any]], advertiser_id: str | None, info: AdvertiserInfo, *, cached: bool
) -> list[str]:
    """Put advertiser_id and advertiser_name first on each row (in place); return any warning.

    advertiser_id None: hosted mode's configured advertiser, whose record names it. cached: the
    record is known already; otherwise the lookup is one more request, made only within the budget."""
    warnings: list[str] = []
    if not cached and exhausted():
        record: dict[str, Any] = {}
        warnings.append(
            f"advertiser/info/ was not asked: this call's request budget ({BUDGET_SETTING}) is spent, "
            "so advertiser_name holds the advertiser id."
        )
    else:
        try:
            record = await info(advertiser_id)
        except ConnectorError as error:
            record = {}
            warnings.append(f"advertiser/info/ failed ({error}), so advertiser_name holds the advertiser id.")
    known = str(record.get("advertiser_id") or advertiser_id or "")
    name = record.get("name") or record.get("advertiser_name")
    if not name and not warnings:
        warnings.append(f"TikTok gave no name for advertiser {known or '(unknown)'}, so advertiser_name holds its id.")
    for row in records:
        own = str(row.get("advertiser_id") or known)
        named = {"advertiser_id": own, "advertiser_name": str(name or own)}
        rest = {k: v for k, v in row.items() if k not in named}
        row.clear()
        row.update({**named, **rest})
    return warnings
