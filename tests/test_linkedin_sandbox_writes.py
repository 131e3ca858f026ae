"""The LinkedIn fake's write rules, over a real socket: a naive client's request gets LinkedIn's refusal."""

from __future__ import annotations

import time

import httpx
import pytest

from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCESS_TOKEN
from mcp_server.connectors.linkedin_ads.settings import DEFAULT_API_VERSION

ACCOUNT = "512345678"
CAMPAIGNS = f"/rest/adAccounts/{ACCOUNT}/adCampaigns"
HEADERS = {"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}", "LinkedIn-Version": DEFAULT_API_VERSION, "X-Restli-Protocol-Version": "2.0.0"}
PARTIAL = {**HEADERS, "X-RestLi-Method": "PARTIAL_UPDATE"}
USER_KEY = "(account:urn%3Ali%3AsponsoredAccount%3A512345678,user:urn%3Ali%3Aperson%3AnewPerson)"
NOW_MS = int(time.time() * 1000)


@pytest.fixture
def li(linkedin_fake):
    with httpx.Client(base_url=linkedin_fake.url, headers=HEADERS) as client:
        yield client


def event(**extra) -> dict:
    return {"conversion": "urn:lla:llaPartnerConversion:810000", "conversionHappenedAt": NOW_MS - 3_600_000,
            "user": {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "0" * 64}]}, **extra}  # fmt: skip


@pytest.mark.parametrize("method, headers, body, status", [
    ("POST", HEADERS, {"patch": {"$set": {"status": "PAUSED"}}}, 400),  # no X-RestLi-Method: PARTIAL_UPDATE
    ("POST", PARTIAL, {"status": "PAUSED"}, 400),  # no patch envelope
    ("POST", PARTIAL, {"patch": {"$set": {"dailyBudget.amount": "1"}}}, 400),  # top-level fields only
    ("POST", PARTIAL, {"patch": {"$set": {"dailyBudget": {"amount": 75, "currencyCode": "USD"}}}}, 400),  # amount is a string
    ("POST", PARTIAL, {"patch": {"$set": {"dailyBudget": {"amount": "75", "currencyCode": "EUR"}}}}, 400),  # account currency
    ("PUT", HEADERS, {"status": "PAUSED"}, 405),  # full update is not offered
    ("DELETE", HEADERS, None, 400),  # only DRAFT campaigns can be deleted
])  # fmt: skip
def test_naive_campaign_writes_are_refused(li, method, headers, body, status):
    reply = li.request(method, f"{CAMPAIGNS}/700678000", headers=headers, json=body)
    assert reply.status_code == status, reply.text
    assert {"status", "message"} <= set(reply.json())
    assert li.get(f"{CAMPAIGNS}/700678000").json()["status"] == "ACTIVE"  # nothing changed


def test_a_partial_update_answers_204_and_set_replaces_a_whole_array(li):
    reply = li.post(f"{CAMPAIGNS}/700678000", headers=PARTIAL, json={"patch": {"$set": {"targetingCriteria": {"include": {"and": []}}}}})
    assert reply.status_code == 204 and not reply.content
    assert li.get(f"{CAMPAIGNS}/700678000").json()["targetingCriteria"] == {"include": {"and": []}}


def test_a_create_answers_201_with_the_id_in_x_restli_id_and_an_empty_body(li):
    body = {"account": f"urn:li:sponsoredAccount:{ACCOUNT}", "name": "x", "runSchedule": {"start": NOW_MS},
            "politicalIntent": "NOT_POLITICAL", "offsiteDeliveryEnabled": False}  # fmt: skip
    reply = li.post(CAMPAIGNS, json=body)
    assert reply.status_code == 201 and not reply.content
    new = li.get(f"{CAMPAIGNS}/{reply.headers['x-restli-id']}").json()
    assert new["name"] == "x" and new["status"] == "DRAFT"
    assert li.post(CAMPAIGNS, json={k: v for k, v in body.items() if k != "politicalIntent"}).status_code == 400


def test_a_draft_deletes_and_a_creative_delete_needs_the_method_header(li):
    assert li.delete(f"{CAMPAIGNS}/700678007").status_code == 204  # a DRAFT
    assert li.get(f"{CAMPAIGNS}/700678007").status_code == 404
    creative = f"/rest/adAccounts/{ACCOUNT}/creatives/urn%3Ali%3AsponsoredCreative%3A7006780000"
    assert li.delete(creative).status_code == 400
    assert li.delete(creative, headers={"X-RestLi-Method": "DELETE"}).json()["message"].startswith("Only DRAFT")


def test_a_canceled_group_cannot_be_reactivated(li):
    group = f"/rest/adAccounts/{ACCOUNT}/adCampaignGroups/600067800"
    assert li.post(group, headers=PARTIAL, json={"patch": {"$set": {"status": "CANCELED"}}}).status_code == 204
    assert li.post(group, headers=PARTIAL, json={"patch": {"$set": {"status": "ACTIVE"}}}).status_code == 400


def test_compound_keys_take_rest_li_2_syntax_and_put_is_201_then_204(li):
    assert li.put(f"/rest/adAccountUsers/{USER_KEY}", json={"role": "VIEWER"}).status_code == 201
    assert li.put(f"/rest/adAccountUsers/{USER_KEY}", json={"role": "CREATIVE_MANAGER"}).status_code == 204
    airbyte_form = "(account=urn%3Ali%3AsponsoredAccount%3A512345678,user=urn%3Ali%3Aperson%3AnewPerson)"
    assert li.put(f"/rest/adAccountUsers/{airbyte_form}", json={"role": "VIEWER"}).status_code == 400
    link = "(campaign:urn%3Ali%3AsponsoredCampaign%3A700678050,conversion:urn%3Alla%3AllaPartnerConversion%3A810000)"
    assert [li.put(f"/rest/campaignConversions/{link}", json={}).status_code for _ in range(2)] == [201, 204]


def test_conversion_events_are_a_batch_create_with_a_status_per_element(li):
    url = "/rest/conversionEvents"
    assert li.post(url, json={"elements": [event()]}).status_code == 400  # no X-RestLi-Method: BATCH_CREATE
    headers = {"X-RestLi-Method": "BATCH_CREATE"}
    assert li.post(url, headers=headers, json={"elements": [event()] * 5001}).status_code == 400
    reply = li.post(url, headers=headers, json={"elements": [
        event(eventId="a"), event(conversionHappenedAt=NOW_MS // 1000), event(conversionHappenedAt=NOW_MS - 91 * 86_400_000), event(eventId="a"),
    ]})  # fmt: skip
    assert reply.status_code == 200
    assert [e["status"] for e in reply.json()["elements"]] == [201, 400, 400, 201]


@pytest.mark.parametrize("config, path, body, headers", [
    ({"scopes": ["r_ads"]}, f"{CAMPAIGNS}/700678000", {"patch": {"$set": {"status": "PAUSED"}}}, PARTIAL),
    ({"member_roles": {ACCOUNT: "VIEWER"}}, f"{CAMPAIGNS}/700678000", {"patch": {"$set": {"status": "PAUSED"}}}, PARTIAL),
    ({"scopes": ["r_ads", "rw_ads"]}, "/rest/conversions/810000?account=urn%3Ali%3AsponsoredAccount%3A512345678",
     {"patch": {"$set": {"enabled": False}}}, PARTIAL),
])  # fmt: skip
def test_scopes_and_roles_are_enforced_with_linkedins_403(li, linkedin_fake, config, path, body, headers):
    linkedin_fake.control("config", config)
    reply = li.post(path, headers=headers, json=body)
    assert reply.status_code == 403 and reply.json()["code"] == "ACCESS_DENIED"
