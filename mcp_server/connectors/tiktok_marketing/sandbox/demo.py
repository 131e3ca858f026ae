"""Where --demo points the TikTok client: the fake's demo credentials and paths, without loading the fake itself
(the server reads them to answer tools/list; app.py, imported by the first call, serves them)."""

from __future__ import annotations

from typing import Any

DEMO_ACCESS_TOKEN = "canary-tt-access-token-9f3b7c2e51d04a86b1e3"  # canary: the test run fails if it shows in any output
DEMO_APP_ID = "7301552918837460993"
DEMO_SECRET = "canary-tt-app-secret-9f3b84d2a6c01e57f93b"
DEMO_ADVERTISER_ID = "7294619358021763074"
# The Business Center the demo token sees; catalogs belong to it (catalog/get/ is per BC).
DEMO_BC_ID = "7100000000000000001"
PREFIX = "/open_api/v1.3/"


def sandbox_settings(base_url: str) -> dict[str, Any]:
    return {
        "access_token": DEMO_ACCESS_TOKEN,
        "advertiser_id": DEMO_ADVERTISER_ID,
        "bc_id": DEMO_BC_ID,
        "app_id": DEMO_APP_ID,
        "secret": DEMO_SECRET,
        "api_base_url": base_url + PREFIX.rstrip("/"),
        "auth_url": base_url + "/portal/auth",
        "mode": "direct",
    }
