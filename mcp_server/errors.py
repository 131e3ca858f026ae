"""One error tree for everything a tool call can fail with.

Every error carries a message that names the problem and, where one exists,
the fix. The server turns any ConnectorError into an isError tool result;
nothing else escapes to the client.
"""

from __future__ import annotations

import re


class ConnectorError(Exception):
    """Base class. `kind` is the short label shown to the agent."""

    kind = "error"
    retryable = False

    def __init__(self, message: str, *, fix: str | None = None, request_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.request_id = request_id

    def render(self) -> str:
        text = f"{self.kind}: {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text


class InvalidParams(ConnectorError):
    """The call's arguments are wrong. Raised before any vendor request."""

    kind = "invalid_params"


class NotConfigured(ConnectorError):
    """Settings are missing for the chosen backend."""

    kind = "not_configured"


class AuthError(ConnectorError):
    """Credentials were rejected: expired, revoked or wrong."""

    kind = "auth_error"


class PermissionDenied(ConnectorError):
    kind = "permission_denied"


class NotFound(ConnectorError):
    kind = "not_found"


class RateLimited(ConnectorError):
    kind = "rate_limited"
    retryable = True


class VendorUnavailable(ConnectorError):
    """5xx, maintenance, gateway timeouts: worth retrying."""

    kind = "vendor_unavailable"
    retryable = True


class NetworkError(ConnectorError):
    kind = "network_error"
    retryable = True


class VendorError(ConnectorError):
    """Any other answer the vendor refused."""

    kind = "vendor_error"


# A vendor's daily quota, in its own words (LinkedIn: "Resource level throttle APPLICATION DAY limit for calls to
# this resource is reached.", or MEMBER DAY), directly or passed through Airbyte: it resets at midnight UTC, so
# retrying within a call only fails again.
DAILY_QUOTA = re.compile(r"\b(APPLICATION|MEMBER)?\s*DAY limit", re.IGNORECASE)


class OutcomeUnknown(ConnectorError):
    """A write was sent but its answer was lost (dropped connection, timeout, 5xx): it may have been applied.

    Never retried; the message says how to check."""

    kind = "outcome_unknown"
