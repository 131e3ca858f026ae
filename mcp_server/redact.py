"""Keep secrets out of results, errors and logs.

Every secret value the settings load is registered here; `scrub` replaces
any occurrence with `***`. A logging filter applies it to every record.
"""

from __future__ import annotations

import logging
import re

_secrets: set[str] = set()
# Secrets passed in URLs or bodies that we never registered (defence in depth).
_SECRET_NAMES = r"(?:access_token|refresh_token|client_secret|secret|code)"
_PATTERNS = [
    re.compile(rf"(?i)(\b{_SECRET_NAMES}=)[^&\s\"']+"),  # query strings and form bodies
    re.compile(rf"(?i)(\"{_SECRET_NAMES}\"\s*:\s*\")[^\"]+"),  # JSON bodies
    re.compile(r"(?i)(\bBearer\s+)[A-Za-z0-9._~+/=-]+"),  # Authorization headers
]


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _secrets.add(value)


def scrub(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}***", text)
    return text


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks quote exception messages; keep the type, drop the text.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
