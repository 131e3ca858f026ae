"""Keep secrets out of results, errors and logs.

Every secret value the settings load is registered here; `scrub` replaces
any occurrence with `***`. A logging filter applies it to every record.
"""

from __future__ import annotations

import logging
import re

_secrets: set[str] = set()
# Secrets passed in URLs or bodies that we never registered (defence in depth).
_PATTERNS = [
    re.compile(r"(?i)(access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|authorization)([\"']?\s*[:=]\s*[\"']?)(Bearer\s+)?[^\s\"'&,}]+"),
]


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _secrets.add(value)


def scrub(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
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
