"""LinkedIn lists return every record once: offset pages short in the middle, empty cursor pages with a token,
names with commas, statuses LinkedIn's search may leave out, and conversions read within their account.

Each quirk lives in the LinkedIn fake; the assertions look at the raw requests it received."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from mcp_server.connectors.linkedin_ads.catalog import CATALOG
from mcp_server.connectors.linkedin_ads.params import CAMPAIGN_STATUSES, CampaignsList
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCOUNT_ID
from mcp_server.connectors.linkedin_ads.sandbox.app import DEMO_ACCESS_TOKEN
from tests.conftest import ToolCalls, airbyte_env, point_at_fake

MAIN = f"urn:li:sponsoredAccount:{DEMO_ACCOUNT_ID}"
_calls = ToolCalls("linkedin_ads_execute", "linkedin-ads")
ok = _calls.ok


@pytest.fixture
def env(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


def starts(fake, path: str) -> list[int]:
    """The `start` of every request the fake received on path, in order."""
    return [int(r["query"].split("start=")[1].split("&")[0]) for r in fake.requests if r["path"] == f"/rest/{path}"]


def vendor_get(fake, path: str, query: str) -> httpx.Response:
    """A raw request to the fake, as a client that trusts LinkedIn's defaults would send it."""
    headers = {"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}", "LinkedIn-Version": "202606", "X-Restli-Protocol-Version": "2.0.0"}
    return httpx.get(f"{fake.url}/rest/{path}?{query}", headers=headers)


async def walk(arguments: dict) -> list[dict]:
    """Every record of a list, following next_cursor."""
    records, cursor = [], None
    for _ in range(50):
        body = await ok({**arguments, **({"cursor": cursor} if cursor else {})})
        records += body["data"]
        cursor = body["next_cursor"]
        if not cursor:
            return records
    raise AssertionError("the cursor never ended")


# -- offset paging ----------------------------------------------------------------------------------


async def test_conversions_short_pages_and_unknown_total(env):
    """Pages come back short where LinkedIn leaves records out, and total is -1: advance by count to an empty page."""
    body = await ok({"entity": "conversions", "action": "list", "params": {"count": 3}, "limit": 50})
    ids = [r["id"] for r in body["data"]]
    assert ids == list(range(810000, 810012)) and body["next_cursor"] is None  # every rule once, none missing
    # 12 rules + 3 left-out records = 15 places; the empty page at 15 ends the list (total -1 says nothing)
    assert starts(env, "conversions") == [0, 3, 6, 9, 12, 15]
    page = vendor_get(env, "conversions", f"q=account&account={quote(MAIN, safe='')}&start=0&count=3").json()
    assert len(page["elements"]) == 2 and page["paging"]["total"] == -1  # the fake's quirk itself


async def test_conversions_cursor_walk_has_no_duplicates(env):
    records = await walk({"entity": "conversions", "action": "list", "params": {"count": 3}, "limit": 4})
    assert [r["id"] for r in records] == list(range(810000, 810012))
    assert set(starts(env, "conversions")) == {0, 3, 6, 9, 12, 15}  # a cursor may re-read its page, never skip


async def test_account_users_short_first_page_without_total(env):
    """No paging.total at all: a page shorter than count is not the end."""
    body = await ok({"entity": "account_users", "action": "list", "params": {"count": 2}, "limit": 50})
    assert [u["user"].rsplit(":", 1)[1] for u in body["data"]] == ["demoAlice", "demoBob", "demoCarol", "demoDan"]
    assert body["next_cursor"] is None
    assert starts(env, "adAccountUsers") == [0, 2, 4, 6]
    first = vendor_get(env, "adAccountUsers", f"q=accounts&accounts={quote(MAIN, safe='')}&start=0&count=2").json()
    assert len(first["elements"]) == 1 and "total" not in first["paging"]


async def test_an_empty_offset_page_with_a_known_total_is_not_the_end(env):
    """Records 5000-5006 in 11 places (4 left out, 3 of them at [6, 9)): the page at 6 is empty, total says 11."""
    body = await ok({"entity": "lead_forms", "action": "list", "params": {"count": 3}, "limit": 50})
    ids = [f["id"] for f in body["data"]]
    assert ids == list(range(5000, 5007)) and body["next_cursor"] is None  # every form once, 5005 and 5006 too
    assert starts(env, "leadForms") == [0, 3, 6, 9]  # on past the empty page; start 12 would be past the total
    owner = f"(sponsoredAccount:{quote(MAIN, safe='')})"
    empty = vendor_get(env, "leadForms", f"q=owner&owner={owner}&start=6&count=3").json()
    assert empty["elements"] == [] and empty["paging"]["total"] == 11  # the fake's quirk itself


async def test_a_cursor_walk_crosses_the_empty_offset_page(env):
    records = await walk({"entity": "lead_forms", "action": "list", "params": {"count": 3}, "limit": 2})
    assert [f["id"] for f in records] == list(range(5000, 5007))


async def test_a_cursor_resumes_inside_a_short_offset_page(env):
    """The executor resumes by position inside a vendor page: the page must be exactly LinkedIn's elements."""
    first = await ok({"entity": "lead_form_responses", "action": "list", "params": {"count": 5}, "limit": 6})
    rest = await walk({"entity": "lead_form_responses", "action": "list", "params": {"count": 5}, "limit": 4, "cursor": first["next_cursor"]})
    ids = [r["id"] for r in first["data"] + rest]
    assert len(ids) == len(set(ids)) == 12
    assert set(starts(env, "leadFormResponses")) == {0, 5, 10}


# -- cursor paging ----------------------------------------------------------------------------------


async def test_an_empty_cursor_page_with_a_token_is_not_the_end(env):
    everything = await ok({"entity": "creatives", "action": "list", "limit": 20})
    body = await ok({"entity": "creatives", "action": "list", "params": {"pageSize": 5}, "limit": 12})
    assert [c["id"] for c in body["data"]] == [c["id"] for c in everything["data"][:12]]
    pages = [r for r in env.calls("/creatives") if "pageSize=5" in r["query"]]
    assert len(pages) == 4  # 4 records, an empty page (all left out) with a next token, 5, then 3 of 5
    token = pages[1]["query"].split("pageToken=")[1].split("&")[0]
    empty = vendor_get(env, f"adAccounts/{DEMO_ACCOUNT_ID}/creatives", f"q=criteria&pageSize=5&pageToken={token}").json()
    assert empty["elements"] == [] and empty["metadata"]["nextPageToken"]


# -- names ------------------------------------------------------------------------------------------


async def campaign_named(fragment: str) -> dict:
    listed = await walk({"entity": "campaigns", "action": "list", "limit": 500})
    return next(c for c in listed if fragment in c["name"])


async def test_a_name_with_commas_is_one_name(env):
    target = await campaign_named(", site visitors")
    body = await ok({"entity": "campaigns", "action": "list", "params": {"name": target["name"]}})
    assert body["data"] and {c["name"] for c in body["data"]} == {target["name"]}
    sent = env.calls("/adCampaigns")[-1]["query"]
    assert f"name:(values:List({quote(target['name'], safe='')}))" in sent  # one value, its commas encoded


async def test_names_as_a_json_array(env):
    first = await campaign_named(", site visitors")
    second = await campaign_named("IT decision makers")
    for names in ([first["name"], second["name"]], f'["{first["name"]}", "{second["name"]}"]'):
        body = await ok({"entity": "campaigns", "action": "list", "params": {"name": names}, "limit": 100})
        assert {c["name"] for c in body["data"]} == {first["name"], second["name"]}


async def test_group_and_account_names_with_commas(env):
    groups = await ok({"entity": "campaign_groups", "action": "list", "params": {"name": "Webinars, events & field"}})
    assert [g["name"] for g in groups["data"]] == ["Webinars, events & field"]
    accounts = await ok({"entity": "accounts", "action": "list", "params": {"name": "Contoso, EMEA (demo)"}})
    assert [a["name"] for a in accounts["data"]] == ["Contoso, EMEA (demo)"]


def test_name_values_that_look_like_lists_but_are_not():
    assert CampaignsList(name="Brand, Q1").name == ["Brand, Q1"]
    assert CampaignsList(name="[DE] Brand, Q1").name == ["[DE] Brand, Q1"]  # a bracket, not a JSON array
    assert CampaignsList(name='["A, B", "C"]').name == ["A, B", "C"]


# -- statuses ---------------------------------------------------------------------------------------


async def test_no_status_filter_lists_every_status(env):
    records = await walk({"entity": "campaigns", "action": "list", "limit": 200})
    assert len(records) == 120 and {"PENDING_DELETION", "REMOVED"} <= {c["status"] for c in records}
    sent = env.calls("/adCampaigns")[-1]["query"]
    assert f"search=(status:(values:List({','.join(CAMPAIGN_STATUSES)})))" in sent
    # What a client relying on LinkedIn's default would get from the fake: deleted campaigns left out.
    naive = vendor_get(env, f"adAccounts/{DEMO_ACCOUNT_ID}/adCampaigns", "q=search&pageSize=500").json()
    assert len(naive["elements"]) == 118


async def test_groups_and_accounts_name_every_status(env):
    await ok({"entity": "campaign_groups", "action": "list"})
    await ok({"entity": "accounts", "action": "list"})
    assert "status:(values:List(ACTIVE,PAUSED,ARCHIVED,CANCELED,DRAFT,PENDING_DELETION,REMOVED))" in (
        env.calls("/adCampaignGroups")[-1]["query"]
    )
    assert "status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,REMOVED))" in env.calls("/adAccounts")[-1]["query"]


async def test_a_status_filter_is_sent_as_given(env):
    body = await ok({"entity": "campaigns", "action": "list", "params": {"status": ["REMOVED"]}})
    assert [c["status"] for c in body["data"]] == ["REMOVED"]
    assert "status:(values:List(REMOVED))" in env.calls("/adCampaigns")[-1]["query"]


def test_describe_says_which_statuses_a_list_returns():
    for entity in ("campaigns", "campaign_groups", "accounts"):
        notes = CATALOG.entities[entity].actions["list"].document()["notes"]
        assert "No status filter = every status" in notes and "PENDING_DELETION" in notes and "REMOVED" in notes


# -- conversions get ---------------------------------------------------------------------------------


async def test_conversion_get_sends_the_account(env):
    body = await ok({"entity": "conversions", "action": "get", "params": {"id": 810003}})
    assert body["data"][0]["id"] == 810003
    assert env.calls("/conversions/810003")[-1]["query"] == f"account={quote(MAIN, safe='')}"
    refused = vendor_get(env, "conversions/810003", "")
    assert refused.status_code == 400 and "account" in refused.text  # the fake needs it, as LinkedIn documents


async def test_conversion_get_with_an_explicit_account(env):
    body = await ok({"entity": "conversions", "action": "get", "params": {"id": 810004, "account_id": DEMO_ACCOUNT_ID}})
    assert body["data"][0]["name"] == "Demo key page"


# -- hosted mode -------------------------------------------------------------------------------------


@pytest.fixture
def hosted(monkeypatch, linkedin_fake, hosted_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    return hosted_fake


async def test_hosted_lists_warn_that_no_status_could_be_sent(hosted):
    body = await ok({"entity": "campaigns", "action": "list", "limit": 2})
    assert body["meta"]["backend"] == "hosted"
    assert any("PENDING_DELETION" in w and "direct mode" in w for w in body["meta"]["warnings"])


async def test_hosted_conversion_get_finds_the_rule_in_its_account(hosted):
    body = await ok({"entity": "conversions", "action": "get", "params": {"id": 810011}})
    assert body["data"][0]["id"] == 810011
    sent = [r for r in hosted.vendor_requests("linkedin-ads") if r["path"].startswith("/rest/conversions")]
    assert sent and all(r["path"] == "/rest/conversions" and "account=" in r["query"] for r in sent)


async def test_hosted_conversion_get_takes_an_explicit_account(hosted):
    body = await ok({"entity": "conversions", "action": "get", "params": {"id": 810011, "account_id": DEMO_ACCOUNT_ID}})
    assert body["data"][0]["id"] == 810011 and body["meta"]["backend"] == "hosted"
