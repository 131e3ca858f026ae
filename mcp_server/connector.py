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
from .http import ClientOptions
from .settings import ConnectorSettings

if TYPE_CHECKING:
    from .changes.spec import ConnectorWrites
    from .reporting.source import ReportSource


def lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported at its first call: keeps a module (a sandbox fake) off the start-up path."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


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
    # How its write actions (catalog actions with write=True) read, plan and send (its writes.py); None = none.
    writes: ConnectorWrites | None = None

    @property
    def tool_name(self) -> str:
        return self.id.replace("-", "_") + "_execute"

    def load_settings(self, **overrides: Any) -> ConnectorSettings:
        return self.settings_cls(**overrides)
