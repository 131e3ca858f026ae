"""Where --demo points the LinkedIn client: the fake's demo credentials and paths, without loading the fake itself
(the server reads them to answer tools/list; app.py, imported by the first call, serves them)."""

from __future__ import annotations

from typing import Any

from .templates import MAIN_ACCOUNT

DEMO_CLIENT_ID = "demo-linkedin-client"
DEMO_CLIENT_SECRET = "canary-li-client-secret-9f3b5e1a7c"  # canary: the test run fails if it shows in any output
DEMO_REFRESH_TOKEN = "AQX-canary-li-refresh-token-9f3b0d6e2a4c"
DEMO_ACCESS_TOKEN = "AQV-canary-li-access-token-9f3b7a1c3e5d"
DEMO_ACCOUNT_ID = str(MAIN_ACCOUNT)


def sandbox_settings(base_url: str) -> dict[str, Any]:
    return {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "refresh_token": DEMO_REFRESH_TOKEN,
        "token_url": base_url + "/oauth/v2/accessToken",
        "authorization_url": base_url + "/oauth/v2/authorization",
        "introspect_url": base_url + "/oauth/v2/introspectToken",
        "api_base_url": base_url + "/rest",
        "account_id": DEMO_ACCOUNT_ID,
        "mode": "direct",
    }
