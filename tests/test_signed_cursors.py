"""Cursors that cannot be forged (issue 15, section 2).

Every cursor is signed with the server key: an edited, cut short or foreign one is refused by its signature.
A cursor signed with this server's own key (what a careless change of ours, or a leaked key, would make)
still reaches no vendor with a page state the params would refuse: the tests below sign each forged state the
attack review sent with the server's key, so only the page-state check can stop it, and assert on the fakes'
raw request logs that nothing was sent.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import zlib
from collections.abc import Iterator

import pytest
from fastmcp import Client

from mcp_server import signing
from mcp_server.cursor import Cursor, unseal
from mcp_server.cli import main
from mcp_server.connectors import REGISTRY
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import CANARIES, airbyte_env

NOT_VALID = "invalid_params: cursor is not valid; call again without it."
TIKTOK, LINKEDIN = "tiktok_marketing_execute", "linkedin_ads_execute"
SECRET_KEY = CANARIES["CONNECTOR_MCP_SECRET_KEY"]


class Server:
    """One in-memory client on a server built now (settings from the environment), and the fakes it may reach."""

    def __init__(self, client: Client, fakes: list):
        self.client = client
        self.fakes = fakes

    async def cursor(self, tool: str, arguments: dict) -> str:
        result = await self.client.call_tool(tool, {"limit": 1, **arguments}, raise_on_error=False)
        assert not result.is_error, result.content[0].text
        assert result.structured_content["next_cursor"], arguments
        return result.structured_content["next_cursor"]

    async def refused(self, tool: str, entity: str, cursor: str, expected: str = NOT_VALID) -> str:
        """The call with `cursor` is invalid_params and no fake received any request meanwhile."""
        before = [len(fake.requests) for fake in self.fakes]
        result = await self.client.call_tool(
            tool, {"entity": entity, "action": "list", "cursor": cursor, "limit": 5}, raise_on_error=False
        )
        text = result.content[0].text
        assert result.is_error and text.startswith(expected), text
        sent = [r for fake, n in zip(self.fakes, before) for r in fake.requests[n:]]
        assert sent == [], [(r["method"], r["path"], r["query"][:200]) for r in sent]
        return text


def forged(cursor: str, state: dict | None = None, **params) -> str:
    """The cursor with another page state (and params edited), signed with this server's key."""
    real = Cursor.decode(cursor)
    position = dataclasses.replace(real.position, state=state)
    return dataclasses.replace(real, position=position, params={**real.params, **params}).encode()


@pytest.fixture
async def direct(direct_env) -> Iterator[Server]:
    async with Client(build_server(ServerSettings())) as client:
        yield Server(client, list(direct_env.values()))


@pytest.fixture
async def hosted(monkeypatch, hosted_fake) -> Iterator[Server]:
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", str(REGISTRY["linkedin-ads"].sandbox_settings("http://x")["account_id"]))

    class VendorsBehind:  # what the hosted fake passed on to the vendor fakes behind it
        @property
        def requests(self) -> list[dict]:
            return [r for c in ("tiktok-marketing", "linkedin-ads") for r in hosted_fake.vendor_requests(c)]

    async with Client(build_server(ServerSettings())) as client:
        yield Server(client, [hosted_fake, VendorsBehind()])


# --- the signature ----------------------------------------------------------------------------------


def _unsigned(cursor: str) -> str:
    """The same cursor in the old unsigned form (base64url of zlib JSON)."""
    data = unseal(cursor)
    return base64.urlsafe_b64encode(zlib.compress(data)).decode().rstrip("=")


def _flip(cursor: str, at: int) -> str:
    return cursor[:at] + ("A" if cursor[at] != "A" else "B") + cursor[at + 1 :]


async def test_an_edited_truncated_unsigned_or_foreign_cursor_is_refused_before_any_request(direct, monkeypatch):
    real = await direct.cursor(TIKTOK, {"entity": "ads", "action": "list"})
    payload = signing.unsign("cursor", real)
    with monkeypatch.context() as other_server:  # another process: its own key
        other_server.setattr(signing, "_key", b"\x01" * 32)
        foreign_key = signing.sign("cursor", payload)
    cases = {
        "unsigned (the old format)": _unsigned(real),
        "a character edited in the tag": _flip(real, 3),
        "a character edited in the payload": _flip(real, len(real) // 2),
        "cut short by one": real[:-1],
        "cut to its tag": real[:22],
        "another key": foreign_key,
        "another purpose (a change id)": signing.sign("change", payload),
        "empty payload, right length": signing.sign("other", b"")[:22],
        "not base64 at all": "%%%" + real,
        "non-ASCII": real[:-1] + "é",
    }
    for name, cursor in cases.items():
        text = await direct.refused(TIKTOK, "ads", cursor)
        assert "CONNECTOR_MCP_SECRET_KEY" in text, name  # the fix names what makes replicas agree
    # The real one still works, so the refusals above were the signature's.
    ok = await direct.client.call_tool(TIKTOK, {"entity": "ads", "action": "list", "cursor": real, "limit": 1})
    assert ok.structured_content["data"]


async def test_a_cursor_of_the_other_connector_names_its_tool(direct):
    tiktok = await direct.cursor(TIKTOK, {"entity": "campaigns", "action": "list"})
    text = await direct.refused(LINKEDIN, "campaigns", tiktok, "invalid_params: cursor belongs to tiktok_marketing_execute")
    assert "not linkedin_ads_execute campaigns.list" in text and "Pass it to tiktok_marketing_execute" in text


# --- page states signed with the server's key -------------------------------------------------------


async def test_forged_tiktok_states_signed_with_our_key_reach_no_vendor(direct):
    ads = await direct.cursor(TIKTOK, {"entity": "ads", "action": "list"})
    list_states = [
        {"page": 2, "page_size": 100000},
        {"page": 2, "page_size": -7},
        {"page": -3, "page_size": 1},
        {"page": 10**30, "page_size": 1},
        {"page": "2", "page_size": 1},  # the params would make 2 of it: a state holds exactly what they make
        {"page": 2.0, "page_size": 1},
        {"page": True, "page_size": 1},
        {"page": 2},
        # As a param None means "the default", but the client reads the state itself (page + 1): found by the fuzzer
        # after the merges, when page: null passed the check, the page was asked, and only then the client broke.
        {"page": None, "page_size": 1},
        {"page": 2, "page_size": None},
        {"page": 2, "page_size": 1, "advertiser_id": "1"},  # a key no state has
    ]
    for state in list_states:
        await direct.refused(TIKTOK, "ads", forged(ads, state))

    hourly = await direct.cursor(TIKTOK, {"entity": "ads_reports_hourly", "action": "list"})
    real = Cursor.decode(hourly).position.state
    report_states = [
        {**real, "start": "0001-01-01", "end": "9990-12-31"},  # 5.9 s and 614 MB before; the params left valid
        {**real, "end": "9999-12-31"},  # OverflowError before
        {**real, "start": "2026-13-01"},
        {**real, "chunk": 5},  # the range has one chunk
        {**real, "chunk": -1},
        {**real, "page_size": 1001},
        {**real, "time_zone": "../../etc/passwd"},
        {**real, "start": None},
        {k: v for k, v in real.items() if k != "start"},
    ]
    for state in report_states:
        await direct.refused(TIKTOK, "ads_reports_hourly", forged(hourly, state))
    # A careless change that froze a bad range in the params too: the params' own check refuses it.
    far = {"start": "0001-01-01", "end": "9990-12-31"}
    await direct.refused(
        TIKTOK, "ads_reports_hourly", forged(hourly, {**real, **far}, start_date=far["start"], end_date=far["end"]), "invalid_params:"
    )
    daily = await direct.cursor(TIKTOK, {"entity": "ads_reports_daily", "action": "list", "params": {"date_preset": "last_7d"}})
    state = {**Cursor.decode(daily).position.state, "end": "9999-12-31"}
    text = await direct.refused(TIKTOK, "ads_reports_daily", forged(daily, state, end_date="9999-12-31"), "invalid_params:")
    assert "end_date" in text and "366 days ahead" in text

    catalogs = await direct.cursor(TIKTOK, {"entity": "catalogs", "action": "list"})
    real = Cursor.decode(catalogs).position.state
    for state in (
        {**real, "bc": 5},  # IndexError before
        {**real, "bcs": ["not-a-bc&x=1"]},  # reached TikTok as bc_id=not-a-bc%26x%3D1
        {**real, "bcs": []},
        {**real, "bcs": [" " + real["bcs"][0]]},
        {k: v for k, v in real.items() if k != "bc"},
    ):
        await direct.refused(TIKTOK, "catalogs", forged(catalogs, state))

    advertisers = await direct.cursor(
        TIKTOK, {"entity": "advertisers", "action": "list", "params": {"advertiser_ids": [DEMO_ADVERTISER_ID, "7000000000000000001"]}}
    )
    assert Cursor.decode(advertisers).position.state == {"offset": 1}
    for state in ({"offset": 1, "ids": ["../../x"]}, {"offset": 2}, {"offset": -1}, {"offset": 1, "ids": []}):
        await direct.refused(TIKTOK, "advertisers", forged(advertisers, state))


async def test_forged_linkedin_states_signed_with_our_key_reach_no_vendor(direct):
    campaigns = await direct.cursor(LINKEDIN, {"entity": "campaigns", "action": "list"})
    for state in ({"pageToken": {"a": "List(1)"}}, {"pageToken": 5}, {"pageToken": ""}, {"start": 5}, {}):
        await direct.refused(LINKEDIN, "campaigns", forged(campaigns, state))

    conversions = await direct.cursor(LINKEDIN, {"entity": "conversions", "action": "list"})
    for state in ({"start": -5}, {"start": 10**30}, {"start": "5"}, {"start": 5.0}, {"pageToken": "x"}):
        await direct.refused(LINKEDIN, "conversions", forged(conversions, state))

    report = await direct.cursor(LINKEDIN, {"entity": "ad_campaign_analytics", "action": "list", "params": {"date_preset": "last_7d"}})
    await direct.refused(LINKEDIN, "ad_campaign_analytics", forged(report, {"start": 5}))  # re-run reports have no state


async def test_forged_states_through_the_hosted_api_reach_neither_airbyte_nor_a_vendor(hosted):
    ads = await hosted.cursor(TIKTOK, {"entity": "ads", "action": "list"})
    for state in ({"page": -3, "page_size": 1}, {"page": 2, "page_size": 1, "bcs": ["1"], "bc": 0, "x": 1}):
        await hosted.refused(TIKTOK, "ads", forged(ads, state))
    report = await hosted.cursor(TIKTOK, {"entity": "ads_reports_daily", "action": "list", "params": {"date_preset": "last_7d"}})
    real = Cursor.decode(report).position.state
    await hosted.refused(TIKTOK, "ads_reports_daily", forged(report, {**real, "start": "0001-01-01"}))

    campaigns = await hosted.cursor(LINKEDIN, {"entity": "campaigns", "action": "list"})
    await hosted.refused(LINKEDIN, "campaigns", forged(campaigns, {"pageToken": {"a": 1}}))


async def test_real_states_still_pass_the_check(direct):
    """The check is not stricter than what the backends make: every real cursor of a chain resumes."""
    for tool, entity, params in (
        (TIKTOK, "campaigns", {}),
        (TIKTOK, "catalogs", {}),
        (TIKTOK, "ads_reports_hourly", {}),
        (TIKTOK, "ads_reports_lifetime", {}),
        (LINKEDIN, "campaigns", {}),
        (LINKEDIN, "conversions", {}),
    ):
        cursor, pages = await direct.cursor(tool, {"entity": entity, "action": "list", "params": params}), 1
        while cursor and pages < 4:
            result = await direct.client.call_tool(tool, {"entity": entity, "action": "list", "cursor": cursor, "limit": 1})
            cursor, pages = result.structured_content["next_cursor"], pages + 1


async def test_a_refused_signed_state_is_logged_as_ours(direct, caplog):
    ads = await direct.cursor(TIKTOK, {"entity": "ads", "action": "list"})
    with caplog.at_level(logging.WARNING, logger="mcp_server.page_state"):
        await direct.refused(TIKTOK, "ads", forged(ads, {"page": -3, "page_size": 1}))
    assert any("signed cursor refused" in r.getMessage() and "page" in r.getMessage() for r in caplog.records)


# --- the key --------------------------------------------------------------------------------------------


def test_a_short_secret_key_stops_start_up_with_the_rule(monkeypatch, capsys):
    for value in ("canary-http-short", " " * 40):
        monkeypatch.setenv("CONNECTOR_MCP_SECRET_KEY", value)
        with pytest.raises(SystemExit) as stopped:
            main(["--demo", "catalog"])
        err = capsys.readouterr().err
        assert stopped.value.code == 2
        assert "CONNECTOR_MCP_SECRET_KEY: must be at least 32 characters" in err and len(err.strip().splitlines()) == 1


async def test_servers_with_the_same_key_accept_each_others_cursors_and_others_do_not(monkeypatch):
    """What --stateless replicas rely on, in one process: the key decides, not the process."""
    monkeypatch.setattr(signing, "_key", signing._key)  # restored after the test
    monkeypatch.setattr(signing, "_key_from_setting", False)
    demo = {"_env_file": None, "demo": True}
    async with Client(build_server(ServerSettings(**demo, secret_key=SECRET_KEY))) as client:
        first = await client.call_tool(TIKTOK, {"entity": "ads", "action": "list", "limit": 1})
    cursor = first.structured_content["next_cursor"]
    assert signing.key_is_shared()
    async with Client(build_server(ServerSettings(**demo, secret_key=SECRET_KEY))) as client:  # a replica
        again = await client.call_tool(TIKTOK, {"entity": "ads", "action": "list", "cursor": cursor, "limit": 1})
        assert not again.is_error and again.structured_content["data"]
    async with Client(build_server(ServerSettings(**demo, secret_key=CANARIES["a signing key of another server"]))) as client:
        other = await client.call_tool(TIKTOK, {"entity": "ads", "action": "list", "cursor": cursor}, raise_on_error=False)
        assert other.is_error and other.content[0].text.startswith(NOT_VALID)


def test_cli_call_continues_an_earlier_calls_cursor_with_a_shared_key(monkeypatch, capsys):
    monkeypatch.setattr(signing, "_key", signing._key)  # restored after the test
    monkeypatch.setattr(signing, "_key_from_setting", False)
    ads = ["--demo", "call", "tiktok-marketing", "ads", "list", "--limit", "1"]

    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stopped:
            main([*ads, *argv])
        out, err = capsys.readouterr()
        return stopped.value.code, out, err

    code, out, _ = run()
    cursor = json.loads(out)["next_cursor"]
    monkeypatch.setattr(signing, "_key", b"\x02" * 32)  # the next run is another process: another random key
    code, _, err = run("--cursor", cursor)
    assert code == 1 and "cursor is not valid" in err and "CONNECTOR_MCP_SECRET_KEY" in err

    monkeypatch.setenv("CONNECTOR_MCP_SECRET_KEY", SECRET_KEY)
    code, out, _ = run()
    cursor = json.loads(out)["next_cursor"]
    monkeypatch.setattr(signing, "_key", b"\x03" * 32)  # a new process, which the setting gives the same key
    code, out, _ = run("--cursor", cursor)
    assert code == 0 and json.loads(out)["data"]


@pytest.mark.parametrize(
    ("shared", "stateless", "level", "words"),
    [
        (True, True, logging.INFO, "signed with CONNECTOR_MCP_SECRET_KEY"),
        (False, False, logging.INFO, "per-process key"),
        (False, True, logging.WARNING, "--stateless without CONNECTOR_MCP_SECRET_KEY"),
    ],
)
def test_start_up_says_which_key_signs(monkeypatch, caplog, shared, stateless, level, words):
    monkeypatch.setattr(signing, "_key_from_setting", shared)
    with caplog.at_level(logging.INFO, logger="mcp_server.signing"):
        signing.log_key_in_use(stateless=stateless)
    [record] = caplog.records
    assert record.levelno == level and words in record.getMessage()
