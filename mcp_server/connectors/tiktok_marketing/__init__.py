"""TikTok Marketing (Business API v1.3): catalog, direct client, sandbox fake."""

from __future__ import annotations

from ...connector import Connector, deferred, lazy
from .catalog import CATALOG
from .settings import TiktokMarketingSettings

# Everything but the catalog and the settings is imported on first use (`lazy`, `deferred`): answering tools/list
# needs neither the client, the hosted adapter, the report source, the writes nor the login flow.
CONNECTOR = Connector(
    id="tiktok-marketing",
    title="TikTok Marketing",
    summary=(
        "TikTok Ads Manager: advertisers, campaigns, ad groups, ads, audiences, creative assets, Spark "
        "Ads, catalogs, and daily/hourly/lifetime reports. advertiser_id defaults to the configured advertiser. "
        "Writes only preview."
    ),
    catalog=CATALOG,
    settings_cls=TiktokMarketingSettings,
    direct=lazy(f"{__name__}.client", "TiktokDirectBackend"),
    sandbox_app=lazy(f"{__name__}.sandbox", "create_app"),
    sandbox_settings=lazy(f"{__name__}.sandbox", "sandbox_settings"),
    airbyte_definition_id="4bfac00d-ce15-44ff-95b9-9e3c3e8fbd35",
    airbyte_connector_type="Tiktok-Marketing",
    hosted=deferred(f"{__name__}.hosted", "ADAPTER"),
    report=deferred(f"{__name__}.report", "REPORT"),
    page_state=lazy(f"{__name__}.page_state", "check"),
    writes=deferred(f"{__name__}.writes", "WRITES"),
    login=deferred(f"{__name__}.login", "LOGIN"),
)
