"""Synthetic, deterministic LinkedIn Ads data for the sandbox (dates relative to today).

Three ad accounts (one test account); the main account has 8 campaign
groups, 120 campaigns (so analytics facet batching is exercised) and two
creatives per campaign. Entities agree with each other as in Campaign
Manager: type, format, objective and billing match; a paused or archived
group holds no running campaign; stopped campaigns stopped delivering on a
date before today and drafts never delivered. All people and leads are fake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ....params import today
from .templates import (
    AUDIENCES,
    CAMPAIGN_STATUSES,
    CREATIVE_STATUSES,
    DELETED_CAMPAIGNS,
    EMEA_ACCOUNT,
    GEO,
    GROUP_NAMES,
    GROUP_STATUSES,
    MAIN_ACCOUNT,
    PROFILES,
    ROLES,
    TEST_ACCOUNT,
    creative_content,
    delivery_window,
    markets,
    urn,
)


def ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc).timestamp() * 1000)


def stamp(day: dt.date) -> int:
    """When someone changed something that day: a time to the millisecond, as LinkedIn's audit stamps carry
    (Airbyte's sample campaign record: lastModified 1629664544760)."""
    return ms(day) + day.toordinal() * 7_919_377 % 3_600_000


def audit(created: dt.date, modified: dt.date) -> dict[str, Any]:
    return {"created": {"time": stamp(created)}, "lastModified": {"time": stamp(modified)}}


@dataclass
class Data:
    accounts: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    creatives: list[dict[str, Any]] = field(default_factory=list)
    conversions: list[dict[str, Any]] = field(default_factory=list)
    lead_forms: list[dict[str, Any]] = field(default_factory=list)
    lead_responses: list[dict[str, Any]] = field(default_factory=list)
    # campaign id → (first, last) day with delivery (analytics)
    runs: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)


def _account(
    account_id: int, name: str, currency: str, kind: str, test: bool, first: dt.date, status: str = "ACTIVE"
) -> dict[str, Any]:
    return {
        "id": account_id,
        "name": name,
        "currency": currency,
        "status": status,
        "type": kind,
        "reference": urn("organization", 90000 + account_id % 1000),
        "test": test,
        "servingStatuses": ["RUNNABLE"] if status == "ACTIVE" else ["ACCOUNT_TOTAL_BUDGET_HOLD"],
        "notifiedOnCampaignOptimization": True,
        "notifiedOnCreativeApproval": True,
        "notifiedOnCreativeRejection": True,
        "notifiedOnEndOfCampaign": False,
        "notifiedOnNewFeaturesEnabled": False,
        "version": {"versionTag": "3"},
        "changeAuditStamps": audit(first, first + dt.timedelta(days=30)),
    }


def _campaign(data: Data, cid: int, account_id: int, group: dict[str, Any], index: int, first: dt.date) -> None:
    status = CAMPAIGN_STATUSES[index % len(CAMPAIGN_STATUSES)]
    if group["status"] != "ACTIVE" and status not in ("COMPLETED", "ARCHIVED"):
        status = group["status"]  # a paused or archived group holds no running campaign
    kind, fmt, objective, optimization, cost_type, bid, stem = PROFILES[(index + index // 8) % len(PROFILES)]  # every template in every status
    start = first + dt.timedelta(days=(index * 3) % 300)
    runs = delivery_window(status, start, index)
    if account_id == MAIN_ACCOUNT:
        status = DELETED_CAMPAIGNS.get(index, status)  # deleted later: it keeps the delivery it had
    currency = "EUR" if account_id == EMEA_ACCOUNT else "USD"
    countries = markets(account_id)
    quarter = f"{start.year} Q{(start.month - 1) // 3 + 1}"
    schedule: dict[str, Any] = {"start": ms(start)}
    if status in ("COMPLETED", "ARCHIVED", "PENDING_DELETION") and runs:
        schedule["end"] = ms(runs[1])
    data.campaigns.append({
        "id": cid,
        "name": f"{quarter} | {stem} | {AUDIENCES[index % len(AUDIENCES)]} | {countries[0]}",
        "account": urn("sponsoredAccount", account_id),
        "campaignGroup": urn("sponsoredCampaignGroup", group["id"]),
        "status": status,
        "type": kind,
        "costType": cost_type,
        "format": fmt,
        "objectiveType": objective,
        "optimizationTargetType": optimization,
        "creativeSelection": "OPTIMIZED",
        "pacingStrategy": "LIFETIME" if status == "COMPLETED" else "DAILY",
        "audienceExpansionEnabled": kind == "SPONSORED_UPDATES" and index % 2 == 0,
        "offsiteDeliveryEnabled": kind == "SPONSORED_UPDATES" and objective == "WEBSITE_VISIT",
        "storyDeliveryEnabled": False,
        "test": account_id == TEST_ACCOUNT,
        "associatedEntity": urn("organization", 90000 + account_id % 1000),
        "connectedTelevisionOnly": False,
        "politicalIntent": "NOT_POLITICAL",
        "dailyBudget": {"amount": str(30 if kind == "TEXT_AD" else 60 + index % 6 * 30), "currencyCode": currency},
        "totalBudget": {"amount": "15000", "currencyCode": currency},
        "unitCost": {"amount": bid, "currencyCode": currency},
        "runSchedule": schedule,
        "locale": {"country": "DE" if account_id == EMEA_ACCOUNT else "US", "language": "de" if account_id == EMEA_ACCOUNT else "en"},
        # Campaign Manager always sets a profile language (interfaceLocales) beside the locations.
        "targetingCriteria": {"include": {"and": [
            {"or": {"urn:li:adTargetingFacet:locations": [urn("geo", GEO[c]) for c in countries]}},
            {"or": {"urn:li:adTargetingFacet:interfaceLocales": ["urn:li:locale:de_DE" if account_id == EMEA_ACCOUNT else "urn:li:locale:en_US"]}},
            {"or": {"urn:li:adTargetingFacet:seniorities": [urn("seniority", s) for s in (4, 5, 6, 7, 8)]}},
        ]}, "exclude": {"or": {"urn:li:adTargetingFacet:employers": [urn("organization", 90000 + account_id % 1000)]}}},  # fmt: skip
        "offsitePreferences": {},
        "servingStatuses": ["RUNNABLE"] if status == "ACTIVE" else ["CAMPAIGN_STATUS_NOT_ACTIVE"],
        "version": {"versionTag": str(2 + index % 5)},
        "changeAuditStamps": audit(start - dt.timedelta(days=3), runs[1] if runs else start),
    })  # fmt: skip
    if runs:
        data.runs[cid] = runs
    for k in range(2):
        number = cid * 10 + k
        # A running campaign always has a running first ad; a stopped campaign's ads are paused with it.
        intended = ("ACTIVE" if k == 0 else CREATIVE_STATUSES[index % len(CREATIVE_STATUSES)]) if status == "ACTIVE" else "PAUSED"
        creative = {
            "id": urn("sponsoredCreative", number),
            "name": f"{stem} - variant {'AB'[k]}",
            "account": urn("sponsoredAccount", account_id),
            "campaign": urn("sponsoredCampaign", cid),
            "intendedStatus": intended,
            "isServing": status == "ACTIVE" and intended == "ACTIVE",
            "isTest": account_id == TEST_ACCOUNT,
            "createdAt": stamp(start - dt.timedelta(days=1)),
            "createdBy": urn("person", "demoAlice"),
            "lastModifiedAt": stamp(start + dt.timedelta(days=2)),
            "lastModifiedBy": urn("person", "demoAlice"),
            "content": creative_content(kind, number, k),
            "review": {"status": "APPROVED"},
            "servingHoldReasons": [] if status == "ACTIVE" else ["CAMPAIGN_STOPPED"],
        }
        if objective == "LEAD_GENERATION":
            creative["leadgenCallToAction"] = {"destination": urn("adForm", 5000 + k), "label": "DOWNLOAD"}
        data.creatives.append(creative)


def _account_tree(data: Data, account_id: int, groups: int, campaigns: int, first: dt.date) -> None:
    group_rows = []
    for g in range(groups):
        gid = 600000000 + account_id % 1000 * 100 + g
        group_rows.append({
            "id": gid,
            "name": GROUP_NAMES[g % len(GROUP_NAMES)] + (f" ({g // len(GROUP_NAMES) + 1})" if g >= len(GROUP_NAMES) else ""),
            "account": urn("sponsoredAccount", account_id),
            "status": GROUP_STATUSES[g % len(GROUP_STATUSES)],
            "test": account_id == TEST_ACCOUNT,
            "backfilled": g == 0,
            "totalBudget": {"amount": "50000", "currencyCode": "EUR" if account_id == EMEA_ACCOUNT else "USD"},
            "runSchedule": {"start": ms(first)},
            "servingStatuses": ["RUNNABLE"] if GROUP_STATUSES[g % len(GROUP_STATUSES)] == "ACTIVE" else ["CAMPAIGN_GROUP_STATUS_HOLD"],
            "allowedCampaignTypes": ["SPONSORED_UPDATES", "TEXT_AD", "SPONSORED_INMAILS"],
            "changeAuditStamps": audit(first, first + dt.timedelta(days=g)),
        })  # fmt: skip
    data.groups.extend(group_rows)
    for i in range(campaigns):
        cid = 700000000 + account_id % 1000 * 1000 + i
        _campaign(data, cid, account_id, group_rows[i * 3 % groups], i, first)  # each status in several groups


def _people(data: Data, first: dt.date) -> None:
    for a, account_id in enumerate((MAIN_ACCOUNT, EMEA_ACCOUNT, TEST_ACCOUNT)):
        for u, name in enumerate(("demoAlice", "demoBob", "demoCarol", "demoDan")[: 4 - a]):
            data.users.append({
                "account": urn("sponsoredAccount", account_id),
                "user": urn("person", name),
                "role": ROLES[(a + u) % len(ROLES)],
                "changeAuditStamps": audit(first, first),
            })  # fmt: skip


def _conversions_and_leads(data: Data, first: dt.date) -> None:
    main = urn("sponsoredAccount", MAIN_ACCOUNT)
    campaign_urns = [urn("sponsoredCampaign", c["id"]) for c in data.campaigns if c["account"] == main]
    lead_gen = [urn("sponsoredCampaign", c["id"]) for c in data.campaigns
                if c["account"] == main and c["objectiveType"] == "LEAD_GENERATION" and c["status"] == "ACTIVE"]  # fmt: skip
    names = ("Demo signup", "Demo purchase", "Demo download", "Demo lead", "Demo key page", "Pricing page, US",
             "Pricing page, EU", "Webinar signup", "Trial start", "Contact sales", "Newsletter", "Demo booked")
    kinds = ("SIGN_UP", "PURCHASE", "DOWNLOAD", "LEAD", "KEY_PAGE_VIEW")
    for i, name in enumerate(names):
        data.conversions.append({
            "id": 810000 + i, "name": name, "account": main, "type": kinds[i % len(kinds)],
            "attributionType": "LAST_TOUCH_BY_CAMPAIGN", "ownershipType": "ACCOUNT", "conversionMethod": "INSIGHT_TAG",
            "valueType": "FIXED", "enabled": i != 4, "created": ms(first), "lastModified": ms(first + dt.timedelta(days=i)),
            "postClickAttributionWindowSize": 30, "viewThroughAttributionWindowSize": 7,
            "campaigns": campaign_urns[i * 3 : i * 3 + 3], "associatedCampaigns": [], "imagePixelTag": "",
            "lastCallbackAt": ms(today()), "latestFirstPartyCallbackAt": ms(today()),
            "urlMatchRuleExpression": [], "urlRules": [{"type": "STARTS_WITH", "matchValue": "https://example.com/thanks"}],
            "value": {"amount": str(10 * (i + 1)), "currencyCode": "USD"},
        })  # fmt: skip
    for f in range(7):
        form_id = 5000 + f
        data.lead_forms.append({
            "id": form_id, "name": f"Demo lead form {f + 1}", "owner": {"sponsoredAccount": main},
            "state": "DRAFT" if f == 2 else "PUBLISHED", "creationLocale": {"country": "US", "language": "en"},
            "content": {"headline": {"localized": {"en_US": "Get the demo report"}}, "description": {"localized": {"en_US": "Synthetic form"}},
                        "questions": [{"questionId": 1, "name": "email", "predefinedField": "EMAIL"}],
                        "legalInfo": {"legalInfoId": 1}, "postSubmissionInfo": {"landingPageUrl": "https://example.com/"}},
            "created": ms(first), "lastModified": ms(first), "hiddenFields": [], "reviewInfo": {"status": "APPROVED"},
            "versionId": 1, "versionTag": "1",
        })  # fmt: skip
    for r in range(12):
        submitted = today() - dt.timedelta(days=r * 5)
        data.lead_responses.append({
            # LinkedIn's lead record names its form only as versionedLeadGenFormUrn and its campaign in
            # leadMetadata (Lead Sync FetchFullLeadData schema); there is no `form` key.
            "id": f"demo-lead-{r + 1:04d}", "leadType": "SPONSORED",
            "owner": {"sponsoredAccount": main}, "ownerInfo": {}, "leadMetadataInfo": {},
            "leadMetadata": {"sponsoredLeadMetadata": {"campaign": lead_gen[r % len(lead_gen)]}},
            "associatedEntity": {"associatedCreative": f"urn:li:sponsoredCreative:{7006780000 + r}"}, "associatedEntityInfo": {},
            "submittedAt": ms(submitted), "responseId": f"demo-response-{r + 1}",
            "formResponse": {"answers": [{"questionId": 1, "answerDetails": {"textQuestionAnswer": {"answer": f"fake.lead{r + 1}@example.com"}}}],
                             "consentResponses": []},
            "testLead": True, "submitter": urn("person", f"fakeLead{r + 1}"),
            "versionedLeadGenFormUrn": f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{5000 + r % 2},1)",
        })  # fmt: skip


def build() -> Data:
    first = today() - dt.timedelta(days=420)
    data = Data()
    data.accounts = [
        _account(MAIN_ACCOUNT, "Northwind Demo Co", "USD", "BUSINESS", False, first),
        _account(EMEA_ACCOUNT, "Contoso, EMEA (demo)", "EUR", "ENTERPRISE", False, first),
        _account(TEST_ACCOUNT, "Sandbox Test Account", "USD", "BUSINESS", True, first),
    ]
    _account_tree(data, MAIN_ACCOUNT, 8, 120, first)
    _account_tree(data, EMEA_ACCOUNT, 2, 6, first)
    _account_tree(data, TEST_ACCOUNT, 1, 2, first)
    _people(data, first)
    _conversions_and_leads(data, first)
    return data
