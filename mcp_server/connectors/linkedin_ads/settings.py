"""LinkedIn Ads settings (env prefix LINKEDIN_ADS_)."""

from __future__ import annotations

import re

from pydantic import SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ...params import is_digits
from ...settings import ConnectorSettings
from .restli import MAX_ID_DIGITS

# 202606 is pinned by Airbyte's production agent SDK (so it exists) and, supported a year, sunsets ~Jun 2027;
# 202511 sunset on 16 Nov 2026 and months are sometimes skipped (no 202512), so never guess "previous month".
DEFAULT_API_VERSION = "202606"
_VERSION = re.compile(r"20[0-9]{2}(0[1-9]|1[0-2])")  # fullmatch: no final newline, ASCII digits only


class LinkedinAdsSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="LINKEDIN_ADS_", env_file=".env", extra="ignore")

    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    # Alternative to the refresh flow; LinkedIn access tokens live 60 days.
    access_token: SecretStr | None = None
    token_url: str = "https://www.linkedin.com/oauth/v2/accessToken"
    # `connector-mcp login` and `check` (Microsoft Learn: authorization-code-flow, token-introspection).
    authorization_url: str = "https://www.linkedin.com/oauth/v2/authorization"
    introspect_url: str = "https://www.linkedin.com/oauth/v2/introspectToken"
    api_version: str = DEFAULT_API_VERSION
    api_base_url: str = "https://api.linkedin.com/rest"
    # Default ad account for account-scoped entities and analytics.
    account_id: str | None = None

    @field_validator("api_version", mode="before")
    @classmethod
    def _check_version(cls, value: object) -> str:
        text = str(value).strip()
        if not _VERSION.fullmatch(text):
            raise ValueError(f"must be a LinkedIn API version YYYYMM such as {DEFAULT_API_VERSION}, got {text!r}")
        return text

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_number(cls, value: object) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip().rsplit(":", 1)[-1]  # accept urn:li:sponsoredAccount:123
        if not is_digits(text, MAX_ID_DIGITS):
            raise ValueError(f"must be a numeric ad account id of 1 to {MAX_ID_DIGITS} digits 0-9 (or its URN), got {str(value)[:60]!r}")
        return text

    @field_validator("token_url", "api_base_url", "authorization_url", "introspect_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def can_refresh(self) -> bool:
        return bool(self.client_id and self.client_secret and self.refresh_token)

    def has_direct_credentials(self) -> bool:
        return bool(self.access_token) or self.can_refresh()

    def missing_direct_settings(self) -> list[str]:
        if self.has_direct_credentials():
            return []
        given = {"client_id": self.client_id, "client_secret": self.client_secret, "refresh_token": self.refresh_token}
        return [f"LINKEDIN_ADS_{name.upper()}" for name, value in given.items() if not value]

    def direct_setting_names(self) -> list[str]:
        return [
            "LINKEDIN_ADS_CLIENT_ID",
            "LINKEDIN_ADS_CLIENT_SECRET",
            "LINKEDIN_ADS_REFRESH_TOKEN (or LINKEDIN_ADS_ACCESS_TOKEN alone)",
        ]
