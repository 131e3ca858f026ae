"""The LinkedIn Marketing API fake (Starlette), for --demo and the tests: app.py serves it."""

from .app import (
    DEMO_ACCESS_TOKEN,
    DEMO_ACCOUNT_ID,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    create_app,
    sandbox_settings,
)

__all__ = [
    "DEMO_ACCESS_TOKEN", "DEMO_ACCOUNT_ID", "DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "DEMO_REFRESH_TOKEN",
    "create_app", "sandbox_settings",
]  # fmt: skip
