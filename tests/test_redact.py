"""Secrets never survive into text an agent or a log reader sees."""

from __future__ import annotations

from mcp_server.redact import register_secret, scrub


def test_registered_values_are_replaced_anywhere():
    register_secret("s3cr3t-value-123")
    assert scrub("token s3cr3t-value-123 failed") == "token *** failed"


def test_unregistered_secrets_in_urls_bodies_and_headers():
    assert scrub("GET /oauth2/advertiser/get/?app_id=1&secret=abcdef") == "GET /oauth2/advertiser/get/?app_id=1&secret=***"
    assert scrub('{"client_secret": "zzz", "x": 1}') == '{"client_secret": "***", "x": 1}'
    assert scrub("Authorization: Bearer eyJhbGciOi.x-y_z") == "Authorization: Bearer ***"
    assert scrub("grant_type=refresh_token&refresh_token=AQX123&client_id=c") == (
        "grant_type=refresh_token&refresh_token=***&client_id=c"
    )


def test_setting_names_in_messages_stay_readable():
    text = "LINKEDIN_ADS_REFRESH_TOKEN: Field required. Fix: set LINKEDIN_ADS_CLIENT_SECRET."
    assert scrub(text) == text
