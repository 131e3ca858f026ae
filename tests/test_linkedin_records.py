"""LinkedIn records ready to read: ISO-8601 UTC times, money amounts as numbers, ids whole, compact defaults.

End to end through linkedin_ads_execute in direct and hosted mode (the hosted fake runs LinkedIn's fake behind
it); every value is checked against the raw record the LinkedIn fake holds, read independently of the code
under test."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from mcp_server.connectors.linkedin_ads.catalog import CATALOG
from mcp_server.connectors.linkedin_ads.records import readable
from mcp_server.shaping import compact_json
from tests.conftest import ToolCalls, airbyte_env, point_at_fake

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
AUDIT = ("changeAuditStamps.created.time", "changeAuditStamps.lastModified.time")
# entity → (the fake's collection, time paths, money paths) as LinkedIn's schemas name them.
ENTITIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "accounts": ("accounts", AUDIT, ()),
    "account_users": ("users", AUDIT, ()),
    "campaign_groups": ("groups", (*AUDIT, "runSchedule.start"), ("totalBudget",)),
    "campaigns": ("campaigns", (*AUDIT, "runSchedule.start", "runSchedule.end"), ("dailyBudget", "totalBudget", "unitCost")),
    "creatives": ("creatives", ("createdAt", "lastModifiedAt"), ()),
    "conversions": ("conversions", ("created", "lastModified", "lastCallbackAt", "latestFirstPartyCallbackAt"), ("value",)),
    "lead_forms": ("lead_forms", ("created", "lastModified"), ()),
    "lead_form_responses": ("lead_responses", ("submittedAt",), ()),
}  # fmt: skip
GET_IDS = {
    "accounts": 512345678,
    "campaign_groups": 600067801,
    "campaigns": 700678005,
    "creatives": "urn:li:sponsoredCreative:7006780051",
    "conversions": 810002,
}

_calls = ToolCalls("linkedin_ads_execute", "linkedin-ads")
ok = _calls.ok


@pytest.fixture(params=["direct", "hosted"])
def backend(request, monkeypatch, linkedin_fake):
    """The backend under test and the raw data of the LinkedIn fake that answers it."""
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", request.param)
    if request.param == "direct":
        return request.param, linkedin_fake.app.state.fake.data
    hosted = request.getfixturevalue("hosted_fake")
    airbyte_env(monkeypatch, hosted.url)
    return request.param, hosted.app.state.vendor_apps["linkedin-ads"].state.fake.data


def at(record: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(record, dict) or part not in record:
            return None
        record = record[part]
    return record


def key(record: dict[str, Any]) -> str:
    return str(record.get("id") or (record["account"], record["user"]))


def raw_by_key(data: Any, collection: str) -> dict[str, dict[str, Any]]:
    return {key(r): r for r in getattr(data, collection)}


def assert_readable(got: dict[str, Any], raw: dict[str, Any], times: tuple[str, ...], money: tuple[str, ...]) -> int:
    """Times are ISO-8601 UTC naming the same millisecond; amounts are numbers equal to the decimal string.
    Returns how many values were checked."""
    checked = 0
    for path in times:
        if at(raw, path) is None:
            continue
        text = at(got, path)
        assert isinstance(text, str) and ISO.match(text), (path, text)
        assert dt.datetime.fromisoformat(text).timestamp() * 1000 == at(raw, path), (path, text)
        checked += 1
    for path in money:
        if at(raw, path) is None:
            continue
        amount = at(got, f"{path}.amount")
        assert isinstance(amount, (int, float)) and not isinstance(amount, bool), (path, amount)
        assert Decimal(repr(amount)) == Decimal(at(raw, f"{path}.amount")), (path, amount)
        assert at(got, f"{path}.currencyCode") == at(raw, f"{path}.currencyCode")
        checked += 1
    return checked


# -- 1. readable values on every entity, whole records -------------------------------------------
@pytest.mark.parametrize("entity", sorted(ENTITIES))
async def test_whole_records_have_iso_times_and_numeric_money(backend, entity):
    mode, data = backend
    collection, times, money = ENTITIES[entity]
    body = await ok({"entity": entity, "action": "list", "limit": 25, "fields": ["*"]})
    assert body["meta"]["backend"] == mode and body["data"]
    raw = raw_by_key(data, collection)
    checked = 0
    for record in body["data"]:
        original = raw[key(record)]
        checked += assert_readable(record, original, times, money)
        # The whole record: every vendor key, and the values with nothing to convert exactly as LinkedIn sent them.
        assert set(record) == set(original)
        for name in set(original) - {p.split(".")[0] for p in (*times, *money)}:
            assert record[name] == original[name], name
    assert checked >= len(body["data"]) * len(times), "the fake's records must carry the times checked"


@pytest.mark.parametrize("entity", sorted(GET_IDS))
async def test_get_records_are_readable(backend, entity):
    _, data = backend
    collection, times, money = ENTITIES[entity]
    body = await ok({"entity": entity, "action": "get", "params": {"id": GET_IDS[entity]}, "fields": ["*"]})
    (record,) = body["data"]
    assert assert_readable(record, raw_by_key(data, collection)[key(record)], times, money) >= len(times)


async def test_campaign_end_and_decimal_bid_survive_exactly(backend):
    """A stopped campaign's runSchedule.end and a bid of "0.12" (not 0.12000000000000001, not "0.12")."""
    _, data = backend
    stopped = next(c for c in data.campaigns if "end" in c["runSchedule"] and c["unitCost"]["amount"] == "0.12")
    body = await ok({"entity": "campaigns", "action": "get", "params": {"id": stopped["id"]}, "fields": ["*"]})
    (record,) = body["data"]
    assert record["unitCost"] == {"amount": 0.12, "currencyCode": stopped["unitCost"]["currencyCode"]}
    assert record["runSchedule"]["end"].endswith("T09:00:00Z")
    assert record["id"] == stopped["id"] and record["campaignGroup"] == stopped["campaignGroup"]


# -- 2. default fields: what a person scans, small -----------------------------------------------
@pytest.mark.parametrize("entity", sorted(ENTITIES))
async def test_default_fields_are_readable_and_leave_bulk_out(backend, entity):
    _, data = backend
    collection, times, money = ENTITIES[entity]
    defaults = CATALOG.entities[entity].actions["list"].default_fields
    body = await ok({"entity": entity, "action": "list", "limit": 10})
    raw = raw_by_key(data, collection)
    for record in body["data"]:
        assert set(record) <= {f.split(".")[0] for f in defaults}, set(record)
        assert_readable(record, raw[key(record)], tuple(p for p in times if p.split(".")[0] in record),
                        tuple(p for p in money if p in record))  # fmt: skip
        assert not {"targetingCriteria", "content", "formResponse"} & set(record)


async def test_default_campaign_list_is_under_a_third_of_linkedins_json(backend):
    _, data = backend
    body = await ok({"entity": "campaigns", "action": "list", "limit": 25})
    assert len(body["data"]) == 25
    raw = raw_by_key(data, "campaigns")
    vendor = [raw[key(r)] for r in body["data"]]
    assert len(compact_json(body["data"])) <= 0.3 * len(compact_json(vendor))
    assert all({"id", "name", "status", "campaignGroup", "runSchedule"} <= set(r) for r in body["data"])


# -- 3. the conversion rules themselves ------------------------------------------------------------
@pytest.mark.parametrize(
    ("millis", "text"),
    [(0, "1970-01-01T00:00:00Z"), (1455309628000, "2016-02-12T20:40:28Z"), (1629664544760, "2021-08-22T20:35:44.760Z")],
)
def test_times_are_iso_utc_to_the_millisecond(millis, text):
    assert readable({"lastModifiedAt": millis})["lastModifiedAt"] == text


@pytest.mark.parametrize(
    ("amount", "number"),
    [("100.00", 100), ("7.5", 7.5), ("0.12", 0.12), ("-3", -3), ("1e2", 100),
     ("0.12345678901234567890", "0.12345678901234567890"), ("12345678901234567890", "12345678901234567890"),
     ("n/a", "n/a"), ("NaN", "NaN"), (12.5, 12.5)],
)  # fmt: skip
def test_money_becomes_the_exact_number_or_stays_a_string(amount, number):
    got = readable({"unitCost": {"amount": amount, "currencyCode": "EUR"}})["unitCost"]
    assert got == {"amount": number, "currencyCode": "EUR"} and type(got["amount"]) is type(number)


def test_only_linkedins_time_fields_change_and_ids_keep_every_digit():
    record = {
        "id": 6955637458260688897,  # a lead form id above 2**53 (LinkedIn's lead sync sample)
        "versionId": 1,
        "runSchedule": {"start": 1455309628000},
        "paging": {"start": 100, "count": 10},
        "dateRange": {"start": {"year": 2026, "month": 3, "day": 1}},
        "test": True,
        "postClickAttributionWindowSize": 30,
        "changeAuditStamps": {"created": {"time": 1629581275000, "actor": "urn:li:person:abc"}},
        "campaigns": ["urn:li:sponsoredCampaign:700678000"],
    }
    got = readable(record)
    assert got["id"] == "6955637458260688897" and got["versionId"] == 1
    assert got["runSchedule"] == {"start": "2016-02-12T20:40:28Z"}
    assert got["paging"] == record["paging"] and got["dateRange"] == record["dateRange"]
    assert got["test"] is True and got["postClickAttributionWindowSize"] == 30
    assert got["changeAuditStamps"]["created"] == {"time": "2021-08-21T21:27:55Z", "actor": "urn:li:person:abc"}
    assert got["campaigns"] == record["campaigns"]
    assert readable(got) == got  # converting twice changes nothing
