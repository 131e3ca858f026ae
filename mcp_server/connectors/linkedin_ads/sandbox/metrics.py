"""One coherent day of delivery for one sandbox campaign: every metric the fake reports, before pivoting.

Rates follow public LinkedIn benchmarks: sponsored content CTR 0.35-0.9 %, social actions well under
1 % of impressions, text ads CTR ~0.04 %, message ads ~45 % opens. Each count is drawn as a fraction of
a larger one, so clicks <= impressions, landingPageClicks <= clicks, leads <= form opens <= clicks,
video completions <= views <= starts, and post-click conversions <= landing-page clicks. Impressions
come from the daily budget, and cost from the campaign's own billing event (CPM, CPC, CPV, or per send
for message ads), so spend tracks the budget. Daily values stay fractional (expected counts) and are
rounded once per report row, so small counts such as shares are neither lost nor inflated.
"""

from __future__ import annotations

import math
from typing import Any

# Landing-page share of clicks by objective: lead-gen clicks mostly open the form, not the site.
LANDING_SHARE = {"LEAD_GENERATION": (0.05, 0.15), "WEBSITE_VISIT": (0.6, 0.8), "WEBSITE_CONVERSION": (0.6, 0.8)}
# Post-click conversions per landing-page click by objective.
CONVERSION_RATE = {"WEBSITE_CONVERSION": (0.04, 0.1), "WEBSITE_VISIT": (0.01, 0.03)}


def noise(*keys: int) -> float:
    """A fixed pseudo-random number in [0, 1) (hashes of int tuples are stable across runs)."""
    value = hash(keys) & 0xFFFFFFFF
    value = (value * 2654435761) & 0xFFFFFFFF
    return value / 2**32


def _whole(expected: float, dither: float) -> int:
    """Whole events with an unbiased total (dithered rounding)."""
    return math.floor(expected + dither)


def day_metrics(campaign: dict[str, Any], ordinal: int) -> dict[str, float] | None:
    """The campaign's metrics on one day (local currency), or None on a day without delivery."""
    cid = campaign["id"]

    def draw(key: int, low: float, high: float) -> float:
        return low + (high - low) * noise(cid, ordinal, key)

    if draw(0, 0, 1) < 0.05:  # audience exhausted, budget hit early, ...
        return None
    spend = float(campaign["dailyBudget"]["amount"]) * draw(1, 0.65, 1.0)
    bid = float(campaign["unitCost"]["amount"])
    if campaign["type"] == "SPONSORED_INMAILS":
        return _message_ad(campaign, spend, bid, draw)
    text_ad = campaign["type"] == "TEXT_AD"
    video = campaign["format"] == "SINGLE_VIDEO"
    ctr = draw(2, 0.0002, 0.0006) if text_ad else draw(2, 0.0035, 0.009)
    price = bid * draw(3, 0.7, 1.0)  # LinkedIn's auction charges at most the bid
    view_rate = draw(4, 0.18, 0.28) if video else 0.0
    per_impression = {"CPC": ctr * price, "CPV": view_rate * price}.get(campaign["costType"], price / 1000)
    impressions = math.floor(spend / per_impression)
    clicks = _whole(impressions * ctr, draw(40, 0, 1))  # billed events are whole, so cost per click stays <= bid
    m: dict[str, float] = {"impressions": impressions, "clicks": clicks}
    low, high = (0.95, 1.0) if text_ad else LANDING_SHARE.get(campaign["objectiveType"], (0.35, 0.55))
    m["landingPageClicks"] = (clicks * draw(5, low, high))
    if not text_ad:
        _social(m, impressions, clicks, draw)
    if campaign["format"] == "CAROUSEL":
        m["cardImpressions"] = (impressions * draw(13, 2.0, 3.0))
        m["cardClicks"] = (clicks * draw(14, 0.7, 0.9))
    if video:
        _video(m, impressions, view_rate, draw)
    _leads_and_conversions(m, campaign, draw)
    billed = {"CPC": clicks, "CPV": m.get("videoViews", 0), "CPM": impressions / 1000}[campaign["costType"]]
    m["costInLocalCurrency"] = billed * price
    return m


def _message_ad(campaign: dict[str, Any], spend: float, bid: float, draw) -> dict[str, float]:
    per_send = bid / 1000 * draw(2, 0.85, 1.0)  # costType CPM: the bid is per thousand sends
    sends = math.floor(spend / per_send)
    opens = _whole(sends * draw(3, 0.38, 0.55), draw(41, 0, 1))
    clicks = _whole(opens * draw(4, 0.03, 0.07), draw(42, 0, 1))
    action = (clicks * draw(5, 0.6, 0.8))
    m: dict[str, float] = {
        "sends": sends, "opens": opens, "impressions": opens, "clicks": clicks, "actionClicks": action,
        "adUnitClicks": clicks - action, "textUrlClicks": 0, "landingPageClicks": (clicks * draw(6, 0.1, 0.2)),
    }  # fmt: skip
    _leads_and_conversions(m, campaign, draw)
    m["costInLocalCurrency"] = sends * per_send
    return m


def _social(m: dict[str, float], impressions: int, clicks: int, draw) -> None:
    reactions = (impressions * draw(7, 0.0015, 0.004))
    m.update(
        reactions=reactions,
        likes=(reactions * draw(8, 0.7, 0.85)),
        comments=(impressions * draw(9, 0.0001, 0.0004)),
        shares=(impressions * draw(10, 0.00005, 0.0002)),
        follows=(impressions * draw(11, 0.0001, 0.0005)),
        companyPageClicks=(clicks * draw(12, 0.02, 0.05)),
        otherEngagements=(clicks * draw(15, 0.1, 0.3)),
    )
    m["commentLikes"] = (m["comments"] * 0.3)
    social = reactions + m["comments"] + m["shares"] + m["follows"]
    m["totalEngagements"] = clicks + social + m["otherEngagements"]
    viral = (social * draw(16, 8, 20))  # members' reactions show the ad to their network
    m.update(viralImpressions=viral, viralClicks=(viral * 0.003), viralLikes=(viral * 0.002), viralShares=0,
             viralComments=(viral * 0.0003), viralFollows=(viral * 0.0002))  # fmt: skip
    m["viralLandingPageClicks"] = (m["viralClicks"] * 0.5)
    m["viralTotalEngagements"] = m["viralClicks"] + m["viralLikes"] + m["viralComments"] + m["viralFollows"]


def _video(m: dict[str, float], impressions: int, view_rate: float, draw) -> None:
    starts = _whole(impressions * draw(17, 0.35, 0.55), draw(43, 0, 1))
    views = min(_whole(impressions * view_rate, draw(44, 0, 1)), starts)
    first = (views * draw(18, 0.7, 0.85))
    mid = (first * draw(19, 0.6, 0.75))
    third = (mid * draw(20, 0.7, 0.85))
    m.update(videoStarts=starts, videoViews=views, videoFirstQuartileCompletions=first, videoMidpointCompletions=mid,
             videoThirdQuartileCompletions=third, videoCompletions=(third * draw(21, 0.75, 0.9)),
             fullScreenPlays=(starts * 0.02))  # fmt: skip
    viral = m.get("viralImpressions", 0)
    m.update(viralVideoStarts=(viral * 0.4), viralVideoViews=(viral * 0.2), viralVideoCompletions=(viral * 0.03))


def _leads_and_conversions(m: dict[str, float], campaign: dict[str, Any], draw) -> None:
    """Leads and conversions are whole events (dithered rounding keeps their totals unbiased)."""

    def events(expected: float, key: int) -> int:
        return _whole(expected, draw(key, 0, 1))

    objective = campaign["objectiveType"]
    if objective == "LEAD_GENERATION":
        opens = m["clicks"] * draw(22, 0.35, 0.6)
        leads = min(events(opens * draw(23, 0.08, 0.18), 30), math.ceil(opens))
        m.update(oneClickLeadFormOpens=opens, oneClickLeads=leads, validWorkEmailLeads=events(leads * 0.55, 31))
    low, high = CONVERSION_RATE.get(objective, (0.0, 0.008))
    post_click = min(events(m["landingPageClicks"] * draw(24, low, high), 32), math.ceil(m["landingPageClicks"]))
    post_view = events(post_click * draw(25, 0.15, 0.4), 33)
    m.update(externalWebsitePostClickConversions=post_click, externalWebsitePostViewConversions=post_view,
             externalWebsiteConversions=post_click + post_view)  # fmt: skip
    m["conversionValueInLocalCurrency"] = (post_click + post_view) * (40 + 80 * noise(campaign["id"], 26))
