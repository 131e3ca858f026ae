"""Synthetic, deterministic LinkedIn Ads data for the sandbox (dates relative to today).

Three ad accounts (one test account); the main account has 8 campaign
groups, 120 campaigns (so analytics facet batching is exercised) and two
creatives per campaign. All people and leads are obviously fake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...params import today

MAIN_ACCOUNT, EMEA_ACCOUNT, TEST_ACCOUNT = 512345678, 523456789, 534567890
CAMPAIGN_STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "PAUSED", "ACTIVE", "COMPLETED", "ARCHIVED", "DRAFT")
GROUP_STATUSES = ("ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED", "ACTIVE", "DRAFT", "ACTIVE", "CANCELED")
CREATIVE_STATUSES = ("ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED")
ROLES = ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER")


def urn(kind: str, value: int | str) -> str:
    return f"urn:li:{kind}:{value}"


def ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc).timestamp() * 1000)


def audit(created: dt.date, modified: dt.date) -> dict[str, Any]:
    return {"created": {"time": ms(created)}, "lastModified": {"time": ms(modified)}}


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
    # campaign id → first day with delivery (analytics)
    starts: dict[int, dt.date] = field(default_factory=dict)


def _account(account_id: int, name: str, currency: str, kind: str, test: bool, first: dt.date) -> dict[str, Any]:
    return {
        "id": account_id,
        "name": name,
        "currency": currency,
        "status": "ACTIVE",
        "type": kind,
        "reference": urn("organization", 90000 + account_id % 1000),
        "test": test,
        "servingStatuses": ["RUNNABLE"],
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
    start = first + dt.timedelta(days=(index * 3) % 300)
    currency = "EUR" if account_id == EMEA_ACCOUNT else "USD"
    data.campaigns.append({
        "id": cid,
        "name": f"{'Brand' if index % 2 else 'Leads'} campaign {index + 1:03d}",
        "account": urn("sponsoredAccount", account_id),
        "campaignGroup": urn("sponsoredCampaignGroup", group["id"]),
        "status": status,
        "type": ("SPONSORED_UPDATES", "TEXT_AD", "SPONSORED_INMAILS")[index % 3],
        "costType": ("CPM", "CPC")[index % 2],
        "format": ("SINGLE_IMAGE", "VIDEO", "CAROUSEL", "TEXT_AD")[index % 4],
        "objectiveType": ("BRAND_AWARENESS", "LEAD_GENERATION", "WEBSITE_VISIT")[index % 3],
        "optimizationTargetType": "MAX_CLICK",
        "creativeSelection": "OPTIMIZED",
        "pacingStrategy": "LIFETIME",
        "audienceExpansionEnabled": index % 2 == 0,
        "offsiteDeliveryEnabled": False,
        "storyDeliveryEnabled": False,
        "test": account_id == TEST_ACCOUNT,
        "associatedEntity": urn("organization", 90000 + account_id % 1000),
        "connectedTelevisionOnly": False,
        "politicalIntent": "NOT_POLITICAL",
        "dailyBudget": {"amount": str(50 + index % 7 * 25), "currencyCode": currency},
        "totalBudget": {"amount": "10000", "currencyCode": currency},
        "unitCost": {"amount": "6.5", "currencyCode": currency},
        "runSchedule": {"start": ms(start)},
        "locale": {"country": "US", "language": "en"},
        "targetingCriteria": {"include": {"and": [{"or": {"urn:li:adTargetingFacet:locations": ["urn:li:geo:103644278"]}}]}},
        "offsitePreferences": {},
        "servingStatuses": ["RUNNABLE"] if status == "ACTIVE" else ["CAMPAIGN_STATUS_NOT_ACTIVE"],
        "version": {"versionTag": "2"},
        "changeAuditStamps": audit(start, start + dt.timedelta(days=5)),
    })  # fmt: skip
    if status != "DRAFT":
        data.starts[cid] = start
    for k in range(2):
        number = cid * 10 + k
        data.creatives.append({
            "id": urn("sponsoredCreative", number),
            "name": f"Ad {k + 1} of campaign {index + 1:03d}",
            "account": urn("sponsoredAccount", account_id),
            "campaign": urn("sponsoredCampaign", cid),
            "intendedStatus": CREATIVE_STATUSES[(index + k) % len(CREATIVE_STATUSES)],
            "isServing": status == "ACTIVE",
            "isTest": account_id == TEST_ACCOUNT,
            "createdAt": ms(start),
            "createdBy": urn("person", "demoAlice"),
            "lastModifiedAt": ms(start + dt.timedelta(days=2)),
            "lastModifiedBy": urn("person", "demoAlice"),
            "content": {"reference": urn("share", 7000000000 + number)},
            "review": {"status": "APPROVED"},
            "servingHoldReasons": [],
            "leadgenCallToAction": {"destination": urn("adForm", 5000 + k), "label": "LEARN_MORE"},
        })  # fmt: skip


def _account_tree(data: Data, account_id: int, groups: int, campaigns: int, first: dt.date) -> None:
    group_rows = []
    for g in range(groups):
        gid = 600000000 + account_id % 1000 * 100 + g
        group_rows.append({
            "id": gid,
            "name": f"Group {g + 1}: {('Q1 brand', 'Q2 leads', 'Always on', 'Retargeting')[g % 4]}",
            "account": urn("sponsoredAccount", account_id),
            "status": GROUP_STATUSES[g % len(GROUP_STATUSES)],
            "test": account_id == TEST_ACCOUNT,
            "backfilled": g == 0,
            "totalBudget": {"amount": "50000", "currencyCode": "USD"},
            "runSchedule": {"start": ms(first)},
            "servingStatuses": ["RUNNABLE"],
            "allowedCampaignTypes": ["SPONSORED_UPDATES", "TEXT_AD", "SPONSORED_INMAILS"],
            "changeAuditStamps": audit(first, first + dt.timedelta(days=g)),
        })  # fmt: skip
    data.groups.extend(group_rows)
    for i in range(campaigns):
        cid = 700000000 + account_id % 1000 * 1000 + i
        _campaign(data, cid, account_id, group_rows[i % groups], i, first)


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
    for i, name in enumerate(("Demo signup", "Demo purchase", "Demo download", "Demo lead", "Demo key page")):
        data.conversions.append({
            "id": 810000 + i, "name": name, "account": main, "type": ("SIGN_UP", "PURCHASE", "DOWNLOAD", "LEAD", "KEY_PAGE_VIEW")[i],
            "attributionType": "LAST_TOUCH_BY_CAMPAIGN", "ownershipType": "ACCOUNT", "conversionMethod": "INSIGHT_TAG",
            "valueType": "FIXED", "enabled": i != 4, "created": ms(first), "lastModified": ms(first + dt.timedelta(days=i)),
            "postClickAttributionWindowSize": 30, "viewThroughAttributionWindowSize": 7,
            "campaigns": campaign_urns[i * 3 : i * 3 + 3], "associatedCampaigns": [], "imagePixelTag": "",
            "lastCallbackAt": ms(today()), "latestFirstPartyCallbackAt": ms(today()),
            "urlMatchRuleExpression": [], "urlRules": [{"type": "STARTS_WITH", "matchValue": "https://example.com/thanks"}],
            "value": {"amount": str(10 * (i + 1)), "currencyCode": "USD"},
        })  # fmt: skip
    for f in range(3):
        form_id = 5000 + f
        data.lead_forms.append({
            "id": form_id, "name": f"Demo lead form {f + 1}", "owner": {"sponsoredAccount": main},
            "state": ("PUBLISHED", "PUBLISHED", "DRAFT")[f], "creationLocale": {"country": "US", "language": "en"},
            "content": {"headline": {"localized": {"en_US": "Get the demo report"}}, "description": {"localized": {"en_US": "Synthetic form"}},
                        "questions": [{"questionId": 1, "name": "email", "predefinedField": "EMAIL"}],
                        "legalInfo": {"legalInfoId": 1}, "postSubmissionInfo": {"landingPageUrl": "https://example.com/"}},
            "created": ms(first), "lastModified": ms(first), "hiddenFields": [], "reviewInfo": {"status": "APPROVED"},
            "versionId": 1, "versionTag": "1",
        })  # fmt: skip
    for r in range(12):
        submitted = today() - dt.timedelta(days=r * 5)
        data.lead_responses.append({
            "id": f"demo-lead-{r + 1:04d}", "leadType": "SPONSORED", "form": urn("leadGenForm", 5000 + r % 2),
            "owner": {"sponsoredAccount": main}, "ownerInfo": {}, "leadMetadata": {}, "leadMetadataInfo": {},
            "associatedEntity": {"sponsoredCampaign": campaign_urns[r]}, "associatedEntityInfo": {},
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
        _account(EMEA_ACCOUNT, "Contoso EMEA (demo)", "EUR", "ENTERPRISE", False, first),
        _account(TEST_ACCOUNT, "Sandbox Test Account", "USD", "BUSINESS", True, first),
    ]
    _account_tree(data, MAIN_ACCOUNT, 8, 120, first)
    _account_tree(data, EMEA_ACCOUNT, 2, 6, first)
    _account_tree(data, TEST_ACCOUNT, 1, 2, first)
    _people(data, first)
    _conversions_and_leads(data, first)
    return data
