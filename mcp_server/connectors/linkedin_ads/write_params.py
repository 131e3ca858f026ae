"""Param models for LinkedIn's write actions, in Airbyte's vocabulary (airbyte-agent-sdk 0.1.380,
specs/linkedin-ads/connector.yaml, spec 1.2.0): path params by name (account_id, id, account/user,
campaign_urn/conversion_urn) and body fields as top-level params.

An update takes Airbyte's Rest.li envelope `patch: {"$set": {...}}`, or the friendlier top-level fields
declared on each model (status, name, budgets, ...), or both when they do not overlap. Money may be given as
LinkedIn's {amount, currencyCode} or as a plain number (then the account's currency is used); times as epoch
milliseconds or ISO-8601.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ...params import Params, _maybe_json
from . import restli
from .params import ACCOUNT_FALLBACK, Ref

MAX_EVENTS = 5000  # conversionEvents BATCH_CREATE (Airbyte spec: maxItems 5000; LinkedIn's Conversions API docs)
CONVERSION_URN = "urn:lla:llaPartnerConversion:"


def _money(value: Any) -> Any:
    """100, "100.5" or {"amount": "100", "currencyCode": "USD"} → {"amount": "100", "currencyCode": <or None>}."""
    value = _maybe_json(value)
    if isinstance(value, bool):
        raise ValueError("must be an amount")
    if isinstance(value, (int, float, str)):
        value = {"amount": value}
    if not isinstance(value, dict) or "amount" not in value or set(value) - {"amount", "currencyCode"}:
        raise ValueError('must be an amount (100) or {"amount": "100", "currencyCode": "USD"}')
    try:
        amount = float(str(value["amount"]))
    except ValueError:
        raise ValueError("amount must be a decimal number") from None
    if amount < 0 or amount != amount or amount in (float("inf"),):
        raise ValueError("amount must be a non-negative number")
    text = value["amount"] if isinstance(value["amount"], str) else _decimal(value["amount"])
    code = value.get("currencyCode")
    return {"amount": text, "currencyCode": code.upper() if isinstance(code, str) else None}


def _decimal(number: int | float) -> str:
    """A number as LinkedIn's amount string, exactly: 1234567.5 → "1234567.5" (never "1.23457e+06")."""
    if isinstance(number, float):
        # repr is the shortest text that reads back as the same float (0.1 + 0.2 stays what was sent)
        return format(Decimal(repr(number)), "f") if number != int(number) else str(int(number))
    return str(number)


def _millis(value: Any) -> Any:
    """Epoch milliseconds, or an ISO date/time (UTC when no zone) → epoch milliseconds."""
    if isinstance(value, bool):
        raise ValueError("must be epoch milliseconds or an ISO date")
    if isinstance(value, int):
        if value < 10**11:
            raise ValueError("looks like epoch seconds; LinkedIn times are epoch milliseconds")
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return _millis(int(text))
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be epoch milliseconds or an ISO date (2026-12-01 or 2026-12-01T09:00:00Z)") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return int(moment.timestamp() * 1000)
    raise ValueError("must be epoch milliseconds or an ISO date")


def _schedule(value: Any) -> Any:
    value = _maybe_json(value)
    if not isinstance(value, dict) or "start" not in value or set(value) - {"start", "end"}:
        raise ValueError('must be {"start": <epoch ms or ISO>, "end": <optional>}')
    out = {"start": _millis(value["start"])}
    if value.get("end") is not None:
        out["end"] = _millis(value["end"])
        if out["end"] <= out["start"]:
            raise ValueError("end must be after start")
    return out


Money = Annotated[dict[str, Any], BeforeValidator(_money)]
Schedule = Annotated[dict[str, Any], BeforeValidator(_schedule)]
JsonObject = Annotated[dict[str, Any], BeforeValidator(_maybe_json)]


def _urn_of(kind: str, value: Any) -> str:
    return restli.to_urn(kind, value)


def Urn(kind: str) -> Any:  # noqa: N802 - reads as a type
    """An id or URN of `kind` → the URN."""
    return Annotated[str, BeforeValidator(functools.partial(_urn_of, kind))]


def _person(value: Any) -> str:
    text = str(value).strip()
    if text.startswith("urn:li:person:") and len(text) > len("urn:li:person:"):
        return text
    if text and ":" not in text:
        return f"urn:li:person:{text}"
    raise ValueError("must be a person URN (urn:li:person:abc123) or the person id")


def _conversion_urn(value: Any) -> str:
    text = str(value).strip()
    if text.startswith(CONVERSION_URN) and text[len(CONVERSION_URN):].isdigit():
        return text
    if text.isdigit():
        return CONVERSION_URN + text
    raise ValueError(f"must be a conversion rule id or URN ({CONVERSION_URN}<id>)")


PersonUrn = Annotated[str, BeforeValidator(_person)]
ConversionUrn = Annotated[str, BeforeValidator(_conversion_urn)]
CampaignStatus = Literal["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "CANCELED", "PENDING_DELETION"]
GroupStatus = Literal["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "CANCELED", "PENDING_DELETION"]
CreativeStatus = Literal["ACTIVE", "PAUSED", "DRAFT", "ARCHIVED", "CANCELED", "PENDING_DELETION"]
Role = Literal["ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER"]
_PATCH_DOC = 'Airbyte\'s Rest.li envelope {"$set": {field: value}}; the top-level fields below are the friendlier form.'


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def Upper(kind: Any) -> Any:  # noqa: N802
    return Annotated[kind, BeforeValidator(_upper)]


class Update(Params):
    """Base of every update: `patch` and the friendly fields merge into one `$set`."""

    patch: JsonObject | None = Field(None, description=_PATCH_DOC)

    @field_validator("patch")
    @classmethod
    def _envelope(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        if set(value) != {"$set"} or not isinstance(value["$set"], dict) or not value["$set"]:
            raise ValueError('must be {"$set": {field: value, ...}} with at least one field ($delete is not supported)')
        for name in value["$set"]:
            if "." in name:
                raise ValueError(f"'{name}': LinkedIn updates top-level fields only; set the whole object")
        return value

    def changes(self, *path_params: str) -> dict[str, Any]:
        """field → new value: the friendly fields, then patch.$set (a field in both is refused)."""
        friendly = {
            name: getattr(self, name)
            for name in type(self).model_fields
            if name not in ("patch", *path_params) and getattr(self, name) is not None
        }
        patch = dict((self.patch or {}).get("$set") or {})
        both = sorted(set(friendly) & set(patch))
        if both:
            raise ValueError(f"{', '.join(both)} given both as a param and in patch.$set; give each once")
        return {**friendly, **patch}

    @model_validator(mode="after")
    def _something(self) -> Update:
        if not self.changes(*self.path_params()):
            raise ValueError('nothing to change: pass patch {"$set": {...}} or a field such as status')
        return self

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ()


# -- accounts -------------------------------------------------------------------------------------
class AccountsCreate(Params):
    name: str = Field(min_length=1, description="Ad account name.")
    type: Upper(Literal["BUSINESS"]) = Field("BUSINESS", description="Only BUSINESS accounts can be created through the API.")
    currency: Upper(str) = Field("USD", min_length=3, max_length=3, description="ISO 4217 code; LinkedIn's default is USD.")
    reference: str | None = Field(None, description="Owning organization URN, e.g. urn:li:organization:123456.")
    test: bool | None = Field(None, description="Create a test account (never delivers).")


class AccountsUpdate(Update):
    id: Ref("account") = Field(description="Ad account id or URN.")
    name: str | None = None
    status: Upper(Literal["ACTIVE", "CANCELED", "PENDING_DELETION"]) | None = Field(
        None, description="PENDING_DELETION is the soft delete of a non-DRAFT account."
    )

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("id",)


class AccountsDelete(Params):
    id: Ref("account") = Field(description="Ad account id or URN; only a DRAFT account can be deleted.")


# -- account users --------------------------------------------------------------------------------
class AccountUserKey(Params):
    account: Urn("account") | None = Field(None, description=f"Ad account id or URN (same as account_id). {ACCOUNT_FALLBACK}")
    account_id: Urn("account") | None = Field(None, description="Same as account.")
    user: PersonUrn = Field(description="Person URN urn:li:person:<id>, or the person id.")


class AccountUsersCreate(AccountUserKey):
    role: Upper(Role) = Field(description="The role to grant.")


class AccountUsersUpdate(AccountUserKey, Update):
    role: Upper(Role) | None = Field(None, description="The new role.")

    @model_validator(mode="after")
    def _only_role(self) -> AccountUsersUpdate:
        other = sorted(set(self.changes(*self.path_params())) - {"role"})
        if other:
            raise ValueError(f"an account user has only a role to update, not {', '.join(other)}")
        return self

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("account", "account_id", "user")


class AccountUsersDelete(AccountUserKey):
    pass


# -- campaign groups and campaigns ----------------------------------------------------------------
class AccountPath(Params):
    account_id: Ref("account") | None = Field(None, description=f"Ad account id or URN. {ACCOUNT_FALLBACK}")


class CampaignGroupsCreate(AccountPath):
    account: Urn("account") | None = Field(None, description="Account URN for the body; defaults to account_id's.")
    name: str = Field(min_length=1)
    status: Upper(Literal["ACTIVE", "DRAFT", "PAUSED"]) = Field("DRAFT", description="Default DRAFT (delivers nothing).")
    runSchedule: Schedule | None = Field(None, description="{start, end}: epoch ms or ISO; start defaults to now.")
    totalBudget: Money | None = Field(None, description="Lifetime budget in the account's currency (needs runSchedule.end).")
    objectiveType: str | None = None

    @model_validator(mode="after")
    def _budget_needs_end(self) -> CampaignGroupsCreate:
        if self.totalBudget is not None and "end" not in (self.runSchedule or {}):
            raise ValueError("a campaign group's totalBudget needs runSchedule.end")
        return self


class CampaignGroupsUpdate(AccountPath, Update):
    id: Ref("campaign_group") = Field(description="Campaign group id or URN.")
    name: str | None = None
    status: Upper(GroupStatus) | None = Field(None, description="PENDING_DELETION soft-deletes; CANCELED is final.")
    runSchedule: Schedule | None = None
    totalBudget: Money | None = None

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("account_id", "id")


class CampaignGroupsDelete(AccountPath):
    id: Ref("campaign_group") = Field(description="Campaign group id or URN; only DRAFT groups can be deleted.")


class CampaignsCreate(AccountPath):
    account: Urn("account") | None = Field(None, description="Account URN for the body; defaults to account_id's.")
    name: str = Field(min_length=1)
    campaignGroup: Urn("campaign_group") | None = Field(None, description="Campaign group id or URN.")
    politicalIntent: Upper(Literal["NOT_POLITICAL", "POLITICAL"]) = Field("NOT_POLITICAL", description="Required by LinkedIn on create.")
    status: Upper(Literal["ACTIVE", "PAUSED", "DRAFT"]) = Field("DRAFT", description="Default DRAFT (delivers nothing).")
    type: Upper(Literal["TEXT_AD", "SPONSORED_UPDATES", "SPONSORED_INMAILS", "DYNAMIC"]) | None = None
    objectiveType: str | None = None
    costType: str | None = Field(None, description="e.g. CPM, CPC, CPV.")
    dailyBudget: Money | None = Field(None, description="In the account's currency.")
    totalBudget: Money | None = None
    unitCost: Money | None = Field(None, description="The bid per unit.")
    locale: JsonObject | None = Field(None, description='{"country": "US", "language": "en"}')
    runSchedule: Schedule | None = Field(None, description="{start, end}: epoch ms or ISO; start defaults to now.")
    targetingCriteria: JsonObject | None = None
    audienceExpansionEnabled: bool | None = None
    offsiteDeliveryEnabled: bool = Field(False, description="LinkedIn Audience Network; required by LinkedIn on create.")
    creativeSelection: str | None = None


class CampaignsUpdate(AccountPath, Update):
    id: Ref("campaign") = Field(description="Campaign id or URN.")
    name: str | None = None
    status: Upper(CampaignStatus) | None = Field(None, description="ACTIVE starts spend; PENDING_DELETION soft-deletes.")
    dailyBudget: Money | None = None
    totalBudget: Money | None = None
    unitCost: Money | None = None
    runSchedule: Schedule | None = None
    campaignGroup: Urn("campaign_group") | None = None
    targetingCriteria: JsonObject | None = Field(None, description="Replaces the whole object ($set is not a merge).")

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("account_id", "id")


class CampaignsDelete(AccountPath):
    id: Ref("campaign") = Field(description="Campaign id or URN; only DRAFT campaigns can be deleted.")


# -- creatives ------------------------------------------------------------------------------------
CreativeUrn = Annotated[str, BeforeValidator(functools.partial(restli.to_urn, "creative"))]


class CreativesCreate(AccountPath):
    campaign: Urn("campaign") = Field(description="The campaign (id or URN) the creative belongs to.")
    content: JsonObject | None = Field(None, description='e.g. {"reference": "urn:li:share:123"} for sponsored content.')
    intendedStatus: Upper(Literal["ACTIVE", "PAUSED", "DRAFT"]) = Field("DRAFT", description="Default DRAFT.")
    name: str | None = None


class CreativesUpdate(AccountPath, Update):
    id: CreativeUrn = Field(description="Creative URN urn:li:sponsoredCreative:<id>, or the numeric id.")
    intendedStatus: Upper(CreativeStatus) | None = Field(None, description="ACTIVE starts spend; PENDING_DELETION soft-deletes.")
    name: str | None = None
    leadgenCallToAction: JsonObject | None = None

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("account_id", "id")


class CreativesDelete(AccountPath):
    id: CreativeUrn = Field(description="Creative URN or id; only DRAFT creatives can be deleted.")


# -- conversions ----------------------------------------------------------------------------------
class ConversionsCreate(AccountPath):
    account: Urn("account") | None = Field(None, description="Account URN; defaults to account_id's.")
    name: str = Field(min_length=1)
    type: Upper(str) = Field(description="e.g. LEAD, PURCHASE, SIGN_UP, DOWNLOAD, ADD_TO_CART, INSTALL, KEY_PAGE_VIEW, OTHER.")
    attributionType: Upper(Literal["LAST_TOUCH_BY_CAMPAIGN", "LAST_TOUCH_BY_CONVERSION"]) | None = None
    postClickAttributionWindowSize: Literal[1, 7, 30, 90] | None = None
    viewThroughAttributionWindowSize: Literal[1, 7, 30] | None = None
    enabled: bool | None = None
    urlMatchRuleExpression: list[Any] | None = None
    value: Money | None = Field(None, description="Value of each conversion, in the account's currency.")
    autoAssociationType: Literal["ALL_CAMPAIGNS"] | None = Field(None, description="ALL_CAMPAIGNS links every campaign of the account.")


class ConversionsUpdate(AccountPath, Update):
    id: Annotated[str, BeforeValidator(lambda v: str(v).rsplit(":", 1)[-1])] = Field(description="Conversion rule id.")
    account: Urn("account") | None = Field(None, description="Account URN (same as account_id).")
    name: str | None = None
    enabled: bool | None = Field(None, description="false retires the rule (conversion rules have no delete).")
    value: Money | None = None
    postClickAttributionWindowSize: Literal[1, 7, 30, 90] | None = None
    viewThroughAttributionWindowSize: Literal[1, 7, 30] | None = None

    @field_validator("id")
    @classmethod
    def _numeric(cls, value: str) -> str:
        if not value.isdigit():
            raise ValueError("must be a numeric conversion id")
        return value

    @classmethod
    def path_params(cls) -> tuple[str, ...]:
        return ("account_id", "account", "id")


EVENT_MAX_AGE_DAYS = 90  # Conversions API: LinkedIn rejects events older than 90 days


def _event_problems(index: int, event: dict[str, Any], now: int) -> list[str]:
    problems = []
    try:
        event["conversion"] = _conversion_urn(event.get("conversion"))
    except ValueError as error:
        problems.append(f"elements[{index}].conversion {error}")
    at = event.get("conversionHappenedAt")
    if isinstance(at, bool) or not isinstance(at, int):
        problems.append(f"elements[{index}].conversionHappenedAt must be epoch milliseconds (an integer)")
    elif at < 10**12:
        problems.append(f"elements[{index}].conversionHappenedAt {at} looks like epoch seconds; LinkedIn wants milliseconds")
    elif at < now - EVENT_MAX_AGE_DAYS * 86_400_000:
        problems.append(f"elements[{index}].conversionHappenedAt is more than {EVENT_MAX_AGE_DAYS} days ago; LinkedIn rejects it")
    elif at > now + 3_600_000:
        problems.append(f"elements[{index}].conversionHappenedAt is in the future")
    user = event.get("user")
    if not isinstance(user, dict) or not (user.get("userIds") or user.get("userInfo")):
        problems.append(f"elements[{index}].user needs userIds (e.g. SHA256_EMAIL) or userInfo")
    return problems


class ConversionEventsCreate(AccountPath):
    elements: Annotated[list[dict[str, Any]], BeforeValidator(_maybe_json)] = Field(
        min_length=1,
        max_length=MAX_EVENTS,
        description=(
            f"Up to {MAX_EVENTS} events: {{conversion (rule URN or id), conversionHappenedAt (epoch ms, at most 90 days "
            "ago), user {userIds: [{idType: SHA256_EMAIL, idValue}]} or userInfo, conversionValue, eventId (de-duplicates)}."
        ),
    )

    @field_validator("elements")
    @classmethod
    def _events(cls, elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """What LinkedIn would refuse per event, refused here before anything is sent (checked again at apply)."""
        now = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
        events = [dict(e) for e in elements]
        problems = [p for i, e in enumerate(events) for p in _event_problems(i, e, now)]
        if problems:
            more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
            raise ValueError(f"{len(problems)} problem(s) LinkedIn would refuse: {'; '.join(problems[:10])}{more}")
        return events


class CampaignConversionKey(Params):
    campaign_urn: Urn("campaign") = Field(description="Campaign id or URN.")
    conversion_urn: ConversionUrn = Field(description=f"Conversion rule id or URN ({CONVERSION_URN}<id>).")
    account_id: Ref("account") | None = Field(None, description=f"The campaign's ad account. {ACCOUNT_FALLBACK}")
