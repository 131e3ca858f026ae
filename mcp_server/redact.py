"""Keep secrets out of results, errors, logs and the command line's output.

Every secret value the settings load, and every token minted at run time (a refreshed access token),
is registered here; `scrub` replaces any occurrence with `***`. A logging filter applies it to every
record, and `ScrubbedStream` to everything a command prints.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TextIO

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


def scrub_secrets(text: str) -> str:
    """Only the registered values: safe on data, whose fields may be named `code` or `secret`."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def scrub(text: str) -> str:
    """Registered values, and secret-looking names' values (for messages: errors and logs)."""
    text = scrub_secrets(text)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}***", text)
    return text


class ScrubbedStream:
    """A text stream (a command's stdout or stderr) that scrubs what is written to it, a line at a time:
    print() and json.dump() write a line in pieces, and a secret never spans lines. flush() writes the
    rest. Everything else (fileno, isatty, encoding) is the wrapped stream's."""

    def __init__(self, stream: TextIO, scrubber: Any = scrub) -> None:
        self.wrapped = stream
        self._scrubber = scrubber
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            lines, _, self._pending = self._pending.rpartition("\n")
            self.wrapped.write(self._scrubber(lines + "\n"))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            self.wrapped.write(self._scrubber(self._pending))
            self._pending = ""
        self.wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks quote exception messages; keep the type, drop the text.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
