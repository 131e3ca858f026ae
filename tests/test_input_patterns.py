"""Names, ids and dates are whole matches of ASCII (issue 15, "Inputs and vendor answers").

Python's `re.match(r"^…$")` accepts a final newline ("clicks\\n"), and `\\d`, `str.isdigit()` and `int()` accept
other scripts' digits ("١٢٣", "𝟙𝟚𝟛", "²"). Each such value is refused before any vendor request, through the real
server against the fakes (their request logs stay empty).
"""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError, constr

from mcp_server.connectors.linkedin_ads import restli
from mcp_server.connectors.linkedin_ads.settings import LinkedinAdsSettings
from mcp_server.params import is_digits

from .conftest import ToolCalls

LINKEDIN = ToolCalls("linkedin_ads_execute", "linkedin-ads")
TIKTOK = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
UNICODE_DIGITS = ["١٢٣", "𝟙𝟚𝟛", "²", "١٢٣٤٥٦٧٨٩"]


def test_the_pitfalls_are_real():
    """What the checks guard against (if Python changes, these fail first)."""
    assert re.match(r"^[a-z]+$", "clicks\n") and not re.fullmatch(r"[a-z]+", "clicks\n")
    assert re.fullmatch(r"\d+", "١٢٣") and "𝟙𝟚𝟛".isdigit() and int("١٢٣") == 123
    # pydantic's `pattern=` (Rust regex): `$` is the end of the text, no final newline. No model uses it today.
    with pytest.raises(ValidationError):
        TypeAdapter(constr(pattern=r"^a$")).validate_python("a\n")


@pytest.mark.parametrize("text", ["", "1\n", "\n1", " 1", "+1", "-1", "1e3", "0x1", "1_000", "1" * 20, *UNICODE_DIGITS])
def test_is_digits_takes_ascii_digits_only(text):
    assert not is_digits(text, 19)


def test_is_digits_accepts_ids():
    assert is_digits("0", 1) and is_digits("9" * 19, 19) and not is_digits("9" * 20, 19)


@pytest.mark.parametrize(
    "value",
    [*UNICODE_DIGITS, "urn:li:sponsoredCampaign:123%0A", "123%0A", "urn:li:sponsoredCampaign:123%0A%0A",
     "urn:li:sponsoredCampaign:١٢٣", "9" * 5000, "9" * 20, "urn:li:sponsoredCampaign:" + "9" * 20],
)  # fmt: skip
def test_linkedin_refs_refuse_non_ascii_digits_newlines_and_long_ids(value):
    with pytest.raises(ValueError):
        restli.to_urn("campaign", value)


def test_linkedin_refs_still_take_ids_and_urns():
    assert restli.to_urn("campaign", " 123 ") == "urn:li:sponsoredCampaign:123"
    # Surrounding whitespace is trimmed as given; only a newline inside the value (encoded) is refused.
    assert restli.to_urn("campaign", "urn:li:sponsoredCampaign:123\n") == "urn:li:sponsoredCampaign:123"
    assert restli.to_urn("campaign", "urn%3Ali%3AsponsoredCampaign%3A" + "9" * 19) == "urn:li:sponsoredCampaign:" + "9" * 19


@pytest.mark.parametrize("value", ["١٢٣", "urn:li:sponsoredAccount:𝟙𝟚𝟛", "9" * 20])
def test_linkedin_account_setting_is_ascii_digits(value):
    with pytest.raises(ValidationError):
        LinkedinAdsSettings(_env_file=None, account_id=value)


@pytest.mark.parametrize("version", ["202606\n1", "٢٠٢٦٠٦", "2026061"])
def test_linkedin_version_setting_is_a_full_ascii_match(version):
    with pytest.raises(ValidationError):
        LinkedinAdsSettings(_env_file=None, api_version=version)


LINKEDIN_REFUSED = [
    ("ad_campaign_analytics", {"fields": ["clicks\n"]}),  # was internal_error: InvalidURL
    ("ad_campaign_analytics", {"fields": '["impressions", "clicks\\n"]'}),
    ("ad_campaign_analytics", {"campaigns": ["urn:li:sponsoredCampaign:123%0A"]}),
    ("ad_campaign_analytics", {"campaigns": "List(urn%3Ali%3AsponsoredCampaign%3A%D9%A1)"}),
    ("campaigns", {"campaignGroup": "urn:li:sponsoredCampaignGroup:123%0A"}),  # was a silent empty list
    ("campaigns", {"account_id": "𝟙𝟚𝟛"}),
    ("creatives", {"campaigns": ["9" * 5000]}),
    ("conversions", {"account_id": "١٢٣"}),
]


@pytest.mark.parametrize("entity, params", LINKEDIN_REFUSED)
async def test_linkedin_refuses_before_any_request(direct_env, entity, params):
    text = await LINKEDIN.error_text({"entity": entity, "action": "list", "params": params})
    assert text.startswith("invalid_params:"), text
    assert direct_env["linkedin-ads"].requests == []


@pytest.mark.parametrize("value", ["١٢٣", "𝟙𝟚𝟛", "123%0A", "urn:li:sponsoredCampaign:123%0A", "9" * 5000])
async def test_linkedin_get_refuses_before_any_request(direct_env, value):
    text = await LINKEDIN.error_text({"entity": "campaigns", "action": "get", "params": {"id": value}})
    assert text.startswith("invalid_params:") and "digits 0-9" in text, text
    assert direct_env["linkedin-ads"].requests == []
    text = await LINKEDIN.error_text({"entity": "conversions", "action": "get", "params": {"id": value}})
    assert text.startswith("invalid_params:"), text
    assert direct_env["linkedin-ads"].requests == []


@pytest.mark.parametrize(
    "params",
    [{"metrics": ["spend\n"]}, {"metrics": ["spend", "clicks\n"]}, {"order_field": "spend\n"},
     {"start_date": "٢٠٢٦-٠١-٠١", "end_date": "2026-01-02"}, {"start_date": "2026-01-01\n1", "end_date": "2026-01-02"}],
)  # fmt: skip
async def test_tiktok_report_names_and_dates_refused_before_any_request(direct_env, params):
    text = await TIKTOK.error_text({"entity": "campaigns_reports_daily", "action": "list", "params": params})
    assert text.startswith("invalid_params:"), text
    assert direct_env["tiktok-marketing"].requests == []


@pytest.mark.parametrize("limit", ["²", "١٢", "5\n5"])
async def test_limit_takes_ascii_digits_only(direct_env, limit):
    text = await TIKTOK.error_text({"entity": "campaigns", "action": "list", "limit": limit})
    assert text.startswith("invalid_params: limit"), text  # "²" was internal_error: ValueError
    assert direct_env["tiktok-marketing"].requests == []


async def test_valid_names_and_ids_still_reach_the_vendor(direct_env):
    result = await LINKEDIN.ok({"entity": "ad_campaign_analytics", "action": "list", "params": {"fields": ["clicks"]}, "limit": 1})
    assert result["data"]
    sent = direct_env["linkedin-ads"].calls("adAnalytics")
    assert sent and sent[0]["query"].endswith("fields=dateRange,pivotValues,clicks")
