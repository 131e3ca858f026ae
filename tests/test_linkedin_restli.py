"""Rest.li 2.0 encoding, URN helpers, LinkedIn param models and the fake's strict parser."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from mcp_server.connectors.linkedin_ads import params as p
from mcp_server.connectors.linkedin_ads import restli
from mcp_server.connectors.linkedin_ads.analytics_params import AnalyticsParams
from mcp_server.connectors.linkedin_ads.sandbox.rules import BadParam, parse_query, version_active
from mcp_server.connectors.linkedin_ads.settings import DEFAULT_API_VERSION, LinkedinAdsSettings
from mcp_server.params import today


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("urn:li:sponsoredAccount:123", "urn%3Ali%3AsponsoredAccount%3A123"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        ("ACTIVE", "ACTIVE"),
        ([], "List()"),
        (
            ["urn:li:sponsoredCampaign:123", "urn:li:sponsoredCampaign:456"],
            "List(urn%3Ali%3AsponsoredCampaign%3A123,urn%3Ali%3AsponsoredCampaign%3A456)",
        ),
        # Values that hold reserved characters are escaped; structure is not.
        ("Brand (EU), 50%: test", "Brand%20%28EU%29%2C%2050%25%3A%20test"),
        ({"sponsoredAccount": "urn:li:sponsoredAccount:123"}, "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)"),
        (restli.Raw("dateRange,pivotValues,impressions"), "dateRange,pivotValues,impressions"),
    ],
)
def test_encode(value, wire):
    assert restli.encode(value) == wire


def test_wire_examples_from_linkedin_docs():
    search = {"status": {"values": ["ACTIVE", "PAUSED"]}}
    assert restli.query_string([("search", search)]) == "search=(status:(values:List(ACTIVE,PAUSED)))"
    facets = {"type": {"values": ["BUSINESS"]}, "status": {"values": ["ACTIVE"]}, "test": False}
    assert restli.encode(facets) == "(type:(values:List(BUSINESS)),status:(values:List(ACTIVE)),test:false)"
    dates = restli.date_range(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert restli.encode(dates) == "(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:31))"
    assert restli.encode(restli.date_range(dt.date(2024, 1, 1))) == "(start:(year:2024,month:1,day:1))"


def test_query_string_skips_none_and_keeps_scalars_plain():
    qs = restli.query_string([("q", "search"), ("search", None), ("pageSize", 100), ("pageToken", "a=b/c")])
    assert qs == "q=search&pageSize=100&pageToken=a%3Db%2Fc"


def test_decode_round_trip_never_double_encodes():
    value = {"campaigns": ["urn:li:sponsoredCampaign:1"], "name": "50% (off)", "n": {"deep": ["a,b", "c:d"]}}
    assert restli.decode(restli.encode(value)) == value
    wire = restli.encode(value)
    assert restli.encode(restli.decode(wire)) == wire  # re-encoding a parsed agent string changes nothing
    assert "%25" not in wire.replace("50%25", "")


def test_decode_accepts_raw_urns_like_airbytes_computed_fields():
    assert restli.decode("List(urn:li:sponsoredCampaign:1,urn:li:sponsoredCampaign:2)") == [
        "urn:li:sponsoredCampaign:1",
        "urn:li:sponsoredCampaign:2",
    ]
    assert restli.decode("(sponsoredAccount:urn:li:sponsoredAccount:9)") == {"sponsoredAccount": "urn:li:sponsoredAccount:9"}


@pytest.mark.parametrize("text", ["List(a", "(a:b", "(novalue)", "List(a))"])
def test_decode_rejects_broken_text(text):
    with pytest.raises(ValueError):
        restli.decode(text)


@pytest.mark.parametrize(
    "value", [123, "123", " 123 ", "urn:li:sponsoredCampaign:123", "urn%3Ali%3AsponsoredCampaign%3A123"]
)
def test_to_urn_accepts_ids_and_urns(value):
    assert restli.to_urn("campaign", value) == "urn:li:sponsoredCampaign:123"


@pytest.mark.parametrize("value", ["urn:li:sponsoredAccount:123", "abc", "urn:li:sponsoredCampaign:", True, None, 1.5])
def test_to_urn_rejects_wrong_kinds(value):
    with pytest.raises(ValueError):
        restli.to_urn("campaign", value)


def test_to_urns_from_every_agent_form():
    expected = ["urn:li:sponsoredCampaign:1", "urn:li:sponsoredCampaign:2"]
    assert restli.to_urns("campaign", [1, "urn:li:sponsoredCampaign:2"]) == expected
    assert restli.to_urns("campaign", "1,2") == expected
    assert restli.to_urns("campaign", '["1", 2]') == expected
    assert restli.to_urns("campaign", "List(urn%3Ali%3AsponsoredCampaign%3A1,urn%3Ali%3AsponsoredCampaign%3A2)") == expected
    assert restli.to_urns("campaign", [1, 1, "2"]) == expected  # duplicates dropped
    assert restli.to_urns("creative", 7) == ["urn:li:sponsoredCreative:7"]


def test_param_models_accept_agent_forms():
    campaigns = p.CampaignsList.model_validate({"status": "active,paused", "campaignGroup": 600, "account_id": "urn:li:sponsoredAccount:5"})
    assert campaigns.status == ["ACTIVE", "PAUSED"]
    assert campaigns.campaignGroup == ["urn:li:sponsoredCampaignGroup:600"]
    assert campaigns.account_id == "5"
    search = p.CampaignsList.model_validate({"search": "(status:(values:List(ACTIVE)))"}).search
    assert search == {"status": {"values": ["ACTIVE"]}}
    assert p.CreativesGet.model_validate({"id": 77}).id == "urn:li:sponsoredCreative:77"
    leads = p.LeadFormResponsesList.model_validate(
        {"owner": "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A42)", "leadType": "(leadType:SPONSORED)"}
    )
    assert (leads.owner, leads.leadType) == ("42", "SPONSORED")


@pytest.mark.parametrize(
    ("model", "params"),
    [
        (p.CampaignsList, {"status": ["RUNNING"]}),
        (p.CampaignsList, {"campaignGroup": "urn:li:sponsoredCampaign:1"}),
        (p.CampaignsList, {"pageSize": 501}),
        (p.CreativesList, {"pageSize": 101}),
        (p.AccountsGet, {}),
        (p.ConversionsGet, {"id": "abc"}),
        (p.AccountsList, {"unknown": 1}),
        (AnalyticsParams, {"timeGranularity": "WEEKLY"}),
        (AnalyticsParams, {"dateRange": {"start": "2026-10-10", "end": "2026-10-01"}}),
        (AnalyticsParams, {"dateRange": {"start": "2026-10-01"}, "start_date": "2026-10-01"}),
        (AnalyticsParams, {"fields": ["impressions", "cost in usd"]}),
    ],
)
def test_param_models_reject_bad_input(model, params):
    with pytest.raises(ValidationError):
        model.model_validate(params)


def test_analytics_defaults_to_last_30_days_utc():
    params = AnalyticsParams.model_validate({})
    assert params.dateRange.end == today() - dt.timedelta(days=1)  # the last_30d preset: whole days
    assert params.dateRange.start == today() - dt.timedelta(days=30)
    assert params.timeGranularity == "DAILY"
    # Resolved values survive the cursor round trip unchanged.
    frozen = params.model_dump(mode="json", exclude_none=True)
    assert AnalyticsParams.model_validate(frozen).model_dump(mode="json", exclude_none=True) == frozen


def test_analytics_date_forms():
    rest_li = AnalyticsParams.model_validate(
        {"dateRange": "(start:(year:2026,month:10,day:1),end:(year:2026,month:10,day:31))", "timeGranularity": "(value:MONTHLY)"}
    )
    assert (rest_li.dateRange.start, rest_li.dateRange.end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert rest_li.timeGranularity == "MONTHLY"
    shortcut = AnalyticsParams.model_validate({"start_date": "2026-10-01", "end_date": "2026-10-31"})
    assert shortcut.dateRange == rest_li.dateRange and shortcut.start_date is None
    open_end = AnalyticsParams.model_validate({"dateRange": {"start": "2026-10-01"}})
    assert open_end.dateRange.end == today()
    assert AnalyticsParams.model_validate({"fields": "pivotValues,clicks,clicks"}).fields == ["clicks"]


def test_settings_version_and_account():
    settings = LinkedinAdsSettings(api_version=202601, account_id="urn:li:sponsoredAccount:9", _env_file=None)
    assert (settings.api_version, settings.account_id) == ("202601", "9")
    for bad in ("2026-06", "202613", "latest"):
        with pytest.raises(ValidationError, match="YYYYMM"):
            LinkedinAdsSettings(api_version=bad, _env_file=None)
    assert not LinkedinAdsSettings(client_id="x", _env_file=None).has_direct_credentials()
    assert LinkedinAdsSettings(access_token="t", _env_file=None).has_direct_credentials()


def test_default_version_is_active_today_and_sunsets_are_enforced():
    assert version_active(DEFAULT_API_VERSION, today())
    assert not version_active("202511", dt.date(2026, 11, 22))  # sunset 16 Nov 2026
    assert version_active("202511", dt.date(2026, 11, 15))
    assert not version_active("202512", dt.date(2026, 11, 22))  # never released
    assert not version_active("202701", dt.date(2026, 11, 22))  # not released yet


def test_fake_parser_accepts_correct_encoding():
    parsed = parse_query(
        "q=search&search=(status:(values:List(ACTIVE)),campaignGroup:(values:List(urn%3Ali%3AsponsoredCampaignGroup%3A1)))"
        "&fields=dateRange,pivotValues&pageSize=10"
    )
    assert parsed["search"]["campaignGroup"]["values"] == ["urn:li:sponsoredCampaignGroup:1"]
    assert parsed["fields"] == ["dateRange", "pivotValues"]


@pytest.mark.parametrize(
    "raw",
    [
        "search=%28status%3A%28values%3AList%28ACTIVE%29%29%29",  # httpx params= style
        "campaigns=List%28urn%3Ali%3AsponsoredCampaign%3A1%29",
        "campaigns=List(urn%253Ali%253AsponsoredCampaign%253A1)",  # double-encoded
        "campaigns=List(urn:li:sponsoredCampaign:1)",  # raw ':' in a value
        "accounts=urn:li:sponsoredAccount:1",
        "dateRange=(start%3A(year%3A2024))",
        "campaigns=List(urn%3Ali%3AsponsoredCampaign%3A1%2Curn%3Ali%3AsponsoredCampaign%3A2)",
    ],
)
def test_fake_parser_rejects_encoding_mistakes(raw):
    with pytest.raises(BadParam):
        parse_query(raw)
