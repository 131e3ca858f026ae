"""The advertiser's calendar: TikTok report days are days in the ad account's time zone, not UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = "UTC"


def now() -> dt.datetime:
    """The current instant (aware). One place, so tests can freeze it for the client and the fake alike."""
    return dt.datetime.now(dt.timezone.utc)


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone for a name TikTok returns ("America/Los_Angeles", "Etc/GMT-8"), or None if unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_today(time_zone: str) -> dt.date:
    found = zone(time_zone)
    return now().astimezone(found).date() if found else now().date()


def advertiser_zone(record: dict) -> str | None:
    """advertiser/info/ gives `display_timezone` (an IANA name) and `timezone` (may be an Etc/GMT offset)."""
    for key in ("display_timezone", "timezone"):
        if zone(record.get(key)):
            return record[key]
    return None
