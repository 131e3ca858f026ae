"""LinkedIn write actions end to end: preview through linkedin_ads_execute, apply_change, against the LinkedIn fake
(direct) and the hosted fake (Airbyte's execute), with the raw requests each fake received asserted."""

from __future__ import annotations

import json
import time

import pytest
from fastmcp import Client
from fastmcp.client.elicitation import ElicitResult

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import airbyte_env, point_at_fake

TOOL = "linkedin_ads_execute"
ACCOUNT = "512345678"
ACTIVE_CAMPAIGN, DRAFT_CAMPAIGN, GROUP = 700678000, 700678007, 600067800
CREATIVE = "urn:li:sponsoredCreative:7006780000"
RULE = 810000
NOW_MS = int(time.time() * 1000)


def event(**extra) -> dict:
    return {"conversion": RULE, "conversionHappenedAt": NOW_MS - 86_400_000,
            "user": {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "0" * 64}]}, **extra}  # fmt: skip


@pytest.fixture
def direct(monkeypatch, linkedin_fake, tmp_path):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    monkeypatch.setenv("CONNECTOR_MCP_WRITES", "on")
    monkeypatch.setenv("CONNECTOR_MCP_JOURNAL_PATH", str(tmp_path / "journal.jsonl"))
    return linkedin_fake


@pytest.fixture
async def session(direct):
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as client:
        yield client


def fake_data(fake):
    """The fake's data, to change behind the server's back (the next reset rebuilds it)."""
    fake.app.state.fake.dirty = True
    return fake.app.state.fake.data


def writes(fake, requests=None) -> list[dict]:
    """The write requests a LinkedIn fake received (reads and tunnelled reads left out)."""
    return [r for r in (requests if requests is not None else fake.requests)
            if r["path"].startswith("/rest/") and (r["method"] in ("PUT", "DELETE") or
            (r["method"] == "POST" and r["headers"].get("x-http-method-override") != "GET"))]  # fmt: skip


async def preview(session, entity: str, action: str, params: dict) -> dict:
    result = await session.call_tool(TOOL, {"entity": entity, "action": action, "params": params}, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def refused(session, entity: str, action: str, params: dict) -> str:
    result = await session.call_tool(TOOL, {"entity": entity, "action": action, "params": params}, raise_on_error=False)
    assert result.is_error, result.structured_content
    return result.content[0].text


async def apply(session, change_id: str, ok: bool = True):
    result = await session.call_tool("apply_change", {"change_id": change_id}, raise_on_error=False)
    if ok:
        assert not result.is_error, result.content[0].text
        return result.structured_content
    assert result.is_error, result.structured_content
    return result.content[0].text


# (entity, action, params, method, raw path ending, X-RestLi-Method, status LinkedIn answered)
CASES = [
    ("campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"}, "POST", f"/adAccounts/{ACCOUNT}/adCampaigns/{ACTIVE_CAMPAIGN}", "PARTIAL_UPDATE"),
    ("campaigns", "update", {"id": ACTIVE_CAMPAIGN, "patch": {"$set": {"dailyBudget": {"amount": "80", "currencyCode": "USD"}}}},
     "POST", f"/adCampaigns/{ACTIVE_CAMPAIGN}", "PARTIAL_UPDATE"),
    ("campaigns", "create", {"name": "Q1 test", "dailyBudget": 50, "campaignGroup": GROUP}, "POST", f"/adAccounts/{ACCOUNT}/adCampaigns", None),
    ("campaigns", "delete", {"id": DRAFT_CAMPAIGN}, "DELETE", f"/adCampaigns/{DRAFT_CAMPAIGN}", None),
    ("campaign_groups", "update", {"id": GROUP, "name": "Renamed group"}, "POST", f"/adCampaignGroups/{GROUP}", "PARTIAL_UPDATE"),
    ("campaign_groups", "create", {"name": "New group"}, "POST", f"/adAccounts/{ACCOUNT}/adCampaignGroups", None),
    ("creatives", "update", {"id": CREATIVE, "intendedStatus": "PAUSED"}, "POST", "/creatives/urn%3Ali%3AsponsoredCreative%3A7006780000", "PARTIAL_UPDATE"),
    ("creatives", "create", {"campaign": ACTIVE_CAMPAIGN, "name": "New ad"}, "POST", f"/adAccounts/{ACCOUNT}/creatives", None),
    ("accounts", "update", {"id": ACCOUNT, "name": "Northwind (renamed)"}, "POST", f"/rest/adAccounts/{ACCOUNT}", "PARTIAL_UPDATE"),
    ("accounts", "create", {"name": "Acme test", "test": True}, "POST", "/rest/adAccounts", None),
    ("account_users", "create", {"user": "newPerson", "role": "VIEWER"}, "PUT",
     "/adAccountUsers/(account:urn%3Ali%3AsponsoredAccount%3A512345678,user:urn%3Ali%3Aperson%3AnewPerson)", None),
    ("account_users", "update", {"user": "demoBob", "patch": {"$set": {"role": "VIEWER"}}}, "POST",
     "user:urn%3Ali%3Aperson%3AdemoBob)", "PARTIAL_UPDATE"),
    ("account_users", "delete", {"user": "demoCarol"}, "DELETE", "user:urn%3Ali%3Aperson%3AdemoCarol)", None),
    ("conversions", "create", {"name": "Offline deals", "type": "PURCHASE", "value": 100}, "POST", "/rest/conversions", None),
    ("conversions", "update", {"id": RULE, "enabled": False}, "POST", f"/rest/conversions/{RULE}", "PARTIAL_UPDATE"),
    ("conversion_events", "create", {"elements": [event(eventId="deal-1"), event(eventId="deal-2")]}, "POST", "/rest/conversionEvents", "BATCH_CREATE"),
    ("campaign_conversions", "create", {"campaign_urn": 700678050, "conversion_urn": RULE}, "PUT",
     "/campaignConversions/(campaign:urn%3Ali%3AsponsoredCampaign%3A700678050,conversion:urn%3Alla%3AllaPartnerConversion%3A810000)", None),
    ("campaign_conversions", "delete", {"campaign_urn": ACTIVE_CAMPAIGN, "conversion_urn": RULE}, "DELETE",
     "conversion:urn%3Alla%3AllaPartnerConversion%3A810000)", None),
]  # fmt: skip


@pytest.mark.parametrize("entity, action, params, method, path, restli_method", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
async def test_every_write_previews_without_writing_and_applies_exactly_once(session, direct, entity, action, params, method, path, restli_method):
    plan = await preview(session, entity, action, params)
    assert plan["meta"]["change_id"] and plan["meta"]["expires_at"] and plan["data"]
    assert writes(direct) == []  # a preview never writes
    done = await apply(session, plan["meta"]["change_id"])
    assert done["meta"]["result"] == "applied", done
    sent = writes(direct)
    assert len(sent) == 1, [(r["method"], r["raw_path"]) for r in sent]
    assert sent[0]["method"] == method and sent[0]["raw_path"].endswith(path), sent[0]["raw_path"]
    assert sent[0]["headers"].get("x-restli-method") == restli_method
    assert sent[0]["headers"]["x-restli-protocol-version"] == "2.0.0"
    if action == "update" and entity != "account_users":
        assert set(json.loads(sent[0]["body"])) == {"patch"}  # the Rest.li envelope, nothing else
    again = await apply(session, plan["meta"]["change_id"])
    assert again["meta"]["repeated"] is True
    assert len(writes(direct)) == 1  # a second apply sends nothing


async def test_a_paused_campaign_shows_paused_in_the_next_list_and_the_plan_shows_current_and_proposed(session, direct):
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED", "dailyBudget": 75})
    record = plan["data"][0]
    assert record["fields"] == {"status": {"current": "ACTIVE", "proposed": "PAUSED"},
                                "dailyBudget": {"current": {"amount": 60, "currencyCode": "USD"}, "proposed": {"amount": 75, "currencyCode": "USD"}}}
    await apply(session, plan["meta"]["change_id"])
    body = json.loads(writes(direct)[0]["body"])
    assert body == {"patch": {"$set": {"status": "PAUSED", "dailyBudget": {"amount": "75", "currencyCode": "USD"}}}}
    listed = await preview(session, "campaigns", "get", {"id": ACTIVE_CAMPAIGN})
    assert listed["data"][0]["status"] == "PAUSED" and listed["data"][0]["dailyBudget"]["amount"] == 75


async def test_created_campaign_gets_the_id_linkedin_answers_and_defaults_to_draft(session, direct):
    plan = await preview(session, "campaigns", "create", {"name": "Default status"})
    assert plan["data"][0]["new_object"]["status"] == "DRAFT"
    assert any("DRAFT" in n for n in plan["meta"]["notices"])
    done = await apply(session, plan["meta"]["change_id"])
    new_id = done["meta"]["created_ids"][0]
    listed = await preview(session, "campaigns", "get", {"id": new_id})
    assert listed["data"][0]["name"] == "Default status" and listed["data"][0]["status"] == "DRAFT"


async def test_a_large_amount_reaches_linkedin_exactly(session, direct):
    """1234567.5 was sent as "1.23457e+06": rounded, in a notation LinkedIn's amount strings do not use."""
    plan = await preview(session, "campaigns", "create", {"name": "Big budget", "dailyBudget": 1234567.5, "campaignGroup": GROUP})
    await apply(session, plan["meta"]["change_id"])
    [sent] = writes(direct)
    assert json.loads(sent["body"])["dailyBudget"] == {"amount": "1234567.5", "currencyCode": "USD"}


@pytest.mark.parametrize("entity, params, setting", [
    ("campaigns", {"id": ACTIVE_CAMPAIGN, "dailyBudget": 200}, "CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT"),
    ("campaigns", {"id": ACTIVE_CAMPAIGN, "dailyBudget": {"amount": "70", "currencyCode": "EUR"}}, "account's currency USD"),
    ("campaign_groups", {"id": GROUP, "totalBudget": 90000}, "CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT"),
])  # fmt: skip
async def test_guardrails_refuse_at_preview_naming_what_allows_it(session, direct, entity, params, setting):
    text = await refused(session, entity, "update", params)
    assert setting in text
    assert writes(direct) == []


async def test_activating_says_loudly_that_spend_starts(session, direct):
    plan = await preview(session, "campaigns", "update", {"id": 700678003, "status": "ACTIVE"})
    assert any(n.startswith("SPEND STARTS") for n in plan["meta"]["notices"])


@pytest.mark.parametrize("entity, params, key", [
    ("campaigns", {"id": ACTIVE_CAMPAIGN}, '"status": "PENDING_DELETION"'),
    ("campaign_groups", {"id": GROUP}, '"status": "PENDING_DELETION"'),
    ("creatives", {"id": CREATIVE}, '"intendedStatus": "PENDING_DELETION"'),
    ("accounts", {"id": ACCOUNT}, '"status": "PENDING_DELETION"'),
])  # fmt: skip
async def test_deleting_what_is_not_draft_is_refused_with_the_soft_delete_that_works(session, direct, entity, params, key):
    text = await refused(session, entity, "delete", params)
    assert "DRAFT" in text and key in text
    assert writes(direct) == []


@pytest.mark.parametrize("entity, params", [
    ("campaigns", {"id": ACTIVE_CAMPAIGN, "status": "PENDING_DELETION"}),
    ("campaign_groups", {"id": GROUP, "status": "CANCELED"}),
    ("creatives", {"id": CREATIVE, "intendedStatus": "PENDING_DELETION"}),
    ("accounts", {"id": ACCOUNT, "status": "CANCELED"}),
])  # fmt: skip
async def test_a_soft_delete_or_cancel_is_final_so_it_needs_the_delete_setting(session, direct, entity, params):
    """As TikTok's DELETE: LinkedIn never reactivates a PENDING_DELETION or CANCELED object."""
    text = await refused(session, entity, "update", params)
    assert "cannot be undone" in text and "CONNECTOR_MCP_ALLOW_DELETE" in text
    assert "PAUSED" in text and writes(direct) == []


async def test_a_canceled_group_cannot_be_reactivated(direct):
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"], allow_delete=True))) as session:
        plan = await preview(session, "campaign_groups", "update", {"id": GROUP, "status": "CANCELED"})
        await apply(session, plan["meta"]["change_id"])
        text = await refused(session, "campaign_groups", "update", {"id": GROUP, "status": "ACTIVE"})
    assert "cannot be reactivated" in text
    assert len(writes(direct)) == 1


@pytest.mark.parametrize("elements, text", [
    ([event(conversionHappenedAt=NOW_MS // 1000)], "epoch seconds"),
    ([event(conversionHappenedAt=NOW_MS - 91 * 86_400_000)], "more than 90 days"),
    ([event(conversion=999)], "are not rules of ad account"),
    ([event(user={})], "user needs userIds"),
    ([event()] * 5001, "5000"),
])  # fmt: skip
async def test_conversion_events_are_checked_at_preview(session, direct, elements, text):
    assert text in await refused(session, "conversion_events", "create", {"elements": elements})
    assert writes(direct) == []


async def test_conversion_events_report_each_refused_element(session, direct):
    plan = await preview(session, "conversion_events", "create", {"elements": [event(eventId="a"), event(eventId="b")]})
    # Between preview and apply the rule moves to an account where the member is a VIEWER: LinkedIn refuses
    # each event (a status per element), not the batch.
    fake_data(direct).conversions[0]["account"] = "urn:li:sponsoredAccount:534567890"
    direct.control("config", {"member_roles": {"534567890": "VIEWER"}})
    done = await apply(session, plan["meta"]["change_id"])
    assert done["meta"]["result"] == "partial"
    assert done["meta"]["warnings"] and all("HTTP 403" in w for w in done["meta"]["warnings"])
    assert len(writes(direct)) == 1


async def test_a_5000_event_upload_keeps_its_change_id_short_and_applies_only_where_it_was_previewed(session, direct):
    """The plan is held by the previewing server; the id (twice in the agent's context) carries its digest."""
    import hashlib

    users = [{"userIds": [{"idType": "SHA256_EMAIL", "idValue": hashlib.sha256(str(i).encode()).hexdigest()}]} for i in range(5000)]
    plan = await preview(session, "conversion_events", "create", {"elements": [event(eventId=f"deal-{i}", user=u) for i, u in enumerate(users)]})
    change_id = plan["meta"]["change_id"]
    assert len(change_id) <= 8000 and len(json.dumps(plan)) < 40_000
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as replica:  # same key, not the plan
        text = await apply(replica, change_id, ok=False)
    assert text.startswith("invalid_params:") and "Preview the change again" in text
    assert writes(direct) == []
    assert (await apply(session, change_id))["meta"]["result"] == "applied"
    assert (await apply(session, change_id))["meta"]["repeated"] is True
    [sent] = writes(direct)
    assert [e["eventId"] for e in json.loads(sent["body"])["elements"]] == [f"deal-{i}" for i in range(5000)]


async def test_the_journal_prints_readably_at_80_columns(session, direct, capsys):
    from mcp_server.cli import main

    group = await preview(session, "campaign_groups", "create", {"name": "Spring " * 12, "totalBudget": 1000,
                                                                  "runSchedule": {"start": NOW_MS, "end": NOW_MS + 86_400_000 * 30}})  # fmt: skip
    await apply(session, group["meta"]["change_id"])
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "dailyBudget": 80, "status": "PAUSED"})
    assert "dailyBudget 60 USD → 80 USD" in plan["meta"]["summary"]
    await apply(session, plan["meta"]["change_id"])
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["changes"])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert f"{ACTIVE_CAMPAIGN}: dailyBudget 60 USD → 80 USD, status ACTIVE → PAUSED" in out
    assert "totalBudget 1000 USD" in out and "created " in out


async def test_drift_since_the_preview_refuses_and_sends_nothing(session, direct):
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
    fake_data(direct).campaigns[0]["status"] = "ARCHIVED"  # someone changed it in Campaign Manager
    text = await apply(session, plan["meta"]["change_id"], ok=False)
    assert "drift" in text and "ARCHIVED" in text
    assert writes(direct) == []


async def test_a_lost_answer_is_never_resent_and_a_second_apply_reads_back(session, direct):
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
    direct.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaigns/{ACTIVE_CAMPAIGN}", "applied_then_drop")
    text = await apply(session, plan["meta"]["change_id"], ok=False)
    assert "outcome_unknown" in text
    assert len(writes(direct)) == 1
    again = await apply(session, plan["meta"]["change_id"])  # LinkedIn carried it out; only the answer was lost
    assert again["meta"]["result"] == "applied" and "reading the objects back" in again["meta"]["note"]
    assert len(writes(direct)) == 1


async def test_a_write_dropped_before_linkedin_saw_it_is_not_resent_either(session, direct):
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
    direct.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaigns/{ACTIVE_CAMPAIGN}", "drop")
    assert "outcome_unknown" in await apply(session, plan["meta"]["change_id"], ok=False)
    text = await apply(session, plan["meta"]["change_id"], ok=False)
    assert "did not take effect" in text and "not sent again" in text
    assert len(writes(direct)) == 1


async def test_the_call_deadline_during_a_write_neither_hides_it_nor_lets_it_be_sent_twice(direct):
    """The create is still in flight when CONNECTOR_MCP_CALL_TIMEOUT ends the call: it is finished and recorded."""
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as session:
        plan = await preview(session, "campaigns", "create", {"name": "Slow create"})
    direct.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaigns", "stall", seconds=0.6)
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"], call_timeout=0.3))) as hurried:
        first = await hurried.call_tool("apply_change", {"change_id": plan["meta"]["change_id"]}, raise_on_error=False)
        again = await apply(hurried, plan["meta"]["change_id"])
    text = first.content[0].text
    assert not first.is_error or (text.startswith("call_timeout:") and "may have been applied" in text), text
    assert again["meta"]["repeated"] is True and again["meta"]["created_ids"]
    assert len(writes(direct)) == 1


async def test_a_create_whose_answer_is_lost_is_never_sent_again(session, direct):
    plan = await preview(session, "campaigns", "create", {"name": "Maybe created"})
    direct.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaigns", "server_error")
    assert "outcome_unknown" in await apply(session, plan["meta"]["change_id"], ok=False)
    assert "not sent again" in await apply(session, plan["meta"]["change_id"], ok=False)
    assert len(writes(direct)) == 1


@pytest.mark.parametrize("config, entity, params, named", [
    ({"scopes": ["r_ads", "r_ads_reporting"]}, "campaigns", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"}, "rw_ads scope"),
    ({"member_roles": {ACCOUNT: "VIEWER"}}, "campaigns", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"}, "VIEWER"),
    ({"scopes": ["r_ads", "rw_ads"]}, "conversions", {"id": RULE, "enabled": False}, "rw_conversions scope"),
])  # fmt: skip
async def test_a_403_names_what_is_missing(session, direct, config, entity, params, named):
    plan = await preview(session, entity, "update", params)
    direct.control("config", config)
    text = await apply(session, plan["meta"]["change_id"], ok=False)
    assert "permission_denied" in text and named in text, text
    assert len(writes(direct)) == 1


# -- hosted mode: the same changes through Airbyte's execute -----------------------------------------------
@pytest.fixture
async def hosted(monkeypatch, hosted_fake, tmp_path):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("CONNECTOR_MCP_WRITES", "on")
    monkeypatch.setenv("CONNECTOR_MCP_JOURNAL_PATH", str(tmp_path / "journal.jsonl"))
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as client:
        yield client, hosted_fake


def hosted_writes(fake) -> list[dict]:
    return writes(None, fake.vendor_requests("linkedin-ads"))


def executes(fake) -> list[dict]:
    return [json.loads(r["body"]) for r in fake.calls("/execute")]


HOSTED_CASES = [
    ("campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"}, "POST", f"/adCampaigns/{ACTIVE_CAMPAIGN}"),
    ("campaigns", "create", {"name": "Hosted create", "dailyBudget": 40}, "POST", f"/adAccounts/{ACCOUNT}/adCampaigns"),
    ("campaigns", "delete", {"id": DRAFT_CAMPAIGN}, "DELETE", f"/adCampaigns/{DRAFT_CAMPAIGN}"),
    ("campaign_groups", "update", {"id": GROUP, "status": "PAUSED"}, "POST", f"/adCampaignGroups/{GROUP}"),
    ("creatives", "update", {"id": CREATIVE, "intendedStatus": "PAUSED"}, "POST", "/creatives/urn%3Ali%3AsponsoredCreative%3A7006780000"),
    ("accounts", "update", {"id": ACCOUNT, "name": "Renamed via Airbyte"}, "POST", f"/rest/adAccounts/{ACCOUNT}"),
    ("conversions", "update", {"id": RULE, "enabled": False}, "POST", f"/rest/conversions/{RULE}"),
    ("conversions", "create", {"name": "Hosted rule", "type": "LEAD"}, "POST", "/rest/conversions"),
    ("conversion_events", "create", {"elements": [event(eventId="h-1")]}, "POST", "/rest/conversionEvents"),
]  # fmt: skip


@pytest.mark.parametrize("entity, action, params, method, path", HOSTED_CASES, ids=[f"{c[0]}.{c[1]}" for c in HOSTED_CASES])
async def test_hosted_writes_go_through_airbyte_execute_once(hosted, entity, action, params, method, path):
    session, fake = hosted
    plan = await preview(session, entity, action, params)
    assert hosted_writes(fake) == [] and not any(e["action"] == action for e in executes(fake))
    done = await apply(session, plan["meta"]["change_id"])
    assert done["meta"]["result"] == "applied"
    writes_executed = [e for e in executes(fake) if e["action"] == action]
    assert len(writes_executed) == 1 and writes_executed[0]["entity"] == entity
    sent = hosted_writes(fake)
    assert len(sent) == 1 and sent[0]["method"] == method and sent[0]["raw_path"].endswith(path), sent
    await apply(session, plan["meta"]["change_id"])
    assert len(hosted_writes(fake)) == 1


async def test_a_change_previewed_in_direct_mode_is_refused_by_a_hosted_server(session, direct, monkeypatch, hosted_fake):
    """Its requests are Rest.li paths, not Airbyte's execute: refused by name, never an internal error."""
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", ACCOUNT)
    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as other:
        text = await apply(other, plan["meta"]["change_id"], ok=False)
    assert text.startswith("invalid_params:") and "previewed in direct mode" in text and "hosted mode" in text
    assert writes(direct) == [] and hosted_writes(hosted_fake) == [] and executes(hosted_fake) == []


async def test_hosted_create_with_a_lost_answer_is_not_resent(hosted):
    session, fake = hosted
    plan = await preview(session, "campaign_groups", "create", {"name": "Lost"})
    # LinkedIn answers Airbyte's write with a 500: Airbyte passes on a 502, the outcome is unknown.
    fake.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaignGroups", "server_error", connector="linkedin-ads")
    assert "outcome_unknown" in await apply(session, plan["meta"]["change_id"], ok=False)
    assert "not sent again" in await apply(session, plan["meta"]["change_id"], ok=False)
    assert len([e for e in executes(fake) if e["action"] == "create"]) == 1


@pytest.mark.parametrize("entity, params", [
    ("account_users", {"user": "newPerson", "role": "VIEWER"}),
    ("campaign_conversions", {"campaign_urn": 700678050, "conversion_urn": RULE}),
])  # fmt: skip
async def test_hosted_compound_key_writes_are_refused_with_the_fix(hosted, entity, params):
    session, fake = hosted
    text = await refused(session, entity, "create", params)
    assert "direct mode" in text and "(name:<urn>" in text
    assert hosted_writes(fake) == []


@pytest.mark.parametrize("answer", ["accept", "decline"])
async def test_the_person_sees_the_linkedin_plan_and_a_decline_sends_nothing(direct, answer):
    asked: list[str] = []

    async def person(message, response_type, params, context):
        asked.append(message)
        return ElicitResult(action="accept", content={"value": True}) if answer == "accept" else ElicitResult(action="decline")

    async with Client(build_server(ServerSettings(connectors=["linkedin-ads"])), elicitation_handler=person) as client:
        plan = await preview(client, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
        result = await client.call_tool("apply_change", {"change_id": plan["meta"]["change_id"]}, raise_on_error=False)
    assert len(asked) == 1 and "ACTIVE → PAUSED" in asked[0] and ACCOUNT in asked[0], asked
    assert result.is_error == (answer == "decline")
    assert len(writes(direct)) == (1 if answer == "accept" else 0)


async def test_a_hosted_403_names_the_scope_and_the_role(hosted):
    session, fake = hosted
    plan = await preview(session, "campaigns", "update", {"id": ACTIVE_CAMPAIGN, "status": "PAUSED"})
    fake.fault(f"POST /rest/adAccounts/{ACCOUNT}/adCampaigns/{ACTIVE_CAMPAIGN}", "forbidden", connector="linkedin-ads")
    text = await apply(session, plan["meta"]["change_id"], ok=False)
    assert "permission_denied" in text and "rw_ads" in text and "VIEWER is read-only" in text, text
    assert len(hosted_writes(fake)) == 1
