"""A malformed vendor answer is a vendor_error that names what was wrong (issue 15, section 4).

Each case has a fake edit its own real answer (POST /__sandbox__/answers, sandbox.control.AnswerEdits) and
served it over the socket; before, each of these answered internal_error (or, for the token answer, spoiled
every later call). tests/test_fuzz_answers.py draws such edits at random.
"""

from __future__ import annotations

import pytest
from fastmcp import Client

from mcp_server.connectors.linkedin_ads.sandbox.app import DEMO_REFRESH_TOKEN
from mcp_server.sandbox.control import AnswerEdits
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

from .conftest import ToolCalls, airbyte_env

TIKTOK = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
LINKEDIN = ToolCalls("linkedin_ads_execute", "linkedin-ads")


def edit(fake, match: str, *edits: tuple, times: int = 1) -> None:
    fake.control("answers", {"match": match, "times": times, "edits": [{"at": list(at), "op": op, "value": value} for at, op, value in edits]})


def test_edits_walk_the_real_answer():
    edits = AnswerEdits()
    body = b'{"code": 0, "data": {"list": [{"id": 1}], "page_info": {"page": 1, "total_page": 2}}}'
    out = edits.rewrite("/p", body, [{"at": ["data", "page_info", "total_page"], "op": "set", "value": "two"}])
    assert out == b'{"code": 0, "data": {"list": [{"id": 1}], "page_info": {"page": 1, "total_page": "two"}}}'
    # By position, containers first: 0 is "data", then "list", item 0, then its first key.
    out = edits.rewrite("/p", body, [{"at": [0, 0, 0, 0], "op": "text"}])
    assert out == b'{"code": 0, "data": {"list": [{"id": "1"}], "page_info": {"page": 1, "total_page": 2}}}'
    assert edits.rewrite("/p", body, [{"at": [0, 1], "op": "delete"}]) == b'{"code": 0, "data": {"list": [{"id": 1}]}}'
    assert edits.applied[0] == ("/p", ("data", "page_info", "total_page"), "set")


@pytest.mark.parametrize(
    "at, value, named",
    [
        (["data", "page_info", "total_page"], "two", 'data.page_info.total_page is "two", not a whole number'),
        (["data", "page_info"], [1, 2], "data.page_info is [1, 2], not an object"),
        (["data", "list"], True, "data.list is true, not a list"),
        (["data", "list", 0], "x", 'data.list[0] is "x", not an object'),
        (["data"], "oops", 'data is "oops", not an object'),
        (["data", "page_info", "total_number"], 10**30, "data.page_info.total_number is 1000000000000000000000000000000"),
    ],
)
async def test_tiktok_malformed_answers_name_the_place(direct_env, at, value, named):
    edit(direct_env["tiktok-marketing"], "campaign/get", (at, "set", value))
    text = await TIKTOK.error_text({"entity": "campaigns", "action": "list", "limit": 3})
    assert text.startswith("vendor_error: TikTok answered in a shape this server cannot read") and named in text, text
    assert "(request id " in text  # TikTok's request_id, for the report
    assert len(direct_env["tiktok-marketing"].calls("campaign/get")) == 1  # not retried: it is not transient


async def test_tiktok_report_row_parts_are_objects(direct_env):
    edit(direct_env["tiktok-marketing"], "report/integrated", (["data", "list", 0, "metrics"], "set", ["spend"]))
    text = await TIKTOK.error_text({"entity": "campaigns_reports_daily", "action": "list", "params": {"date_preset": "last_7d"}})
    assert text.startswith("vendor_error:") and "a report row's metrics is [\"spend\"], not an object" in text, text


async def test_tiktok_numbers_quoted_as_digits_are_read(direct_env):
    edit(direct_env["tiktok-marketing"], "campaign/get", (["data", "page_info", "total_page"], "text", None))
    result = await TIKTOK.ok({"entity": "campaigns", "action": "list", "limit": 3, "params": {"page_size": 2}})
    assert len(result["data"]) == 3  # "4" was read as 4: the list went on to page 2


async def test_ads_report_names_a_malformed_platform_answer(direct_env):
    edit(direct_env["tiktok-marketing"], "report/integrated", (["data", "page_info", "page"], "set", {"a": 1}), times=9)
    async with Client(build_server(ServerSettings())) as client:
        result = await client.call_tool("ads_report", {"date_preset": "last_7d"}, raise_on_error=False)
    warnings = " ".join(result.structured_content["meta"]["warnings"])
    assert "data.page_info.page is {\"a\": 1}, not a whole number" in warnings and "unexpected" not in warnings, warnings
    assert {r["platform"] for r in result.structured_content["data"]} == {"linkedin-ads"}  # the other still answers


@pytest.mark.parametrize(
    "at, value, named",
    [
        (["elements", 0], 7, "elements[0] is 7, not an object"),
        (["elements"], {"a": 1}, 'elements is {"a": 1}, not a list'),
        (["metadata", "nextPageToken"], 5, "metadata.nextPageToken is 5, not a string"),
        (["paging"], "p", 'paging is "p", not an object'),
        (["metadata"], "m", 'metadata is "m", not an object'),
    ],
)
async def test_linkedin_malformed_answers_name_the_place(direct_env, at, value, named):
    edit(direct_env["linkedin-ads"], "adCampaigns", (at, "set", value))
    text = await LINKEDIN.error_text({"entity": "campaigns", "action": "list", "limit": 3})
    assert text.startswith("vendor_error: LinkedIn answered in a shape this server cannot read") and named in text, text


async def test_linkedin_offset_paging_total_must_be_a_number(direct_env):
    edit(direct_env["linkedin-ads"], "conversions", (["paging", "total"], "set", "lots"))
    text = await LINKEDIN.error_text({"entity": "conversions", "action": "list", "limit": 3})
    assert 'paging.total is "lots", not a whole number from -1' in text, text


@pytest.mark.parametrize(
    "at, value, named",
    [
        (["elements", 0, "dateRange", "start"], {"year": 2026, "month": 13, "day": 1}, "elements[0].dateRange.start is"),
        (["elements", 0, "dateRange"], "2026", 'elements[0].dateRange is "2026", not an object'),
        (["elements", 0, "pivotValues"], [1], "elements[0].pivotValues is [1], not a list of URNs"),
    ],
)
async def test_linkedin_analytics_rows(direct_env, at, value, named):
    edit(direct_env["linkedin-ads"], "adAnalytics", (at, "set", value))
    text = await LINKEDIN.error_text({"entity": "ad_campaign_analytics", "action": "list", "params": {"date_preset": "last_7d"}})
    assert text.startswith("vendor_error:") and named in text, text


@pytest.mark.parametrize(
    "at, value, named",
    [(["refresh_token"], 5, "refresh_token is"), (["expires_in"], "two", 'expires_in is "two", not a number of seconds'),
     (["access_token"], "has a space", "access_token is")],
)  # fmt: skip
async def test_a_malformed_token_answer_keeps_nothing(direct_env, at, value, named):
    """Before: expires_in "two" was internal_error: ValueError, and a junk refresh token replaced the real one."""
    linkedin = direct_env["linkedin-ads"]
    edit(linkedin, "accessToken", (at, "set", value))
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as client:
        first = await client.call_tool("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 1}, raise_on_error=False)
        assert first.is_error and first.content[0].text.startswith("vendor_error: LinkedIn's token endpoint answered")
        assert named in first.content[0].text and "has a space" not in first.content[0].text
        again = await client.call_tool("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 1}, raise_on_error=False)
    assert not again.is_error, again.content[0].text
    sent = [r["body"] for r in linkedin.calls("accessToken")]
    assert len(sent) == 2 and all(f"refresh_token={DEMO_REFRESH_TOKEN}" in body for body in sent)


@pytest.mark.parametrize(
    "at, value, named",
    [
        (["result"], "x", 'result is "x", not a list'),
        (["result", 0], None, "result[0] is null, not an object"),
        (["connector_metadata"], [], "connector_metadata is [], not an object"),
        ([], [1], "the execute answer is [1], not an object"),
    ],
)
async def test_hosted_malformed_answers_name_the_place(monkeypatch, hosted_fake, at, value, named):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", "512345678")
    edit(hosted_fake, "execute", (at, "set", value))
    text = await LINKEDIN.error_text({"entity": "campaigns", "action": "list", "limit": 3})
    assert text.startswith("vendor_error: Airbyte (LinkedIn Ads) answered in a shape") and named in text, text


async def test_hosted_account_report_needs_listed_ids(monkeypatch, hosted_fake):
    """A whole-account report goes through Airbyte's campaign list: an id there that is none was a KeyError."""
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", "512345678")
    edit(hosted_fake, "execute", (["result", 0, "id"], "set", "x"))
    text = await LINKEDIN.error_text({"entity": "ad_member_country_analytics", "action": "list", "params": {"date_preset": "last_7d"}})
    assert text.startswith("vendor_error: Airbyte (LinkedIn Ads)") and 'the campaigns list\'s result[0].id is "x"' in text, text


async def test_hosted_token_answer(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", "512345678")
    edit(hosted_fake, "applications/token", (["expires_in"], "set", "soon"))
    text = await LINKEDIN.error_text({"entity": "campaigns", "action": "list", "limit": 3})
    assert text.startswith("vendor_error: Airbyte answered") and 'expires_in is "soon"' in text, text
