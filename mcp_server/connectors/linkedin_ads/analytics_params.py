"""Params, pivots and metric names of the adAnalytics entities."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ...errors import InvalidParams
from ...params import StrList, last_days, today
from ...presets import DESCRIPTION as PRESET_DESCRIPTION
from ...presets import DatePreset, resolve
from . import restli
from .params import AccountScoped, Urns

DEFAULT_DAYS = 30  # a lone end_date covers the 30 days up to it
# No dates at all: what Campaign Manager calls "last 30 days" (whole days, today excluded).
DEFAULT_PRESET = "last_30d"

# entity → the one pivot it reports by (LinkedIn's q=analytics takes exactly one).
PIVOTS = {
    "ad_campaign_analytics": "CAMPAIGN",
    "ad_creative_analytics": "CREATIVE",
    "ad_impression_device_analytics": "IMPRESSION_DEVICE_TYPE",
    "ad_member_company_analytics": "MEMBER_COMPANY",
    "ad_member_company_size_analytics": "MEMBER_COMPANY_SIZE",
    "ad_member_country_analytics": "MEMBER_COUNTRY_V2",
    "ad_member_industry_analytics": "MEMBER_INDUSTRY",
    "ad_member_job_function_analytics": "MEMBER_JOB_FUNCTION",
    "ad_member_job_title_analytics": "MEMBER_JOB_TITLE",
    "ad_member_region_analytics": "MEMBER_REGION_V2",
    "ad_member_seniority_analytics": "MEMBER_SENIORITY",
}

# Every metric in Microsoft Learn's "Ads reporting schema" (Metrics Available), in its order.
METRICS = (
    "actionClicks", "adUnitClicks", "approximateMemberReach", "averageDwellTime", "audiencePenetration",
    "cardClicks", "cardImpressions", "clicks", "commentLikes", "comments", "companyPageClicks",
    "conversionValueInLocalCurrency", "costInLocalCurrency", "costInUsd", "costPerQualifiedLead",
    "documentCompletions", "documentFirstQuartileCompletions", "documentMidpointCompletions",
    "documentThirdQuartileCompletions", "downloadClicks", "externalWebsiteConversions",
    "externalWebsitePostClickConversions", "externalWebsitePostViewConversions", "follows", "fullScreenPlays",
    "headlineClicks", "headlineImpressions", "impressions", "jobApplications", "jobApplyClicks", "landingPageClicks",
    "leadGenerationMailContactInfoShares", "leadGenerationMailInterestedClicks", "likes", "oneClickLeadFormOpens",
    "oneClickLeads", "opens", "otherEngagements", "postClickJobApplications", "postClickJobApplyClicks",
    "postClickRegistrations", "postViewJobApplications", "postViewJobApplyClicks", "postViewRegistrations",
    "qualifiedLeads", "reactions", "registrations", "sends", "shares", "subscriptionClicks", "talentLeads",
    "textUrlClicks", "totalEngagements", "validWorkEmailLeads", "videoCompletions", "videoFirstQuartileCompletions",
    "videoMidpointCompletions", "videoStarts", "videoThirdQuartileCompletions", "videoViews", "viralCardClicks",
    "viralCardImpressions", "viralClicks", "viralCommentLikes", "viralComments", "viralCompanyPageClicks",
    "viralDocumentCompletions", "viralDocumentFirstQuartileCompletions", "viralDocumentMidpointCompletions",
    "viralDocumentThirdQuartileCompletions", "viralDownloadClicks", "viralExternalWebsiteConversions",
    "viralExternalWebsitePostClickConversions", "viralExternalWebsitePostViewConversions", "viralFollows",
    "viralFullScreenPlays", "viralImpressions", "viralJobApplications", "viralJobApplyClicks",
    "viralLandingPageClicks", "viralLikes", "viralOneClickLeadFormOpens", "viralOneClickLeads",
    "viralOtherEngagements", "viralPostClickJobApplications", "viralPostClickJobApplyClicks",
    "viralPostClickRegistrations", "viralPostViewJobApplications", "viralPostViewJobApplyClicks",
    "viralPostViewRegistrations", "viralReactions", "viralRegistrations", "viralShares", "viralSubscriptionClicks",
    "viralTotalEngagements", "viralVideoCompletions", "viralVideoFirstQuartileCompletions",
    "viralVideoMidpointCompletions", "viralVideoStarts", "viralVideoThirdQuartileCompletions", "viralVideoViews",
    # From 202601 (Microsoft's "Recent Marketing API changes").
    "eventViews", "eventWatchTime", "averageEventWatchTime", "costPerEventView", "videoWatchTime",
    "averageVideoWatchTime",
)  # fmt: skip
# The schema's BigDecimal metrics: LinkedIn sends them as decimal strings ("209.449"); we return numbers.
DECIMAL_METRICS = frozenset({
    "costInUsd", "costInLocalCurrency", "conversionValueInLocalCurrency", "costPerQualifiedLead", "costPerEventView",
    "jobApplications", "jobApplyClicks", "registrations", "postClickJobApplications", "postClickJobApplyClicks",
    "postClickRegistrations", "postViewJobApplications", "postViewJobApplyClicks", "postViewRegistrations",
    "viralJobApplications", "viralJobApplyClicks", "viralRegistrations", "viralPostClickJobApplications",
    "viralPostClickJobApplyClicks", "viralPostClickRegistrations", "viralPostViewJobApplications",
    "viralPostViewJobApplyClicks", "viralPostViewRegistrations",
})  # fmt: skip
# Names LinkedIn removed, and what replaces them.
RETIRED = {
    "approximateUniqueImpressions": "approximateMemberReach",
    "pivot": "pivotValues",
    "pivotValue": "pivotValues",
}

# Which pivots report a metric; a metric not listed is reported by every pivot. From Microsoft Learn's
# Metrics Available table ("Non-demographic pivots only (i.e. not MEMBER_)"; audiencePenetration
# "supports ACCOUNT, CAMPAIGN_GROUP, or CAMPAIGN pivots") and its pivot list (IMPRESSION_DEVICE_TYPE:
# "Reach metrics and conversion metrics will not be available").
ALL_PIVOTS = frozenset(PIVOTS.values())
_DEMOGRAPHIC = frozenset(p for p in ALL_PIVOTS if p.startswith("MEMBER_"))
_NOT_DEMOGRAPHIC = ALL_PIVOTS - _DEMOGRAPHIC
_NOT_BY_DEVICE = ALL_PIVOTS - {"IMPRESSION_DEVICE_TYPE"}
METRIC_PIVOTS: dict[str, frozenset[str]] = {
    "approximateMemberReach": _NOT_DEMOGRAPHIC & _NOT_BY_DEVICE,
    "audiencePenetration": frozenset({"CAMPAIGN"}),
    "cardClicks": _NOT_DEMOGRAPHIC,
    "cardImpressions": _NOT_DEMOGRAPHIC,
    "viralCardClicks": _NOT_DEMOGRAPHIC,
    "viralCardImpressions": _NOT_DEMOGRAPHIC,
    "conversionValueInLocalCurrency": _NOT_DEMOGRAPHIC & _NOT_BY_DEVICE,
    "externalWebsiteConversions": _NOT_BY_DEVICE,
    "externalWebsitePostClickConversions": _NOT_BY_DEVICE,
    "externalWebsitePostViewConversions": _NOT_BY_DEVICE,
    "viralExternalWebsiteConversions": _NOT_BY_DEVICE,
    "viralExternalWebsitePostClickConversions": _NOT_BY_DEVICE,
    "viralExternalWebsitePostViewConversions": _NOT_BY_DEVICE,
}
ENTITIES_BY_PIVOT = {pivot: entity for entity, pivot in PIVOTS.items()}

DEFAULT_METRICS = (
    "impressions", "clicks", "landingPageClicks", "costInLocalCurrency", "costInUsd",
    "externalWebsiteConversions", "conversionValueInLocalCurrency", "totalEngagements", "likes", "comments",
    "shares", "follows", "videoViews", "oneClickLeads",
)  # fmt: skip
ALWAYS_FIELDS = ("dateRange", "pivotValues")
_METRIC_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9]{0,99}")  # fullmatch: "clicks\n" is no name


def reported_by(metric: str, pivot: str) -> bool:
    return pivot in METRIC_PIVOTS.get(metric, ALL_PIVOTS)


def default_metrics(pivot: str) -> list[str]:
    return [m for m in DEFAULT_METRICS if reported_by(m, pivot)]


def refuse_unreported(metrics: list[str], pivot: str) -> None:
    """Before any request: a metric the pivot does not report would fail its whole 18-metric call."""
    refused = [m for m in metrics if not reported_by(m, pivot)]
    if not refused:
        return
    where = "; ".join(
        f"{m} only by {', '.join(sorted(METRIC_PIVOTS[m]))} "
        f"({', '.join(ENTITIES_BY_PIVOT[p] for p in sorted(METRIC_PIVOTS[m]))})"
        for m in refused
    )
    raise InvalidParams(
        f"LinkedIn does not report {', '.join(refused)} by {pivot} ({ENTITIES_BY_PIVOT[pivot]}): it reports {where}.",
        fix="Remove them from params.fields (and from fields), or ask the entity named for them.",
    )


class DateRange(BaseModel):
    """Inclusive calendar days in UTC: LinkedIn's adAnalytics dateRange and its DAILY buckets are UTC days
    (Microsoft Learn, Ads Reporting, Metrics Available: dateRange "Date is specified in UTC"), whatever the
    ad account's time zone; so "today" and presets resolve from the UTC date too."""

    model_config = ConfigDict(extra="forbid")
    start: dt.date
    end: dt.date | None = Field(None, description="Default: today.")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("("):
                value = restli.decode(text)
            elif ".." in text:
                start, end = text.split("..", 1)
                value = {"start": start, "end": end}
            else:
                raise ValueError('use {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}')
        if isinstance(value, dict):
            return {k: restli.parse_date(v) if k in ("start", "end") and v is not None else v for k, v in value.items()}
        return value


def _granularity(value: Any) -> Any:
    if isinstance(value, str) and value.strip().startswith("("):
        value = restli.decode(value).get("value")
    return value.upper() if isinstance(value, str) else value


class AnalyticsParams(AccountScoped):
    dateRange: DateRange | None = Field(
        None,
        description='{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"} UTC days (Rest.li text also accepted). No dates: last_30d.',
    )
    start_date: dt.date | None = Field(None, description="Shortcut for dateRange.start (YYYY-MM-DD).")
    end_date: dt.date | None = Field(None, description="Shortcut for dateRange.end (YYYY-MM-DD); with a start alone: today (UTC).")
    date_preset: DatePreset | None = Field(
        None, description=PRESET_DESCRIPTION.replace("the account's time zone", "UTC, LinkedIn's reporting days")
    )
    timeGranularity: Annotated[Literal["DAILY", "MONTHLY", "ALL"], BeforeValidator(_granularity)] = "DAILY"
    campaigns: Urns("campaign") | None = Field(None, description="Facet: campaign ids or URNs.")
    creatives: Urns("creative") | None = Field(None, description="Facet: creative ids or URNs.")
    campaignGroups: Urns("campaign_group") | None = Field(None, description="Facet: campaign group ids or URNs.")
    accounts: Urns("account") | None = Field(
        None, description="Facet: account ids or URNs. With no facet at all: the account_id account."
    )
    fields: StrList | None = Field(
        None, description=f"Metrics (any number; sent 18 per call and merged). Default: {', '.join(DEFAULT_METRICS)} "
        "(those the pivot reports: member demographics have no reach, card or conversion-value metrics; "
        "device has no reach or conversions; audiencePenetration is by campaign only).",
    )

    @field_validator("fields")
    @classmethod
    def _metric_names(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [m for m in value if not _METRIC_NAME.fullmatch(m)]
        if bad:
            raise ValueError(f"not metric names (letters and digits, e.g. clicks): {', '.join(repr(m[:60]) for m in bad)}")
        retired = [m for m in value if m in RETIRED]
        if retired:
            raise ValueError("LinkedIn removed " + ", ".join(f"{m} (use {RETIRED[m]})" for m in retired))
        metrics = [m for m in dict.fromkeys(value) if m not in ALWAYS_FIELDS]
        return metrics or None

    @model_validator(mode="after")
    def _resolve_dates(self) -> AnalyticsParams:
        if self.date_preset:
            if self.dateRange is not None or self.start_date or self.end_date:
                raise ValueError(
                    f"date_preset {self.date_preset!r} and dateRange/start_date/end_date both give the range; pass one or the other"
                )
            # Resolved into dateRange and dropped: meta.params and a cursor carry the explicit, frozen days.
            start, end = resolve(self.date_preset, today())
            self.dateRange = DateRange(start=start, end=end)
            self.date_preset = None
        elif self.start_date or self.end_date:
            if self.dateRange is not None:
                raise ValueError("give dateRange or start_date/end_date, not both")
            start = self.start_date or last_days(DEFAULT_DAYS, end=self.end_date)[0]
            self.dateRange = DateRange(start=start, end=self.end_date or today())
            self.start_date = self.end_date = None
        elif self.dateRange is None:
            start, end = resolve(DEFAULT_PRESET, today())
            self.dateRange = DateRange(start=start, end=end)
        elif self.dateRange.end is None:
            self.dateRange = DateRange(start=self.dateRange.start, end=today())
        if self.dateRange.end < self.dateRange.start:  # type: ignore[operator]
            raise ValueError("dateRange.end is before dateRange.start")
        if self.dateRange.start > today():
            raise ValueError(f"dateRange.start is in the future (today is {today()} UTC)")
        return self
