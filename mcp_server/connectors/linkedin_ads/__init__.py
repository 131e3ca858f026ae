"""LinkedIn Ads: Marketing REST API (direct), Airbyte's hosted API, and a sandbox fake."""

from __future__ import annotations

from ...connector import Connector, lazy
from .catalog import CATALOG
from .login import LOGIN
from .hosted import ADAPTER as HOSTED_ADAPTER
from .page_state import check as check_page_state
from .report import REPORT
from .client import LinkedinDirectBackend
from .settings import LinkedinAdsSettings
from .writes import WRITES

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
    direct=LinkedinDirectBackend,
    sandbox_app=lazy(f"{__name__}.sandbox", "create_app"),
    sandbox_settings=lazy(f"{__name__}.sandbox", "sandbox_settings"),
    airbyte_definition_id="137ece28-5434-455c-8f34-69dc3782f451",
    airbyte_connector_type="Linkedin-Ads",
    hosted=HOSTED_ADAPTER,
    report=REPORT,
    page_state=check_page_state,
    login=LOGIN,
    writes=WRITES,
)
