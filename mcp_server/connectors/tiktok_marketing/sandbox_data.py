"""Synthetic, deterministic TikTok data for the sandbox fake (dates relative to UTC today)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

DEMO_ACCESS_TOKEN = "a7c31e9d04b58f26e1d7a93c5b08e4f261d9c7ab"
DEMO_APP_ID = "7301552918837460993"
DEMO_SECRET = "5f1e8c3b9a7d2e4f6a0b1c8d9e3f7a2b6c4d0e1f"
DEMO_ADVERTISER_ID = "7294619358021763074"
SECOND_ADVERTISER_ID = "7301847562039184641"
# Exists, but the demo token was not granted it: requests for it get code 40001.
FORBIDDEN_ADVERTISER_ID = "7188203746519283712"
SEED = 20250101
HISTORY_DAYS = 400

ADVERTISERS = [
    (DEMO_ADVERTISER_ID, "Northwind Outdoor US", "USD", "America/Los_Angeles", "US", 8),
    (SECOND_ADVERTISER_ID, "Northwind Outdoor DE", "EUR", "Europe/Berlin", "DE", 4),
    (FORBIDDEN_ADVERTISER_ID, "Contoso Games", "USD", "America/New_York", "US", 2),
]
OBJECTIVES = ["TRAFFIC", "CONVERSIONS", "REACH", "VIDEO_VIEWS", "APP_PROMOTION", "LEAD_GENERATION"]
THEMES = ["Spring Trail", "Summer Camp", "Back to School", "Black Friday", "Holiday Gifts", "Winter Gear", "Brand Lift"]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 8, 9, 8, 6, 4, 2]


@dataclass
class Dataset:
    today: dt.date
    advertisers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # kind ("campaigns", "adgroups", "ads", "audiences", "images", "videos", "spark_ads", "catalogs") -> advertiser -> records
    objects: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    def add(self, kind: str, advertiser_id: str, record: dict[str, Any]) -> dict[str, Any]:
        self.objects.setdefault(kind, {}).setdefault(advertiser_id, []).append(record)
        return record

    def of(self, kind: str, advertiser_id: str) -> list[dict[str, Any]]:
        return self.objects.get(kind, {}).get(advertiser_id, [])


def _stamp(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"


def _status(prefix: str, deleted: bool, enabled: bool) -> tuple[str, str]:
    if deleted:
        return f"{prefix}_STATUS_DELETE", "DISABLE"
    return (f"{prefix}_STATUS_DELIVERY_OK", "ENABLE") if enabled else (f"{prefix}_STATUS_DISABLE", "DISABLE")


def build_dataset(today: dt.date) -> Dataset:
    rng = random.Random(SEED)
    data = Dataset(today=today)
    ids = iter(range(1, 10_000))
    for adv_id, name, currency, tz, country, n_campaigns in ADVERTISERS:
        created = today - dt.timedelta(days=HISTORY_DAYS + 200)
        data.advertisers[adv_id] = _advertiser(adv_id, name, currency, tz, country, created)
        for c in range(n_campaigns):
            # one deleted campaign per advertiser, to exercise the default STATUS_NOT_DELETE filter
            campaign = data.add("campaigns", adv_id, _campaign(rng, adv_id, next(ids), c, deleted=c == n_campaigns - 1, today=today))
            for g in range(3 if c % 2 == 0 else 2):
                adgroup = data.add("adgroups", adv_id, _adgroup(rng, campaign, next(ids), g))
                for a in range(2):
                    data.add("ads", adv_id, _ad(rng, adgroup, next(ids), a))
        _assets(data, rng, adv_id, ids, today)
    return data


def _advertiser(adv_id: str, name: str, currency: str, tz: str, country: str, created: dt.date) -> dict[str, Any]:
    return {
        "advertiser_id": adv_id, "name": name, "company": name.rsplit(" ", 1)[0] + " Inc.", "status": "STATUS_ENABLE",
        "role": "ROLE_ADVERTISER", "currency": currency, "timezone": tz, "display_timezone": tz, "balance": 12500.0,
        "country": country, "industry": "290702", "address": "1 Market St", "contacter": "Alex Doe",
        "email": "a***@northwind.example", "cellphone_number": "+1 415***0000", "telephone_number": "",
        "language": "en", "license_no": "", "license_url": None, "license_city": None, "license_province": None,
        "promotion_area": "0", "promotion_center_city": None, "promotion_center_province": None,
        "rejection_reason": "", "advertiser_account_type": "AUCTION", "brand": name.split(" ")[0],
        "description": f"{name} advertiser account", "create_time": int(dt.datetime.combine(created, dt.time()).timestamp()),
    }  # fmt: skip


def _big_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{19 - len(prefix)}d}"


def _campaign(rng: random.Random, adv_id: str, n: int, c: int, *, deleted: bool, today: dt.date) -> dict[str, Any]:
    created = today - dt.timedelta(days=rng.randrange(40, HISTORY_DAYS))
    secondary, operation = _status("CAMPAIGN", deleted, enabled=c % 4 != 3)
    objective = OBJECTIVES[c % len(OBJECTIVES)]
    return {
        "campaign_id": _big_id("1781", n), "campaign_name": f"{THEMES[c % len(THEMES)]} {created.year} #{c + 1}",
        "campaign_type": "REGULAR_CAMPAIGN", "advertiser_id": adv_id, "budget": float(rng.choice([50, 100, 250, 500])),
        "budget_mode": rng.choice(["BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_INFINITE"]),
        "secondary_status": secondary, "operation_status": operation, "objective": "LANDING_PAGE",
        "objective_type": objective, "budget_optimize_on": c % 3 == 0, "bid_type": "BID_TYPE_NO_BID",
        "deep_bid_type": None, "optimization_goal": None, "split_test_variable": None, "is_new_structure": True,
        "create_time": _stamp(created, rng), "modify_time": _stamp(min(today, created + dt.timedelta(days=9)), rng),
        "roas_bid": 0.0, "is_smart_performance_campaign": False, "is_search_campaign": False,
        "app_promotion_type": "UNSET", "rf_campaign_type": "STANDARD", "campaign_automation_type": "MANUAL",
        "special_industries": [],
        "_created": created, "_deleted": deleted,
    }  # fmt: skip


def _adgroup(rng: random.Random, campaign: dict[str, Any], n: int, g: int) -> dict[str, Any]:
    deleted = campaign["_deleted"]
    secondary, operation = _status("ADGROUP", deleted, enabled=campaign["operation_status"] == "ENABLE" and g != 2)
    created = campaign["_created"] + dt.timedelta(days=g)
    return {
        "adgroup_id": _big_id("1782", n), "campaign_id": campaign["campaign_id"],
        "campaign_name": campaign["campaign_name"], "advertiser_id": campaign["advertiser_id"],
        "adgroup_name": f"{campaign['campaign_name']} / {['18-34', 'Lookalike', 'Retargeting'][g]}",
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC" if g == 0 else "PLACEMENT_TYPE_NORMAL",
        "placements": ["PLACEMENT_TIKTOK"], "budget": float(rng.choice([20, 40, 80])), "budget_mode": "BUDGET_MODE_DAY",
        "secondary_status": secondary, "operation_status": operation, "optimization_goal": "CLICK",
        "bid_type": "BID_TYPE_NO_BID", "bid_price": 0.0, "billing_event": "CPC", "pacing": "PACING_MODE_SMOOTH",
        "schedule_type": "SCHEDULE_FROM_NOW", "schedule_start_time": _stamp(created, rng), "schedule_end_time": None,
        "create_time": _stamp(created, rng), "modify_time": _stamp(created, rng), "gender": "GENDER_UNLIMITED",
        "age_groups": ["AGE_18_24", "AGE_25_34"], "languages": ["en"], "location_ids": ["6252001"],
        "audience_ids": [], "excluded_audience_ids": [], "interest_category_ids": ["15000000000"],
        "pixel_id": None, "optimization_event": None, "frequency": None, "dayparting": None,
        "_created": created, "_deleted": deleted,
    }  # fmt: skip


def _ad(rng: random.Random, adgroup: dict[str, Any], n: int, a: int) -> dict[str, Any]:
    deleted = adgroup["_deleted"]
    secondary, operation = _status("AD", deleted, enabled=adgroup["operation_status"] == "ENABLE")
    created = adgroup["_created"] + dt.timedelta(days=a)
    video = _big_id("v10033g50000", n)
    return {
        "ad_id": _big_id("1783", n), "advertiser_id": adgroup["advertiser_id"], "campaign_id": adgroup["campaign_id"],
        "campaign_name": adgroup["campaign_name"], "adgroup_id": adgroup["adgroup_id"],
        "adgroup_name": adgroup["adgroup_name"], "ad_name": f"{adgroup['adgroup_name']} / Video {a + 1}",
        "ad_text": ["Gear up for the trail", "Free shipping this week"][a], "ad_texts": None,
        "ad_format": "SINGLE_VIDEO", "secondary_status": secondary, "operation_status": operation,
        "call_to_action": "SHOP_NOW", "landing_page_url": f"https://northwind.example/p/{n}", "landing_page_urls": None,
        "display_name": "Northwind", "profile_image_url": "https://p16.tiktokcdn.example/avatar.jpeg",
        "video_id": video, "image_ids": [f"ad-site-i18n-sg/{n:08d}"], "identity_id": "7091234567890123456",
        "identity_type": "CUSTOMIZED_USER", "creative_type": None, "is_aco": False, "tracking_pixel_id": 0,
        "create_time": _stamp(created, rng), "modify_time": _stamp(created, rng),
        "_created": created, "_deleted": deleted, "_weight": 0.4 + rng.random() * 1.6,
        "_placement_type": adgroup["placement_type"],
    }  # fmt: skip


def _assets(data: Dataset, rng: random.Random, adv_id: str, ids: Any, today: dt.date) -> None:
    for i in range(15):
        day = today - dt.timedelta(days=rng.randrange(1, HISTORY_DAYS))
        n = next(ids)
        data.add("audiences", adv_id, {
            "audience_id": str(180_000_000 + n), "name": f"Audience {i + 1}",
            "audience_type": ["Customer File Audience", "Engagement Audience", "Lookalike Audience"][i % 3],
            "cover_num": rng.randrange(1000, 900_000), "is_valid": i % 5 != 4, "is_expiring": i % 7 == 0,
            "expired_time": None, "is_creator": True, "shared": False, "calculate_type": None, "create_time": _stamp(day, rng),
        })  # fmt: skip
        data.add("images", adv_id, {
            "image_id": f"ad-site-i18n-sg/{n:08d}", "format": "jpeg", "image_url": f"https://p16.tiktokcdn.example/img/{n}.jpeg",
            "height": 1280, "width": 720, "signature": f"{n:032x}", "size": 120_000 + n, "material_id": _big_id("7000", n),
            "file_name": f"image_{i + 1}.jpg", "is_carousel_usable": i % 2 == 0, "displayable": True,
            "create_time": _stamp(day, rng), "modify_time": _stamp(day, rng),
        })  # fmt: skip
        data.add("videos", adv_id, {
            "video_id": _big_id("v10033g50000", n), "video_cover_url": f"https://p16.tiktokcdn.example/cover/{n}.jpeg",
            "format": "mp4", "preview_url": f"https://v16.tiktokcdn.example/{n}.mp4", "preview_url_expire_time": _stamp(today, rng),
            "duration": 15.0 + i, "height": 1280, "width": 720, "bit_rate": 1_500_000, "signature": f"{n:032x}",
            "size": 3_000_000 + n, "material_id": _big_id("7001", n), "allowed_placements": ["PLACEMENT_TIKTOK"],
            "allow_download": True, "file_name": f"video_{i + 1}.mp4", "displayable": True,
            "create_time": _stamp(day, rng), "modify_time": _stamp(day, rng),
        })  # fmt: skip
        if i < 8:
            data.add("spark_ads", adv_id, _spark_ad(rng, n, i, day))
        if i < 3:
            data.add("catalogs", adv_id, {
                "catalog_id": _big_id("7202", n), "catalog_name": f"Catalog {i + 1}", "advertiser_id": adv_id,
                "catalog_type": "ECOM", "catalog_status": "AVAILABLE", "product_count": rng.randrange(50, 5000),
                "create_time": _stamp(day, rng), "modify_time": _stamp(day, rng), "_bc_id": "7100000000000000001",
            })  # fmt: skip


def _spark_ad(rng: random.Random, n: int, i: int, day: dt.date) -> dict[str, Any]:
    return {
        "item_info": {"item_id": _big_id("7301", n), "auth_code": f"#{n:08d}auth", "text": f"Trail day {i + 1}",
                      "status": "ENABLE", "item_type": "VIDEO"},
        "user_info": {"tiktok_name": f"northwind.creator{i}", "identity_id": _big_id("7090", n),
                      "identity_type": "AUTH_CODE"},
        "auth_info": {"invite_start_time": _stamp(day, rng), "auth_start_time": _stamp(day, rng),
                      "auth_end_time": _stamp(day + dt.timedelta(days=365), rng), "ad_auth_status": "AUTHORIZED"},
        "video_info": {"duration": 12.5 + i, "preview_url": f"https://v16.tiktokcdn.example/s/{n}.mp4",
                       "poster_url": f"https://p16.tiktokcdn.example/s/{n}.jpeg", "height": 1024, "width": 576,
                       "size": 2_000_000 + n},
    }  # fmt: skip


@lru_cache(maxsize=65536)
def daily_counts(ad_id: str, weight: float, day: dt.date) -> dict[str, float]:
    """Additive counts for one ad on one day (seeded by id and date, so stable across runs)."""
    rng = random.Random(f"{ad_id}:{day.isoformat()}")
    impressions = int(rng.randrange(800, 20_000) * weight)
    clicks = int(impressions * rng.uniform(0.004, 0.03))
    plays = int(impressions * rng.uniform(0.5, 0.9))
    conversion = int(clicks * rng.uniform(0.0, 0.12))
    return {
        "impressions": impressions, "clicks": clicks, "spend": round(impressions * rng.uniform(4, 11) / 1000, 2),
        "reach": int(impressions * rng.uniform(0.6, 0.9)), "conversion": conversion, "result": conversion,
        "video_play_actions": plays, "video_watched_2s": int(plays * 0.6), "video_watched_6s": int(plays * 0.3),
        "video_views_p25": int(plays * 0.4), "video_views_p50": int(plays * 0.25), "video_views_p75": int(plays * 0.15),
        "video_views_p100": int(plays * 0.08), "play_seconds": plays * rng.uniform(3, 9),
        "profile_visits": int(clicks * 0.3), "likes": int(plays * 0.02), "comments": int(plays * 0.002),
        "shares": int(plays * 0.001), "follows": int(clicks * 0.05), "clicks_on_music_disc": int(plays * 0.0005),
        "app_install": int(conversion * 0.3),
    }  # fmt: skip


def hourly_counts(ad_id: str, weight: float, day: dt.date, hour: int) -> dict[str, float]:
    share = HOUR_WEIGHTS[hour] / sum(HOUR_WEIGHTS)
    return {k: (round(v * share, 2) if k == "spend" else int(v * share)) for k, v in daily_counts(ad_id, weight, day).items()}
