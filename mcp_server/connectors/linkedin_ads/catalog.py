"""The LinkedIn Ads catalog: entities, actions, params, pagination and main fields."""

from __future__ import annotations

from ...catalog import Action, Catalog, entity
from ...connector import deferred
from . import params as p
from .analytics_params import METRICS, PIVOTS, AnalyticsParams
from .names import ENTITY_PIVOTS
from .names import PREFIX as NAME_PREFIX

# No documented maximum page size: 500 is what Airbyte allows (LinkedIn's offset finders take up to 1000);
# creatives take at most 100.
PAGE_MAX = 500
CREATIVES_PAGE_MAX = 100
ACCOUNT_NOTE = "account_id defaults to LINKEDIN_ADS_ACCOUNT_ID; `accounts list` shows the ids."


_STATUS_WORDS = {"ARCHIVED": "archived", "COMPLETED": "completed", "CANCELED": "canceled", "DRAFT": "draft",
                 "PENDING_DELETION": "deleted", "REMOVED": "deleted"}  # fmt: skip


def _status_note(statuses: tuple[str, ...]) -> str:
    # The request names every status, as Airbyte's connector does for campaigns and groups: LinkedIn's search
    # default leaves deleted objects out, yet their past delivery still counts in report totals.
    *others, last = dict.fromkeys(_STATUS_WORDS[s] for s in statuses if s in _STATUS_WORDS)
    return (
        f"No status filter = every status, named in the request ({', '.join(statuses)}), so {', '.join(others)} and "
        f"{last} ones are listed too, as report totals count them; pass status to narrow. name is exact; a plain "
        "string is one name, commas included."
    )

ACCOUNT_FIELDS = (
    "id", "name", "currency", "status", "type", "reference", "test", "servingStatuses",
    "notifiedOnCampaignOptimization", "notifiedOnCreativeApproval", "notifiedOnCreativeRejection",
    "notifiedOnEndOfCampaign", "notifiedOnNewFeaturesEnabled", "version", "changeAuditStamps",
)  # fmt: skip
ACCOUNT_USER_FIELDS = ("account", "user", "role", "changeAuditStamps")
CAMPAIGN_FIELDS = (
    "id", "name", "account", "campaignGroup", "status", "type", "costType", "format", "objectiveType",
    "optimizationTargetType", "creativeSelection", "pacingStrategy", "audienceExpansionEnabled",
    "offsiteDeliveryEnabled", "storyDeliveryEnabled", "test", "associatedEntity", "connectedTelevisionOnly",
    "politicalIntent", "dailyBudget", "totalBudget", "unitCost", "runSchedule", "locale", "targetingCriteria",
    "offsitePreferences", "servingStatuses", "version", "changeAuditStamps",
)  # fmt: skip
CAMPAIGN_GROUP_FIELDS = (
    "id", "name", "account", "status", "test", "backfilled", "totalBudget", "runSchedule", "servingStatuses",
    "allowedCampaignTypes", "changeAuditStamps",
)  # fmt: skip
CREATIVE_FIELDS = (
    "id", "name", "account", "campaign", "intendedStatus", "isServing", "isTest", "createdAt", "createdBy",
    "lastModifiedAt", "lastModifiedBy", "content", "review", "servingHoldReasons", "leadgenCallToAction",
)  # fmt: skip
CONVERSION_FIELDS = (
    "id", "name", "account", "type", "attributionType", "ownershipType", "conversionMethod", "valueType",
    "enabled", "created", "lastModified", "postClickAttributionWindowSize", "viewThroughAttributionWindowSize",
    "campaigns", "associatedCampaigns", "imagePixelTag", "lastCallbackAt", "latestFirstPartyCallbackAt",
    "urlMatchRuleExpression", "urlRules", "value",
)  # fmt: skip
LEAD_FORM_FIELDS = (
    "id", "name", "owner", "state", "content", "created", "lastModified", "creationLocale", "hiddenFields",
    "reviewInfo", "versionId", "versionTag",
)  # fmt: skip
LEAD_RESPONSE_FIELDS = (
    "id", "leadType", "versionedLeadGenFormUrn", "owner", "ownerInfo", "leadMetadata", "leadMetadataInfo",
    "associatedEntity", "associatedEntityInfo", "submittedAt", "responseId", "formResponse", "testLead", "submitter",
)  # fmt: skip


def analytics_fields(pivot: str) -> tuple[str, ...]:
    """A row's fields: dates, pivotValues, the readable pair names.py adds for the pivot, then metrics."""
    prefix = NAME_PREFIX[pivot]
    named = (f"{prefix}_id", f"{prefix}_name") if pivot in ENTITY_PIVOTS else (f"{prefix}_name",)
    return ("start_date", "end_date", "pivotValues", *named, *METRICS)


# Default fields: what Campaign Manager's tables show (name, status, type/objective, budget, bid, schedule,
# created/modified, parents). Left out: targetingCriteria, creative content, form content and lead answers, which
# are most of a record's size; `fields: ["*"]` returns them.
AUDIT_TIMES = ("changeAuditStamps.created.time", "changeAuditStamps.lastModified.time")
ACCOUNT_DEFAULTS = ("id", "name", "status", "type", "currency", "test", "servingStatuses", *AUDIT_TIMES)
ACCOUNT_USER_DEFAULTS = ("account", "user", "role", *AUDIT_TIMES)
CAMPAIGN_GROUP_DEFAULTS = ("id", "name", "account", "status", "totalBudget", "runSchedule", "servingStatuses", *AUDIT_TIMES)
# Campaigns: Campaign Manager's columns only (no audit times, servingStatuses, type or account, all one field away),
# so a default list stays under 0.3x LinkedIn's JSON.
CAMPAIGN_DEFAULTS = (
    "id", "name", "campaignGroup", "status", "objectiveType", "costType", "dailyBudget", "totalBudget", "unitCost",
    "runSchedule",
)  # fmt: skip
CREATIVE_DEFAULTS = (
    "id", "name", "account", "campaign", "intendedStatus", "isServing", "servingHoldReasons", "review.status",
    "createdAt", "lastModifiedAt",
)  # fmt: skip
CONVERSION_DEFAULTS = (
    "id", "name", "account", "type", "enabled", "attributionType", "conversionMethod", "value",
    "postClickAttributionWindowSize", "viewThroughAttributionWindowSize", "created", "lastModified", "lastCallbackAt",
)  # fmt: skip
LEAD_FORM_DEFAULTS = ("id", "name", "owner", "state", "created", "lastModified")
# The form is versionedLeadGenFormUrn and the campaign leadMetadata.sponsoredLeadMetadata.campaign (Lead Sync schema).
LEAD_RESPONSE_DEFAULTS = (
    "id", "leadType", "versionedLeadGenFormUrn", "leadMetadata", "associatedEntity", "submittedAt", "testLead",
)  # fmt: skip

ANALYTICS_NOTE = (
    "No vendor paging: one report (an answer at LinkedIn's 15,000-row cap is split by date and asked again; "
    "meta.warnings says when rows may still be missing). "
    "Default facet: the account_id account. Rows: start_date/end_date (ISO), pivotValues, metrics (decimals as "
    "numbers), ordered by (start_date, pivotValues); a cursor resumes after the last row's key. More than 18 "
    "metrics are fetched in several calls and merged. A metric the pivot does not report is refused before any "
    "request, naming the entities that report it. An empty report may mean no delivery or no access; "
    "meta.warnings says so."
)


def _cursor_list(
    summary: str, params, *fields: str, defaults: tuple[str, ...], page_max: int = PAGE_MAX, notes: str = ACCOUNT_NOTE
) -> Action:
    return Action("list", summary, params, "cursor", fields, page_max, notes, default_fields=defaults)


def _offset_list(summary: str, params, *fields: str, defaults: tuple[str, ...], notes: str = ACCOUNT_NOTE) -> Action:
    return Action("list", summary, params, "offset", fields, PAGE_MAX, notes, default_fields=defaults)


def _get(summary: str, params, *fields: str, defaults: tuple[str, ...], notes: str = "") -> Action:
    return Action("get", summary, params, "none", fields, None, notes, default_fields=defaults)


def _write(name: str, summary: str, params: str, notes: str = "") -> Action:
    """A write action: a call previews the change (reads, plans, never writes); apply_change applies it. Its params
    model (`params`, a name in write_params.py) is built at its first use: tools/list does not show it."""
    return Action(name, summary, deferred(f"{__package__}.write_params", params), notes=notes, write=True)


UPDATE_NOTE = 'Airbyte\'s envelope patch {"$set": {...}} or the fields as params; $set replaces each field whole.'


def _analytics(name: str) -> object:
    pivot = PIVOTS[name]
    facet = "creatives" if pivot == "CREATIVE" else "campaigns"
    return entity(
        name,
        f"Ad performance by {pivot} (adAnalytics pivot={pivot}); filter with {facet}, accounts or campaignGroups.",
        Action("list", f"Metrics per {pivot} per day/month/all.", AnalyticsParams, "none", analytics_fields(pivot),
               None, ANALYTICS_NOTE, resume_key=("start_date", "pivotValues")),
    )  # fmt: skip


CATALOG = Catalog.of(
    entity(
        "accounts",
        "Ad accounts the token can read.",
        _cursor_list("Ad accounts, optionally filtered by ids, status, type, test, name.", p.AccountsList,
                     *ACCOUNT_FIELDS, defaults=ACCOUNT_DEFAULTS,
                     notes=f"Needs no account_id. {_status_note(p.ACCOUNT_STATUSES)}"),
        _get("One ad account.", p.AccountsGet, *ACCOUNT_FIELDS, defaults=ACCOUNT_DEFAULTS),
        _write("create", "Create a BUSINESS ad account.", "AccountsCreate"),
        _write("update", "Change an ad account (name, status, ...).", "AccountsUpdate", UPDATE_NOTE),
        _write("delete", "Delete a DRAFT ad account (others: update status PENDING_DELETION).", "AccountsDelete"),
    ),  # fmt: skip
    entity(
        "account_users",
        "Members with a role on an ad account.",
        _offset_list("Users and roles of an account (no account at all: your roles on every account).",
                     p.AccountUsersList, *ACCOUNT_USER_FIELDS, defaults=ACCOUNT_USER_DEFAULTS),
        _write("create", "Give a member a role on an ad account (PUT on (account, user)).", "AccountUsersCreate"),
        _write("update", "Change a member's role on an ad account.", "AccountUsersUpdate", UPDATE_NOTE),
        _write("delete", "Remove a member from an ad account.", "AccountUsersDelete"),
    ),  # fmt: skip
    entity(
        "campaign_groups",
        "Campaign groups of an ad account.",
        _cursor_list("Campaign groups, optionally filtered by status, name, test.", p.CampaignGroupsList,
                     *CAMPAIGN_GROUP_FIELDS, defaults=CAMPAIGN_GROUP_DEFAULTS,
                     notes=f"{ACCOUNT_NOTE} {_status_note(p.GROUP_STATUSES)}"),
        _get("One campaign group.", p.CampaignGroupsGet, *CAMPAIGN_GROUP_FIELDS, defaults=CAMPAIGN_GROUP_DEFAULTS,
             notes=ACCOUNT_NOTE),
        _write("create", "Create a campaign group (DRAFT unless status says otherwise).", "CampaignGroupsCreate"),
        _write("update", "Change a campaign group: status, name, totalBudget, runSchedule.", "CampaignGroupsUpdate", UPDATE_NOTE),
        _write("delete", "Delete a DRAFT campaign group (others: update status PENDING_DELETION).", "CampaignGroupsDelete"),
    ),  # fmt: skip
    entity(
        "campaigns",
        "Campaigns of an ad account.",
        _cursor_list("Campaigns, optionally filtered by status, campaignGroup, type, name, test.", p.CampaignsList,
                     *CAMPAIGN_FIELDS, defaults=CAMPAIGN_DEFAULTS,
                     notes=f"{ACCOUNT_NOTE} {_status_note(p.CAMPAIGN_STATUSES)}"),
        _get("One campaign.", p.CampaignsGet, *CAMPAIGN_FIELDS, defaults=CAMPAIGN_DEFAULTS, notes=ACCOUNT_NOTE),
        _write("create", "Create a campaign (DRAFT unless status says otherwise).", "CampaignsCreate"),
        _write("update", "Change a campaign: status (pause/resume), budgets, bid, schedule, name, targeting.", "CampaignsUpdate",
               UPDATE_NOTE),
        _write("delete", "Delete a DRAFT campaign (others: update status PENDING_DELETION).", "CampaignsDelete"),
    ),  # fmt: skip
    entity(
        "creatives",
        "Creatives (ads) of an ad account; ids are URNs (urn:li:sponsoredCreative:<id>).",
        _cursor_list("Creatives, optionally filtered by campaigns, creatives, intendedStatuses.", p.CreativesList,
                     *CREATIVE_FIELDS, defaults=CREATIVE_DEFAULTS, page_max=CREATIVES_PAGE_MAX),
        _get("One creative.", p.CreativesGet, *CREATIVE_FIELDS, defaults=CREATIVE_DEFAULTS, notes=ACCOUNT_NOTE),
        _write("create", "Create a creative in a campaign (intendedStatus DRAFT unless given).", "CreativesCreate"),
        _write("update", "Change a creative: intendedStatus, name, leadgenCallToAction.", "CreativesUpdate", UPDATE_NOTE),
        _write("delete", "Delete a DRAFT creative (others: update intendedStatus PENDING_DELETION).", "CreativesDelete"),
    ),  # fmt: skip
    entity(
        "conversions",
        "Conversion rules (Insight Tag / CAPI) of an ad account.",
        _offset_list("Conversion rules of an account.", p.ConversionsList, *CONVERSION_FIELDS,
                     defaults=CONVERSION_DEFAULTS),
        _get("One conversion rule.", p.ConversionsGet, *CONVERSION_FIELDS, defaults=CONVERSION_DEFAULTS,
             notes=f"LinkedIn reads a conversion rule within its account (?account=). {ACCOUNT_NOTE}"),
        _write("create", "Create a conversion rule.", "ConversionsCreate"),
        _write("update", "Change a conversion rule (enabled=false retires it; there is no delete).", "ConversionsUpdate", UPDATE_NOTE),
    ),  # fmt: skip
    entity(
        "conversion_events",
        "Offline conversion events sent to LinkedIn's Conversions API (write-only).",
        _write("create", "Upload up to 5,000 conversion events (BATCH_CREATE); results per event.", "ConversionEventsCreate"),
    ),
    entity(
        "campaign_conversions",
        "Associations of campaigns with conversion rules (write-only; `conversions list` shows them as campaigns).",
        _write("create", "Associate a campaign with a conversion rule.", "CampaignConversionKey"),
        _write("delete", "Remove a campaign's association with a conversion rule.", "CampaignConversionKey"),
    ),  # fmt: skip
    entity(
        "lead_forms",
        "Lead Gen Forms owned by an ad account.",
        _offset_list("Lead forms of an account.", p.LeadFormsList, *LEAD_FORM_FIELDS, defaults=LEAD_FORM_DEFAULTS),
    ),
    entity(
        "lead_form_responses",
        "Submitted Lead Gen Form responses (contain personal data).",
        _offset_list("Lead form responses of an account (leadType default SPONSORED).", p.LeadFormResponsesList,
                     *LEAD_RESPONSE_FIELDS, defaults=LEAD_RESPONSE_DEFAULTS),
    ),  # fmt: skip
    *(_analytics(name) for name in PIVOTS),
)
