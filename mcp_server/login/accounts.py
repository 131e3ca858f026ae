"""The accounts the configured credentials reach, read through the connector's own backend."""

from __future__ import annotations

from typing import Any

from ..backends.base import PageRequest
from ..validation import resolve_action, validate_params
from .vendor import Account

PAGE = 100


async def reachable_accounts(connector: Any, backend: Any, meta: dict[str, Any]) -> tuple[list[Account], bool]:
    """Up to PAGE accounts, and whether there are more than that; `meta` is what login stored with the tokens."""
    name, action = resolve_action(connector.catalog, connector.login.accounts_entity, "list")
    params = validate_params(name, action, connector.login.accounts_params(meta))
    page = await backend.fetch(PageRequest(name, "list", params, None, PAGE))
    return [connector.login.account(r) for r in page.records[:PAGE]], page.next_state is not None or len(page.records) > PAGE
