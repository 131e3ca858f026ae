"""The settings a user gives an MCP client for this server: the bundle's user settings and the registry's
environment variables. Whether one is secret is not written here: it is read from the settings classes
(a SecretStr field is a secret), so a client keeps exactly the credentials in its keychain."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr
from pydantic_settings import BaseSettings

from mcp_server.connectors import REGISTRY
from mcp_server.settings import AirbyteSettings


@dataclass(frozen=True)
class Input:
    env: str  # the environment variable the server reads
    title: str
    description: str
    kind: str = "string"  # or "boolean"
    default: str | bool = ""  # "" = unset (empty values count as unset)
    secret: bool = False

    @property
    def key(self) -> str:
        """The bundle's user_config key."""
        return self.env.lower()


# Each credential of each way in (direct per vendor, or hosted through Airbyte), the default accounts, and the
# writes switch. All optional: a user fills the ones of the way they use (or none, after `connector-mcp login`).
DECLARED = (
    Input("TIKTOK_MARKETING_ACCESS_TOKEN", "TikTok access token",
          "Long-term Marketing API access token of your TikTok developer app."),
    Input("TIKTOK_MARKETING_ADVERTISER_ID", "TikTok advertiser id", "Default advertiser for calls that name none."),
    Input("TIKTOK_MARKETING_APP_ID", "TikTok app id",
          "Optional: with the app secret, lists the advertisers the token reaches."),
    Input("TIKTOK_MARKETING_SECRET", "TikTok app secret", "Optional: your TikTok developer app's secret."),
    Input("LINKEDIN_ADS_CLIENT_ID", "LinkedIn client id", "Your LinkedIn app's client id (Developer Portal, Auth tab)."),
    Input("LINKEDIN_ADS_CLIENT_SECRET", "LinkedIn client secret", "Your LinkedIn app's client secret."),
    Input("LINKEDIN_ADS_REFRESH_TOKEN", "LinkedIn refresh token", "Renews access tokens by itself (recommended)."),
    Input("LINKEDIN_ADS_ACCESS_TOKEN", "LinkedIn access token",
          "Instead of the three above: an access token (it lasts 60 days and is not renewed)."),
    Input("LINKEDIN_ADS_ACCOUNT_ID", "LinkedIn ad account id", "Default ad account for calls that name none."),
    Input("AIRBYTE_CLIENT_ID", "Airbyte client id", "Hosted mode: your Airbyte application's client id."),
    Input("AIRBYTE_CLIENT_SECRET", "Airbyte client secret", "Hosted mode: your Airbyte application's client secret."),
    Input("AIRBYTE_WORKSPACE_NAME", "Airbyte workspace", "Hosted mode: the workspace holding your connectors."),
    Input("CONNECTOR_MCP_WRITES", "Allow changes",
          "Off (default): changes can be previewed, not applied. On: apply_change is listed to apply a previewed one.",
          kind="boolean", default=False),
)  # fmt: skip


def settings_classes() -> list[type[BaseSettings]]:
    """Where the vendor and hosted credentials are declared."""
    return [connector.settings_cls for connector in REGISTRY.values()] + [AirbyteSettings]


def secret_settings() -> set[str]:
    """The environment variable of every SecretStr field of those classes."""
    names = set()
    for cls in settings_classes():
        prefix = cls.model_config.get("env_prefix", "")
        for field, info in cls.model_fields.items():
            if info.annotation is SecretStr or SecretStr in getattr(info.annotation, "__args__", ()):
                names.add(f"{prefix}{field}".upper())
    return names


def inputs() -> list[Input]:
    secrets = secret_settings()
    return [Input(**{**item.__dict__, "secret": item.env in secrets}) for item in DECLARED]
