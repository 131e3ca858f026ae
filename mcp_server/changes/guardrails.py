"""Guardrails every connector applies alike; a handler's `plan` calls these and adds its vendor's own.

Each refusal names the setting that allows it (GuardrailRefused.setting); facts a person must see before
confirming (spend starts) are notices, not refusals.
"""

from __future__ import annotations

from .spec import GuardrailRefused, Limits

BUDGET_SETTING = "CONNECTOR_MCP_MAX_BUDGET_INCREASE_PCT"
DELETE_SETTING = "CONNECTOR_MCP_ALLOW_DELETE"


def check_budget(label: str, current: float | None, proposed: float, limits: Limits, currency: str | None) -> None:
    """A budget may grow by at most limits.max_budget_increase_pct per change (decreases are free)."""
    if proposed < 0:
        raise GuardrailRefused(f"{label}: a budget cannot be negative ({proposed}).", fix="Pass a positive budget.")
    if current is None or current <= 0 or proposed <= current:
        return
    increase = (proposed - current) / current * 100
    if increase > limits.max_budget_increase_pct + 1e-9:
        unit = f" {currency}" if currency else ""
        cap = current * (1 + limits.max_budget_increase_pct / 100)
        raise GuardrailRefused(
            f"{label}: budget {current:g} → {proposed:g}{unit} is a {increase:.0f}% increase; one change may raise "
            f"a budget by at most {limits.max_budget_increase_pct:g}% (up to {cap:g}{unit}).",
            setting=BUDGET_SETTING,
            fix=f"Raise it in steps of at most {limits.max_budget_increase_pct:g}%, or set {BUDGET_SETTING} higher, "
            "restart, and preview again.",
        )


def check_currency(label: str, given: str | None, account_currency: str | None) -> None:
    """A money amount must be in the account's currency (vendors take budgets only in it)."""
    if given and account_currency and given.upper() != account_currency.upper():
        raise GuardrailRefused(
            f"{label}: currency {given} is not the account's currency {account_currency}.",
            fix=f"Pass the amount in {account_currency}.",
        )


def refuse_irreversible_delete(label: str, limits: Limits, instead: str) -> None:
    """A delete the vendor cannot undo is refused unless the setting allows it; `instead` is what works."""
    if not limits.allow_delete:
        raise GuardrailRefused(
            f"{label}: deleting cannot be undone.",
            setting=DELETE_SETTING,
            fix=f"{instead} Or set {DELETE_SETTING}=on, restart, and preview again to delete for good.",
        )


def spend_starts(label: str) -> str:
    """The notice for a change that turns delivery on."""
    return f"SPEND STARTS: {label} will deliver and spend money as soon as this change is applied."
