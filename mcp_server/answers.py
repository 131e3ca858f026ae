"""What a vendor answer must look like before we read it.

A vendor (or Airbyte) that answers with the wrong shape, say `page_info: {"total_page": "two"}`, gets a
`vendor_error` that names the place and what it held, never an internal error from deep in our code. Each
backend checks the parts of an answer it relies on (envelopes, lists, page info) where it receives them.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import VendorError
from .params import is_digits

# A count or page number beyond this is no real answer (and would make page lists or int() blow up).
MAX_COUNT = 10**12


def shown(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of what the answer held."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def malformed(vendor: str, where: str, value: Any, expected: str, *, request_id: str | None = None) -> VendorError:
    return VendorError(
        f"{vendor} answered in a shape this server cannot read: {where} is {shown(value)}, not {expected}.",
        fix=f"This is on {vendor}'s side; try again, and report it (with the request id) if it repeats.",
        request_id=request_id,
    )


class Reader:
    """Checks on one answer, each naming `vendor` and the place (e.g. data.page_info.total_page)."""

    def __init__(self, vendor: str, request_id: str | None = None) -> None:
        self.vendor = vendor
        self.request_id = request_id

    def fail(self, where: str, value: Any, expected: str) -> VendorError:
        return malformed(self.vendor, where, value, expected, request_id=self.request_id)

    def object(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, value, "an object")
        return value

    def objects(self, value: Any, where: str) -> list[dict[str, Any]]:
        """A list of objects (records); null is an empty list."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, value, "a list")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{where}[{index}]", item, "an object")
        return value

    def count(self, value: Any, where: str, *, minimum: int = 0) -> int:
        """A whole number from `minimum` up (a digit string counts: some answers quote numbers)."""
        if isinstance(value, str) and is_digits(value.strip(), 13):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_COUNT:
            raise self.fail(where, value, f"a whole number from {minimum}")
        return value

    def counts(self, parent: dict[str, Any], names: tuple[str, ...], where: str, *, minimum: int = 0) -> None:
        """Each of `names` present (and not null) in `parent` is a count; normalised to int in place."""
        for name in names:
            if parent.get(name) is not None:
                parent[name] = self.count(parent[name], f"{where}.{name}", minimum=minimum)

    def text(self, value: Any, where: str) -> str | None:
        """A string or null."""
        if value is not None and not isinstance(value, str):
            raise self.fail(where, value, "a string")
        return value
