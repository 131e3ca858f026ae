"""Params models for TikTok's object lists (campaigns, assets, ...). Names are TikTok's own."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ...params import Id, IdList, JsonObject, Params, StrList

ADVERTISER_ID_TEXT = "Advertiser id; defaults to TIKTOK_MARKETING_ADVERTISER_ID."
NUMERIC_ID = r"^\d{1,25}$"  # TikTok ids are digit strings (v1.3 sends them as strings)


def page_field() -> Any:
    return Field(default=None, ge=1, description="First TikTok page to read (1-based); later pages come via cursor.")


def page_size_field(maximum: int) -> Any:
    return Field(default=None, ge=1, le=maximum, description=f"Rows per TikTok request (1-{maximum}); default follows limit.")


class AdvertiserScoped(Params):
    advertiser_id: Id | None = Field(default=None, pattern=NUMERIC_ID, description=ADVERTISER_ID_TEXT)


class AdvertisersParams(Params):
    advertiser_ids: IdList | None = Field(
        default=None,
        description="Advertiser ids; default the configured advertiser, else those the token was granted (needs app_id+secret).",
    )
    fields: StrList | None = Field(default=None, description="TikTok advertiser fields to return; default all.")

    @field_validator("advertiser_ids")
    @classmethod
    def _digits(cls, ids: list[str] | None) -> list[str] | None:
        bad = [i for i in ids or [] if not i.isdigit()]
        if bad:
            raise ValueError(f"advertiser ids are digit strings such as '7000000000000000000'; got {bad[:3]}")
        return ids


class ObjectListParams(AdvertiserScoped):
    """campaign/get, adgroup/get, ad/get."""

    filtering: JsonObject | None = Field(
        default=None,
        description='TikTok filtering object, e.g. {"campaign_ids":["1"],"primary_status":"STATUS_ALL"}; deleted are hidden by default.',
    )
    fields: StrList | None = Field(default=None, description="TikTok fields to return; default all.")
    exclude_field_types_in_response: StrList | None = Field(default=None, description='e.g. ["NULL_FIELD"] to drop null fields.')
    page: int | None = page_field()
    page_size: int | None = page_size_field(1000)


class AudiencesParams(AdvertiserScoped):
    custom_audience_ids: IdList | None = Field(default=None, description="Only these audiences.")
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)


class AssetSearchParams(AdvertiserScoped):
    filtering: JsonObject | None = Field(
        default=None, description='TikTok filtering object, e.g. {"image_ids":["..."]} or {"video_ids":["..."]}.'
    )
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)


class SparkAdsParams(AdvertiserScoped):
    page: int | None = page_field()
    page_size: int | None = page_size_field(50)


class CatalogsParams(AdvertiserScoped):
    bc_id: Id | None = Field(default=None, pattern=NUMERIC_ID, description="Business Center id owning the catalogs.")
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)
