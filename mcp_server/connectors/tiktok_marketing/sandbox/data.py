"""Synthetic, deterministic TikTok data for the sandbox fake (dates relative to UTC today).

Live objects deliver up to "now": the report fake cuts each advertiser's days at its own
local today (the demo advertiser is UTC+14), as TikTok buckets report days by account time zone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from .delivery import Delivery
from .demo import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID, DEMO_APP_ID, DEMO_BC_ID, DEMO_SECRET

SECOND_ADVERTISER_ID = "7301847562039184641"
# Exists, but the demo token was not granted it: requests for it get code 40001.
FORBIDDEN_ADVERTISER_ID = "7188203746519283712"
SEED = 20250101
HISTORY_DAYS = 400
# Live objects have no last delivery day: reports stop at the advertiser's local today.
ONGOING = dt.date.max
# The deleted campaign stopped this many days ago, so the default 30-day report has its spend.
DELETED_DAYS_AGO = 3

# id, name, currency, time zone, country, language, phone, address, balance, campaigns
# The demo advertiser sits far ahead of UTC, so its report days differ from UTC days most of the time.
ADVERTISERS = [
    (DEMO_ADVERTISER_ID, "Northwind Outdoor Pacific", "USD", "Pacific/Kiritimati", "KI", "en", "+686 75***000",
     "1 Coral Rd, London, Kiritimati", 12500.0, 8),
    (SECOND_ADVERTISER_ID, "Northwind Outdoor DE", "EUR", "Europe/Berlin", "DE", "de", "+49 30***0000",
     "Friedrichstr. 1, Berlin", 4830.5, 4),
    (FORBIDDEN_ADVERTISER_ID, "Contoso Games", "USD", "America/New_York", "US", "en", "+1 212***0000",
     "5 Broadway, New York", 920.0, 2),
]  # fmt: skip
OBJECTIVES = ["TRAFFIC", "WEB_CONVERSIONS", "REACH", "VIDEO_VIEWS", "APP_PROMOTION", "LEAD_GENERATION"]
# objective -> (ad group optimization_goal, billing_event)
GOALS = {
    "TRAFFIC": ("CLICK", "CPC"), "WEB_CONVERSIONS": ("CONVERT", "OCPM"), "REACH": ("REACH", "CPM"),
    "VIDEO_VIEWS": ("ENGAGED_VIEW", "CPV"), "APP_PROMOTION": ("INSTALL", "OCPM"),
    "LEAD_GENERATION": ("LEAD_GENERATION", "OCPM"),
}  # fmt: skip
THEMES = ["New Year", "Winter Gear", "Spring Trail", "Spring Trail", "Summer Camp", "Summer Camp", "Summer Camp",
          "Back to School", "Back to School", "Fall Hiking", "Black Friday", "Holiday Gifts"]  # by month  # fmt: skip
AUDIENCES = ["18-34", "Lookalike", "Retargeting"]
# advertiser -> ad group targeting (languages, location_ids as GeoNames ids); default the US in English
LOCALES = {SECOND_ADVERTISER_ID: (["de"], ["2921044"])}


@dataclass
class Dataset:
    today: dt.date
    advertisers: dict[str, dict[str, Any]] = field(default_factory=dict)
    business_centers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # kind ("campaigns", "adgroups", "ads", "audiences", "images", "videos", "spark_ads", "catalogs") -> advertiser -> records
    objects: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    # Control state, not data: the report page drift mode (POST /__sandbox__/report_pages), {} when off.
    report_drift: dict[str, int] = field(default_factory=dict)
    # (record, field, previous value) for every field a write changed, so a reset can undo them (sandbox/writes.py)
    undo: list[tuple[dict[str, Any], str, Any]] = field(default_factory=list)

    def add(self, kind: str, advertiser_id: str, record: dict[str, Any]) -> dict[str, Any]:
        self.objects.setdefault(kind, {}).setdefault(advertiser_id, []).append(record)
        return record

    def of(self, kind: str, advertiser_id: str) -> list[dict[str, Any]]:
        return self.objects.get(kind, {}).get(advertiser_id, [])


def _stamp(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"


def _times(rng: random.Random, created: dt.date, modified: dt.date, after: str = "") -> tuple[str, str]:
    """create_time and modify_time, the second never before the first, both after the parent's `after`."""
    create = dt.datetime.combine(created, dt.time(8)) + dt.timedelta(seconds=rng.randrange(8 * 3600))
    if after:
        create = max(create, dt.datetime.fromisoformat(after) + dt.timedelta(minutes=rng.randrange(3, 40)))
    modify = max(dt.datetime.combine(modified, dt.time(8)) + dt.timedelta(seconds=rng.randrange(8 * 3600)),
                 create + dt.timedelta(minutes=rng.randrange(5, 90)))  # fmt: skip
    return f"{create:%Y-%m-%d %H:%M:%S}", f"{modify:%Y-%m-%d %H:%M:%S}"


def _business_center(bc_id: str) -> dict[str, Any]:
    """One bc/get/ list item (SDK yml_files/bc_get.yml)."""
    return {
        "bc_info": {"bc_id": bc_id, "name": "Northwind Business Center", "company": "Northwind Inc.", "currency": "USD",
                    "registered_area": "US", "status": "ENABLE", "timezone": "Etc/GMT+8", "type": "NORMAL",
                    "organization_type": "COMPANY"},
        "user_role": "ADMIN", "ext_user_role": {"finance_role": "MANAGER"}, "binding_status": "BOUND",
    }  # fmt: skip


def _stop_day(rng: random.Random, start: dt.date, today: dt.date) -> dt.date:
    """The day a paused or deleted object stopped: some weeks after it started, before today."""
    return min(start + dt.timedelta(days=rng.randrange(14, 60)), today - dt.timedelta(days=1))


def build_dataset(today: dt.date) -> Dataset:
    rng = random.Random(SEED)
    data = Dataset(today=today)
    ids = iter(range(1, 10_000))
    data.business_centers[DEMO_BC_ID] = _business_center(DEMO_BC_ID)
    for *account, n_campaigns in ADVERTISERS:
        adv_id = account[0]
        data.advertisers[adv_id] = _advertiser(*account, created=today - dt.timedelta(days=HISTORY_DAYS + 200))
        _assets(data, rng, adv_id, ids, today)
        for c in range(n_campaigns):
            # one deleted campaign per advertiser, to exercise the default STATUS_NOT_DELETE filter
            _campaign_tree(data, rng, adv_id, next(ids), c, deleted=c == n_campaigns - 1, ids=ids)
    return data


def _advertiser(adv_id: str, name: str, currency: str, tz: str, country: str, language: str, phone: str,
                address: str, balance: float, *, created: dt.date) -> dict[str, Any]:  # fmt: skip
    return {
        "advertiser_id": adv_id, "name": name, "company": name.rsplit(" ", 1)[0] + " Inc.", "status": "STATUS_ENABLE",
        "role": "ROLE_ADVERTISER", "currency": currency, "timezone": _gmt_offset(tz, created), "display_timezone": tz,
        "balance": balance,
        "country": country, "industry": "290702", "address": address, "contacter": "Alex Doe",
        "email": "a***@northwind.example", "cellphone_number": phone, "telephone_number": "",
        "language": language, "license_no": "", "license_url": None, "license_city": None, "license_province": None,
        "promotion_area": "0", "promotion_center_city": None, "promotion_center_province": None,
        "rejection_reason": "", "advertiser_account_type": "AUCTION", "brand": name.split(" ")[0],
        "description": f"{name} advertiser account",
        "create_time": int(dt.datetime.combine(created, dt.time(), dt.UTC).timestamp()),
    }  # fmt: skip


def _gmt_offset(tz: str, day: dt.date) -> str:
    """TikTok's `timezone` is an Etc/GMT offset name (POSIX sign: Etc/GMT-14 is UTC+14); display_timezone the IANA name."""
    from zoneinfo import ZoneInfo

    hours = int(dt.datetime.combine(day, dt.time(12), ZoneInfo(tz)).utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _big_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{19 - len(prefix)}d}"


def _campaign_tree(data: Dataset, rng: random.Random, adv_id: str, n: int, c: int, *, deleted: bool, ids: Any) -> None:
    """A campaign with its ad groups and ads; budgets, statuses and delivery windows agree top-down."""
    today = data.today
    campaign = data.add("campaigns", adv_id, _campaign(rng, adv_id, n, c, deleted=deleted, today=today))
    groups = [data.add("adgroups", adv_id, _adgroup(rng, campaign, next(ids), g, today)) for g in range(3 if c % 2 == 0 else 2)]
    if not campaign["budget_optimize_on"] and campaign["budget_mode"] == "BUDGET_MODE_DAY":
        # a campaign budget above the sum of its ad groups' daily budgets, as TikTok requires
        campaign["budget"] = float(-(-sum(g["budget"] for g in groups) * 1.2 // 50) * 50)
    videos, images = data.of("videos", adv_id), data.of("images", adv_id)
    for group in groups:
        # CBO campaigns split their budget across all their ads; otherwise each ad group splits its own
        budget = campaign["budget"] / (2 * len(groups)) if campaign["budget_optimize_on"] else group["budget"] / 2
        for a in range(2):
            ad = data.add("ads", adv_id, _ad(rng, group, next(ids), a, rng.choice(videos), rng.choice(images)))
            last = min(ad["_stop"], group["_stop"], campaign["_stop"])
            ad["_delivery"] = Delivery.draw(rng, ad["ad_id"], campaign["objective_type"], budget, ad["_created"], last)


def _campaign(rng: random.Random, adv_id: str, n: int, c: int, *, deleted: bool, today: dt.date) -> dict[str, Any]:
    created = today - dt.timedelta(days=rng.randrange(40, HISTORY_DAYS))
    enabled = c % 4 != 3 and not deleted
    stop = ONGOING if enabled else _stop_day(rng, created, today)
    if deleted:  # deleted a few days ago: its spend is in the default report range, as in Ads Manager
        stop = today - dt.timedelta(days=DELETED_DAYS_AGO)
    objective = OBJECTIVES[c % len(OBJECTIVES)]
    cbo = c % 3 == 0
    budget_mode = "BUDGET_MODE_DAY" if cbo else rng.choice(["BUDGET_MODE_DAY", "BUDGET_MODE_INFINITE"])
    budget = float(rng.choice([100, 150, 200, 300])) if cbo else 0.0  # non-CBO DAY budgets follow the ad groups
    create_time, modify_time = _times(rng, created, stop if not enabled else created + dt.timedelta(days=rng.randrange(0, 9)))
    status = "CAMPAIGN_STATUS_DELETE" if deleted else "CAMPAIGN_STATUS_ENABLE" if enabled else "CAMPAIGN_STATUS_DISABLE"
    return {
        "campaign_id": _big_id("1781", n),
        "campaign_name": f"{THEMES[created.month - 1]} {created.year} - {objective.replace('_', ' ').title()} #{c + 1}",
        "campaign_type": "REGULAR_CAMPAIGN", "advertiser_id": adv_id, "budget": budget, "budget_mode": budget_mode,
        "secondary_status": status, "operation_status": "ENABLE" if enabled else "DISABLE",
        "objective": "APP" if objective == "APP_PROMOTION" else "LANDING_PAGE",
        "objective_type": objective, "budget_optimize_on": cbo, "bid_type": "BID_TYPE_NO_BID",
        "deep_bid_type": None, "optimization_goal": None, "split_test_variable": None, "is_new_structure": True,
        "create_time": create_time, "modify_time": modify_time,
        "roas_bid": 0.0, "is_smart_performance_campaign": False, "is_search_campaign": False,
        "app_promotion_type": "APP_INSTALL" if objective == "APP_PROMOTION" else "UNSET", "rf_campaign_type": "STANDARD",
        "campaign_automation_type": "MANUAL", "special_industries": [],
        "_created": created, "_deleted": deleted, "_delivering": enabled, "_stop": stop,
    }  # fmt: skip


def _adgroup(rng: random.Random, campaign: dict[str, Any], n: int, g: int, today: dt.date) -> dict[str, Any]:
    deleted = campaign["_deleted"]
    created = campaign["_created"] + dt.timedelta(days=g)
    own_on = g != 2  # the third ad group of a campaign is paused
    stop = campaign["_stop"] if own_on else min(campaign["_stop"], _stop_day(rng, created, today))
    if deleted:
        status = "ADGROUP_STATUS_DELETE"
    elif not own_on:
        status = "ADGROUP_STATUS_DISABLE"
    else:
        status = "ADGROUP_STATUS_DELIVERY_OK" if campaign["_delivering"] else "ADGROUP_STATUS_CAMPAIGN_DISABLE"
    goal, billing = GOALS[campaign["objective_type"]]
    languages, locations = LOCALES.get(campaign["advertiser_id"], (["en"], ["6252001"]))
    cbo = campaign["budget_optimize_on"]
    create_time, modify_time = _times(rng, created, created if own_on else stop, after=campaign["create_time"])
    return {
        "adgroup_id": _big_id("1782", n), "campaign_id": campaign["campaign_id"],
        "campaign_name": campaign["campaign_name"], "advertiser_id": campaign["advertiser_id"],
        "adgroup_name": f"{campaign['campaign_name']} / {AUDIENCES[g]}",
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC" if g == 0 else "PLACEMENT_TYPE_NORMAL",
        "placements": ["PLACEMENT_TIKTOK"], "budget": 0.0 if cbo else float(rng.choice([20, 30, 50, 80, 120])),
        "budget_mode": "BUDGET_MODE_INFINITE" if cbo else "BUDGET_MODE_DAY",
        "secondary_status": status, "operation_status": "ENABLE" if own_on and not deleted else "DISABLE",
        "optimization_goal": goal, "bid_type": "BID_TYPE_NO_BID", "bid_price": 0.0, "billing_event": billing,
        "pacing": "PACING_MODE_SMOOTH", "schedule_type": "SCHEDULE_FROM_NOW", "schedule_start_time": create_time,
        "schedule_end_time": None, "create_time": create_time, "modify_time": modify_time, "gender": "GENDER_UNLIMITED",
        "age_groups": ["AGE_18_24", "AGE_25_34"], "languages": languages, "location_ids": locations,
        "audience_ids": [], "excluded_audience_ids": [], "interest_category_ids": ["15000000000"],
        "pixel_id": "7120000000000000001" if goal == "CONVERT" else None,
        "optimization_event": {"CONVERT": "SHOPPING", "LEAD_GENERATION": "FORM"}.get(goal), "frequency": None,
        "dayparting": None,
        "_created": created, "_deleted": deleted, "_delivering": status.endswith("DELIVERY_OK"), "_stop": stop,
    }  # fmt: skip


def _ad(rng: random.Random, adgroup: dict[str, Any], n: int, a: int, video: dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
    deleted = adgroup["_deleted"]
    created = adgroup["_created"] + dt.timedelta(days=a)
    if deleted:
        status = "AD_STATUS_DELETE"
    elif adgroup["_delivering"]:
        status = "AD_STATUS_DELIVERY_OK"
    else:
        status = "AD_STATUS_ADGROUP_DISABLE" if adgroup["operation_status"] == "DISABLE" else "AD_STATUS_CAMPAIGN_DISABLE"
    create_time, modify_time = _times(rng, created, created, after=adgroup["create_time"])
    return {
        "ad_id": _big_id("1783", n), "advertiser_id": adgroup["advertiser_id"], "campaign_id": adgroup["campaign_id"],
        "campaign_name": adgroup["campaign_name"], "adgroup_id": adgroup["adgroup_id"],
        "adgroup_name": adgroup["adgroup_name"], "ad_name": f"{adgroup['adgroup_name']} / Video {a + 1}",
        "ad_text": ["Gear up for the trail", "Free shipping this week"][a], "ad_texts": None,
        "ad_format": "SINGLE_VIDEO", "secondary_status": status, "operation_status": "DISABLE" if deleted else "ENABLE",
        "call_to_action": "SHOP_NOW", "landing_page_url": f"https://northwind.example/p/{n}", "landing_page_urls": None,
        "display_name": "Northwind", "profile_image_url": "https://p16.tiktokcdn.example/avatar.jpeg",
        "video_id": video["video_id"], "image_ids": [image["image_id"]], "identity_id": "7091234567890123456",
        "identity_type": "CUSTOMIZED_USER", "creative_type": None, "is_aco": False, "tracking_pixel_id": 0,
        "create_time": create_time, "modify_time": modify_time,
        "_created": created, "_deleted": deleted, "_delivering": status == "AD_STATUS_DELIVERY_OK",
        "_stop": adgroup["_stop"], "_placement_type": adgroup["placement_type"],
    }  # fmt: skip


def _assets(data: Dataset, rng: random.Random, adv_id: str, ids: Any, today: dt.date) -> None:
    """Audiences, the creative library (older than any campaign, so ads can use it), Spark posts, catalogs."""
    for i in range(15):
        day = today - dt.timedelta(days=rng.randrange(HISTORY_DAYS, HISTORY_DAYS + 150))
        n = next(ids)
        data.add("audiences", adv_id, {
            "audience_id": str(180_000_000 + n), "name": f"Audience {i + 1}",
            "audience_type": ["Customer File Audience", "Engagement Audience", "Lookalike Audience"][i % 3],
            "cover_num": rng.randrange(1000, 900_000), "is_valid": i % 5 != 4, "is_expiring": i % 7 == 0,
            "expired_time": None, "is_creator": True, "shared": False, "calculate_type": None, "create_time": _stamp(day, rng),
        })  # fmt: skip
        create_time, modify_time = _times(rng, day, day)
        data.add("images", adv_id, {
            "image_id": _image_id(day, n), "format": "jpeg", "image_url": f"https://p16.tiktokcdn.example/img/{n}.jpeg",
            "height": 1280, "width": 720, "signature": f"{n:032x}", "size": 120_000 + n, "material_id": _big_id("7000", n),
            "file_name": f"image_{i + 1}.jpg", "is_carousel_usable": i % 2 == 0, "displayable": True,
            "create_time": create_time, "modify_time": modify_time,
        })  # fmt: skip
        data.add("videos", adv_id, {
            "video_id": _video_id(n), "video_cover_url": f"https://p16.tiktokcdn.example/cover/{n}.jpeg",
            "format": "mp4", "preview_url": f"https://v16.tiktokcdn.example/{n}.mp4",
            "preview_url_expire_time": f"{today + dt.timedelta(days=1)} 00:00:00",
            "duration": 15.0 + i, "height": 1280, "width": 720, "bit_rate": 1_500_000, "signature": f"{n:032x}",
            "size": 3_000_000 + n, "material_id": _big_id("7001", n), "allowed_placements": ["PLACEMENT_TIKTOK"],
            "allow_download": True, "file_name": f"video_{i + 1}.mp4", "displayable": True,
            "create_time": create_time, "modify_time": modify_time,
        })  # fmt: skip
        if i < 8:  # authorised within the last 300 days for 365 days, so still valid today
            data.add("spark_ads", adv_id, _spark_ad(rng, n, i, today - dt.timedelta(days=rng.randrange(1, 300))))
        if i < 3 and adv_id == DEMO_ADVERTISER_ID:  # catalogs belong to the Business Center, not an advertiser
            data.add("catalogs", DEMO_BC_ID, _catalog(rng, n, i, create_time, modify_time))


def _image_id(day: dt.date, n: int) -> str:
    """Like TikTok's image ids ("ad-site-i18n-sg/202006215d0de2e725f892ed4e31beb4"): a path, never a number."""
    return f"ad-site-i18n-sg/{day:%Y%m%d}{random.Random(f'img{n}').getrandbits(96):024x}"


def _video_id(n: int) -> str:
    """Like TikTok's video ids ("v10033g50000c1irpg9l3c4i8hcdp7hg"): letters and digits."""
    rng = random.Random(f"vid{n}")
    return "v10033g50000" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20))


def _catalog(rng: random.Random, n: int, i: int, create_time: str, update_time: str) -> dict[str, Any]:
    """One catalog/get/ list item (SDK yml_files/catalog_get.yml)."""
    return {
        "catalog_id": _big_id("7202", n), "catalog_name": f"Catalog {i + 1}", "catalog_type": "ECOM",
        "catalog_conf": {"country": "US", "currency": "USD"}, "creative_asset_type": "PRODUCT",
        "bc_info": {"bc_id": DEMO_BC_ID, "bc_name": "Northwind Business Center", "picture_url": None},
        "create_time": create_time, "update_time": update_time, "_product_count": rng.randrange(50, 5000),
    }  # fmt: skip


def _spark_ad(rng: random.Random, n: int, i: int, day: dt.date) -> dict[str, Any]:
    invited, authorised = _times(rng, day, day)
    return {
        "item_info": {"item_id": _big_id("7301", n), "auth_code": f"#{n:08d}auth", "text": f"Trail day {i + 1}",
                      "status": "ENABLE", "item_type": "VIDEO"},
        "user_info": {"tiktok_name": f"northwind.creator{i}", "identity_id": _big_id("7090", n),
                      "identity_type": "AUTH_CODE"},
        "auth_info": {"invite_start_time": invited, "auth_start_time": authorised,
                      "auth_end_time": f"{day + dt.timedelta(days=365)}{authorised[10:]}", "ad_auth_status": "AUTHORIZED"},
        "video_info": {"duration": 12.5 + i, "preview_url": f"https://v16.tiktokcdn.example/s/{n}.mp4",
                       "poster_url": f"https://p16.tiktokcdn.example/s/{n}.jpeg", "height": 1024, "width": 576,
                       "size": 2_000_000 + n},
    }  # fmt: skip
