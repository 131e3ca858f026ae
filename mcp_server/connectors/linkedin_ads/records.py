"""LinkedIn records made readable: epoch-millisecond times as ISO-8601 UTC, money amounts as numbers.

LinkedIn's `Time` is epoch milliseconds (Microsoft Learn: campaign groups' runSchedule.start "1455309628000
(Fri, 12 Feb 2016 20:40:28 GMT)", lead forms' created/lastModified "An epoch time"; Airbyte's connector.yaml:
creatives' createdAt/lastModifiedAt and conversions' created/lastModified "epoch milliseconds"). Money is a
CurrencyAmount whose amount is a BigDecimal sent as a decimal string ("100.00"). Keys keep their vendor names and
places, so `fields` paths (and Airbyte's select_fields) name the same things before and after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

# Keys that hold a LinkedIn Time wherever they appear (accounts' and campaigns' audit stamps hold objects instead).
TIME_KEYS = frozenset({"created", "lastModified", "createdAt", "lastModifiedAt", "submittedAt", "lastCallbackAt",
                       "latestFirstPartyCallbackAt"})  # fmt: skip
# Keys that hold a Time only inside these parents: AuditStamp.time, and the runSchedule TimeRange.
NESTED_TIME_KEYS = {"time": frozenset({"created", "lastModified", "deleted"}), "start": frozenset({"runSchedule"}),
                    "end": frozenset({"runSchedule"})}  # fmt: skip
# JavaScript clients read JSON numbers as doubles: an id above this comes back as a string so no digit is lost.
MAX_EXACT_INT = 2**53 - 1


def readable(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of one LinkedIn record with its times as ISO-8601 UTC strings and its money amounts as numbers."""
    return _walk(record, None)


def _walk(value: Any, key: str | None) -> Any:
    if isinstance(value, dict):
        if "amount" in value and "currencyCode" in value:
            value = {**value, "amount": money_amount(value["amount"])}
        return {k: _convert(k, v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, key) for v in value]
    return value


def _convert(key: str, value: Any, parent: str | None) -> Any:
    if _is_int(value):
        if key in TIME_KEYS or parent in NESTED_TIME_KEYS.get(key, ()):
            return iso_time(value)
        if (key == "id" or key.endswith("Id")) and abs(value) > MAX_EXACT_INT:
            return str(value)
        return value
    return _walk(value, key)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def iso_time(millis: int) -> Any:
    """Epoch milliseconds as "2026-03-01T09:30:00Z" (".123Z" when the milliseconds are not zero); a value no date
    can hold is left as it came."""
    try:
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=millis)
    except OverflowError:
        return millis
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{millis % 1000:03d}Z" if millis % 1000 else f"{text}Z"


def money_amount(amount: Any) -> Any:
    """"100.00" → 100, "7.5" → 7.5: the number the decimal string names. A string no JSON number carries exactly
    (more digits than a double holds) stays a string rather than be rounded."""
    if not isinstance(amount, str):
        return amount
    try:
        exact = Decimal(amount.strip())
    except InvalidOperation:
        return amount
    if not exact.is_finite():
        return amount
    if exact == exact.to_integral_value() and abs(exact) <= MAX_EXACT_INT:
        return int(exact)
    number = float(exact)
    return number if Decimal(repr(number)) == exact else amount
