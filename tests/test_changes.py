"""Safe changes end to end (issue 16): previews through tiktok_marketing_execute, apply_change through a real
MCP client, vendor traffic over a real socket to the TikTok fake, whose request log is the proof: no write
without apply_change, exactly one per change id, none after a decline, none after drift, none resent after
an ambiguous failure."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import stat

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.elicitation import ElicitResult

from mcp_server.connectors.tiktok_marketing import clock
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import point_at_fake

TOOL = "tiktok_marketing_execute"


@pytest.fixture
def env(monkeypatch, tiktok_fake, tmp_path):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    monkeypatch.setenv("CONNECTOR_MCP_JOURNAL_PATH", str(tmp_path / "journal.jsonl"))
    return tiktok_fake


def server(**settings):
    return build_server(ServerSettings(connectors=["tiktok-marketing"], **{"writes": True, **settings}))


def writes(fake) -> list[dict]:
    return [r for r in fake.requests if r["method"] == "POST" and "__sandbox__" not in r["path"]]


def objects(fake, kind: str) -> list[dict]:
    return fake.app.state.data.of(kind, DEMO_ADVERTISER_ID)


def live(fake, kind: str, **match) -> dict:
    return next(r for r in objects(fake, kind) if not r["_deleted"] and all(r[k] == v for k, v in match.items()))


def cbo_campaign(fake, on: bool) -> dict:
    return next(c for c in objects(fake, "campaigns") if not c["_deleted"] and c["budget_optimize_on"] is on
                and c["budget_mode"] == "BUDGET_MODE_DAY" and c["operation_status"] == "ENABLE")  # fmt: skip


async def preview(client, entity: str, params: dict) -> dict:
    result = await client.call_tool(TOOL, {"entity": entity, "action": "update", "params": params}, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def error(client, tool: str, arguments: dict) -> str:
    result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error, result.structured_content
    return result.content[0].text


async def test_preview_reads_and_plans_without_writing(env):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        tools = {t.name: t for t in await client.list_tools()}
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE",
                                                   "budget": campaign["budget"] * 1.2})  # fmt: skip
    assert tools[TOOL].annotations.read_only_hint is True
    assert tools["apply_change"].annotations.read_only_hint is False and tools["apply_change"].annotations.destructive_hint is True
    assert writes(env) == []
    [record] = body["data"]
    assert record["id"] == campaign["campaign_id"] and record["name"] == campaign["campaign_name"]
    assert record["fields"]["operation_status"] == {"current": "ENABLE", "proposed": "DISABLE"}
    assert record["fields"]["budget"]["current"] == campaign["budget"]
    meta = body["meta"]
    assert meta["change_id"] and meta["expires_at"].endswith("Z") and meta["writes"].startswith("on")
    assert "ENABLE → DISABLE" in meta["summary"]
    assert "Amounts are in USD" in meta["summary"]  # the plan's budgets are bare numbers


async def test_apply_sends_exactly_once_and_the_fake_shows_the_change(env):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        change_id = body["meta"]["change_id"]
        first = await client.call_tool("apply_change", {"change_id": change_id})
        second = await client.call_tool("apply_change", {"change_id": change_id})
        listed = await client.call_tool(TOOL, {"entity": "campaigns", "action": "list",
                                               "params": {"filtering": {"campaign_ids": [campaign["campaign_id"]]}}})  # fmt: skip
    [sent] = writes(env)
    assert sent["path"].endswith("/campaign/status/update/")
    assert json.loads(sent["body"]) == {"advertiser_id": DEMO_ADVERTISER_ID, "campaign_ids": [campaign["campaign_id"]],
                                        "operation_status": "DISABLE"}  # fmt: skip
    assert first.structured_content["meta"]["result"] == "applied"
    assert first.structured_content["meta"]["request_ids"]
    assert second.structured_content["meta"]["repeated"] is True
    assert second.structured_content["data"] == first.structured_content["data"]
    assert listed.structured_content["data"][0]["operation_status"] == "DISABLE"
    # The sandbox stops the paused campaign's ads delivering from today.
    ads = [a for a in objects(env, "ads") if a["campaign_id"] == campaign["campaign_id"]]
    assert ads and all(a["_delivery"].last_day < env.app.state.data.today for a in ads)


async def test_writes_off_hides_apply_change_and_previews_say_how_to_switch_on(env):
    campaign = cbo_campaign(env, True)
    async with Client(server(writes=None)) as client:
        names = [t.name for t in await client.list_tools()]
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
    assert "apply_change" not in names
    assert "CONNECTOR_MCP_WRITES=on" in body["meta"]["writes"]
    assert writes(env) == []


@pytest.mark.parametrize(("answer", "mode"), [("accept", "current"), ("decline", "current"), ("cancel", "current"),
                                              ("unticked", "current"), ("accept", "legacy"), ("decline", "legacy")])
async def test_the_person_confirms_through_elicitation(env, answer, mode):
    """2026-07-28 connections ask through an input request in the result; legacy ones through a request to the client."""
    campaign = cbo_campaign(env, True)
    asked: list[str] = []

    async def person(message, response_type, params, context):
        asked.append(message)
        if answer == "accept":
            return ElicitResult(action="accept", content={"value": True})
        if answer == "unticked":
            return ElicitResult(action="accept", content={"value": False})
        return ElicitResult(action=answer)

    async with Client(server(), elicitation_handler=person, **({"mode": "legacy"} if mode == "legacy" else {})) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        result = await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]}, raise_on_error=False)
    assert len(asked) == 1 and campaign["campaign_name"] in asked[0] and "ENABLE → DISABLE" in asked[0]
    if answer == "accept":
        assert not result.is_error
        assert result.structured_content["meta"]["confirmed_by"] == "the person (elicitation)"
        assert len(writes(env)) == 1
    else:
        assert result.is_error and result.content[0].text.startswith("declined:")
        assert writes(env) == []


async def test_drift_refuses_and_sends_nothing(env):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "budget": campaign["budget"] + 10})
        campaign["budget"] += 5  # someone changed it in Ads Manager meanwhile
        text = await error(client, "apply_change", {"change_id": body["meta"]["change_id"]})
    assert text.startswith("drift:") and "Preview the change again" in text
    assert writes(env) == []


@pytest.mark.parametrize("fault", ["drop_after_apply", "http_504", "50000", "stall"])
async def test_an_ambiguous_failure_is_never_resent(env, monkeypatch, fault):
    monkeypatch.setenv("CONNECTOR_MCP_TIMEOUT", "0.3")
    campaign = cbo_campaign(env, True)
    env.fault("status/update", fault, times=3, seconds=0.5)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        change_id = body["meta"]["change_id"]
        text = await error(client, "apply_change", {"change_id": change_id})
        assert text.startswith("outcome_unknown:") and "not sent again" in text and "same change_id" in text
        assert len(writes(env)) == 1
        again = await client.call_tool("apply_change", {"change_id": change_id}, raise_on_error=False)
    assert len(writes(env)) == 1  # read back, never resent
    if fault == "stall":  # the stalled write lands after the client gave up: let it land before the next test
        await asyncio.sleep(0.5)
    if fault == "drop_after_apply":  # it was applied: reading back confirms it
        assert again.structured_content["meta"]["result"] == "applied"
    elif fault == "stall":  # the stalled write may land before or after the read-back: either is told
        assert again.is_error or again.structured_content["meta"]["result"] == "applied"
    else:
        assert again.is_error and "did not take effect" in again.content[0].text


async def test_a_success_code_with_an_unreadable_body_is_an_unknown_outcome_not_a_refusal(env):
    """TikTok applied it (code 0) but its data is malformed: never told 'refused' (the id would look unspent)."""
    campaign = cbo_campaign(env, True)
    env.control("answers", {"match": "status/update", "edits": [{"at": ["data"], "op": "set", "value": "not an object"}]})
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        text = await error(client, "apply_change", {"change_id": body["meta"]["change_id"]})
        again = await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    assert text.startswith("outcome_unknown:") and "may have been applied" in text
    assert again.structured_content["meta"]["result"] == "applied" and campaign["operation_status"] == "DISABLE"
    assert len(writes(env)) == 1


async def test_a_vendor_refusal_spends_nothing_and_names_the_missing_permission(env):
    campaign = cbo_campaign(env, True)
    env.fault("status/update", "40001")
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        text = await error(client, "apply_change", {"change_id": body["meta"]["change_id"]})
        assert text.startswith("permission_denied:") and "Ads Management" in text
        retried = await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    assert retried.structured_content["meta"]["result"] == "applied"
    assert len(writes(env)) == 2


async def test_guardrails_refuse_at_preview_naming_the_setting(env, monkeypatch):
    campaign, cbo_group = cbo_campaign(env, False), None
    cbo_group = next(g for g in objects(env, "adgroups") if g["campaign_id"] == cbo_campaign(env, True)["campaign_id"])
    group = next(g for g in objects(env, "adgroups") if g["campaign_id"] == campaign["campaign_id"] and g["budget"] > 0)
    deleted = next(c for c in objects(env, "campaigns") if c["_deleted"])
    cases = [
        ("campaigns", {"campaign_id": campaign["campaign_id"], "budget": campaign["budget"] * 2}, "CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT"),
        ("campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DELETE"}, "CONNECTOR_MCP_ALLOW_DELETE"),
        ("campaigns", {"campaign_id": campaign["campaign_id"], "budget": campaign["budget"], "currency": "EUR"}, "currency EUR"),
        ("campaigns", {"campaign_id": deleted["campaign_id"], "operation_status": "ENABLE"}, "is deleted"),
        ("ad_groups", {"adgroup_id": cbo_group["adgroup_id"], "budget": 10}, "campaign budget optimisation"),
        ("ad_groups", {"adgroup_id": group["adgroup_id"], "bid_price": 1.5}, "BID_TYPE_CUSTOM"),
    ]
    async with Client(server()) as client:
        for entity, params, words in cases:
            text = await error(client, TOOL, {"entity": entity, "action": "update", "params": params})
            assert words in text, text
        # 23:55 in the advertiser's time zone: TikTok refuses ad group budget changes until midnight.
        zone = clock.zone(env.app.state.data.advertisers[DEMO_ADVERTISER_ID]["display_timezone"])
        late = dt.datetime.now(zone).replace(hour=23, minute=57)
        monkeypatch.setattr(clock, "now", lambda: late)
        monkeypatch.setattr("mcp_server.connectors.tiktok_marketing.writes.now", lambda: late)
        text = await error(client, TOOL, {"entity": "ad_groups", "action": "update",
                                          "params": {"adgroup_id": group["adgroup_id"], "budget": group["budget"]}})
        assert "23:55" in text
    assert writes(env) == []


async def test_enable_says_spend_starts_and_delete_works_when_allowed(env, monkeypatch):
    paused = next(c for c in objects(env, "campaigns") if not c["_deleted"] and c["operation_status"] == "DISABLE")
    monkeypatch.setenv("CONNECTOR_MCP_ALLOW_DELETE", "on")
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": paused["campaign_id"], "operation_status": "ENABLE"})
        assert any(n.startswith("SPEND STARTS") for n in body["meta"]["notices"]) and "SPEND STARTS" in body["meta"]["summary"]
        body = await preview(client, "campaigns", {"campaign_id": paused["campaign_id"], "operation_status": "DELETE"})
        assert body["data"][0]["change"] == "delete"
        await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
        text = await error(client, TOOL, {"entity": "campaigns", "action": "update",
                                          "params": {"campaign_id": paused["campaign_id"], "operation_status": "ENABLE"}})
    assert "is deleted" in text and paused["_deleted"] is True
    assert len(writes(env)) == 1


async def test_ad_group_budget_name_and_several_ids_map_to_tiktoks_endpoints(env):
    campaign = cbo_campaign(env, False)
    groups = [g for g in objects(env, "adgroups") if g["campaign_id"] == campaign["campaign_id"] and not g["_deleted"]][:2]
    async with Client(server()) as client:
        body = await preview(client, "ad_groups", {"adgroup_id": [g["adgroup_id"] for g in groups], "budget": groups[0]["budget"],
                                                   "operation_status": "DISABLE"})  # fmt: skip
        await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
        body = await preview(client, "ad_groups", {"adgroup_id": groups[0]["adgroup_id"], "adgroup_name": "Renamed"})
        await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    paths = [r["path"].rsplit("v1.3/", 1)[1] for r in writes(env)]
    assert paths[0] == "adgroup/status/update/"  # pausing goes first
    assert "adgroup/budget/update/" in paths and paths[-1] == "adgroup/update/"
    assert groups[0]["adgroup_name"] == "Renamed" and all(g["operation_status"] == "DISABLE" for g in groups)


async def test_a_forged_or_expired_change_id_is_refused(env, monkeypatch):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        change_id = body["meta"]["change_id"]
        forged = change_id[:-4] + ("AAAA" if not change_id.endswith("AAAA") else "BBBB")
        assert "not valid" in await error(client, "apply_change", {"change_id": forged})
        cursor = (await client.call_tool(TOOL, {"entity": "campaigns", "action": "list", "limit": 1})).structured_content["next_cursor"]
        assert "not valid" in await error(client, "apply_change", {"change_id": cursor})
        import mcp_server.changes.change_id as ids

        later = ids.time.time() + 3600
        monkeypatch.setattr(ids.time, "time", lambda: later)
        assert "expired" in await error(client, "apply_change", {"change_id": change_id})
    assert writes(env) == []


async def test_the_journal_records_each_applied_change_privately(env, tmp_path, capsys):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "campaign_name": "New name"})
        await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    path = tmp_path / "journal.jsonl"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    [line] = [json.loads(x) for x in path.read_text().splitlines()]
    assert line["connector"] == "tiktok-marketing" and line["account"] == DEMO_ADVERTISER_ID
    assert line["entity"] == "campaigns" and line["object_ids"] == [campaign["campaign_id"]]
    assert line["after"][campaign["campaign_id"]] == {"campaign_name": "New name"} and line["result"] == "applied"
    assert line["request_ids"] and "time" in line
    from mcp_server.cli import main

    with pytest.raises(SystemExit) as done:
        main(["changes"])
    assert done.value.code == 0
    assert "New name" in capsys.readouterr().out


async def test_tiktok_writes_are_refused_in_hosted_mode(monkeypatch, hosted_fake):
    from tests.conftest import airbyte_env

    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    async with Client(server()) as client:
        text = await error(client, TOOL, {"entity": "campaigns", "action": "update",
                                          "params": {"campaign_id": "1781000000000000067", "operation_status": "DISABLE"}})
    assert text.startswith("not_configured:") and "TIKTOK_MARKETING_MODE=direct" in text


async def test_describe_and_the_resource_show_write_actions(env):
    async with Client(server(writes=None)) as client:
        doc = (await client.call_tool("describe", {"connector": "tiktok-marketing", "entity": "ad_groups"})).structured_content
        resource = json.loads((await client.read_resource("connectors://tiktok-marketing/ads"))[0].text)
        overview = (await client.call_tool("describe", {"connector": "tiktok-marketing"})).structured_content
    update = doc["actions"]["update"]
    assert update["write"] is True and "bid_price" in update["params_schema"]["properties"]
    assert any("23:55" in g for g in update["guardrails"]) and update["writes"].startswith("off")
    assert resource["actions"]["update"]["write"] is True
    assert "update" in overview["entities"]["campaigns"] and overview["writes"]["state"].startswith("off")


def test_the_fake_enforces_tiktoks_write_rules(tiktok_fake):
    from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ACCESS_TOKEN

    def post(path: str, body: dict) -> dict:
        reply = httpx.post(f"{tiktok_fake.url}/open_api/v1.3/{path}", json=body, headers={"Access-Token": DEMO_ACCESS_TOKEN})
        assert reply.status_code == 200  # TikTok answers every request with HTTP 200 and a code
        return reply.json()

    live_ids = [c["campaign_id"] for c in objects(tiktok_fake, "campaigns") if not c["_deleted"]]
    deleted = next(c for c in objects(tiktok_fake, "campaigns") if c["_deleted"])
    base = {"advertiser_id": DEMO_ADVERTISER_ID, "operation_status": "DISABLE"}
    assert post("campaign/status/update/", {**base, "campaign_ids": []})["code"] == 40002
    assert post("campaign/status/update/", {**base, "campaign_ids": (live_ids * 21)[:21]})["code"] == 40002
    refused = post("campaign/status/update/", {**base, "campaign_ids": [deleted["campaign_id"]]})
    assert refused["code"] == 40002 and "deleted" in refused["message"]
    group = next(g for g in objects(tiktok_fake, "adgroups")
                 if not g["_deleted"] and g["campaign_id"] == cbo_campaign(tiktok_fake, True)["campaign_id"])  # fmt: skip
    before = group["budget"]
    assert post("adgroup/budget/update/", {"advertiser_id": DEMO_ADVERTISER_ID,
                                           "budget": [{"adgroup_id": group["adgroup_id"], "budget": 999}]})["code"] == 0  # fmt: skip
    assert group["budget"] == before  # ignored under campaign budget optimisation


def test_the_cli_previews_and_applies_after_a_terminal_confirmation(monkeypatch, capsys, tmp_path):
    import builtins

    from mcp_server import signing
    from mcp_server.cli import main

    monkeypatch.setattr(signing, "_key", signing._key)  # restored after the test
    monkeypatch.setattr(signing, "_key_from_setting", signing._key_from_setting)
    monkeypatch.setenv("CONNECTOR_MCP_SECRET_KEY", "canary-http-change-key-0123456789abcdef")
    monkeypatch.setenv("CONNECTOR_MCP_JOURNAL_PATH", str(tmp_path / "journal.jsonl"))
    signing.use_key("canary-http-change-key-0123456789abcdef")  # what `serve` does with the setting

    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as done:
            main(list(argv))
        out, err = capsys.readouterr()
        return done.value.code, out, err

    params = json.dumps({"campaign_id": "1781000000000000067", "operation_status": "DISABLE"})
    code, out, _ = run("--demo", "call", "tiktok-marketing", "campaigns", "update", "--params", params)
    assert code == 0
    change_id = json.loads(out)["meta"]["change_id"]
    monkeypatch.setattr(builtins, "input", lambda prompt: "n")
    code, out, err = run("--demo", "apply", change_id)
    assert code == 1 and "declined" in err and "ENABLE → DISABLE" in err
    code, out, err = run("--demo", "apply", change_id, "--yes")
    assert code == 0 and json.loads(out)["meta"]["result"] == "applied"
    code, out, _ = run("changes")
    assert "APPLIED tiktok-marketing campaigns.update" in out and "operation_status ENABLE → DISABLE" in out


def test_the_cli_apply_without_a_shared_key_says_which_setting_it_needs(monkeypatch, capsys):
    """`call` and `apply` are two processes: without the setting each signs with its own random key."""
    from mcp_server import signing
    from mcp_server.cli import main

    monkeypatch.delenv("CONNECTOR_MCP_SECRET_KEY", raising=False)
    monkeypatch.setattr(signing, "_key_from_setting", False)
    with pytest.raises(SystemExit) as done:
        main(["--demo", "apply", "z1i2LfhDWdw-sSD3drpgjXjatVJNT4NAEP0rZLxS", "--yes"])
    err = capsys.readouterr().err
    assert done.value.code == 1 and "CONNECTOR_MCP_SECRET_KEY is not set" in err and "preview again" in err


async def test_a_write_is_resent_only_when_it_never_left():
    from mcp_server.errors import NetworkError, OutcomeUnknown
    from mcp_server.http import ClientOptions, new_client, send_write

    seen: list[str] = []

    def transport(failures: list[Exception]):
        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request.url.path)
            if failures:
                raise failures.pop(0)
            return httpx.Response(200, json={"code": 0})

        return httpx.MockTransport(handle)

    options = ClientOptions(retry_attempts=3, retry_max_wait=0.0)
    cases = [
        ([httpx.ConnectError("refused")], None, 2),  # never left: sent again, and answered
        ([httpx.ConnectError("refused")] * 3, NetworkError, 3),  # never left, every time: not sent
        ([httpx.ReadTimeout("slow")], OutcomeUnknown, 1),  # sent, answer lost: never again
        ([httpx.RemoteProtocolError("dropped")], OutcomeUnknown, 1),
    ]
    for failures, raised, attempts in cases:
        seen.clear()
        async with new_client(ClientOptions(transport=transport(list(failures))), base_url="http://fake") as client:
            request = client.build_request("POST", "/write", json={})
            if raised is None:
                assert (await send_write(client, request, service="the fake", options=options)).status_code == 200
            else:
                with pytest.raises(raised):
                    await send_write(client, request, service="the fake", options=options)
        assert len(seen) == attempts


async def test_replicas_apply_a_change_at_most_once(env, tmp_path, monkeypatch):
    """Two servers with the same key (this process's): one with the shared journal answers the first result; one
    with its own journal reads the vendor back, finds the proposed values, and sends nothing either."""
    campaign = cbo_campaign(env, True)
    async with Client(server()) as first:
        body = await preview(first, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        change_id = body["meta"]["change_id"]
        await first.call_tool("apply_change", {"change_id": change_id})
    async with Client(server()) as sharing:
        shared = (await sharing.call_tool("apply_change", {"change_id": change_id})).structured_content
    monkeypatch.setenv("CONNECTOR_MCP_JOURNAL_PATH", str(tmp_path / "other.jsonl"))
    async with Client(server()) as alone:
        unshared = (await alone.call_tool("apply_change", {"change_id": change_id})).structured_content
    assert shared["meta"]["repeated"] is True and shared["meta"]["result"] == "applied"
    assert unshared["meta"]["result"] == "already_applied"
    assert len(writes(env)) == 1


async def test_concurrent_applies_of_one_id_send_once(env):
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        arguments = {"change_id": body["meta"]["change_id"]}
        results = await asyncio.gather(*(client.call_tool("apply_change", arguments) for _ in range(3)))
    assert len(writes(env)) == 1
    assert sorted(bool(r.structured_content["meta"].get("repeated")) for r in results) == [False, True, True]


async def test_the_journal_names_the_http_caller_never_the_token(env, tmp_path, monkeypatch):
    from mcp.server.auth.provider import AccessToken

    token = AccessToken(token="canary-http-caller-token-1234", client_id="ops-dashboard", scopes=[], subject="alice")
    monkeypatch.setattr("mcp_server.changes.tool.get_access_token", lambda: token)
    campaign = cbo_campaign(env, True)
    async with Client(server()) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    text = (tmp_path / "journal.jsonl").read_text()
    assert json.loads(text)["caller"] == {"client_id": "ops-dashboard", "subject": "alice"}
    assert "canary-http" not in text


async def test_the_real_server_over_stdio_previews_asks_and_applies_once(env, tmp_path):
    """The installed entry point as a subprocess (stdio), vendor traffic over a socket to the fake."""
    import sys

    from fastmcp.client.transports import StdioTransport

    campaign = cbo_campaign(env, True)
    child = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    child |= {"FASTMCP_SHOW_SERVER_BANNER": "false", "CONNECTOR_MCP_WRITES": "on",
              "CONNECTOR_MCP_CONNECTORS": "tiktok-marketing"}  # fmt: skip
    transport = StdioTransport(command=sys.executable, args=["-m", "mcp_server"], env=child, cwd=str(tmp_path))
    asked: list[str] = []

    async def person(message, response_type, params, context):
        asked.append(message)
        return ElicitResult(action="accept", content={"value": True})

    async with Client(transport, elicitation_handler=person) as client:
        body = await preview(client, "campaigns", {"campaign_id": campaign["campaign_id"], "operation_status": "DISABLE"})
        assert writes(env) == []
        first = await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
        again = await client.call_tool("apply_change", {"change_id": body["meta"]["change_id"]})
    assert len(asked) == 1 and first.structured_content["meta"]["result"] == "applied"
    assert again.structured_content["meta"]["repeated"] is True
    assert len(writes(env)) == 1
    assert json.loads((tmp_path / "journal.jsonl").read_text())["result"] == "applied"
