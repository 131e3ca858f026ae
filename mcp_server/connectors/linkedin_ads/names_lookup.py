"""Where analytics names come from, per backend: batched LinkedIn lookups (direct), listings and the
standardized tables (hosted). Each returns a names.Lookup, or None when the pivot needs none."""

from __future__ import annotations

import weakref
from typing import Any

from ...budget import affords
from . import restli
from .api import path_of
from .names import (
    ENTITY_BATCH,
    STANDARD_NAMES,
    TARGETING_BATCH,
    Lookup,
    NameCache,
    batched,
    fallback_warning,
)
from .params import CAMPAIGN_STATUSES

_CACHES: weakref.WeakKeyDictionary[Any, NameCache] = weakref.WeakKeyDictionary()


def cache_for(owner: Any) -> NameCache:
    """One name cache per backend (the direct backend's api, or the hosted backend); a fresh one for none."""
    if owner is None:
        return NameCache()
    return _CACHES.setdefault(owner, NameCache())


def _account_ids(accounts: list[str]) -> list[str]:
    return [restli.urn_id(restli.to_urn("account", a)) for a in accounts]


def direct_lookup(api: Any, pivot: str, accounts: list[str]) -> Lookup | None:
    """Campaigns and creatives within the report's accounts; member URNs through adTargetingEntities."""
    if pivot in ("MEMBER_COMPANY_SIZE", "IMPRESSION_DEVICE_TYPE"):
        return None
    if pivot in ("CAMPAIGN", "CREATIVE"):
        return _entity_lookup(api, pivot, _account_ids(accounts))

    async def targeting(batch: list[str]) -> dict[str, str]:
        # QUERY_USES_URNS: without it LinkedIn answers in the legacy shape, with `value` instead of `urn`.
        query = [("q", "urns"), ("queryVersion", "QUERY_USES_URNS"), ("urns", batch)]
        body = await api.get("adTargetingEntities", query)
        return {str(e["urn"]): str(e["name"]) for e in body.get("elements") or [] if e.get("urn") and e.get("name")}

    async def lookup(values: list[str]) -> tuple[dict[str, str], list[str]]:
        return await batched(values, TARGETING_BATCH, "Targeting", targeting)

    return lookup


def _entity_lookup(api: Any, pivot: str, account_ids: list[str]) -> Lookup:
    what = "Campaign" if pivot == "CAMPAIGN" else "Creative"

    async def one_account(account_id: str, batch: list[str]) -> dict[str, str]:
        if pivot == "CAMPAIGN":
            # Every status named: reports count deleted campaigns, which LinkedIn's default search may leave out.
            search = {"id": {"values": batch}, "status": {"values": list(CAMPAIGN_STATUSES)}}
            path, query = path_of("adAccounts", account_id, "adCampaigns"), [("q", "search"), ("search", search)]
        else:
            path, query = path_of("adAccounts", account_id, "creatives"), [("q", "criteria"), ("creatives", batch)]
        found: dict[str, str] = {}
        token = None
        # LinkedIn leaves broken records out of a page, so a page can be short with more to come: follow the token.
        while True:
            page = [*query, ("pageSize", ENTITY_BATCH), ("pageToken", token)]
            body = await api.get(path, page, finder=pivot == "CREATIVE")
            for element in body.get("elements") or []:
                key = restli.listed_urn("campaign" if pivot == "CAMPAIGN" else "creative", element.get("id"))
                if key and element.get("name"):  # a record without a usable id names nothing
                    found[key] = str(element["name"])
            token = (body.get("metadata") or {}).get("nextPageToken")
            if not token or len(found) >= len(batch) or not affords(1):
                return found

    async def lookup(values: list[str]) -> tuple[dict[str, str], list[str]]:
        if not account_ids:
            return {}, [fallback_warning(what, values, "no account is known: pass params.account_id or set LINKEDIN_ADS_ACCOUNT_ID")]
        found: dict[str, str] = {}
        warnings: list[str] = []
        for account_id in account_ids:  # a campaign lives in one account: ask the next only for the rest
            rest = [v for v in values if v not in found]
            if not rest:
                break
            names, notes = await batched(rest, ENTITY_BATCH, what, lambda b, a=account_id: one_account(a, b))
            found |= names
            warnings += notes
        return found, warnings

    return lookup


def hosted_targeting_lookup(pivot: str) -> Lookup | None:
    """Airbyte's hosted connector declares no targeting lookup: LinkedIn's standardized lists, else the URN."""
    if pivot in ("CAMPAIGN", "CREATIVE", "MEMBER_COMPANY_SIZE", "IMPRESSION_DEVICE_TYPE"):
        return None

    async def lookup(values: list[str]) -> tuple[dict[str, str], list[str]]:
        found = {v: STANDARD_NAMES[v] for v in values if v in STANDARD_NAMES}
        rest = [v for v in values if v not in found]
        why = "Airbyte's hosted API has no LinkedIn targeting lookup; direct mode (LINKEDIN_ADS_MODE=direct) names them"
        return found, [fallback_warning("Targeting", rest, why)] if rest else []

    return lookup
