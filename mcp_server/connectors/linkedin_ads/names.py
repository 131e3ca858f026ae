"""Readable names on analytics rows, so an agent never has to join URNs by hand.

Field scheme (one per pivot; `pivotValues` stays, since cursors resume on it):
- entity pivots add an id and a name: `campaign_id` + `campaign_name`, `creative_id` + `creative_name`;
- member facets and device add a name beside the URN in pivotValues: `country_name`, `region_name`,
  `company_name`, `company_size_name`, `industry_name`, `seniority_name`, `job_function_name`,
  `job_title_name`, `device_name`.

Where names come from: company sizes and devices are LinkedIn enums, named here. Direct mode looks
the rest up in batches: campaigns by the account's campaign search (ids + every status, 100 a request),
creatives by the account's creative criteria finder (100 a request), member URNs by LinkedIn's
`adTargetingEntities?q=urns&queryVersion=QUERY_USES_URNS` finder (50 a request). Hosted mode has no
targeting lookup (Airbyte declares none): seniorities, job functions and the common industries come from
LinkedIn's standardized lists below, the rest stay URNs with a warning. Names are cached per backend for
NAME_TTL seconds; a value that cannot be named keeps its URN as its name, and `meta.warnings` says why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from ...budget import remaining
from ...errors import ConnectorError

NAME_TTL = 6 * 3600  # campaigns get renamed; demographic names hardly change
TARGETING_BATCH = 50
ENTITY_BATCH = 100

# pivot → the prefix of its fields; entity pivots also get `<prefix>_id`.
PREFIX = {
    "CAMPAIGN": "campaign",
    "CREATIVE": "creative",
    "IMPRESSION_DEVICE_TYPE": "device",
    "MEMBER_COMPANY": "company",
    "MEMBER_COMPANY_SIZE": "company_size",
    "MEMBER_COUNTRY_V2": "country",
    "MEMBER_INDUSTRY": "industry",
    "MEMBER_JOB_FUNCTION": "job_function",
    "MEMBER_JOB_TITLE": "job_title",
    "MEMBER_REGION_V2": "region",
    "MEMBER_SENIORITY": "seniority",
}
ENTITY_PIVOTS = ("CAMPAIGN", "CREATIVE")

# LinkedIn's company-size enum (the `staffCountRange` of organizations), as adAnalytics reports it.
COMPANY_SIZES = {
    "SIZE_1": "Self-employed (1)", "SIZE_2_TO_10": "2-10 employees", "SIZE_11_TO_50": "11-50 employees",
    "SIZE_51_TO_200": "51-200 employees", "SIZE_201_TO_500": "201-500 employees",
    "SIZE_501_TO_1000": "501-1,000 employees", "SIZE_1001_TO_5000": "1,001-5,000 employees",
    "SIZE_5001_TO_10000": "5,001-10,000 employees", "SIZE_10001_OR_MORE": "10,001+ employees",
}  # fmt: skip
DEVICES = {
    "DESKTOP_WEB": "Desktop web", "MOBILE_WEB": "Mobile web", "MOBILE_APP": "Mobile app",
    "TABLET_WEB": "Tablet web", "TABLET_APP": "Tablet app", "CONNECTED_TV": "Connected TV",
    "UNDETECTED": "Undetected device", "UNKNOWN": "Unknown device",
}  # fmt: skip
# LinkedIn's standardized seniorities and job functions (Microsoft Learn, "Standardized Data"), and the
# industries (industry taxonomy V2) most B2B reports lead with. Used where no lookup API is reachable.
STANDARD_NAMES = {
    **{f"urn:li:seniority:{i}": n for i, n in enumerate(
        ("Unpaid", "Training", "Entry", "Senior", "Manager", "Director", "VP", "CXO", "Partner", "Owner"), 1)},
    **{f"urn:li:function:{i}": n for i, n in enumerate((
        "Accounting", "Administrative", "Arts and Design", "Business Development", "Community and Social Services",
        "Consulting", "Education", "Engineering", "Entrepreneurship", "Finance", "Healthcare Services",
        "Human Resources", "Information Technology", "Legal", "Marketing", "Media and Communication",
        "Military and Protective Services", "Operations", "Product Management", "Program and Project Management",
        "Purchasing", "Quality Assurance", "Real Estate", "Research", "Sales", "Customer Success and Support"), 1)},
    **{f"urn:li:industry:{i}": n for i, n in {
        4: "Software Development", 6: "Technology, Information and Internet", 96: "IT Services and IT Consulting",
        43: "Financial Services", 41: "Banking", 80: "Advertising Services", 27: "Retail",
        14: "Hospitals and Health Care"}.items()},
}  # fmt: skip

# A lookup: the values still unnamed → the names it found and any warnings.
Lookup = Callable[[list[str]], Awaitable[tuple[dict[str, str], list[str]]]]


class NameCache:
    """value → name, each entry for NAME_TTL seconds (a dict with expiry; too small a job for a dependency)."""

    def __init__(self, ttl: float = NAME_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.clock = ttl, clock
        self._entries: dict[str, tuple[float, str]] = {}

    def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: str, name: str) -> None:
        self._entries[key] = (self.clock() + self.ttl, name)


def local_name(pivot: str, value: str) -> str | None:
    """Names that need no request: LinkedIn's enums."""
    if pivot == "MEMBER_COMPANY_SIZE":
        return COMPANY_SIZES.get(value)
    if pivot == "IMPRESSION_DEVICE_TYPE":
        return DEVICES.get(value) or value.replace("_", " ").capitalize()
    return None


def _pivot_value(record: dict[str, Any]) -> str | None:
    values = record.get("pivotValues") or []
    return str(values[0]) if values else None


def _id_of(value: str) -> str:
    return value.rsplit(":", 1)[-1]


async def name_records(
    records: list[dict[str, Any]], pivot: str, cache: NameCache, lookup: Lookup | None
) -> list[str]:
    """Add the pivot's name (and id) fields to every record in place; return warnings.

    Each distinct value is named once: from the enums, the cache, then one batched lookup."""
    prefix = PREFIX.get(pivot)
    if prefix is None or not records:
        return []
    values = list(dict.fromkeys(v for v in map(_pivot_value, records) if v))
    names: dict[str, str] = {}
    for value in values:
        name = local_name(pivot, value) or cache.get(f"{pivot}|{value}")
        if name:
            names[value] = name
    missing = [v for v in values if v not in names]
    warnings: list[str] = []
    if missing and lookup is not None:
        found, warnings = await lookup(missing)
        for value, name in found.items():
            if name:
                cache.put(f"{pivot}|{value}", name)
                names[value] = name
    unnamed = [v for v in values if v not in names]
    if unnamed and not warnings:
        warnings = [f"LinkedIn gave no name for {some(unnamed)}, so {prefix}_name holds the URN there."]
    for record in records:
        value = _pivot_value(record)
        if value is None:
            continue
        named = {f"{prefix}_id": _id_of(value)} if pivot in ENTITY_PIVOTS else {}
        named[f"{prefix}_name"] = names.get(value, value)
        _after_pivot(record, named)
    return warnings


def _after_pivot(record: dict[str, Any], named: dict[str, str]) -> None:
    """Put the name fields right after pivotValues, where a reader looks for them."""
    items = [(k, v) for k, v in record.items() if k not in named]
    at = next((i + 1 for i, (k, _) in enumerate(items) if k == "pivotValues"), len(items))
    record.clear()
    record.update([*items[:at], *named.items(), *items[at:]])


def fallback_warning(what: str, values: Iterable[str], why: str) -> str:
    return f"{what} names were not looked up for {some(list(values))} ({why}), so their _name holds the URN."


def some(values: list[str], shown: int = 3) -> str:
    more = f" and {len(values) - shown} more" if len(values) > shown else ""
    return ", ".join(values[:shown]) + more


async def batched(
    values: list[str], size: int, what: str, fetch: Callable[[list[str]], Awaitable[dict[str, str]]]
) -> tuple[dict[str, str], list[str]]:
    """Look values up `size` at a time, the batches the request budget affords all at once (one wave, not one
    after another); a failed batch falls back with a warning, and so do the batches past the budget."""
    found: dict[str, str] = {}
    warnings: list[str] = []
    batches = [values[start : start + size] for start in range(0, len(values), size)]
    left = remaining()
    sent = batches if left is None else batches[:left]
    if len(sent) < len(batches):
        rest = [v for batch in batches[len(sent) :] for v in batch]
        warnings.append(fallback_warning(what, rest, "this call's request budget is spent"))
    outcomes = await asyncio.gather(*(fetch(batch) for batch in sent), return_exceptions=True)
    for batch, outcome in zip(sent, outcomes):
        if isinstance(outcome, ConnectorError):
            warnings.append(fallback_warning(what, batch, f"the lookup failed: {outcome}"))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            found |= outcome
    return found, warnings
