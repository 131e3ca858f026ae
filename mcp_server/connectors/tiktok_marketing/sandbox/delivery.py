"""How one fake ad delivers, day by day: additive counts that obey the arithmetic of real ads.

Spend stays under the ad's share of its budget; impressions follow from spend and CPM;
clicks ≤ impressions, conversions ≤ clicks, reach ≤ impressions, and video views shrink
from play to 2 s, 6 s and each quartile. Seeded by ad id and date, so every run agrees.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache

HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 8, 9, 8, 6, 4, 2]
# objective -> (CPM range, CTR range, clicks-to-conversion range)
OBJECTIVE_RATES: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    "REACH": ((2.0, 4.0), (0.003, 0.008), (0.0, 0.0)),
    "VIDEO_VIEWS": ((3.0, 6.0), (0.004, 0.010), (0.0, 0.0)),
    "TRAFFIC": ((5.0, 9.0), (0.010, 0.025), (0.005, 0.02)),
    "WEB_CONVERSIONS": ((7.0, 12.0), (0.008, 0.018), (0.04, 0.12)),
    "APP_PROMOTION": ((6.0, 11.0), (0.008, 0.020), (0.08, 0.20)),
    "LEAD_GENERATION": ((7.0, 12.0), (0.008, 0.016), (0.05, 0.15)),
}
# The "result" each objective optimises for (TikTok's result metric).
RESULT_OF = {"REACH": "reach", "VIDEO_VIEWS": "video_watched_6s", "TRAFFIC": "clicks"}


@dataclass(frozen=True)
class Delivery:
    """One ad's stable traits (hashable, so daily counts can be cached)."""

    ad_id: str
    objective: str
    daily_budget: float  # the ad's share of its ad group's (or CBO campaign's) daily budget
    cpm: float
    ctr: float
    cvr: float
    hold: float  # share of plays still watching at 2 s
    first_day: dt.date
    last_day: dt.date  # paused or deleted ads stop delivering

    @classmethod
    def draw(cls, rng: random.Random, ad_id: str, objective: str, daily_budget: float,
             first_day: dt.date, last_day: dt.date) -> Delivery:  # fmt: skip
        cpm, ctr, cvr = OBJECTIVE_RATES[objective]
        return cls(
            ad_id, objective, daily_budget, round(rng.uniform(*cpm), 2), rng.uniform(*ctr), rng.uniform(*cvr),
            rng.uniform(0.45, 0.7), first_day, last_day,
        )  # fmt: skip

    def delivers_on(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


@lru_cache(maxsize=65536)
def daily_counts(ad: Delivery, day: dt.date) -> dict[str, float]:
    """Additive counts for one ad on one day; empty when the ad did not deliver."""
    if not ad.delivers_on(day):
        return {}
    rng = random.Random(f"{ad.ad_id}:{day.isoformat()}")
    weekend = 1.08 if day.weekday() >= 5 else 1.0
    spend = round(ad.daily_budget * rng.uniform(0.55, 0.9) * weekend, 2)  # pacing keeps it under budget
    impressions = int(spend / (ad.cpm * rng.uniform(0.85, 1.15)) * 1000)
    reach = int(impressions / rng.uniform(1.08, 1.45))
    clicks = int(impressions * ad.ctr * rng.uniform(0.8, 1.2))
    conversion = int(clicks * ad.cvr * rng.uniform(0.7, 1.3))
    plays = reach + int((impressions - reach) * rng.uniform(0.6, 0.95))
    watched_2s = int(plays * ad.hold)
    p25 = int(watched_2s * rng.uniform(0.7, 0.85))
    p50 = int(p25 * rng.uniform(0.55, 0.7))
    p75 = int(p50 * rng.uniform(0.6, 0.75))
    profile_visits = int(clicks * rng.uniform(0.2, 0.4))
    counts = {
        "spend": spend, "impressions": impressions, "reach": reach, "clicks": clicks, "conversion": conversion,
        "video_play_actions": plays, "video_watched_2s": watched_2s,
        "video_watched_6s": int(watched_2s * rng.uniform(0.45, 0.6)), "video_views_p25": p25,
        "video_views_p50": p50, "video_views_p75": p75, "video_views_p100": int(p75 * rng.uniform(0.55, 0.7)),
        "play_seconds": plays * rng.uniform(3.0, 8.0), "profile_visits": profile_visits,
        "likes": int(plays * rng.uniform(0.01, 0.03)), "comments": int(plays * rng.uniform(0.001, 0.003)),
        "shares": int(plays * rng.uniform(0.0005, 0.0015)), "follows": int(profile_visits * rng.uniform(0.1, 0.2)),
        "clicks_on_music_disc": int(plays * 0.0005),
        "app_install": conversion if ad.objective == "APP_PROMOTION" else 0,
    }  # fmt: skip
    counts["result"] = counts[RESULT_OF.get(ad.objective, "conversion")]
    return counts


def hourly_counts(ad: Delivery, day: dt.date, hour: int) -> dict[str, float]:
    """One hour's share of the day (rounded down, so the hours never add up to more than the day)."""
    share = HOUR_WEIGHTS[hour] / sum(HOUR_WEIGHTS)
    return {k: (int(v * share * 100) / 100 if k in ("spend", "play_seconds") else int(v * share)) for k, v in daily_counts(ad, day).items()}
