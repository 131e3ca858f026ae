"""Every command's stdout and stderr pass the same secret scrubber as tool results (issue 15, section 4).

The LinkedIn fake's `echo_token` fault answers a 400 whose message quotes the bearer token it received: the
access token the server minted from the refresh token, which no output may show (it is a canary too).
"""

from __future__ import annotations

import io

import pytest

from mcp_server.cli import main
from mcp_server.connectors.linkedin_ads.sandbox.app import MINTED_TOKEN_PREFIX
from mcp_server.redact import ScrubbedStream, register_secret, scrub, scrub_secrets

from .conftest import point_at_fake


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def minted_tokens(linkedin_fake) -> set[str]:
    return {
        r["headers"]["authorization"].removeprefix("Bearer ")
        for r in linkedin_fake.requests
        if r["headers"].get("authorization", "").startswith(f"Bearer {MINTED_TOKEN_PREFIX}")
    }


@pytest.fixture
def linkedin_direct(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)  # refresh token only: the access token is minted
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "linkedin-ads")
    return linkedin_fake


def test_check_scrubs_a_minted_token_the_vendor_echoes(capsys, linkedin_direct):
    linkedin_direct.fault("adAccounts", "echo_token")
    code, out, err = run(capsys, "check")
    minted = minted_tokens(linkedin_direct)
    assert minted, "the fake saw no minted token"
    assert code == 1 and "linkedin-ads: FAILED" in out and "Unparseable request with token ***" in out, out
    for token in minted:
        assert token not in out + err  # before: check printed it


def test_call_scrubs_a_minted_token_the_vendor_echoes(capsys, linkedin_direct):
    linkedin_direct.fault("adCampaigns", "echo_token")
    code, out, err = run(capsys, "call", "linkedin-ads", "campaigns", "list", "--limit", "1")
    assert code == 1 and "with token ***" in err, err
    assert minted_tokens(linkedin_direct) and not any(t in out + err for t in minted_tokens(linkedin_direct))


def test_report_warning_scrubs_a_minted_token(capsys, linkedin_direct):
    linkedin_direct.fault("adAnalytics", "echo_token", times=5)
    code, out, err = run(capsys, "report", "--date-preset", "last_7d", "--format", "csv")
    assert minted_tokens(linkedin_direct) and not any(t in out + err for t in minted_tokens(linkedin_direct))
    assert "with token ***" in out + err, (code, out, err)


def test_any_command_output_is_scrubbed(capsys, monkeypatch):
    """Whatever a command prints passes the scrubber: a registered secret in the catalog's text is hidden."""
    import dataclasses

    from mcp_server.connectors import REGISTRY

    secret = "canary-tt-in-a-summary-9f3b"
    register_secret(secret)
    entities = REGISTRY["tiktok-marketing"].catalog.entities
    monkeypatch.setitem(entities, "campaigns", dataclasses.replace(entities["campaigns"], summary=f"Campaigns {secret}"))
    code, out, err = run(capsys, "catalog", "tiktok-marketing", "--entity", "campaigns")
    assert code == 0 and "Campaigns ***" in out and secret not in out


def test_scrubbed_stream_catches_a_secret_written_in_pieces():
    register_secret("canary-tt-split-secret-9f3b77")
    sink = io.StringIO()
    stream = ScrubbedStream(sink)
    for piece in ("token canary-tt-sp", "lit-secret-9f3b77 and\nrefresh_token=abc", "def&x=1"):
        stream.write(piece)
    assert sink.getvalue() == "token *** and\n"  # a line is written once complete
    stream.flush()
    assert sink.getvalue() == "token *** and\nrefresh_token=***&x=1"


def test_data_on_stdout_keeps_fields_named_like_secrets():
    """stdout carries data: only registered values go, a record's "code" field stays (messages lose it)."""
    text = '{"code": "US", "secret": "no"}'
    assert scrub_secrets(text) == text
    assert scrub(text) == '{"code": "***", "secret": "***"}'
