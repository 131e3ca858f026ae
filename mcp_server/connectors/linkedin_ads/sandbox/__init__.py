"""The LinkedIn Marketing API fake (Starlette), for --demo and the tests: app.py serves it, demo.py says where."""

from typing import Any

from .demo import (
    DEMO_ACCESS_TOKEN,
    DEMO_ACCOUNT_ID,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    sandbox_settings,
)

__all__ = [
    "DEMO_ACCESS_TOKEN", "DEMO_ACCOUNT_ID", "DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "DEMO_REFRESH_TOKEN",
    "create_app", "sandbox_settings",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """`create_app` imports the fake (app.py) when first asked for: the demo's settings alone do not need it."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
