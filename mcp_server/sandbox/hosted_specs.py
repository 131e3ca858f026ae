"""What Airbyte's hosted connectors declare, per connector and operation.

The fake Agent API runs these the way Airbyte does: only declared params go to
the vendor, a required param with a default is filled in (including the stale
2024 report dates), optional defaults are not sent. TikTok's entities, params and
report defaults are those of Airbyte's agent connector spec (airbyte-agent-sdk 0.1.380 on PyPI,
airbyte_agent_sdk/specs/tiktok-marketing/connector.yaml; the GitHub snapshot of April 2026 declares
fewer entities). LinkedIn follows linkedin-ads.md §12, which matches that release. The lists are
written out here, not imported from the client, so the fake can catch the client's mistakes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..connectors.linkedin_ads.analytics_params import PIVOTS


@dataclass(frozen=True)
class P:
    required: bool = False
    default: Any = None
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    in_path: bool = False


@dataclass(frozen=True)
class Op:
    path: str  # relative to the vendor base URL; {name} = a path param
    params: dict[str, P]
    meta: str = "none"  # tiktok | cursor | offset | total | none
    restli: bool = False  # LinkedIn: sends X-Restli-Protocol-Version
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"  # writes: POST, PUT, DELETE
    body: tuple[str, ...] = ()  # writes: the params sent as JSON body fields (any JSON value), in Airbyte's order


# ---- TikTok Marketing ---------------------------------------------------------
_CORE = ["spend", "cpc", "cpm", "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached"]
_CONV = [
    "conversion", "cost_per_conversion", "conversion_rate", "real_time_conversion", "real_time_cost_per_conversion",
    "real_time_conversion_rate", "result", "cost_per_result", "result_rate", "real_time_result",
    "real_time_cost_per_result", "real_time_result_rate", "secondary_goal_result", "cost_per_secondary_goal_result",
    "secondary_goal_result_rate",
]  # fmt: skip
_ENG = [
    "frequency", "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75", "video_views_p100",
    "profile_visits", "likes", "comments", "shares", "follows", "clicks_on_music_disc", "real_time_app_install",
    "real_time_app_install_cost", "app_install",
]  # fmt: skip
ADVERTISER_METRICS = ["cash_spend", "voucher_spend", *_CORE, *_ENG]
CAMPAIGN_METRICS = ["campaign_name", *_CORE, *_ENG]
ADGROUP_METRICS = ["campaign_name", "campaign_id", "adgroup_name", "placement_type", *_CORE, *_CONV, *_ENG]
AD_METRICS = [
    "campaign_name", "campaign_id", "adgroup_name", "adgroup_id", "ad_name", "ad_text", "placement_type",
    *_CORE, *_CONV, *_ENG,
]  # fmt: skip


def _tiktok_list(path: str, page_size: int, high: int, **extra: P) -> Op:
    params = {"advertiser_id": P(required=True), "page": P(default=1, low=1), "page_size": P(default=page_size, low=1, high=high)}
    return Op(path, {**params, **extra}, meta="tiktok")


def _tiktok_report(data_level: str, dimensions: list[str], metrics: list[str]) -> Op:
    return Op(
        "report/integrated/get/",
        {
            "advertiser_id": P(required=True),
            "service_type": P(required=True, default="AUCTION"),
            "report_type": P(required=True, default="BASIC"),
            "data_level": P(required=True, default=data_level),
            "dimensions": P(required=True, default=json.dumps(dimensions)),
            "metrics": P(required=True, default=json.dumps(metrics)),
            "start_date": P(required=True, default="2024-01-01"),  # stale, as Airbyte declares it
            "end_date": P(required=True, default="2024-12-31"),
            "page": P(default=1, low=1),
            "page_size": P(default=1000, low=1, high=1000),
        },
        meta="tiktok",
    )


TIKTOK_OPS: dict[tuple[str, str], Op] = {
    ("advertisers", "list"): Op(
        "advertiser/info/",
        {"advertiser_ids": P(required=True), "page": P(default=1, low=1), "page_size": P(default=100, low=1, high=100)},
        meta="tiktok",
    ),
    ("campaigns", "list"): _tiktok_list("campaign/get/", 1000, 1000),
    ("ad_groups", "list"): _tiktok_list("adgroup/get/", 1000, 1000),
    ("ads", "list"): _tiktok_list("ad/get/", 1000, 1000),
    ("audiences", "list"): _tiktok_list("dmp/custom_audience/list/", 100, 100),
    ("creative_assets_images", "list"): _tiktok_list("file/image/ad/search/", 100, 100),
    ("creative_assets_videos", "list"): _tiktok_list("file/video/ad/search/", 100, 100),
    ("spark_ads", "list"): _tiktok_list("tt_video/list/", 20, 50),
    ("catalogs", "list"): _tiktok_list("catalog/get/", 100, 100, bc_id=P()),
    ("advertisers_reports_daily", "list"): _tiktok_report("AUCTION_ADVERTISER", ["advertiser_id", "stat_time_day"], ADVERTISER_METRICS),
    ("campaigns_reports_daily", "list"): _tiktok_report("AUCTION_CAMPAIGN", ["campaign_id", "stat_time_day"], CAMPAIGN_METRICS),
    ("ad_groups_reports_daily", "list"): _tiktok_report("AUCTION_ADGROUP", ["adgroup_id", "stat_time_day"], ADGROUP_METRICS),
    ("ads_reports_daily", "list"): _tiktok_report("AUCTION_AD", ["ad_id", "stat_time_day"], AD_METRICS),
    ("ads_reports_hourly", "list"): _tiktok_report("AUCTION_AD", ["ad_id", "stat_time_hour"], AD_METRICS),
    ("ads_reports_lifetime", "list"): _tiktok_report("AUCTION_AD", ["ad_id"], AD_METRICS),
}

# ---- LinkedIn Ads -------------------------------------------------------------
LINKEDIN_VERSION = "202606"  # what Airbyte's SDK pins
STALE_DATE_RANGE = "(start:(year:2024,month:1,day:1),end:(year:2024,month:12,day:31))"
_CURSOR = {"pageSize": P(default=100, low=1, high=500), "pageToken": P()}
_OFFSET = {"count": P(default=100, low=1, high=500), "start": P(default=0, low=0)}
_ACCOUNT = {"account_id": P(required=True, in_path=True)}
_ID = {"id": P(required=True, in_path=True)}


def _analytics(pivot: str) -> Op:
    facet = "creatives" if pivot == "CREATIVE" else "campaigns"
    params = {
        "q": P(required=True, default="analytics"),
        "pivot": P(required=True, default=pivot),
        "timeGranularity": P(required=True, default="DAILY", choices=("DAILY", "MONTHLY", "ALL")),
        "dateRange": P(required=True, default=STALE_DATE_RANGE),
        facet: P(required=True),
        "fields": P(),
    }
    return Op("adAnalytics", params, meta="none", restli=True)


LINKEDIN_OPS: dict[tuple[str, str], Op] = {
    ("accounts", "list"): Op("adAccounts", {"q": P(required=True, default="search"), **_CURSOR}, meta="cursor"),
    ("accounts", "get"): Op("adAccounts/{id}", _ID),
    ("account_users", "list"): Op(
        "adAccountUsers", {"q": P(required=True, default="accounts"), "accounts": P(required=True), **_OFFSET}, meta="offset"
    ),
    ("campaign_groups", "list"): Op(
        "adAccounts/{account_id}/adCampaignGroups", {**_ACCOUNT, "q": P(required=True, default="search"), **_CURSOR},
        meta="cursor", restli=True,
    ),
    ("campaign_groups", "get"): Op("adAccounts/{account_id}/adCampaignGroups/{id}", {**_ACCOUNT, **_ID}, restli=True),
    ("campaigns", "list"): Op(
        "adAccounts/{account_id}/adCampaigns", {**_ACCOUNT, "q": P(required=True, default="search"), **_CURSOR},
        meta="cursor", restli=True,
    ),
    ("campaigns", "get"): Op("adAccounts/{account_id}/adCampaigns/{id}", {**_ACCOUNT, **_ID}, restli=True),
    ("creatives", "list"): Op(
        "adAccounts/{account_id}/creatives",
        {**_ACCOUNT, "q": P(required=True, default="criteria"), "pageSize": P(default=100, low=1, high=100), "pageToken": P()},
        meta="cursor", headers={"X-RestLi-Method": "FINDER"},
    ),
    ("creatives", "get"): Op("adAccounts/{account_id}/creatives/{id}", {**_ACCOUNT, **_ID}),
    ("conversions", "list"): Op(
        "conversions", {"q": P(required=True, default="account"), "account": P(required=True), **_OFFSET}, meta="total", restli=True
    ),
    ("conversions", "get"): Op("conversions/{id}", _ID, restli=True),
    ("lead_forms", "list"): Op(
        "leadForms", {"q": P(required=True, default="owner"), "owner": P(required=True), **_OFFSET}, meta="offset", restli=True
    ),
    ("lead_form_responses", "list"): Op(
        "leadFormResponses",
        {"q": P(required=True, default="owner"), "owner": P(required=True), "leadType": P(required=True, default="(leadType:SPONSORED)"), **_OFFSET},
        meta="offset", restli=True,
    ),
    **{(entity, "list"): _analytics(pivot) for entity, pivot in PIVOTS.items()},
}  # fmt: skip

# LinkedIn writes as Airbyte's spec 1.2.0 declares them: path params by name, body fields as top-level params,
# PARTIAL_UPDATE bodies as `patch`. Compound keys keep Airbyte's template `(account={account},user={user})`.
_PARTIAL = {"X-RestLi-Method": "PARTIAL_UPDATE"}
_CAMPAIGN_BODY = ("account", "name", "politicalIntent", "campaignGroup", "type", "objectiveType", "status", "costType",
                  "dailyBudget", "unitCost", "totalBudget", "locale", "runSchedule", "targetingCriteria",
                  "audienceExpansionEnabled", "offsiteDeliveryEnabled", "creativeSelection")  # fmt: skip
_USER_KEY = {"account": P(required=True, in_path=True), "user": P(required=True, in_path=True)}
_LINK_KEY = {"campaign_urn": P(required=True, in_path=True), "conversion_urn": P(required=True, in_path=True)}


def _write(path: str, method: str, params: dict[str, P] | None = None, body: tuple[str, ...] = (), **headers: str) -> Op:
    return Op(path, params or {}, restli=True, headers=headers, method=method, body=body)


LINKEDIN_WRITES: dict[tuple[str, str], Op] = {
    ("accounts", "create"): _write("adAccounts", "POST", body=("name", "type", "currency", "reference", "test")),
    ("accounts", "update"): _write("adAccounts/{id}", "POST", _ID, ("patch",), **_PARTIAL),
    ("accounts", "delete"): _write("adAccounts/{id}", "DELETE", _ID),
    ("account_users", "create"): _write("adAccountUsers/(account={account},user={user})", "PUT", _USER_KEY, ("role",)),
    ("account_users", "update"): _write("adAccountUsers/(account={account},user={user})", "POST", _USER_KEY, ("patch",), **_PARTIAL),
    ("account_users", "delete"): _write("adAccountUsers/(account={account},user={user})", "DELETE", _USER_KEY),
    ("campaign_groups", "create"): _write("adAccounts/{account_id}/adCampaignGroups", "POST", _ACCOUNT,
                                          ("account", "name", "status", "runSchedule", "totalBudget", "objectiveType")),
    ("campaign_groups", "update"): _write("adAccounts/{account_id}/adCampaignGroups/{id}", "POST", {**_ACCOUNT, **_ID}, ("patch",), **_PARTIAL),
    ("campaign_groups", "delete"): _write("adAccounts/{account_id}/adCampaignGroups/{id}", "DELETE", {**_ACCOUNT, **_ID}),
    ("campaigns", "create"): _write("adAccounts/{account_id}/adCampaigns", "POST", _ACCOUNT, _CAMPAIGN_BODY),
    ("campaigns", "update"): _write("adAccounts/{account_id}/adCampaigns/{id}", "POST", {**_ACCOUNT, **_ID}, ("patch",), **_PARTIAL),
    ("campaigns", "delete"): _write("adAccounts/{account_id}/adCampaigns/{id}", "DELETE", {**_ACCOUNT, **_ID}),
    ("creatives", "create"): _write("adAccounts/{account_id}/creatives", "POST", _ACCOUNT, ("campaign", "content", "intendedStatus", "name")),
    ("creatives", "update"): _write("adAccounts/{account_id}/creatives/{id}", "POST", {**_ACCOUNT, **_ID}, ("patch",), **_PARTIAL),
    ("creatives", "delete"): _write("adAccounts/{account_id}/creatives/{id}", "DELETE", {**_ACCOUNT, **_ID}, **{"X-RestLi-Method": "DELETE"}),
    ("conversions", "create"): _write("conversions", "POST", {"autoAssociationType": P(choices=("ALL_CAMPAIGNS",))},
                                      ("account", "name", "type", "attributionType", "postClickAttributionWindowSize",
                                       "viewThroughAttributionWindowSize", "enabled", "urlMatchRuleExpression", "value")),
    ("conversions", "update"): _write("conversions/{id}", "POST", {**_ID, "account": P(required=True)}, ("patch",), **_PARTIAL),
    ("conversion_events", "create"): _write("conversionEvents", "POST", None, ("elements",), **{"X-RestLi-Method": "BATCH_CREATE"}),
    ("campaign_conversions", "create"): _write("campaignConversions/(campaign={campaign_urn},conversion={conversion_urn})", "PUT",
                                               _LINK_KEY, ("campaign", "conversion")),
    ("campaign_conversions", "delete"): _write("campaignConversions/(campaign={campaign_urn},conversion={conversion_urn})", "DELETE", _LINK_KEY),
}  # fmt: skip
LINKEDIN_OPS.update(LINKEDIN_WRITES)

OPS: dict[str, dict[tuple[str, str], Op]] = {"tiktok-marketing": TIKTOK_OPS, "linkedin-ads": LINKEDIN_OPS}
