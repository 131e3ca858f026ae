"""What a connector is: one declaration per vendor, living in its own folder.

The spine only ever sees this dataclass. Vendor quirks stay behind `direct`
(the vendor client), `hosted` (translation for the Airbyte Agent API) and
`sandbox_app` (the fake vendor API).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .backends.base import Backend, Page, PageRequest
from .catalog import Catalog
from .settings import ConnectorSettings

if TYPE_CHECKING:
    from .http import ClientOptions
    from .changes.spec import ConnectorWrites
    from .login.vendor import VendorLogin
    from .reporting.source import ReportSource


def lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported at its first call: keeps a module (a sandbox fake) off the start-up path."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


class _Deferred:
    """Stands in for `module.name` (a connector's hosted adapter, report source, writes, login) and imports it at the
    first attribute read, so that answering tools/list never imports vendor client, report or write code."""

    __slots__ = ("_module", "_name", "_target")

    def __init__(self, module: str, name: str):
        self._module, self._name, self._target = module, name, None

    def _load(self) -> Any:
        if self._target is None:
            self._target = getattr(importlib.import_module(self._module), self._name)
        return self._target

    def __getattr__(self, attr: str) -> Any:
        if attr in _Deferred.__slots__:  # unset (a copy made without __init__): no recursion through _load
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._name}>"


def deferred(module: str, name: str) -> Any:
    """`module.name`, an object, imported at its first attribute read (`lazy` is the same for a callable)."""
    return _Deferred(module, name)


@dataclass
class HostedReply:
    result: Any
    connector_metadata: dict[str, Any] | None = None
    warning: str | None = None


class HostedExecute(Protocol):
    """One call to the hosted execute endpoint (auth, retries and error mapping included)."""

    def __call__(
        self, entity: str, action: str, params: dict[str, Any], select_fields: list[str] | None = None
    ) -> Awaitable[HostedReply]: ...


class HostedAdapter(Protocol):
    """Translates our validated params to the hosted API's forms and its replies back to a Page.

    May make several hosted calls for one page (date splits, field chunks). `settings` carries
    the connector's settings-dependent defaults (default account, API version)."""

    def check_op(self, settings: ConnectorSettings) -> tuple[str, str, dict[str, Any]]:
        """The cheap (entity, action, params) call `check` makes, for the configured account if any."""
        ...

    def empty_check(self, settings: ConnectorSettings) -> Exception:
        """The error `check` raises when that call answers with no record (never reported as healthy)."""
        ...

    async def fetch(self, request: PageRequest, execute: HostedExecute, settings: ConnectorSettings) -> Page: ...

    def credentials(self, settings: ConnectorSettings) -> dict[str, Any]:
        """The vendor credentials `connector-mcp hosted create` sends, from the vendor settings."""
        ...


@dataclass(frozen=True)
class Connector:
    id: str  # "tiktok-marketing"
    title: str  # "TikTok Marketing"
    summary: str  # one or two sentences for the tool description
    catalog: Catalog
    settings_cls: type[ConnectorSettings]
    # Build the direct vendor client.
    direct: Callable[[ConnectorSettings, ClientOptions], Backend]
    # A fresh ASGI app faking the vendor API (token endpoint included); `lazy` keeps it off start-up.
    sandbox_app: Callable[[], Any]
    # Settings kwargs that point the direct client at a fake served at base_url.
    sandbox_settings: Callable[[str], dict[str, Any]]
    # Airbyte identifiers for hosted mode.
    airbyte_definition_id: str
    airbyte_connector_type: str
    hosted: HostedAdapter | None = None
    # What the cross-platform `ads_report` reads here (levels, metric fields); None = not part of it.
    report: ReportSource | None = None
    # Checks a resumed call's page state (from its cursor) with the params' rules, raising through
    # mcp_server.page_state.refuse; None = this connector's backends make no page state.
    page_state: Callable[[PageRequest], None] | None = None
    # How its write actions (catalog actions with write=True) read, plan and send (its writes.py); None = none.
    writes: ConnectorWrites | None = None
    # `connector-mcp login` for this vendor (authorization, token exchange, what `check` reports); None = none.
    login: VendorLogin | None = None

    @property
    def tool_name(self) -> str:
        return self.id.replace("-", "_") + "_execute"

    def load_settings(self, *, stored: bool = True, **overrides: Any) -> ConnectorSettings:
        """Settings from the environment, then .env, then (stored=True) what `connector-mcp login` stored."""
        if stored:
            from .login.sources import stored_settings

            overrides = {**stored_settings(self.id, self.settings_cls), **overrides}
        return self.settings_cls(**overrides)
