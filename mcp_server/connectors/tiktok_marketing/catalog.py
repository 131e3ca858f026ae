"""The TikTok Marketing catalog: every entity is a `list` over one TikTok GET endpoint; campaigns, ad groups and
ads also have `update`, a write action (a preview; apply_change applies it, see writes.py)."""

from __future__ import annotations

from pydantic import BaseModel

from ...catalog import Action, Catalog, entity
from ...connector import deferred
from . import params as p
from . import report_params as r

ADVERTISER_FIELDS = (
    "advertiser_id", "name", "company", "status", "role", "currency", "timezone", "display_timezone", "balance",
    "country", "industry", "address", "contacter", "email", "cellphone_number", "telephone_number", "language",
    "license_no", "license_url", "license_city", "license_province", "promotion_area", "promotion_center_city",
    "promotion_center_province", "rejection_reason", "advertiser_account_type", "brand", "description", "create_time",
)  # fmt: skip
CAMPAIGN_FIELDS = (
    "campaign_id", "campaign_name", "campaign_type", "advertiser_id", "budget", "budget_mode", "secondary_status",
    "operation_status", "objective", "objective_type", "budget_optimize_on", "bid_type", "deep_bid_type",
    "optimization_goal", "split_test_variable", "is_new_structure", "create_time", "modify_time", "roas_bid",
    "is_smart_performance_campaign", "is_search_campaign", "app_promotion_type", "rf_campaign_type",
    "campaign_automation_type", "special_industries",
)  # fmt: skip
AD_GROUP_FIELDS = (
    "adgroup_id", "campaign_id", "campaign_name", "advertiser_id", "adgroup_name", "placement_type", "placements",
    "budget", "budget_mode", "secondary_status", "operation_status", "optimization_goal", "bid_type", "bid_price",
    "billing_event", "pacing", "schedule_type", "schedule_start_time", "schedule_end_time", "create_time",
    "modify_time", "gender", "age_groups", "languages", "location_ids", "audience_ids", "excluded_audience_ids",
    "interest_category_ids", "pixel_id", "optimization_event", "frequency", "dayparting",
)  # fmt: skip
AD_FIELDS = (
    "ad_id", "advertiser_id", "campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_name", "ad_text",
    "ad_texts", "ad_format", "secondary_status", "operation_status", "call_to_action", "landing_page_url",
    "landing_page_urls", "display_name", "profile_image_url", "video_id", "image_ids", "identity_id",
    "identity_type", "creative_type", "is_aco", "tracking_pixel_id", "create_time", "modify_time",
)  # fmt: skip
AUDIENCE_FIELDS = (
    "audience_id", "name", "audience_type", "cover_num", "is_valid", "is_expiring", "expired_time", "is_creator",
    "shared", "calculate_type", "create_time",
)  # fmt: skip
IMAGE_FIELDS = (
    "image_id", "format", "image_url", "height", "width", "signature", "size", "material_id", "file_name",
    "is_carousel_usable", "displayable", "create_time", "modify_time",
)  # fmt: skip
VIDEO_FIELDS = (
    "video_id", "video_cover_url", "format", "preview_url", "preview_url_expire_time", "duration", "height", "width",
    "bit_rate", "signature", "size", "material_id", "allowed_placements", "allow_download", "file_name",
    "displayable", "create_time", "modify_time",
)  # fmt: skip
SPARK_AD_FIELDS = ("item_info", "user_info", "auth_info", "video_info")
# catalog/get/ response fields (SDK yml_files/catalog_get.yml).
CATALOG_FIELDS = (
    "catalog_id", "catalog_name", "catalog_type", "catalog_conf", "bc_info", "creative_asset_type", "create_time",
    "update_time",
)  # fmt: skip

# Default fields (returned when a call names none): what a person scanning Ads Manager looks at, ids kept.
# Status is both TikTok fields: operation_status is the on/off switch, secondary_status what delivery does.
# objective_type is the campaign objective (TRAFFIC, ...); `objective` is TikTok's older, coarser field.
ADVERTISER_DEFAULTS = (
    "advertiser_id", "name", "company", "status", "role", "currency", "balance", "timezone", "country", "create_time",
)  # fmt: skip
CAMPAIGN_DEFAULTS = (
    "campaign_id", "campaign_name", "advertiser_id", "operation_status", "secondary_status", "objective_type",
    "budget", "budget_mode", "bid_type", "optimization_goal", "create_time", "modify_time",
)  # fmt: skip
AD_GROUP_DEFAULTS = (
    "adgroup_id", "adgroup_name", "campaign_id", "campaign_name", "operation_status", "secondary_status", "budget",
    "budget_mode", "bid_type", "bid_price", "billing_event", "optimization_goal", "schedule_type",
    "schedule_start_time", "schedule_end_time", "create_time", "modify_time",
)  # fmt: skip
# Ads carry no budget, bid or schedule (their ad group does), and their names already say a lot: the parent
# ids link to the ad group and campaign lists, which carry the names.
AD_DEFAULTS = (
    "ad_id", "ad_name", "adgroup_id", "campaign_id", "operation_status", "secondary_status", "create_time",
)  # fmt: skip
AUDIENCE_DEFAULTS = ("audience_id", "name", "audience_type", "cover_num", "is_valid", "is_expiring", "create_time")
IMAGE_DEFAULTS = ("image_id", "material_id", "file_name", "format", "width", "height", "displayable", "create_time")
VIDEO_DEFAULTS = (
    "video_id", "material_id", "file_name", "duration", "width", "height", "displayable", "video_cover_url",
    "create_time",
)  # fmt: skip
SPARK_AD_DEFAULTS = (
    "item_info.item_id", "item_info.text", "item_info.status", "user_info.tiktok_name", "user_info.identity_id",
    "auth_info.ad_auth_status", "auth_info.auth_end_time",
)  # fmt: skip
CATALOG_DEFAULTS = ("catalog_id", "catalog_name", "catalog_type", "bc_info.bc_id", "create_time", "update_time")


def _list(
    summary: str,
    params: type[BaseModel],
    fields: tuple[str, ...],
    max_page_size: int,
    notes: str = "",
    defaults: tuple[str, ...] = (),
) -> Action:
    return Action(
        "list", summary, params, pagination="page", fields=fields, max_page_size=max_page_size, notes=notes,
        default_fields=defaults,
    )  # fmt: skip


def _update(summary: str, params: str, calls: str) -> Action:
    notes = (f"Previews only: answers current and proposed values per object and meta.change_id; apply_change applies it. "
             f"Sends {calls}.")  # fmt: skip
    # The params model (`params`, a name in write_params.py) is built at its first use: tools/list does not show it.
    return Action("update", summary, deferred(f"{__package__}.write_params", params), notes=notes, write=True)


DAILY_NOTE = "dates: start_date/end_date or date_preset (days in the advertiser's time zone); default last_30d."


def _report(summary: str, params: type[r.ReportParams], notes: str) -> Action:
    fields = tuple(params.model_fields["dimensions"].default + params.model_fields["metrics"].default)
    notes = (
        f"data_level {params.data_level}, report_type BASIC; {notes} Days are the advertiser's time zone. "
        "Rows are flat; metrics are numbers, ids strings, '-' is null."
    )
    if issubclass(params, r.ObjectReportParams):
        notes += " Deleted objects are included (include_deleted=false: live only)."
    return _list(summary, params, fields, 1000, notes)


CATALOG = Catalog.of(
    entity("advertisers", "Advertiser accounts (advertiser/info/)",
           _list("Advertiser details by id (≤100 per request, larger lists are split)", p.AdvertisersParams, ADVERTISER_FIELDS, 100,
                 defaults=ADVERTISER_DEFAULTS)),
    entity("campaigns", "Campaigns (campaign/get/)",
           _list("List campaigns; deleted ones only with filtering.primary_status", p.ObjectListParams, CAMPAIGN_FIELDS, 1000,
                 defaults=CAMPAIGN_DEFAULTS),
           _update("Pause, enable, delete, rename or re-budget up to 20 campaigns (a preview)", "CampaignUpdateParams",
                   "campaign/status/update/ and campaign/update/")),
    entity("ad_groups", "Ad groups (adgroup/get/)",
           _list("List ad groups with budget, bidding and targeting", p.ObjectListParams, AD_GROUP_FIELDS, 1000,
                 defaults=AD_GROUP_DEFAULTS),
           _update("Pause, enable, delete, rename, re-budget or re-bid up to 20 ad groups (a preview)", "AdGroupUpdateParams",
                   "adgroup/status/update/, adgroup/budget/update/ and adgroup/update/")),
    entity("ads", "Ads (ad/get/)",
           _list("List ads with creative and landing page", p.ObjectListParams, AD_FIELDS, 1000, defaults=AD_DEFAULTS),
           _update("Pause, enable or delete up to 20 ads (a preview)", "AdUpdateParams", "ad/status/update/")),
    entity("audiences", "Custom audiences (dmp/custom_audience/list/)",
           _list("List custom audiences (not available in TikTok's sandbox)", p.AudiencesParams, AUDIENCE_FIELDS, 100,
                 defaults=AUDIENCE_DEFAULTS)),
    entity("creative_assets_images", "Image assets (file/image/ad/search/)",
           _list("Search the advertiser's image library", p.AssetSearchParams, IMAGE_FIELDS, 100, defaults=IMAGE_DEFAULTS)),
    entity("creative_assets_videos", "Video assets (file/video/ad/search/)",
           _list("Search the advertiser's video library", p.AssetSearchParams, VIDEO_FIELDS, 100, defaults=VIDEO_DEFAULTS)),
    entity("spark_ads", "Spark Ads posts authorised to the advertiser (tt_video/list/)",
           _list("List authorised TikTok posts for Spark Ads", p.SparkAdsParams, SPARK_AD_FIELDS, 50, defaults=SPARK_AD_DEFAULTS)),
    entity("catalogs", "Product catalogs (catalog/get/)",
           _list("List product catalogs of a Business Center (bc_id; no advertiser_id)", p.CatalogsParams, CATALOG_FIELDS, 100,
                 defaults=CATALOG_DEFAULTS)),
    entity("advertisers_reports_daily", "Daily advertiser metrics (report/integrated/get/)",
           _report("Daily spend, reach and conversions per advertiser", r.AdvertisersReportParams, DAILY_NOTE)),
    entity("campaigns_reports_daily", "Daily campaign metrics (report/integrated/get/)",
           _report("Daily spend, reach and conversions per campaign", r.CampaignsReportParams, DAILY_NOTE)),
    entity("ad_groups_reports_daily", "Daily ad group metrics (report/integrated/get/)",
           _report("Daily delivery and conversion metrics per ad group", r.AdGroupsReportParams, DAILY_NOTE)),
    entity("ads_reports_daily", "Daily ad metrics (report/integrated/get/)",
           _report("Daily delivery and conversion metrics per ad", r.AdsReportParams, DAILY_NOTE)),
    entity("ads_reports_hourly", "Hourly ad metrics (report/integrated/get/)",
           _report("Hourly metrics per ad", r.AdsHourlyReportParams, "default yesterday (advertiser time zone), or a date_preset up to 31 days; one request per day.")),
    entity("ads_reports_lifetime", "Lifetime ad metrics (report/integrated/get/)",
           _report("Lifetime totals per ad (query_lifetime=true)", r.AdsLifetimeReportParams, "no dates unless query_lifetime=false (then dates or a date_preset).")),
)  # fmt: skip
