"""Params models for TikTok's object lists (campaigns, assets, ...). Names are TikTok's own."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError, field_validator

from ...params import Id, IdList, JsonObject, Params, StrList, one_or_json_list

ADVERTISER_ID_TEXT = "Advertiser id; defaults to TIKTOK_MARKETING_ADVERTISER_ID."
MAX_ID_DIGITS = 25  # TikTok ids are digit strings (v1.3 sends them as strings), 16-19 digits today
# param -> (what it is, where to find it)
ID_HELP = {
    "advertiser_id": ("advertiser id", ("TikTok Ads Manager shows it under the account name (top right); leave "
                      "advertiser_id out to use TIKTOK_MARKETING_ADVERTISER_ID, or list `advertisers` to see yours")),
    "advertiser_ids": ("advertiser ids", "TikTok Ads Manager shows each under the account name (top right)"),
    "bc_id": ("Business Center id", "Business Center shows it under Business settings > Business info"),
}  # fmt: skip
# Filter keys that hold object ids (19-digit strings). Creative, material and audience ids are strings
# TikTok defines (image "ad-site-i18n/2020…", video "v07033g50000…"; SDK types them list[str]): never digit-checked.
OBJECT_ID_FILTERS = {"advertiser_ids", "campaign_ids", "adgroup_ids", "ad_ids", "bc_ids"}
MAX_IDS_PER_REQUEST = 100


def numeric_ids(name: str, ids: list[str]) -> list[str]:
    """Trimmed digit-string ids, or a ValueError that says what TikTok expects and where to find the id."""
    ids = [i.strip() for i in ids]
    bad = [i for i in ids if not (i.isascii() and i.isdigit() and len(i) <= MAX_ID_DIGITS)]
    if bad:
        what, where = ID_HELP.get(name, (name.replace("_", " "), "list the matching entity to see them"))
        raise ValueError(f"must be TikTok's numeric {what} (digits only, e.g. '7294619358021763074'), not {bad[0]!r}; {where}")
    return ids


def not_a_float(name: str, value: Any) -> Any:
    if isinstance(value, float):
        # ValueError, not TypeError: pydantic turns only ValueError into a validation error
        raise ValueError(f"send {name} as a string: TikTok ids exceed 2^53 and lose digits as JSON numbers")  # noqa: TRY004
    return value


def numeric_id(name: str, value: str | None) -> str | None:
    return None if value is None else numeric_ids(name, [value])[0]


# TikTok's SDK types page as a Java Integer (java_sdk/docs/CampaignCreationApi.md, campaignGet): no larger page exists.
MAX_PAGE = 2**31 - 1


def page_field() -> Any:
    return Field(
        default=None, ge=1, le=MAX_PAGE, description="First TikTok page to read (1-based); later pages come via cursor."
    )


def page_size_field(maximum: int) -> Any:
    return Field(default=None, ge=1, le=maximum, description=f"Rows per TikTok request (1-{maximum}); default follows limit.")


class AdvertiserScoped(Params):
    advertiser_id: Id | None = Field(default=None, description=ADVERTISER_ID_TEXT)

    @field_validator("advertiser_id", mode="before")
    @classmethod
    def _string_advertiser(cls, value: Any) -> Any:
        return not_a_float("advertiser_id", value)

    @field_validator("advertiser_id")
    @classmethod
    def _numeric_advertiser(cls, value: str | None) -> str | None:
        return numeric_id("advertiser_id", value)


class AdvertisersParams(Params):
    advertiser_ids: IdList | None = Field(
        default=None,
        description="Advertiser ids; default the configured advertiser, else those the token was granted (needs app_id+secret).",
    )
    fields: StrList | None = Field(default=None, description="TikTok advertiser fields to return; default all.")

    @field_validator("advertiser_ids")
    @classmethod
    def _digits(cls, ids: list[str] | None) -> list[str] | None:
        return None if ids is None else numeric_ids("advertiser_ids", ids) or None


_ID_LIST = TypeAdapter(IdList)


def string_ids(value: Any) -> Any:
    """Ids TikTok defines as free strings: a list, a JSON array string, or one plain string as one id.

    Unlike IdList, a plain string is never split on commas: TikTok does not promise its creative ids lack one.
    """
    if isinstance(value, str) and not value.strip():
        return []
    value = one_or_json_list(value, numbers=True)
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise ValueError('must be a list of TikTok ids, e.g. ["v10033g50000cq1abcdefghij"]')
    ids = [str(v).strip() for v in value]
    if any(not i for i in ids):
        raise ValueError("holds an empty id")
    return ids


def _limit(key: str, ids: list[str]) -> list[str]:
    if len(ids) > MAX_IDS_PER_REQUEST:
        raise ValueError(
            f"filtering.{key} takes at most {MAX_IDS_PER_REQUEST} ids per request, got {len(ids)}; split them over several calls"
        )
    return ids


def checked_filtering(filtering: dict[str, Any] | None) -> dict[str, Any] | None:
    """Id filters become lists of ≤100 ids; object ids must be digit strings (they exceed 2^53), creative ids need not."""
    if filtering is None:
        return None
    checked = dict(filtering)
    for key, value in filtering.items():
        if not key.endswith("_ids"):
            continue
        if key not in OBJECT_ID_FILTERS:
            try:
                checked[key] = _limit(key, string_ids(value))
            except ValueError as exc:
                raise ValueError(f"filtering.{key} {exc}") from None
            continue
        try:
            ids = _ID_LIST.validate_python(value)
        except ValidationError:
            raise ValueError(f"filtering.{key} must be a list of TikTok ids, e.g. [\"1781000000000000001\"]") from None
        _limit(key, ids)
        try:
            checked[key] = numeric_ids(key, ids)
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from None
    return checked


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

    _filtering = field_validator("filtering")(checked_filtering)


class AudiencesParams(AdvertiserScoped):
    custom_audience_ids: Annotated[list[str], BeforeValidator(string_ids)] | None = Field(
        default=None, description="Only these audiences (≤100 ids, as `audiences` lists them)."
    )
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)

    @field_validator("custom_audience_ids")
    @classmethod
    def _audience_ids(cls, ids: list[str] | None) -> list[str] | None:
        if ids is not None and len(ids) > 100:
            raise ValueError(f"TikTok takes at most 100 custom_audience_ids per request, got {len(ids)}; ask in batches")
        return ids or None  # audience ids are TikTok-defined strings: no digit check


class AssetSearchParams(AdvertiserScoped):
    filtering: JsonObject | None = Field(
        default=None, description='TikTok filtering object, e.g. {"image_ids":["..."]} or {"video_ids":["..."]}.'
    )
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)

    _filtering = field_validator("filtering")(checked_filtering)


class SparkAdsParams(AdvertiserScoped):
    page: int | None = page_field()
    page_size: int | None = page_size_field(50)


class CatalogsParams(Params):
    """catalog/get/ is per Business Center: bc_id, no advertiser_id (official SDK, catalog_api.py)."""

    bc_id: Id | None = Field(
        default=None,
        description="Business Center owning the catalogs; default TIKTOK_MARKETING_BC_ID, else every BC the token sees.",
    )
    page: int | None = page_field()
    page_size: int | None = page_size_field(100)

    @field_validator("bc_id", mode="before")
    @classmethod
    def _string_bc(cls, value: Any) -> Any:
        return not_a_float("bc_id", value)

    @field_validator("bc_id")
    @classmethod
    def _numeric_bc(cls, value: str | None) -> str | None:
        return numeric_id("bc_id", value)
