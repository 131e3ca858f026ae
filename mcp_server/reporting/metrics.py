"""The normalized metrics: base figures read from each platform, and ratios computed from summed bases.

A ratio is never read from a vendor nor averaged across rows: it is recomputed from the summed bases
of exactly the rows it describes (a campaign's days, a platform's campaigns), so a total's CTR is its
clicks over its impressions.

Units: every rate and every change is in percent, so no column mixes 0.014 and 1.4 for the same +1.4%:
ctr and conversion_rate are percentages (0.6 = 0.6%), and the change column is named <metric>_change_pct
(1.4 = +1.4%).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .source import LEVELS, ReportSource

# Read from the vendor; every one but reach adds up across rows and days.
BASES = ("spend", "impressions", "clicks", "conversions", "video_views", "reach")
ADDITIVE = ("spend", "impressions", "clicks", "conversions", "video_views")
BASE_TEXT = {
    "spend": "what the platform charged, in the account's currency",
    "impressions": "times an ad was shown",
    "clicks": "clicks as the platform's UI counts them for CTR and CPC",
    "conversions": "conversions as the platform counts them (its own attribution; never added across platforms)",
    "video_views": "video views as the platform's UI counts them (never added across platforms: each defines a view its own way)",
    "reach": "unique people reached; not additive (null when a row adds up several vendor rows)",
}


@dataclass(frozen=True)
class Ratio:
    numerator: str
    denominator: str
    scale: int
    text: str


RATIOS = {
    "ctr": Ratio("clicks", "impressions", 100, "clicks ÷ impressions × 100 (a percentage)"),
    "cpc": Ratio("spend", "clicks", 1, "spend ÷ clicks"),
    "cpm": Ratio("spend", "impressions", 1000, "spend ÷ impressions × 1,000"),
    "cost_per_conversion": Ratio("spend", "conversions", 1, "spend ÷ conversions"),
    "conversion_rate": Ratio("conversions", "clicks", 100, "conversions ÷ clicks × 100 (a percentage)"),
}
# In the order rows show them.
METRICS = (
    "spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversions", "cost_per_conversion", "conversion_rate",
    "video_views", "reach",
)  # fmt: skip
# Figures in a currency: never added or compared across currencies.
MONEY = ("spend", "cpc", "cpm", "cost_per_conversion")
# Bases each platform defines its own way: never added across platforms (nor ratios computed from them), why.
NOT_ACROSS = {
    "conversions": "each platform counts its own conversions with its own attribution",
    "video_views": "each platform counts a view its own way",
}
CHANGE = "_change_pct"  # the suffix of a metric's change against the compared period, in percent
UNITS = {
    **{m: "count" for m in ("impressions", "clicks", "conversions", "video_views", "reach")},
    **{m: "account currency" for m in MONEY},
    "ctr": "percent (0.6 = 0.6%)",
    "conversion_rate": "percent (12.5 = 12.5%)",
}


def bases_for(metrics: tuple[str, ...]) -> tuple[str, ...]:
    """The base figures the asked metrics need (a ratio needs both of its bases)."""
    needed = set()
    for name in metrics:
        ratio = RATIOS.get(name)
        needed.update((ratio.numerator, ratio.denominator) if ratio else (name,))
    return tuple(b for b in BASES if b in needed)


def _round(name: str, value: float) -> float | int:
    if name in ("impressions", "clicks", "video_views", "reach") and float(value).is_integer():
        return int(value)
    return round(value, 2)


def _exact(bases: dict[str, float | None], metrics: tuple[str, ...]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in metrics:
        ratio = RATIOS.get(name)
        if ratio is None:
            out[name] = bases.get(name)
            continue
        top, bottom = bases.get(ratio.numerator), bases.get(ratio.denominator)
        out[name] = None if top is None or not bottom else top / bottom * ratio.scale
    return out


def _shown(name: str, value: float | None) -> float | int | None:
    return None if value is None else _round(name, value)


def figures(bases: dict[str, float | None], metrics: tuple[str, ...]) -> dict[str, Any]:
    """The asked metrics from summed bases; null where a base is missing or a denominator is 0."""
    return {name: _shown(name, value) for name, value in _exact(bases, metrics).items()}


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change in percent (25.0 = +25%); null when there is no base to compare with."""
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / abs(previous) * 100, 2)


def compared_figures(now: dict[str, float | None], then: dict[str, float | None], metrics: tuple[str, ...]) -> dict[str, Any]:
    """Each metric, its value in the compared period and the change, side by side; the change comes from
    the exact figures, not the rounded ones shown."""
    current, earlier = _exact(now, metrics), _exact(then, metrics)
    out: dict[str, Any] = {}
    for name in metrics:
        out[name] = _shown(name, current[name])
        out[f"{name}_previous"] = _shown(name, earlier[name])
        out[f"{name}{CHANGE}"] = change(current[name], earlier[name])
    return out


def platform_document(source: ReportSource) -> dict[str, Any]:
    """For `describe`: what ads_report reads on this platform (levels, the field behind each metric)."""
    return {
        "levels": {level: spec.native for level, spec in source.levels.items()},
        "metrics": {name: f"{m.field}: {m.definition}" for name, m in source.metrics.items()},
        "conversions": source.conversions,
        "days": source.days,
        **({"notes": list(source.notes)} if source.notes else {}),
        "ratios": {name: ratio.text for name, ratio in RATIOS.items()},
    }


def metrics_document(sources: dict[str, ReportSource]) -> dict[str, Any]:
    """Each normalized metric, how it is computed, and which vendor field it is on each platform."""
    metrics: dict[str, Any] = {}
    for name in METRICS:
        ratio = RATIOS.get(name)
        if ratio:
            entry: dict[str, Any] = {"formula": ratio.text, "from": [ratio.numerator, ratio.denominator]}
        else:
            entry = {"meaning": BASE_TEXT[name], "additive": name in ADDITIVE}
            entry["per_platform"] = {
                platform: (
                    {"field": source.metrics[name].field, "definition": source.metrics[name].definition}
                    if name in source.metrics
                    else None
                )
                for platform, source in sources.items()
            }
        entry["unit"] = UNITS[name]
        metrics[name] = entry
    return {
        "metrics": metrics,
        "conversions": {platform: source.conversions for platform, source in sources.items()},
        "levels": {
            level: {p: s.levels[level].native if level in s.levels else None for p, s in sources.items()}
            for level in LEVELS
        },
        "days": {platform: source.days for platform, source in sources.items()},
        "notes": {platform: list(source.notes) for platform, source in sources.items() if source.notes},
        "rules": RULES,
    }


RULES = [
    "Ratios (ctr, cpc, cpm, cost_per_conversion, conversion_rate) are computed from summed bases, never averaged.",
    "Spend and money ratios are in each account's currency; totals add spend only within one currency.",
    "Conversions are never added across platforms: each platform counts its own conversions with its own attribution.",
    "video_views are never added across platforms: each platform counts a view its own way (see each platform's "
    "definition under metrics.video_views.per_platform); compare them per platform.",
    "Reach is unique people: it is not added up, so it is null for rows and totals that combine several vendor rows "
    "(weeks, months, rows that add up finer vendor rows, ranges a platform answers in several requests; see notes).",
    "A null metric means the platform has no such figure (or, for a ratio, its denominator is 0).",
    "Units: ctr and conversion_rate are percentages (0.6 = 0.6%); <metric>_change_pct is the relative change against "
    "the compared period, in percent (1.4 = +1.4%, -25.0 = -25%); null when the earlier value is 0 or missing.",
    "compare=previous_period: a range of whole calendar months against as many whole months before it, any other "
    "range against as many days just before it. compare=previous_year: whole months against the same whole months "
    "a year earlier (February 2025 against all of February 2024, the 29th included); any other range against the "
    "same calendar days a year earlier.",
    "By day or week, a day is compared with its counterpart: the day the range's length earlier, or, for whole "
    "months, the same day number of the compared month (30 November with 30 October). A day with no counterpart "
    "(31 October against September) has a null _previous; a compared day that stands for no day (31 October "
    "against November, 29 February against a 28-day February) counts in meta.totals only; a note names them. By "
    "month, a month is compared with the whole month it stands for.",
]
