"""TikTok Marketing settings (env prefix TIKTOK_MARKETING_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from ...settings import ConnectorSettings

DEFAULT_API_BASE_URL = "https://business-api.tiktok.com/open_api/v1.3"


class TiktokMarketingSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="TIKTOK_MARKETING_", env_file=".env", extra="ignore")

    access_token: SecretStr | None = Field(default=None, description="Long-term Marketing API token (Access-Token header)")
    advertiser_id: str | None = Field(default=None, description="Default advertiser for calls that omit advertiser_id")
    # catalog/get/ is per Business Center; without it `catalogs` discovers the token's BCs (bc/get/).
    bc_id: str | None = Field(default=None, description="Default Business Center for catalogs")
    # app_id + secret only serve advertiser discovery (oauth2/advertiser/get/).
    app_id: str | None = None
    secret: SecretStr | None = None
    # The advertiser authorization page `connector-mcp login` opens (TikTok Marketing API "Authorization").
    auth_url: str = "https://business-api.tiktok.com/portal/auth"
    api_base_url: str = Field(
        default=DEFAULT_API_BASE_URL,
        description="Production or https://sandbox-ads.tiktok.com/open_api/v1.3",
    )

    def has_direct_credentials(self) -> bool:
        return self.access_token is not None and bool(self.access_token.get_secret_value())

    def missing_direct_settings(self) -> list[str]:
        if self.has_direct_credentials():
            return []
        return ["TIKTOK_MARKETING_ACCESS_TOKEN", *([] if self.advertiser_id else ["TIKTOK_MARKETING_ADVERTISER_ID"])]

    def direct_setting_names(self) -> list[str]:
        return ["TIKTOK_MARKETING_ACCESS_TOKEN", "TIKTOK_MARKETING_ADVERTISER_ID"]

    def can_discover_advertisers(self) -> bool:
        return bool(self.app_id and self.secret and self.secret.get_secret_value())
