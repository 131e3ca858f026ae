"""The TikTok Business API v1.3 fake (Starlette), for --demo and the tests: app.py serves it, demo.py says where."""

from typing import Any

from .demo import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID, DEMO_APP_ID, DEMO_SECRET, sandbox_settings

__all__ = ["DEMO_ACCESS_TOKEN", "DEMO_ADVERTISER_ID", "DEMO_APP_ID", "DEMO_SECRET", "create_app", "sandbox_settings"]


def __getattr__(name: str) -> Any:
    """`create_app` imports the fake (app.py) when first asked for: the demo's settings alone do not need it."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
