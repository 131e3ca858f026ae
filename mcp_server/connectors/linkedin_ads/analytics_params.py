"""Params, pivots and metric names of the adAnalytics entities."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ...params import StrList, last_days, today
from . import restli
from .params import AccountScoped, Urns

DEFAULT_DAYS = 30

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

# Returned as decimal strings by LinkedIn; we return numbers.
MONEY_METRICS = ("costInUsd", "costInLocalCurrency", "conversionValueInLocalCurrency")
# LinkedIn refuses these with MEMBER_* pivots.
NOT_FOR_MEMBER_PIVOTS = ("approximateMemberReach", "cardClicks", "conversionValueInLocalCurrency")

METRICS = (
    "impressions", "clicks", "landingPageClicks", "costInUsd", "costInLocalCurrency",
    "conversionValueInLocalCurrency", "externalWebsiteConversions", "externalWebsitePostClickConversions",
    "externalWebsitePostViewConversions", "approximateMemberReach", "totalEngagements", "likes", "comments",
    "shares", "reactions", "follows", "companyPageClicks", "otherEngagements", "actionClicks", "adUnitClicks",
    "textUrlClicks", "cardClicks", "cardImpressions", "commentLikes", "sends", "opens", "downloadClicks",
    "fullScreenPlays", "oneClickLeads", "oneClickLeadFormOpens", "leadGenerationMailContactInfoShares",
    "leadGenerationMailInterestedClicks", "jobApplications", "jobApplyClicks", "registrations", "talentLeads",
    "validWorkEmailLeads", "postClickJobApplications", "postClickJobApplyClicks", "postClickRegistrations",
    "postViewJobApplications", "postViewJobApplyClicks", "postViewRegistrations", "videoStarts", "videoViews",
    "videoFirstQuartileCompletions", "videoMidpointCompletions", "videoThirdQuartileCompletions",
    "videoCompletions", "documentFirstQuartileCompletions", "documentMidpointCompletions",
    "documentThirdQuartileCompletions", "documentCompletions", "viralImpressions", "viralClicks", "viralLikes",
    "viralComments", "viralShares", "viralFollows", "viralTotalEngagements", "viralLandingPageClicks",
    "viralExternalWebsiteConversions", "viralVideoViews", "viralVideoStarts", "viralVideoCompletions",
    "averageDwellTime", "audiencePenetration",
)  # fmt: skip

DEFAULT_METRICS = (
    "impressions", "clicks", "landingPageClicks", "costInLocalCurrency", "costInUsd",
    "externalWebsiteConversions", "conversionValueInLocalCurrency", "totalEngagements", "likes", "comments",
    "shares", "follows", "videoViews", "oneClickLeads",
)  # fmt: skip
ALWAYS_FIELDS = ("dateRange", "pivotValues")
_METRIC_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9]*$")


def default_metrics(pivot: str) -> list[str]:
    skip = NOT_FOR_MEMBER_PIVOTS if pivot.startswith("MEMBER_") else ()
    return [m for m in DEFAULT_METRICS if m not in skip]


class DateRange(BaseModel):
    """Inclusive calendar days (UTC)."""

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
        None, description='{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"} (Rest.li text also accepted). Default: last 30 days.'
    )
    start_date: dt.date | None = Field(None, description="Shortcut for dateRange.start (YYYY-MM-DD).")
    end_date: dt.date | None = Field(None, description="Shortcut for dateRange.end (YYYY-MM-DD); default today.")
    timeGranularity: Annotated[Literal["DAILY", "MONTHLY", "ALL"], BeforeValidator(_granularity)] = "DAILY"
    campaigns: Urns("campaign") | None = Field(None, description="Facet: campaign ids or URNs.")
    creatives: Urns("creative") | None = Field(None, description="Facet: creative ids or URNs.")
    campaignGroups: Urns("campaign_group") | None = Field(None, description="Facet: campaign group ids or URNs.")
    accounts: Urns("account") | None = Field(
        None, description="Facet: account ids or URNs. With no facet at all: the account_id account."
    )
    fields: StrList | None = Field(
        None, description=f"Metrics (any number; sent 18 per call and merged). Default: {', '.join(DEFAULT_METRICS)}."
    )

    @field_validator("fields")
    @classmethod
    def _metric_names(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [m for m in value if not _METRIC_NAME.match(m)]
        if bad:
            raise ValueError(f"not metric names: {', '.join(bad)}")
        metrics = [m for m in dict.fromkeys(value) if m not in ALWAYS_FIELDS]
        return metrics or None

    @model_validator(mode="after")
    def _resolve_dates(self) -> AnalyticsParams:
        if self.start_date or self.end_date:
            if self.dateRange is not None:
                raise ValueError("give dateRange or start_date/end_date, not both")
            start = self.start_date or last_days(DEFAULT_DAYS, end=self.end_date)[0]
            self.dateRange = DateRange(start=start, end=self.end_date or today())
            self.start_date = self.end_date = None
        elif self.dateRange is None:
            start, end = last_days(DEFAULT_DAYS)
            self.dateRange = DateRange(start=start, end=end)
        elif self.dateRange.end is None:
            self.dateRange = DateRange(start=self.dateRange.start, end=today())
        if self.dateRange.end < self.dateRange.start:  # type: ignore[operator]
            raise ValueError("dateRange.end is before dateRange.start")
        if self.dateRange.start > today():
            raise ValueError(f"dateRange.start is in the future (today is {today()} UTC)")
        return self
