"""TikTok params: bad input becomes InvalidParams that names the param and the fix; good input is normalised."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mcp_server.connectors.tiktok_marketing.catalog import CATALOG
from mcp_server.connectors.tiktok_marketing.reports import flatten
from mcp_server.errors import InvalidParams
from mcp_server.params import today
from mcp_server.validation import validate_params


def validate(entity: str, params: dict):
    return validate_params(entity, CATALOG.entities[entity].actions["list"], params)


def problem(entity: str, params: dict) -> str:
    with pytest.raises(InvalidParams) as caught:
        validate(entity, params)
    return caught.value.render()


@pytest.mark.parametrize(
    ("entity", "params", "words"),
    [
        ("ads", {"advertiser_id": "Northwind"}, ["params.advertiser_id", "numeric advertiser id", "Ads Manager", "TIKTOK_MARKETING_ADVERTISER_ID"]),
        ("ads_reports_daily", {"advertiser_id": " "}, ["params.advertiser_id", "numeric advertiser id"]),
        ("campaigns", {"advertiser_id": 7.294619358021763e18}, ["params.advertiser_id", "as a string", "2^53"]),
        ("advertisers", {"advertiser_ids": "7294619358021763074,acme"}, ["params.advertiser_ids", "'acme'"]),
        ("catalogs", {"bc_id": "BC-1"}, ["params.bc_id", "Business Center id", "Business settings"]),
        ("audiences", {"custom_audience_ids": [str(n) for n in range(101)]}, ["custom_audience_ids", "at most 100"]),
        ("campaigns", {"filtering": {"campaign_ids": [str(n) for n in range(101)]}}, ["params.filtering", "campaign_ids", "at most 100"]),
        ("ads_reports_daily", {"start_date": "yesterday"}, ["params.start_date", "YYYY-MM-DD"]),
        ("ads_reports_daily", {"start_date": str(today() + dt.timedelta(days=3))}, ["start_date", "in the future"]),
        ("ads_reports_daily", {"dimensions": ["ad_id", "gender"]}, ["params.dimensions", "'ad_id'", "stat_time_day"]),
        ("campaigns_reports_daily", {"metrics": "Spend"}, ["params.metrics", "'spend'"]),
        ("ads_reports_daily", {"order_field": "Spend DESC"}, ["params.order_field", "metric name"]),
        ("ads_reports_daily", {"filtering": [{"field_name": "ad_ids", "filter_type": "EQ", "filter_value": "1"}]},
         ["params.filtering", "item 1", "filter_type", "IN"]),
        ("ads_reports_daily", {"filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": list(range(101))}]},
         ["params.filtering", "at most 100 ad_ids"]),
        ("ads_reports_daily", {"filtering": [{"field_name": "spend", "filter_type": "BETWEEN", "filter_value": [1]}]},
         ["params.filtering", "BETWEEN takes two values"]),
    ],
)  # fmt: skip
def test_bad_params_name_the_param_and_the_fix(entity, params, words):
    text = problem(entity, params)
    assert text.startswith("invalid_params:"), text
    for word in words:
        assert word in text, (word, text)
    assert "String should match pattern" not in text and "Input should be a valid string" not in text


def test_ids_are_trimmed_strings_and_numbers_become_strings():
    assert validate("ads", {"advertiser_id": 7294619358021763074}).advertiser_id == "7294619358021763074"
    assert validate("ads", {"advertiser_id": " 7294619358021763074 "}).advertiser_id == "7294619358021763074"
    assert validate("campaigns", {"filtering": {"campaign_ids": [1781000000000000001]}}).filtering == {
        "campaign_ids": ["1781000000000000001"]
    }
    assert validate("advertisers", {"advertiser_ids": []}).advertiser_ids is None  # empty = the default


@pytest.mark.parametrize(
    ("value", "sent"),
    [(["1", "2"], '["1", "2"]'), ("1,2", '["1", "2"]'), ("7", '["7"]'), ('["1","2"]', '["1", "2"]'), ([1, 2], "[1, 2]")],
)
def test_list_filter_values_become_one_json_list_string(value, sent):
    params = validate("ads_reports_daily", {"filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": value}]})
    assert params.filtering[0]["filter_value"] == sent
    # what the cursor freezes validates to the same thing again
    again = validate("ads_reports_daily", params.model_dump(mode="json", exclude_none=True))
    assert again.filtering == params.filtering


def test_scalar_filter_values_are_strings():
    params = validate("ads_reports_daily", {"filtering": [{"field_name": "spend", "filter_type": "GREATER_THAN", "filter_value": 5}]})
    assert params.filtering[0]["filter_value"] == "5"


def test_tomorrow_is_allowed_for_time_zones_ahead_of_utc():
    tomorrow = today() + dt.timedelta(days=1)
    params = validate("ads_reports_daily", {"start_date": str(tomorrow)})
    assert (params.start_date, params.end_date) == (tomorrow, None)  # the end is resolved in the advertiser's zone


def test_flatten_nested_and_already_flat_rows_alike():
    nested = {"dimensions": {"ad_id": "1783000000000000001", "stat_time_day": "2026-01-01 00:00:00"},
              "metrics": {"spend": "1.50", "impressions": "100", "ctr": "-", "ad_name": "007"}}  # fmt: skip
    flat = {"ad_id": "1783000000000000001", "stat_time_day": "2026-01-01 00:00:00", "spend": "1.50",
            "impressions": "100", "ctr": "-", "ad_name": "007"}  # fmt: skip
    expected = {"ad_id": "1783000000000000001", "stat_time_day": "2026-01-01 00:00:00", "spend": 1.5,
                "impressions": 100, "ctr": None, "ad_name": "007"}  # fmt: skip
    assert flatten(nested) == flatten(flat) == expected
    assert list(flatten(nested))[:2] == ["ad_id", "stat_time_day"]
    assert json.dumps(flatten(nested))  # JSON-ready


@pytest.mark.parametrize("value", ["1781000000000000001,1781000000000000011", '["1781000000000000001", 1781000000000000011]'])
def test_filtering_id_lists_accept_comma_and_json_forms(value):
    params = validate("campaigns", {"filtering": {"campaign_ids": value, "primary_status": "STATUS_ALL"}})
    assert params.filtering == {"campaign_ids": ["1781000000000000001", "1781000000000000011"], "primary_status": "STATUS_ALL"}


@pytest.mark.parametrize("value,words", [("abc", "campaign_ids must be TikTok's numeric"), ({"a": 1}, "must be a list of TikTok ids")])
def test_bad_filtering_ids_are_refused_before_any_request(value, words):
    assert words in problem("campaigns", {"filtering": {"campaign_ids": value}})
