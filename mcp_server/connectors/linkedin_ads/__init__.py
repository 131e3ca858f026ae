"""LinkedIn Ads: Marketing REST API (direct), Airbyte's hosted API, and a sandbox fake."""

from __future__ import annotations

from ...connector import Connector, deferred, lazy
from .catalog import CATALOG
from .settings import LinkedinAdsSettings

# Everything but the catalog and the settings is imported on first use (`lazy`, `deferred`): answering tools/list
# needs neither the client, the hosted adapter, the report source, the writes nor the login flow.
CONNECTOR = Connector(
    id="linkedin-ads",
    title="LinkedIn Ads",
    summary=(
        "LinkedIn Campaign Manager: accounts, campaign groups, campaigns, creatives, conversions, lead forms and "
        "responses, and analytics by campaign, creative, device or member demographics. account_id defaults to the "
        "configured account. Writes only preview."
    ),
    catalog=CATALOG,
    settings_cls=LinkedinAdsSettings,
    direct=lazy(f"{__name__}.client", "LinkedinDirectBackend"),
    sandbox_app=lazy(f"{__name__}.sandbox", "create_app"),
    sandbox_settings=lazy(f"{__name__}.sandbox", "sandbox_settings"),
    airbyte_definition_id="137ece28-5434-455c-8f34-69dc3782f451",
    airbyte_connector_type="Linkedin-Ads",
    hosted=deferred(f"{__name__}.hosted", "ADAPTER"),
    report=deferred(f"{__name__}.report", "REPORT"),
    page_state=lazy(f"{__name__}.page_state", "check"),
    login=deferred(f"{__name__}.login", "LOGIN"),
    writes=deferred(f"{__name__}.writes", "WRITES"),
)
