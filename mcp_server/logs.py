"""Logging goes to stderr only: in stdio mode stdout is the protocol.

One plain format for everything: our lines, FastMCP's (which would otherwise print
Rich-styled boxes) and uvicorn's. Per-request chatter stays at DEBUG.
"""

from __future__ import annotations

import logging
import os
import sys

from .redact import ScrubFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Lines every HTTP request or session would add at INFO; shown with --log-level DEBUG.
CHATTY_LOGGERS = (
    "uvicorn.access",  # one line per HTTP request (a client session is several)
    "uvicorn.error",  # "Started server process", "Waiting for application startup", ... (errors still show)
    "mcp.server.streamable_http_manager",  # "Created new transport with session ID"
    "mcp.server.streamable_http",  # "Terminating session"
    "mcp.server.lowlevel.server",  # "Processing request of type ..."
    "fastmcp.server.auth.middleware",  # "Auth error returned": http_auth.py logs each 401 itself
)

# Errors FastMCP logs with a traceback although they are answers to the client
# (an unknown resource, a bad argument), not faults of this server.
CLIENT_ERRORS = {"ResourceError", "NotFoundError", "ToolError", "PromptError", "ValidationError"}


class ClientErrorsOneLine(logging.Filter):
    """Fold a client-facing error's traceback into one line: `message: error`."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__module__.startswith("fastmcp") and type(exc).__name__ in CLIENT_ERRORS:
            record.msg, record.args = f"{record.getMessage()}: {exc}", None
            record.exc_info = record.exc_text = None
        return True


def _plain_fastmcp() -> None:
    """FastMCP installs Rich handlers on its 'fastmcp' logger at import; hand its records to ours."""
    os.environ["FASTMCP_LOG_ENABLED"] = "false"  # an import after this point installs nothing
    if "fastmcp" in sys.modules:
        import fastmcp

        fastmcp.settings.log_enabled = False  # nor does a later reconfiguration (temporary_log_level)
    fastmcp_logger = logging.getLogger("fastmcp")
    for handler in list(fastmcp_logger.handlers):
        fastmcp_logger.removeHandler(handler)
    fastmcp_logger.propagate = True
    fastmcp_logger.setLevel(logging.NOTSET)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ClientErrorsOneLine())
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    _plain_fastmcp()
    quiet = logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    # httpx logs full request URLs at INFO; TikTok discovery puts the app secret in one.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
