"""One rule for "a JSON array or one value" (mcp_server.params.one_or_json_list): a real list is a list; a
string that parses as a JSON array of strings (ids: or numbers) is that list; any other string is one value."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from pydantic import TypeAdapter, ValidationError

from mcp_server.connectors.tiktok_marketing.params import string_ids
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID
from mcp_server.params import TextList, one_or_json_list
from tests.conftest import ToolCalls, point_at_fake

NAMES = TypeAdapter(TextList)


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ("Brand, Q1", ["Brand, Q1"]),  # a comma belongs to the name
        ("[DE] Brand", ["[DE] Brand"]),  # a bracket, not a JSON array
        ("[DE] Brand, Q1", ["[DE] Brand, Q1"]),
        ("[2026]", ["[2026]"]),  # valid JSON, but not an array of strings: a name
        ('["A", 1]', ['["A", 1]']),
        ('["Brand, Q1', ['["Brand, Q1']),  # malformed JSON: one value, not an error
        ('["Brand, Q1", "Q2"]', ["Brand, Q1", "Q2"]),
        (' ["x"] ', ["x"]),
        (["Brand, Q1", "[DE] Brand"], ["Brand, Q1", "[DE] Brand"]),  # a real list as it is
    ],
)
def test_names_split_only_on_a_json_array_of_strings(given, names):
    assert NAMES.validate_python(given) == names


def test_a_real_list_of_non_strings_is_refused_for_names():
    with pytest.raises(ValidationError):
        NAMES.validate_python([2026])


@pytest.mark.parametrize(
    ("given", "ids"),
    [
        ("[2026]", ["2026"]),  # ids: numbers in a JSON array become strings
        ('[7294619358021763074, "v10033g50000"]', ["7294619358021763074", "v10033g50000"]),  # beyond 2**53, exact
        ("[1.5]", ["[1.5]"]),  # a float is no id: the string stays one value
        ("[true]", ["[true]"]),
        ("[a", ["[a"]),  # malformed: one value, not an error
        ("ad-site-i18n-sg/a,b", ["ad-site-i18n-sg/a,b"]),  # never split on commas
        ([1, "x"], ["1", "x"]),
        (" v1 ", ["v1"]),
    ],
)
def test_ids_follow_the_same_rule_with_numbers(given, ids):
    assert string_ids(given) == ids


def test_the_helper_passes_other_values_through_for_the_type_to_judge():
    assert one_or_json_list(None) is None
    assert one_or_json_list({"a": 1}) == {"a": 1}
    assert one_or_json_list(["a", 1]) == ["a", 1]
    assert one_or_json_list("[1]") == ["[1]"] and one_or_json_list("[1]", numbers=True) == ["1"]


@pytest.mark.parametrize("bad", [[1.5], [None], [True], {"id": "x"}, ["ok", ""]])
def test_ids_that_are_no_strings_are_still_refused(bad):
    with pytest.raises(ValueError):
        string_ids(bad)


_calls = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")


async def test_a_malformed_json_id_goes_to_tiktok_as_one_id(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    await _calls.ok({"entity": "audiences", "action": "list", "params": {"custom_audience_ids": "[aud-1"}})
    await _calls.ok({"entity": "audiences", "action": "list", "params": {"custom_audience_ids": "[2026]"}})
    sent = [parse_qs(r["query"]) for r in tiktok_fake.calls("dmp/custom_audience/list/")]
    assert [json.loads(q["custom_audience_ids"][0]) for q in sent] == [["[aud-1"], ["2026"]]
    assert all(q["advertiser_id"] == [DEMO_ADVERTISER_ID] for q in sent)
