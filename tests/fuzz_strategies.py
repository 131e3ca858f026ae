"""Hypothesis strategies for tests/test_fuzz.py: tool arguments that are mostly wrong, sometimes right.

Each strategy first decides (one_in) so that roughly one call in ten (ads_report: one in sixteen) is valid-looking
(it reaches the fakes, which is slow: 20-400 ms) and the rest break one or more arguments (cheap: refused before
any request, ~2 ms). Valid values
come from each action's own pydantic schema plus the sandbox's ids, so they track the catalog.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import zlib
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mcp_server.connectors import REGISTRY
from mcp_server.cursor import seal, unseal
from mcp_server.errors import ConnectorError
from mcp_server.presets import PRESETS
from mcp_server.reporting.metrics import METRICS

TODAY = dt.date.today()
SANDBOX = {c.id: c.sandbox_settings("http://sandbox") for c in REGISTRY.values()}
ADVERTISER = SANDBOX["tiktok-marketing"]["advertiser_id"]
ACCOUNT = SANDBOX["linkedin-ads"]["account_id"]
BC = SANDBOX["tiktok-marketing"]["bc_id"]

# Every error kind a tool may answer with; anything else (a traceback, internal_error) fails a fuzz test.
KINDS = tuple(f"{cls.kind}:" for cls in ConnectorError.__subclasses__())


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings of every fuzz test: derandomized in CI (FUZZ_RANDOM=1 draws new examples)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=os.environ.get("FUZZ_RANDOM", "") not in ("1", "true"),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# One in VALID_IN calls is valid-looking; the others corrupt something.
VALID_IN, REPORT_VALID_IN = 10, 16


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in n draws. (st.integers(0, n - 1) == 0 is true far more often: hypothesis favours the simplest value, 0)."""
    return st.sampled_from(range(n)).map(lambda i: i == n - 1)

# --- junk -------------------------------------------------------------------------------------------
# Text without surrogates (JSON-RPC carries UTF-8), odd code points included: RTL marks, NUL, emoji, CJK.
odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
huge_text = st.sampled_from(["x" * 100_000, "é" * 30_000, "9" * 5_000, "[" * 3_000, "{\"a\":" * 2_000])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
    st.sampled_from(["", " ", "null", "[]", "{}", "0", "-1", "1e999", "true", "2026-02-30", "9999-99-99",
                     "urn:li:sponsoredAccount:abc", "List(urn%3Ali%3A)", "List(", "(a:", "(value:DAILY)", "List((a:1),", "../../etc/passwd", "\u202e\x00"]),
)  # fmt: skip
KEYS = st.sampled_from(["a", "id", "start", "end", "value", "field_name", "filter_type", "", "\u00e9", "$ref", "1"])
# Nested one or two levels; hypothesis' st.recursive is several times slower to draw, and the deep cases are below.
junk = st.one_of(
    scalars,
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(KEYS | odd_text, scalars, max_size=3),
    st.lists(st.lists(scalars, max_size=2) | st.dictionaries(KEYS, scalars, max_size=2), max_size=2),
    st.dictionaries(KEYS, st.lists(scalars, max_size=2) | st.dictionaries(KEYS, scalars, max_size=2), max_size=2),
)


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


# The MCP client refuses to send objects nested deeper than ~250 levels; deeper ones arrive as JSON strings.
def nested_json(depth: int) -> str:
    """The JSON text of nested(depth), written out: deeper than Python's json can encode."""
    opens = "".join('{"a":' if level % 2 else "[" for level in reversed(range(depth)))
    closes = "".join("}" if level % 2 else "]" for level in range(depth))
    return opens + "1" + closes


def nested_restli(depth: int) -> str:
    """LinkedIn's Rest.li text nested depth deep: List(List(…)) or (a:(a:…))."""
    return "List(" * depth + "1" + ")" * depth if depth % 2 else "(a:" * depth + "1" + ")" * depth


deep = st.one_of(
    st.integers(min_value=20, max_value=200).map(nested),
    st.integers(900, 5000).map(nested_json),
    st.integers(900, 5000).map(nested_restli),
)
json_strings = junk.map(lambda v: json.dumps(v))
anything = st.one_of(junk, junk, deep, huge_text, json_strings)


def dates() -> st.SearchStrategy[str]:
    return st.integers(min_value=-21, max_value=0).map(lambda d: (TODAY + dt.timedelta(days=d)).isoformat())


# --- valid-looking vendor params, from each action's schema -----------------------------------------
TIKTOK_METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm", "reach", "conversion", "campaign_name"]
LINKEDIN_METRICS = ["impressions", "clicks", "costInLocalCurrency", "landingPageClicks", "externalWebsiteConversions",
                    "videoViews", "approximateMemberReach", "likes"]  # fmt: skip
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "advertiser_id": st.sampled_from([ADVERTISER, "0", "123"]),
    "advertiser_ids": st.sampled_from([[ADVERTISER], ADVERTISER, json.dumps([ADVERTISER])]),
    "bc_id": st.just(BC),
    "account_id": st.sampled_from([ACCOUNT, f"urn:li:sponsoredAccount:{ACCOUNT}"]),
    "accounts": st.sampled_from([[ACCOUNT], f"urn:li:sponsoredAccount:{ACCOUNT}"]),
    "owner": st.just(f"urn:li:sponsoredAccount:{ACCOUNT}"),
    "account": st.just(f"urn:li:sponsoredAccount:{ACCOUNT}"),
    "start_date": dates(),
    "end_date": dates(),
    "date_preset": st.sampled_from(["yesterday", "last_7d", "last_week", "this_month", "today"]),
    "dateRange": st.tuples(dates(), dates()).map(lambda p: {"start": min(p), "end": max(p)}),
    "page": st.integers(min_value=1, max_value=3),
    "page_size": st.integers(min_value=1, max_value=50),
    "pageSize": st.integers(min_value=1, max_value=50),
    "start": st.integers(min_value=0, max_value=20),
    "count": st.integers(min_value=1, max_value=50),
    "campaigns": st.lists(st.integers(1, 10**12).map(str), min_size=1, max_size=3),
    "creatives": st.lists(st.integers(1, 10**12).map(str), min_size=1, max_size=3),
    "campaignGroups": st.lists(st.integers(1, 10**12).map(str), min_size=1, max_size=3),
    "campaignGroup": st.lists(st.integers(1, 10**12).map(str), min_size=1, max_size=3),
    "name": st.sampled_from(["Brand, Q1", ["a", "b"]]),
    "id": st.integers(1, 10**12).map(str),
    "search": st.just({}),
    "filtering": st.just(None),
    "order_field": st.sampled_from(["spend", "clicks"]),
}


def _lists_of(names: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    return _resolve(options[0], root) if options else schema


def valid_value(name: str, prop: dict[str, Any], root: dict[str, Any], entity: str) -> st.SearchStrategy[Any]:
    """A value for one vendor param that the server should accept (or that the vendor may refuse on its own)."""
    if name == "metrics":
        return _lists_of(TIKTOK_METRICS)
    if name == "fields" and "analytics" in entity:
        return _lists_of(LINKEDIN_METRICS)
    if name in BY_NAME:
        return BY_NAME[name]
    schema = _resolve(prop, root)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        items = _resolve(schema.get("items", {}), root)
        if "enum" in items:
            return _lists_of(items["enum"])
        if "default" in prop:
            return st.just(prop["default"])
        return st.lists(st.integers(1, 10**6).map(str), min_size=1, max_size=2)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low, high = schema.get("minimum", 1), schema.get("maximum", 50)
        return st.integers(min_value=low, max_value=min(high, low + 50))
    if kind == "object":
        return st.just({})
    if schema.get("format") == "date":
        return dates()
    return st.text("abcdefghij0123456789", min_size=1, max_size=8)


@functools.cache
def params_schema(connector_id: str, entity: str, action: str) -> dict[str, Any]:
    return REGISTRY[connector_id].catalog.entities[entity].actions[action].params.model_json_schema()


@st.composite
def valid_params(draw, connector_id: str, entity: str, action: str) -> dict[str, Any]:
    schema = params_schema(connector_id, entity, action)
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    # Reports: at most one way to give dates, or none (the default range).
    optional = [n for n in properties if n not in required and n not in ("start_date", "end_date", "dateRange", "date_preset")]
    chosen = draw(st.lists(st.sampled_from(optional), max_size=2, unique=True)) if optional else []
    if "date_preset" in properties:
        chosen.append(draw(st.sampled_from([None, "date_preset", "start_date", "end_date", "both", "dateRange"])))
        if chosen[-1] == "both":
            chosen[-1:] = ["start_date", "end_date"]
        chosen = [n for n in chosen if n is not None and n in properties]
    params = {n: draw(valid_value(n, properties[n], schema, entity)) for n in [*required, *chosen]}
    if "start_date" in params and "end_date" in params and params["end_date"] < params["start_date"]:
        params["start_date"], params["end_date"] = params["end_date"], params["start_date"]
    return params


@st.composite
def broken_params(draw, connector_id: str, entity: str, action: str) -> Any:
    """Params a validator must refuse (or, for a few, may accept): wrong types, unknown names, junk."""
    how = draw(st.sampled_from(range(6)))
    if how == 0:
        return draw(anything)  # not an object at all, or a whole junk object
    base = draw(valid_params(connector_id, entity, action))
    if how == 1:
        return {**base, draw(st.text(min_size=1, max_size=12)): draw(junk)}  # an unknown (or known) name
    spec = REGISTRY[connector_id].catalog.entities[entity].actions[action]
    names = list(spec.params.model_fields)
    if not names:
        return {**base, "x": 1}
    name = draw(st.sampled_from(names))
    if how == 2:
        return {**base, name: draw(anything)}
    if how == 3:
        return json.dumps({**base, name: draw(junk)})  # the JSON-string form
    if how == 4:
        return {**base, name: draw(st.lists(junk, max_size=3))}
    return {**base, name: draw(st.sampled_from(["2026-13-01", "yesterday", "last_999d", "-1", "ALL", "1" * 400]))}


# --- cursors ----------------------------------------------------------------------------------------


def _pack(raw: Any, *, signed: bool = True) -> str:
    """A cursor's text for `raw`: signed with this process's key, which the fuzzed server (built in this process)
    signs with too, so only the checks of what a cursor holds can refuse it; or unsigned, in the old format."""
    data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    if signed:
        return seal(data)
    return base64.urlsafe_b64encode(zlib.compress(data)).decode().rstrip("=")


@st.composite
def forged_cursor(draw, connector_id: str, entity: str, action: str) -> str:
    """A cursor someone made up: right format, fields of any type, sometimes aimed at this very call."""
    fields = {
        "v": draw(st.sampled_from([3, 3, 2, "3", None])),
        "c": draw(st.sampled_from([connector_id, "other"]) | junk),
        "e": draw(st.sampled_from([entity]) | junk),
        "a": draw(st.sampled_from([action]) | junk),
        "p": draw(st.sampled_from([{}]) | junk),
        "n": draw(st.integers(-5, 10**9) | junk),
        "s": draw(st.none() | st.dictionaries(st.sampled_from(["page", "token", "start", "pageToken", "day", "x"]), junk, max_size=3) | junk),
        "k": draw(st.integers(-5, 10**9) | junk),
        "after": draw(st.none() | st.lists(st.text(max_size=5), max_size=3) | junk),
        "g": draw(st.none() | junk),
        "m": draw(st.none() | junk),
    }
    kept = draw(st.lists(st.sampled_from(list(fields)), unique=True, min_size=len(fields) - 2))
    raw = {k: fields[k] for k in kept}
    return _pack(draw(st.sampled_from([raw, raw, [raw], "x"])), signed=not draw(one_in(4)))


@st.composite
def mangled_cursor(draw, real: list[str]) -> str:
    """A real next_cursor truncated, bit-flipped, re-padded or re-encoded."""
    text = draw(st.sampled_from(real))
    how = draw(st.sampled_from(range(6)))
    if how == 0:
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    if how == 1:
        raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        for _ in range(draw(st.integers(1, 3))):
            spot = draw(st.integers(0, len(raw) - 1))
            raw[spot] ^= 1 << draw(st.integers(0, 7))
        return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    if how == 2:
        spot = draw(st.integers(0, len(text) - 1))
        return text[:spot] + draw(st.sampled_from("A_-=+/ \n%")) + text[spot + 1 :]
    if how == 3:
        return text + "=="
    decoded = json.loads(unseal(text))
    if how == 5 and isinstance(decoded.get("s"), dict) and decoded["s"]:
        # Inside the page state, signed again: only the connector's page-state rules stand between it and a vendor.
        key = draw(st.sampled_from(sorted(decoded["s"])))
        if draw(st.booleans()):
            del decoded["s"][key]
        else:
            decoded["s"][key] = draw(junk)
        return _pack(decoded)
    key = draw(st.sampled_from(sorted(decoded)))
    decoded[key] = draw(junk)
    return _pack(decoded)


# --- whole execute calls ----------------------------------------------------------------------------


@st.composite
def execute_call(draw, connector_id: str, real_cursors: dict[tuple[str, str, str], list[str]]) -> tuple[dict, bool]:
    """(arguments, meant_valid) for one connector's *_execute tool; real_cursors: (connector, entity, action) ->
    next_cursor values of real calls."""
    catalog = REGISTRY[connector_id].catalog
    pairs = [(e, a) for e, entity in catalog.entities.items() for a in entity.actions]
    entity, action = draw(st.sampled_from(pairs))
    all_cursors = [c for cs in real_cursors.values() for c in cs]
    own = sorted((key, cs) for key, cs in real_cursors.items() if key[0] == connector_id)
    if draw(one_in(VALID_IN)):
        arguments: dict[str, Any] = {"entity": entity, "action": action}
        if real_cursors.get((connector_id, entity, action)) and draw(one_in(4)):
            arguments["cursor"] = draw(st.sampled_from(real_cursors[(connector_id, entity, action)]))  # resume one
        else:
            arguments["params"] = draw(valid_params(connector_id, entity, action))
        arguments["limit"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            arguments["fields"] = draw(st.sampled_from([["*"], ["id"], "id,name", '["name"]', ["a.b"]]))
        return arguments, True
    if own and draw(one_in(8)):
        # Only the cursor is wrong: a real one of this connector, damaged, on the call it came from, so it gets
        # past the identity check and its params and page state reach the backend.
        (_, entity, action), real = draw(st.sampled_from(own))
        return {"entity": entity, "action": action, "cursor": draw(mangled_cursor(real)), "limit": 2}, False
    # A small limit unless the limit is what breaks: a draw that turns out valid stays cheap.
    arguments = {"entity": entity, "action": action, "limit": draw(st.integers(1, 3))}
    if draw(st.booleans()):
        arguments["params"] = draw(valid_params(connector_id, entity, action))
    # Break at least one argument; sometimes several.
    broken = draw(st.lists(st.sampled_from(["entity", "action", "params", "fields", "limit", "cursor", "extra"]),
                           min_size=1, max_size=3, unique=True))  # fmt: skip
    for name in broken:
        if name in ("entity", "action"):
            arguments[name] = draw(
                st.sampled_from([entity.upper(), entity + " ", "", "list", "get", "delete", "reports"]) | odd_text | junk
            )
        elif name == "params":
            arguments["params"] = draw(broken_params(connector_id, entity, action))
        elif name == "fields":
            arguments["fields"] = draw(st.one_of(junk, st.lists(st.sampled_from(["", " ", ".", "a..b", "*", "id"])),
                                                 st.sampled_from(["[", "[1,2]", ",,,", "[\"\"]"])))  # fmt: skip
        elif name == "limit":
            arguments["limit"] = draw(st.one_of(
                st.integers(-(2**64), 0), st.integers(1001, 2**64), st.floats(allow_nan=False),
                st.sampled_from([True, False, "5", " 5 ", "five", "1e3", "0x10", "", [5], {"n": 5}, 1.0, 2.5]),
            ))  # fmt: skip
        elif name == "cursor":
            arguments["cursor"] = draw(st.one_of(
                forged_cursor(connector_id, entity, action),
                mangled_cursor(all_cursors) if all_cursors else forged_cursor(connector_id, entity, action),
                st.sampled_from(all_cursors) if all_cursors else odd_text,  # a real cursor of another query
                odd_text, junk, huge_text,
            ))  # fmt: skip
        else:
            arguments[draw(st.sampled_from(["param", "Params", "page", "advertiser_id", "x"]))] = draw(junk)
    return arguments, False


# --- describe ---------------------------------------------------------------------------------------


@st.composite
def describe_call(draw) -> dict[str, Any]:
    connector = draw(st.sampled_from(list(REGISTRY)) | junk)
    arguments: dict[str, Any] = {} if draw(one_in(10)) else {"connector": connector}
    if draw(st.booleans()):
        entities = [e for c in REGISTRY.values() for e in c.catalog.entities]
        arguments["entity"] = draw(st.sampled_from(entities) | junk | huge_text)
    if draw(one_in(6)):
        arguments[draw(odd_text)] = draw(junk)
    return arguments


# --- ads_report -------------------------------------------------------------------------------------
LEVELS = ["account", "campaign_group", "campaign", "ad_group", "ad"]
REPORT_VALID: dict[str, st.SearchStrategy[Any]] = {
    "level": st.sampled_from(LEVELS),
    "date_preset": st.sampled_from(["yesterday", "last_7d", "last_week", "this_month", "last_month"]),
    "granularity": st.sampled_from(["total", "total", "total", "week", "month"]),  # by day is the slowest
    "platforms": st.sampled_from([["linkedin-ads"], ["tiktok-marketing"], ["linkedin-ads", "tiktok-marketing"], "linkedin-ads"]),
    "accounts": st.sampled_from([{"linkedin-ads": [ACCOUNT]}, {"tiktok-marketing": [ADVERTISER]}, {"linkedin-ads": ACCOUNT}]),
    "metrics": st.lists(st.sampled_from(METRICS), min_size=1, max_size=4, unique=True),
    "compare": st.sampled_from(["none", "previous_period", "previous_year"]),
    "sort": st.sampled_from(["spend desc", "clicks asc", "name", "period asc, clicks desc"]),
    "limit": st.integers(1, 10),
    "name_contains": st.sampled_from(["a", "Brand", "é"]),
}
# Broken for sure: None, "" and [] would mean "the default" (a valid, slow report).
wrong = junk.filter(lambda v: v not in (None, "", []))
REPORT_BROKEN: dict[str, st.SearchStrategy[Any]] = {
    "level": st.sampled_from(["Campaign", "adgroup", "creative", "", "all"]) | wrong,
    "date_preset": st.sampled_from(["last_999d", "LAST_7D", "lifetime", ""]) | wrong,
    "start_date": st.sampled_from(["2026-02-30", "26-01-01", "tomorrow", "0000-01-01", "9999-12-31"]) | wrong,
    "end_date": st.sampled_from(["2026-02-30", "2026/01/01", "", "1900-01-01"]) | wrong,
    "granularity": st.sampled_from(["hour", "DAY", "quarter"]) | wrong,
    "platforms": st.sampled_from([["facebook"], [""], "linkedin-ads,tiktok-marketing", [None], ["linkedin"]]) | wrong,
    "accounts": st.sampled_from([{"facebook": ["1"]}, {"linkedin-ads": [None]}, "{", '{"linkedin-ads": 5}', {"linkedin-ads": "abc"}]) | wrong,
    "metrics": st.sampled_from([["spendd"], ["costInLocalCurrency"], [""], "spend,clicks", [1]]) | wrong,
    "compare": st.sampled_from(["previous", "yoy", ""]) | wrong,
    "sort": st.sampled_from(["spend up", ",", "spend_change desc", "bogus", "spend desc desc", " , "]) | odd_text.filter(str.strip) | wrong,
    "limit": st.one_of(st.integers(-(2**64), 0), st.integers(1001, 2**64), st.floats(allow_nan=False), wrong),
    "name_contains": st.one_of(st.integers(), st.lists(odd_text, max_size=2), st.dictionaries(KEYS, scalars, max_size=2)),
}


@st.composite
def report_call(draw) -> tuple[dict[str, Any], bool]:
    names = draw(st.lists(st.sampled_from(list(REPORT_VALID)), max_size=4, unique=True))
    arguments = {n: draw(REPORT_VALID[n]) for n in names}
    if draw(one_in(REPORT_VALID_IN)):
        if draw(st.booleans()):
            start, end = sorted(draw(st.tuples(dates(), dates())))
            arguments.pop("date_preset", None)
            arguments.update(start_date=start, end_date=end)
        return arguments, True
    broken = draw(st.lists(st.sampled_from([*REPORT_BROKEN, "extra"]), min_size=1, max_size=3, unique=True))
    for name in broken:
        if name == "extra":
            arguments[draw(st.sampled_from(["entity", "params", "cursor", "fields", "platform"]) | odd_text)] = draw(junk)
        else:
            arguments[name] = draw(REPORT_BROKEN[name])
    return arguments, False
