"""Property-based fuzzing of what the vendors answer (issue 15, "Inputs and vendor answers").

tests/test_fuzz.py fuzzes the tools' arguments; this fuzzes the answers. Each example picks a real call
(a list, a report, ads_report; direct to the TikTok and LinkedIn fakes, or through the hosted fake) and has the
fake edit its own next answers before serving them over the socket (sandbox.control.AnswerEdits): a place
drawn inside the real answer is set to junk (wrong types, nulls, huge numbers, strings for numbers, nested
junk), deleted, or turned into its JSON text. Whatever comes back:
1. the client gets a result or an isError of a known kind, never internal_error nor a traceback, and
   ads_report names no "unexpected" crash in its warnings;
2. the server keeps serving: a plain call afterwards succeeds.

One server per backend (direct, hosted) serves the module, as in test_fuzz.py. FUZZ_ANSWERS sets the examples
per test (default 40, a quarter of that for the fresh-server ones: about 140 answers, 20-30 s); FUZZ_RANDOM=1
draws new ones each run (default: derandomized). `pytest -s` prints how many distinct places and ops were served.
"""

from __future__ import annotations

import collections
import os
import re

import pytest
from anyio.from_thread import start_blocking_portal
from fastmcp import Client
from fastmcp.client.client import CallToolResult
from hypothesis import given, settings
from hypothesis import strategies as st

from mcp_server.connectors import REGISTRY
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

from .conftest import airbyte_env, point_at_fake
from .fuzz_strategies import KINDS, fuzz_settings

SANDBOX = {c.id: c.sandbox_settings("http://sandbox") for c in REGISTRY.values()}
EXAMPLES = int(os.environ.get("FUZZ_ANSWERS", "40"))
FUZZ = fuzz_settings(EXAMPLES)
UNEXPECTED = re.compile(r"unexpected \w*(Error|Exception)\b")
TIKTOK, LINKEDIN = "tiktok_marketing_execute", "linkedin_ads_execute"

# (tool, arguments, the path fragment whose answers are edited). Small limits: one or two vendor pages.
TIKTOK_CALLS = [
    (TIKTOK, {"entity": "campaigns", "action": "list", "limit": 3}, "campaign/get"),
    (TIKTOK, {"entity": "ads", "action": "list", "limit": 2, "params": {"page_size": 1}}, "ad/get"),
    (TIKTOK, {"entity": "advertisers", "action": "list"}, "advertiser/info"),
    (TIKTOK, {"entity": "catalogs", "action": "list", "limit": 2}, "catalog/get"),
    (TIKTOK, {"entity": "audiences", "action": "list", "limit": 2}, "custom_audience"),
    (TIKTOK, {"entity": "creative_assets_videos", "action": "list", "limit": 2}, "file/video"),
    (TIKTOK, {"entity": "campaigns_reports_daily", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "report/integrated"),
    (TIKTOK, {"entity": "ads_reports_lifetime", "action": "list", "limit": 2}, "report/integrated"),
    ("ads_report", {"date_preset": "last_7d", "platforms": ["tiktok-marketing"], "limit": 3, "compare": "previous_period"}, "report/integrated"),
]  # fmt: skip
LINKEDIN_CALLS = [
    (LINKEDIN, {"entity": "accounts", "action": "list", "limit": 2}, "adAccounts"),
    (LINKEDIN, {"entity": "accounts", "action": "get", "params": {"id": "512345678"}}, "adAccounts"),
    (LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 3}, "adCampaigns"),
    (LINKEDIN, {"entity": "campaign_groups", "action": "list", "limit": 2}, "adCampaignGroups"),
    (LINKEDIN, {"entity": "creatives", "action": "list", "limit": 2}, "creatives"),
    (LINKEDIN, {"entity": "conversions", "action": "list", "limit": 2}, "conversions"),
    (LINKEDIN, {"entity": "lead_forms", "action": "list", "limit": 2}, "leadForms"),
    (LINKEDIN, {"entity": "ad_campaign_analytics", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "adAnalytics"),
    (LINKEDIN, {"entity": "ad_member_country_analytics", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "adAnalytics"),
    ("ads_report", {"date_preset": "last_7d", "platforms": ["linkedin-ads"], "limit": 3, "level": "campaign"}, "adAnalytics"),
    ("ads_report", {"date_preset": "last_7d", "platforms": ["linkedin-ads"], "limit": 3, "level": "account"}, "adAnalytics"),
]  # fmt: skip
# The token endpoint, on a fresh server each time (a token answer that looks right but holds another refresh
# token would spoil the rest of a shared session, rightly).
TOKEN_CALL = (LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2}, "accessToken")
HOSTED_CALLS = [
    (TIKTOK, {"entity": "campaigns", "action": "list", "limit": 3}, "execute"),
    (TIKTOK, {"entity": "campaigns_reports_daily", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "execute"),
    (LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 3}, "execute"),
    (LINKEDIN, {"entity": "ad_campaign_analytics", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "execute"),
    (LINKEDIN, {"entity": "ad_member_seniority_analytics", "action": "list", "limit": 3, "params": {"date_preset": "last_7d"}}, "execute"),
    ("ads_report", {"date_preset": "last_7d", "limit": 3}, "execute"),
]  # fmt: skip

# Airbyte's token and connector list, on a fresh server each time (both are cached per server).
HOSTED_SETUP_CALLS = [
    (TIKTOK, {"entity": "campaigns", "action": "list", "limit": 2}, "applications/token"),
    (LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2}, "integrations/connectors"),  # the lookup comes first
]  # fmt: skip

# --- what an edited place becomes ----------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([10**30, -1, 0, 2**63, 1e308, -0.5, 1e-9]),
    st.floats(allow_nan=False, allow_infinity=False),  # JSON has no NaN or Infinity
    st.sampled_from(["", " ", "two", "-", "12", "1.5", "1e3", "-7", "١٢", "²", "9" * 5000, "null", "[]", "{}",
                     "2026-13-45", "2026-01-01", "urn:li:sponsoredCampaign:x", "urn:li:sponsoredCampaign:1", "USD", "\x00\n"]),
    st.text(max_size=8),
)  # fmt: skip
KEYS = st.sampled_from(["list", "data", "page_info", "elements", "paging", "metadata", "id", "name", "dimensions", "metrics",
                        "start", "count", "total", "result", "next", "a"])  # fmt: skip
values = st.one_of(
    scalars,
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(KEYS, scalars, max_size=3),
    st.lists(st.dictionaries(KEYS, scalars | st.lists(scalars, max_size=2), max_size=3), max_size=2),
    st.dictionaries(KEYS, st.lists(scalars, max_size=2) | st.dictionaries(KEYS, scalars, max_size=2), max_size=2),
)
# A place in the real answer: the i-th key or item at each level (modulo its size), up to 7 levels deep
# (a TikTok report metric is 5: data, list, row, metrics, spend).
edit = st.fixed_dictionaries(
    {"at": st.lists(st.integers(0, 40), max_size=7), "op": st.sampled_from(["set", "set", "set", "delete", "text"]), "value": values}
)
answer_edits = st.fixed_dictionaries({"edits": st.lists(edit, min_size=1, max_size=3), "times": st.integers(1, 3)})


class Session:
    def __init__(self, portal, client: Client, fakes: dict):
        self.portal = portal
        self.client = client
        self.fakes = fakes
        self.kinds: collections.Counter[str] = collections.Counter()

    def call(self, tool: str, arguments: dict) -> CallToolResult:
        return self.portal.call(lambda: self.client.call_tool(tool, arguments, raise_on_error=False))

    def checked(self, tool: str, arguments: dict, note: object) -> None:
        try:
            result = self.call(tool, arguments)
        except Exception as exc:
            raise AssertionError(f"{tool} raised {type(exc).__name__}: {exc} for {note!r:.600}") from exc
        text = "".join(getattr(block, "text", "") for block in result.content)
        assert "internal_error" not in text and "Traceback (most recent call last)" not in text, (note, text[:600])
        assert not UNEXPECTED.search(text), (note, text[:800])
        if result.is_error:
            assert text.startswith(KINDS), (note, text[:600])
            self.kinds[text.split(":", 1)[0]] += 1
        else:
            assert isinstance(result.structured_content, dict), (note, text[:300])
            self.kinds["ok"] += 1


@pytest.fixture(scope="module")
def portal():
    with start_blocking_portal() as portal:
        yield portal


def open_session(portal, fakes: dict):
    server = build_server(ServerSettings(_env_file=None, demo=False, connectors=None, retry_max_wait=0.01, http_token=None))
    return Session(portal, portal.wrap_async_context_manager(Client(server)), fakes)


@pytest.fixture(scope="module")
def direct(portal, tiktok_fake_session, linkedin_fake_session):
    session = open_session(portal, {"tiktok-marketing": tiktok_fake_session, "linkedin-ads": linkedin_fake_session})
    with session.client as client:
        session.client = client
        yield session


@pytest.fixture(scope="module")
def hosted(portal, hosted_server):
    session = open_session(portal, {"hosted": hosted_server})
    with session.client as client:
        session.client = client
        yield session


@pytest.fixture
def direct_session(direct, monkeypatch):
    point_at_fake(monkeypatch, "tiktok-marketing", direct.fakes["tiktok-marketing"].url)
    point_at_fake(monkeypatch, "linkedin-ads", direct.fakes["linkedin-ads"].url)
    yield direct
    report(direct)


@pytest.fixture
def hosted_session(hosted, monkeypatch):
    airbyte_env(monkeypatch, hosted.fakes["hosted"].url)
    for connector_id, prefix, name in (("tiktok-marketing", "TIKTOK_MARKETING_", "advertiser_id"), ("linkedin-ads", "LINKEDIN_ADS_", "account_id")):
        monkeypatch.setenv(f"{prefix}MODE", "hosted")
        monkeypatch.setenv(f"{prefix}{name.upper()}", SANDBOX[connector_id][name])
    yield hosted
    report(hosted)


def report(session: Session) -> None:
    print(f"results by kind: {dict(session.kinds)}")
    session.kinds.clear()


def fuzz(session: Session, fake, calls: list, *, fresh: bool = False, examples: int = EXAMPLES) -> None:
    """Each example: reset the fakes, queue the drawn edits for the call's answers, make the call, check it.
    fresh: each call on a server of its own (nothing it caches outlives the example)."""
    applied: set = set()

    @settings(FUZZ, max_examples=examples)
    @given(call_index=st.sampled_from(range(len(calls))), edits=answer_edits)
    def run(call_index, edits):
        tool, arguments, match = calls[call_index]
        for every in session.fakes.values():
            every.control("reset")  # also clears the edits an earlier call left unused
        fake.control("answers", {"match": match, **edits})
        if fresh:
            fresh_session = open_session(session.portal, session.fakes)
            with fresh_session.client as client:
                fresh_session.client = client
                fresh_session.checked(tool, arguments, (tool, arguments, edits))
            session.kinds.update(fresh_session.kinds)
        else:
            session.checked(tool, arguments, (tool, arguments, edits))
        applied.update(fake.app.state.answer_edits.applied)

    run()
    # The draws are useful: edits landed, some answers still read fine, and some were refused as malformed.
    assert applied and session.kinds["vendor_error"], dict(session.kinds)
    assert fresh or session.kinds["ok"], dict(session.kinds)
    SHAPES.update(applied)
    print(f"\n{len(applied)} distinct edited places and ops served ({len(SHAPES)} in this module so far)")
    for every in session.fakes.values():
        every.control("reset")


SHAPES: set = set()


def still_serving(session: Session, tool: str, arguments: dict) -> None:
    result = session.call(tool, arguments)
    assert not result.is_error, result.content[0].text


def test_tiktok_answers(direct_session):
    fuzz(direct_session, direct_session.fakes["tiktok-marketing"], TIKTOK_CALLS)
    still_serving(direct_session, TIKTOK, {"entity": "campaigns", "action": "list", "limit": 2})


def test_linkedin_answers(direct_session):
    fuzz(direct_session, direct_session.fakes["linkedin-ads"], LINKEDIN_CALLS)
    still_serving(direct_session, LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2})


def test_linkedin_token_answers(direct_session):
    fuzz(direct_session, direct_session.fakes["linkedin-ads"], [TOKEN_CALL], fresh=True, examples=max(1, EXAMPLES // 4))


def test_hosted_answers(hosted_session):
    fuzz(hosted_session, hosted_session.fakes["hosted"], HOSTED_CALLS)
    still_serving(hosted_session, LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2})


def test_hosted_token_and_lookup_answers(hosted_session):
    fuzz(hosted_session, hosted_session.fakes["hosted"], HOSTED_SETUP_CALLS, fresh=True, examples=max(1, EXAMPLES // 4))
