"""When LinkedIn sunsets a Marketing API version (the LinkedIn-Version header, YYYYMM).

Microsoft Learn, "LinkedIn Marketing API versioning": monthly versions "are supported and stable for a minimum
of one year before sunset". The migrations page (learn.microsoft.com/linkedin/marketing/integrations/migrations)
lists each sunset date, mid-month a year after release: those listed are below; any other is estimated as the
15th of the same month a year on.
"""

from __future__ import annotations

import datetime as dt

SOURCE = "Microsoft Learn, LinkedIn Marketing API versioning and migrations pages"
# Sunset dates as the migrations page lists them.
LISTED = {
    "202510": dt.date(2026, 10, 15),
    "202511": dt.date(2026, 11, 16),
    "202601": dt.date(2027, 1, 15),
    "202602": dt.date(2027, 2, 15),
    "202603": dt.date(2027, 3, 16),
}
WARN_DAYS = 60


def sunset(version: str) -> tuple[dt.date, bool]:
    """(sunset date, whether LinkedIn lists it) for a YYYYMM version."""
    if version in LISTED:
        return LISTED[version], True
    return dt.date(int(version[:4]) + 1, int(version[4:6]), 15), False


def sunset_warning(version: str, today: dt.date) -> str | None:
    """A warning for results when the version sunsets within WARN_DAYS (or has), else None."""
    date, listed = sunset(version)
    days = (date - today).days
    if days > WARN_DAYS:
        return None
    when = f"on {date}" if listed else f"around {date}"
    state = f"was sunset {when}" if days < 0 else f"sunsets {when} ({days} days)"
    return (
        f"LINKEDIN_ADS_API_VERSION {version} {state}; after that LinkedIn answers 426 to every call. "
        "Set LINKEDIN_ADS_API_VERSION to a newer version (see `connector-mcp check`)."
    )
