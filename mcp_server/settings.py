"""Settings from the environment (or .env in the working directory)."""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

import annotated_types
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .budget import DEFAULT_MAX_REQUESTS
from .redact import register_secret
from .shaping import DEFAULT_MAX_RESULT_TOKENS

Mode = Literal["auto", "direct", "hosted"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
# Asymmetric only: a shared HS* secret would let anyone holding it mint tokens for this server.
JwtAlgorithm = Literal["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"]


class _Base(BaseSettings):
    # Empty values (e.g. from .env.example) count as unset.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    def model_post_init(self, __context) -> None:  # register every secret for scrubbing
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                register_secret(value.get_secret_value())


class ServerSettings(_Base):
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_MCP_", env_file=".env", extra="ignore")

    demo: bool = False
    connectors: list[str] | None = Field(default=None, description="connector ids to serve; default all")
    log_level: LogLevel = "INFO"
    retry_attempts: int = Field(default=3, ge=1, le=10)
    retry_max_wait: float = Field(default=8.0, ge=0, le=120)
    timeout: float = Field(default=30.0, gt=0, le=600)
    # One tool call sends at most this many vendor requests, then returns what it has with a cursor.
    max_requests_per_call: int = Field(default=DEFAULT_MAX_REQUESTS, ge=1, le=1000)
    # A result is cut (with a cursor to continue) to stay under this many tokens, estimated from its characters.
    max_result_tokens: int = Field(default=DEFAULT_MAX_RESULT_TOKENS, ge=1000, le=1_000_000)
    # Pages of one call fetched at once where the vendor numbers its pages (TikTok); 1 = one after another.
    page_concurrency: int = Field(default=6, ge=1, le=32)
    # Rows of single-response reports (LinkedIn analytics) kept so a cursor chain does not re-run the report:
    # for this many seconds (0 = no cache), at most this many reports and rows in all.
    report_cache_ttl: float = Field(default=600.0, ge=0, le=86_400)
    report_cache_max_entries: int = Field(default=32, ge=1, le=10_000)
    report_cache_max_rows: int = Field(default=200_000, ge=1, le=10_000_000)
    http_token: SecretStr | None = Field(default=None, description="bearer token HTTP clients must send")
    # JWT bearer tokens from an identity provider (FastMCP's JWTVerifier): a JWKS URL or a PEM public key,
    # and the issuer and audience every token must carry. Either this or http_token (or both) may be set.
    jwt_jwks_uri: str | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_algorithm: JwtAlgorithm = "RS256"
    # Browser Origins allowed to call the HTTP transports (others get 403); hosts the Host header may name.
    allowed_origins: list[str] | None = None
    allowed_hosts: list[str] | None = None
    # Seconds calls in flight get to finish after SIGTERM before they are stopped with an error.
    shutdown_grace: float = Field(default=2.0, ge=0, le=600)
    # Safe changes (mcp_server/changes): apply_change is listed only when writes are on (None = on in --demo
    # against the sandbox, else off). Change ids expire after change_ttl seconds. Guardrails: a budget may
    # grow by at most max_budget_increase_pct per change; irreversible deletes need allow_delete.
    # The journal of applied changes: journal_path (default under the user's data directory).
    writes: bool | None = None
    change_ttl: float = Field(default=600.0, ge=10, le=86_400)
    max_budget_increase_pct: float = Field(default=50.0, ge=0, le=10_000)
    allow_delete: bool = False
    journal_path: str | None = None

    def jwt_configured(self) -> bool:
        return bool(self.jwt_jwks_uri or self.jwt_public_key)

    @field_validator("connectors", "allowed_origins", "allowed_hosts", mode="before")
    @classmethod
    def _comma_list(cls, value):
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()] or None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value):
        return value.strip().upper() if isinstance(value, str) else value


class ConnectorSettings(_Base):
    """Base for each connector's settings; subclasses set env_prefix."""

    mode: Mode = "auto"
    connector_id: str | None = Field(default=None, description="Airbyte connector id (hosted mode)")
    # Requests per second this process sends to the vendor (all calls share it); None = the vendor's
    # default in rate_limit.DEFAULT_QPS, 0 = no client-side limit.
    max_qps: float | None = Field(default=None, ge=0, le=1000)

    def has_direct_credentials(self) -> bool:
        raise NotImplementedError

    def direct_setting_names(self) -> list[str]:
        """The env var names a user sets for direct mode, for 'not configured' messages."""
        raise NotImplementedError


class AirbyteSettings(_Base):
    model_config = SettingsConfigDict(env_prefix="AIRBYTE_", env_file=".env", extra="ignore", populate_by_name=True)

    client_id: str | None = None
    client_secret: SecretStr | None = None
    workspace_name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AIRBYTE_WORKSPACE_NAME", "AIRBYTE_CUSTOMER_NAME", "workspace_name"),
    )
    organization_id: str | None = None
    api_url: str = "https://api.airbyte.ai"
    # Seconds to wait for an Agent API answer; Airbyte's own SDK waits 300 (a hosted report can take minutes).
    timeout: float = Field(default=300.0, gt=0, le=900)
    # Requests per second this process sends to the Agent API; None = rate_limit's default, 0 = no limit.
    max_qps: float | None = Field(default=None, ge=0, le=1000)

    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


def _allowed(annotation: Any, metadata: list[Any]) -> str | None:
    """What a setting accepts, in words, from its type and bounds."""
    options = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is not Literal and len(options) == 1:
        annotation = options[0]  # X | None
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(map(str, get_args(annotation)))
    if annotation is bool:
        return "1 or 0 (true or false)"
    if annotation in (int, float):
        kind = "a whole number" if annotation is int else "a number"
        ge = next((b.ge for b in metadata if isinstance(b, annotated_types.Ge)), None)
        gt = next((b.gt for b in metadata if isinstance(b, annotated_types.Gt)), None)
        le = next((b.le for b in metadata if isinstance(b, annotated_types.Le)), None)
        low = f" from {ge}" if ge is not None else f" above {gt}" if gt is not None else ""
        high = "" if le is None else f" to {le}" if ge is not None else f", up to {le}" if gt is not None else f" up to {le}"
        return f"{kind}{low}{high}"
    if get_origin(annotation) is list:
        return "a comma-separated list"
    return None


def settings_problem(settings_cls: type[BaseSettings], exc: ValidationError) -> str:
    """One line naming each bad environment variable and what it accepts; secrets are never echoed."""
    prefix = settings_cls.model_config.get("env_prefix", "")
    problems = []
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        info = settings_cls.model_fields.get(field)
        name = f"{prefix}{field}".upper()
        if info is None:
            problems.append(f"{name}: {err['msg']}")
            continue
        secret = SecretStr in (info.annotation, *get_args(info.annotation))
        given = "" if secret or isinstance(err.get("input"), dict) else f"={err.get('input')!r}"
        allowed = _allowed(info.annotation, info.metadata)
        problems.append(f"{name}{given} is not valid: use {allowed}" if allowed else f"{name}{given}: {err['msg']}")
    return "; ".join(dict.fromkeys(problems)) + "."
