"""Params of TikTok's `update` write actions (campaigns, ad_groups, ads). Names are TikTok's own.

One id or a list of up to 20 (TikTok's */status/update/ limit, SDK CampaignStatusUpdateBody: "allowed
quantity range 1-20"), and any of: operation_status, budget, the object's name, and for ad groups bid_price.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ...params import IdList
from .params import AdvertiserScoped, numeric_ids

MAX_IDS = 20  # campaign/adgroup/ad status/update/ and adgroup/budget/update/ take 1-20 ids
OperationStatus = Literal["ENABLE", "DISABLE", "DELETE"]

STATUS_TEXT = "ENABLE (deliver: spend starts), DISABLE (pause), DELETE (irreversible; needs CONNECTOR_MCP_ALLOW_DELETE)."
BUDGET_TEXT = "New budget in the advertiser's currency (same budget mode: daily stays daily, lifetime stays lifetime)."
CURRENCY_TEXT = "Optional check: the currency you mean the budget in; refused unless it is the advertiser's."


class _Update(AdvertiserScoped):
    operation_status: OperationStatus | None = Field(default=None, description=STATUS_TEXT)
    currency: str | None = Field(default=None, min_length=3, max_length=3, description=CURRENCY_TEXT)

    id_field: ClassVar[str] = ""  # the id param of each subclass

    def ids(self) -> list[str]:
        return list(getattr(self, self.id_field))

    def changes(self) -> dict[str, Any]:
        """The fields this call changes (param name -> value), ids and checks left out."""
        skip = {"advertiser_id", "currency", self.id_field}
        return {k: v for k, v in self.model_dump(exclude_none=True).items() if k not in skip}

    @model_validator(mode="after")
    def _something(self) -> _Update:
        if not self.changes():
            names = ", ".join(n for n in type(self).model_fields if n not in ("advertiser_id", "currency", self.id_field))
            raise ValueError(f"nothing to change: pass any of {names}")
        name_field = next((n for n in type(self).model_fields if n.endswith("_name")), None)
        if name_field and getattr(self, name_field) is not None and len(self.ids()) > 1:
            raise ValueError(f"{name_field} renames one object: pass one {self.id_field}")
        return self


def _ids(name: str, value: list[str]) -> list[str]:
    value = numeric_ids(name, value)
    if not 1 <= len(value) <= MAX_IDS:
        raise ValueError(f"takes 1 to {MAX_IDS} ids (TikTok's limit per request), got {len(value)}")
    if len(set(value)) != len(value):
        raise ValueError("lists an id twice")
    return value


class CampaignUpdateParams(_Update):
    id_field: ClassVar[str] = "campaign_id"
    campaign_id: IdList = Field(description="Campaign id, or a list of up to 20.")
    budget: float | None = Field(default=None, gt=0, description=BUDGET_TEXT)
    campaign_name: str | None = Field(default=None, min_length=1, max_length=512, description="New campaign name.")

    @field_validator("campaign_id")
    @classmethod
    def _check(cls, value: list[str]) -> list[str]:
        return _ids("campaign_ids", value)


class AdGroupUpdateParams(_Update):
    id_field: ClassVar[str] = "adgroup_id"
    adgroup_id: IdList = Field(description="Ad group id, or a list of up to 20.")
    budget: float | None = Field(default=None, gt=0, description=BUDGET_TEXT + " Refused under campaign budget optimisation.")
    adgroup_name: str | None = Field(default=None, min_length=1, max_length=512, description="New ad group name.")
    bid_price: float | None = Field(default=None, gt=0, description="Bid (Cost Cap / Bid Cap ad groups, bid_type BID_TYPE_CUSTOM).")

    @field_validator("adgroup_id")
    @classmethod
    def _check(cls, value: list[str]) -> list[str]:
        return _ids("adgroup_ids", value)


class AdUpdateParams(_Update):
    id_field: ClassVar[str] = "ad_id"
    ad_id: IdList = Field(description="Ad id, or a list of up to 20.")

    @field_validator("ad_id")
    @classmethod
    def _check(cls, value: list[str]) -> list[str]:
        return _ids("ad_ids", value)
