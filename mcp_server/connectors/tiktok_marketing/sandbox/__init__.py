"""The TikTok Business API v1.3 fake (Starlette), for --demo and the tests: app.py serves it."""

from .app import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID, DEMO_APP_ID, DEMO_SECRET, create_app, sandbox_settings

__all__ = ["DEMO_ACCESS_TOKEN", "DEMO_ADVERTISER_ID", "DEMO_APP_ID", "DEMO_SECRET", "create_app", "sandbox_settings"]
