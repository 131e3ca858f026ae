"""Param models for every LinkedIn Ads action.

Names follow LinkedIn (and Airbyte's hosted API): account_id, pageSize,
pageToken, start, count, dateRange, campaigns, ... Values can be written
without Rest.li: ids or URNs (or lists of either) for references, plain lists
for status filters, {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"} for dates.
Ready-made Rest.li strings are accepted too and parsed, so nothing is encoded twice.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from ...params import Params, TextList, as_list, is_digits
from . import restli

ACCOUNT_FALLBACK = "Default: LINKEDIN_ADS_ACCOUNT_ID."


def _ref(kind: str, value: Any) -> str:
    return restli.urn_id(restli.to_urn(kind, value))


def _upper_list(value: Any) -> Any:
    if isinstance(value, str):
        value = restli.decode(value.strip()) if value.strip().startswith("List(") else as_list(value)
    if isinstance(value, list):
        return [v.strip().upper() if isinstance(v, str) else v for v in value]
    return value


def _rest_li_object(value: Any) -> Any:
    if isinstance(value, str) and value.strip().startswith("("):
        return restli.decode(value)
    return value


def Ref(kind: str) -> Any:  # noqa: N802 - reads as a type in the models below
    """A numeric id, or a URN of `kind` (raw or percent-encoded) → the numeric id."""
    return Annotated[str, BeforeValidator(functools.partial(_ref, kind))]


def Urns(kind: str) -> Any:  # noqa: N802
    """Ids, URNs, a list of either, a comma list or Rest.li `List(...)` → a list of URNs."""
    return Annotated[list[str], BeforeValidator(functools.partial(restli.to_urns, kind))]


def Enums(*values: str) -> Any:  # noqa: N802
    return Annotated[list[Literal[values]], BeforeValidator(_upper_list)]  # type: ignore[valid-type]


SearchObject = Annotated[dict[str, Any], BeforeValidator(_rest_li_object)]
# Every status each search finder takes (Microsoft's schemas; the lists Airbyte's connector always sends).
ACCOUNT_STATUSES = ("ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
CAMPAIGN_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
GROUP_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
AccountStatus = Enums(*ACCOUNT_STATUSES)
CampaignStatus = Enums(*CAMPAIGN_STATUSES)
GroupStatus = Enums(*GROUP_STATUSES)
CreativeStatus = Enums("ACTIVE", "PAUSED", "DRAFT", "ARCHIVED", "CANCELED", "PENDING_DELETION", "REMOVED")

_NAME_DOC = 'A string is one name, commas included ("Brand, Q1").'
_SEARCH_DOC = "Raw Rest.li search criteria, e.g. (status:(values:List(ACTIVE))); the structured filters above are merged in."


class AccountScoped(Params):
    account_id: Ref("account") | None = Field(None, description=f"Ad account id or URN. {ACCOUNT_FALLBACK}")


class CursorPaged(Params):
    pageSize: int | None = Field(None, ge=1, le=500, description="Vendor page size; normally set by limit.")
    pageToken: str | None = Field(None, description="Start from this LinkedIn page token; normally use cursor.")


# Rest.li reads start and count into Java ints (com.linkedin.restli.server.PagingContext): no larger offset exists.
MAX_START = 2**31 - 1


class OffsetPaged(Params):
    start: int | None = Field(None, ge=0, le=MAX_START, description="Start offset; normally use cursor.")
    count: int | None = Field(None, ge=1, le=500, description="Vendor page size; normally set by limit.")


class AccountsList(CursorPaged):
    ids: Urns("account") | None = Field(None, description="Only these accounts (ids or URNs).")
    status: AccountStatus | None = Field(None, description="e.g. [\"ACTIVE\"]")
    type: Enums("BUSINESS", "ENTERPRISE") | None = None
    test: bool | None = Field(None, description="true = only test accounts, false = only real ones.")
    name: TextList | None = Field(None, description=f"Exact account name, or a JSON array of names. {_NAME_DOC}")
    search: SearchObject | None = Field(None, description=_SEARCH_DOC)


class AccountsGet(Params):
    id: Ref("account") = Field(description="Ad account id or URN.")


class AccountUsersList(AccountScoped, OffsetPaged):
    accounts: Ref("account") | None = Field(
        None, description="Account id or URN (same as account_id). With neither and no default: your own roles on all accounts."
    )


class CampaignGroupsList(AccountScoped, CursorPaged):
    status: GroupStatus | None = Field(None, description="e.g. [\"ACTIVE\",\"PAUSED\"]")
    name: TextList | None = Field(None, description=f"Exact group name, or a JSON array of names. {_NAME_DOC}")
    test: bool | None = None
    search: SearchObject | None = Field(None, description=_SEARCH_DOC)


class CampaignGroupsGet(AccountScoped):
    id: Ref("campaign_group") = Field(description="Campaign group id or URN.")


class CampaignsList(AccountScoped, CursorPaged):
    status: CampaignStatus | None = Field(None, description="e.g. [\"ACTIVE\",\"PAUSED\"]")
    campaignGroup: Urns("campaign_group") | None = Field(None, description="Only campaigns in these groups (ids or URNs).")
    type: Enums("TEXT_AD", "SPONSORED_UPDATES", "SPONSORED_INMAILS", "DYNAMIC") | None = None
    name: TextList | None = Field(None, description=f"Exact campaign name, or a JSON array of names. {_NAME_DOC}")
    test: bool | None = None
    search: SearchObject | None = Field(None, description=_SEARCH_DOC)


class CampaignsGet(AccountScoped):
    id: Ref("campaign") = Field(description="Campaign id or URN.")


class CreativesList(AccountScoped):
    pageSize: int | None = Field(None, ge=1, le=100, description="Vendor page size (max 100); normally set by limit.")
    pageToken: str | None = Field(None, description="Start from this LinkedIn page token; normally use cursor.")
    campaigns: Urns("campaign") | None = Field(None, description="Only creatives of these campaigns (ids or URNs).")
    creatives: Urns("creative") | None = Field(None, description="Only these creatives (ids or URNs).")
    intendedStatuses: CreativeStatus | None = Field(None, description="e.g. [\"ACTIVE\"]")
    isTestAccount: bool | None = None
    sortOrder: Literal["ASCENDING", "DESCENDING"] | None = None


class CreativesGet(AccountScoped):
    id: Annotated[str, BeforeValidator(functools.partial(restli.to_urn, "creative"))] = Field(
        description="Creative URN urn:li:sponsoredCreative:<id>, or the numeric id."
    )


class ConversionsList(AccountScoped, OffsetPaged):
    account: Ref("account") | None = Field(None, description="Account id or URN (same as account_id).")


class ConversionsGet(AccountScoped):
    # LinkedIn reads one conversion rule as GET /conversions/{id}?account=<account URN>.
    account: Ref("account") | None = Field(None, description="Account id or URN (same as account_id).")
    id: Annotated[str, BeforeValidator(lambda v: restli.urn_id(str(v)))] = Field(description="Conversion id.")

    @field_validator("id")
    @classmethod
    def _numeric(cls, value: str) -> str:
        if not is_digits(value, restli.MAX_ID_DIGITS):
            raise ValueError(f"must be a numeric conversion id (1 to {restli.MAX_ID_DIGITS} digits 0-9)")
        return value


def _owner(value: Any) -> Any:
    value = _rest_li_object(value)
    if isinstance(value, dict):
        if set(value) != {"sponsoredAccount"}:
            raise ValueError("owner must be (sponsoredAccount:<account URN>)")
        value = value["sponsoredAccount"]
    return _ref("account", value)


class LeadFormsList(AccountScoped, OffsetPaged):
    owner: Annotated[str, BeforeValidator(_owner)] | None = Field(
        None, description="Account id, URN or (sponsoredAccount:<URN>) (same as account_id)."
    )


def _lead_type(value: Any) -> Any:
    value = _rest_li_object(value)
    if isinstance(value, dict):
        value = value.get("leadType")
    return value.upper() if isinstance(value, str) else value


class LeadFormResponsesList(LeadFormsList):
    leadType: Annotated[
        Literal["SPONSORED", "EVENT", "COMPANY", "ORGANIZATION_PRODUCT"], BeforeValidator(_lead_type)
    ] = Field("SPONSORED", description="Lead source; (leadType:SPONSORED) also accepted.")


def default_account(params: Any, *names: str) -> str | None:
    """The first account given under any of `names` (e.g. account_id, accounts)."""
    for name in names:
        value = getattr(params, name, None)
        if value:
            return value
    return None

