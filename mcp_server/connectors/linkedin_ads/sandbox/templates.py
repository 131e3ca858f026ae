"""What the sandbox's synthetic LinkedIn Ads data is made of: ids, statuses, names, campaign templates,
markets, delivery windows and creative content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ....params import today

MAIN_ACCOUNT, EMEA_ACCOUNT, TEST_ACCOUNT = 512345678, 523456789, 534567890
CAMPAIGN_STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "PAUSED", "ACTIVE", "COMPLETED", "ARCHIVED", "DRAFT")
GROUP_STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED")
CREATIVE_STATUSES = ("ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED")
GROUP_NAMES = ("FY26 Brand awareness", "FY26 Pipeline - demo requests", "Always on - retargeting", "Webinars, events & field",
               "Product launch", "Lead gen - content", "Partner co-marketing", "Hiring brand")  # fmt: skip
ROLES = ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER")

# Campaign templates: type, format, objective, optimization, billing and bid always agree (as Campaign Manager
# enforces). Message ads bill per send, which LinkedIn expresses as costType CPM.
PROFILES = (
    ("SPONSORED_UPDATES", "STANDARD_UPDATE", "WEBSITE_VISIT", "MAX_CLICK", "CPC", "7.5", "Website visits"),
    ("SPONSORED_UPDATES", "SINGLE_VIDEO", "VIDEO_VIEW", "MAX_VIDEO_VIEW", "CPV", "0.12", "Product video"),
    ("SPONSORED_UPDATES", "STANDARD_UPDATE", "LEAD_GENERATION", "MAX_LEAD", "CPM", "45", "E-book lead gen"),
    ("SPONSORED_UPDATES", "CAROUSEL", "BRAND_AWARENESS", "MAX_IMPRESSION", "CPM", "32", "Awareness carousel"),
    ("TEXT_AD", "TEXT_AD", "WEBSITE_VISIT", "MAX_CLICK", "CPC", "3.2", "Text ads"),
    ("SPONSORED_UPDATES", "STANDARD_UPDATE", "WEBSITE_CONVERSION", "MAX_CONVERSION", "CPM", "55", "Demo requests"),
    ("SPONSORED_INMAILS", "SPONSORED_INMAIL", "LEAD_GENERATION", "NONE", "CPM", "450", "Webinar invite message"),
    ("SPONSORED_UPDATES", "SINGLE_VIDEO", "ENGAGEMENT", "MAX_CLICK", "CPM", "38", "Customer story video"),
)  # fmt: skip
# Names with commas on purpose: a name filter must send "Retargeting, site visitors" as one value.
AUDIENCES = ("IT decision makers", "Finance leaders", "HR managers", "Retargeting, site visitors", "Lookalike - customers")
# Campaign index → status that replaces the cycle's: deleted campaigns (one delivered long ago, one was a draft).
DELETED_CAMPAIGNS = {118: "PENDING_DELETION", 119: "REMOVED"}
# Records LinkedIn counts in a listing but leaves out of every page, so pages come back short in the middle of a
# result (Airbyte issue #34164: a broken creative made a page 99 of 100 long; PR #60996: 96 of 100 lead forms).
# Listing → {position in the listing: how many such records sit there}.
BROKEN = {
    "creatives": {4: 6},  # at pageSize 5 one whole page is broken: an empty page that still has a next token
    "users": {1: 1},
    "conversions": {2: 1, 7: 2},
    # At count 3 the window [6, 9) is all left out: an empty page, while paging.total (11) says more follow.
    "lead_forms": {1: 1, 5: 3},
    "lead_responses": {3: 1},
}
GEO = {"US": 103644278, "GB": 101165590, "DE": 101282230, "FR": 105015875, "CA": 101174742, "NL": 102890719,
       "CH": 106693272, "AU": 101452733}  # fmt: skip
# Countries each account targets, biggest market first (the member-country report follows this order).
MARKETS = {"MAIN": ("US", "CA", "GB", "AU"), "EMEA": ("DE", "FR", "GB", "NL", "CH"), "TEST": ("US",)}


def markets(account_id: int) -> tuple[str, ...]:
    """The countries an account targets, biggest first."""
    return MARKETS["EMEA" if account_id == EMEA_ACCOUNT else "TEST" if account_id == TEST_ACCOUNT else "MAIN"]


def urn(kind: str, value: int | str) -> str:
    return f"urn:li:{kind}:{value}"


def delivery_window(status: str, start: dt.date, index: int) -> tuple[dt.date, dt.date] | None:
    """First and last day a campaign delivered: active ones run to today, stopped ones stopped earlier."""
    if status == "DRAFT":
        return None
    if status == "ACTIVE":
        return start, today()
    if status == "PAUSED":
        return start, today() - dt.timedelta(days=4 + index % 20)
    return start, min(start + dt.timedelta(days=45 + index % 30), today() - dt.timedelta(days=60))


def creative_content(kind: str, number: int, k: int) -> dict[str, Any]:
    if kind == "TEXT_AD":
        return {"textAd": {"headline": ("Cut reporting time in half", "See the 2026 benchmark")[k],
                           "description": "Northwind analytics for finance teams. Free 14-day trial.",
                           "landingPage": "https://example.com/trial"}}  # fmt: skip
    if kind == "SPONSORED_INMAILS":
        return {"reference": urn("adInMailContent", 3000000 + number)}
    return {"reference": urn("share", 7000000000 + number)}
