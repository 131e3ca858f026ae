"""TikTok Marketing (Business API v1.3): catalog, direct client, sandbox fake."""

from __future__ import annotations

from ...changes.spec import check_declaration
from ...connector import Connector, lazy
from .catalog import CATALOG
from .login import LOGIN
from .client import TiktokDirectBackend
from .hosted import ADAPTER as HOSTED_ADAPTER
from .page_state import check as check_page_state
from .report import REPORT
from .settings import TiktokMarketingSettings
from .writes import WRITES

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
    direct=TiktokDirectBackend,
    sandbox_app=lazy(f"{__name__}.sandbox", "create_app"),
    sandbox_settings=lazy(f"{__name__}.sandbox", "sandbox_settings"),
    airbyte_definition_id="4bfac00d-ce15-44ff-95b9-9e3c3e8fbd35",
    airbyte_connector_type="Tiktok-Marketing",
    hosted=HOSTED_ADAPTER,
    report=REPORT,
    page_state=check_page_state,
    writes=WRITES,
    login=LOGIN,
)
check_declaration(CONNECTOR.catalog, CONNECTOR.writes)
