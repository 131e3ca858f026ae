"""State of the fake Agent API: organizations, tokens, workspaces, connectors, OAuth secrets.

Deterministic ids (uuid5 from names) so demo output is stable between runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

DEMO_CLIENT_ID = "demo-airbyte-client-id"
DEMO_CLIENT_SECRET = "canary-ab-client-secret-9f3b2e8c4a"  # canary: the test run fails if it shows in any output
DEMO_ORGANIZATION_ID = "6f1c2a4e-0000-4000-8000-000000000001"
DEFAULT_TOKEN_LIFETIME = 900  # Airbyte application tokens live 15 minutes
SECRET_LIFETIME = 600  # OAuth secret ids are short-lived
_NAMESPACE = uuid.UUID("8a3b7f52-1d2e-4c5f-9a6b-0c1d2e3f4a5b")


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class HostedStore:
    organizations: list[str] = field(default_factory=lambda: [DEMO_ORGANIZATION_ID])
    clients: dict[str, str] = field(default_factory=lambda: {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET})
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (epoch seconds)
    workspaces: dict[str, dict[str, Any]] = field(default_factory=dict)  # by name
    connectors: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    secrets: dict[str, dict[str, Any]] = field(default_factory=dict)  # OAuth secret_id -> credentials
    oauth_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # consent state -> request

    # -- tokens ----------------------------------------------------------------
    def issue_token(self, client_id: str) -> dict[str, Any]:
        issued = int(time.time())
        payload = {"sub": client_id, "iat": issued, "exp": issued + self.token_lifetime, "jti": secrets.token_hex(8)}
        token = ".".join([_b64({"alg": "HS256", "typ": "JWT"}), _b64(payload), secrets.token_urlsafe(32)])
        self.tokens[token] = time.time() + self.token_lifetime
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "organization_id": self.organizations[0],
        }

    def token_valid(self, token: str) -> bool:
        return self.tokens.get(token, 0) > time.time()

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # -- workspaces and connectors ----------------------------------------------
    def workspace(self, name: str, *, create: bool = False) -> dict[str, Any] | None:
        if name not in self.workspaces and create:
            self.workspaces[name] = {
                "id": stable_id("workspace", name),
                "name": name,
                "organization_id": self.organizations[0],
                "status": "active",
                "created_at": now_iso(),
            }
        return self.workspaces.get(name)

    def add_connector(
        self, *, workspace: str, connector_id: str, definition_id: str, connector_type: str, name: str,
        config: dict[str, Any], start_date: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        ws = self.workspace(workspace, create=True)
        record_id = stable_id("connector", workspace, name, str(len(self.connectors)))
        stamp = now_iso()
        self.connectors[record_id] = {
            "id": record_id,
            "name": name,
            "workspace_name": workspace,
            "workspace_id": ws["id"],
            "connector": connector_id,  # our registry id: which vendor fake runs it
            "definition_id": definition_id,
            "connector_type": connector_type,
            "config": config,  # credentials + advertiser id; never returned
            "replication_config": {"start_date": start_date} if start_date else {},
            "created_at": stamp,
            "updated_at": stamp,
        }
        return self.connectors[record_id]

    def find_connectors(self, workspace: str, definition_id: str | None) -> list[dict[str, Any]]:
        return [
            c for c in self.connectors.values()
            if c["workspace_name"] == workspace and (not definition_id or c["definition_id"] == definition_id)
        ]  # fmt: skip

    # -- OAuth ------------------------------------------------------------------
    def mint_secret(self, session: dict[str, Any], credentials: dict[str, Any]) -> str:
        secret_id = "sec_" + secrets.token_hex(12)
        self.secrets[secret_id] = {**session, "credentials": credentials, "expires": time.time() + SECRET_LIFETIME}
        return secret_id

    def take_secret(self, secret_id: str) -> dict[str, Any] | None:
        secret = self.secrets.get(secret_id)
        if secret is None or secret["expires"] < time.time():
            return None
        return secret


def public_connector(record: dict[str, Any]) -> dict[str, Any]:
    """The connector as the list/create endpoints show it (no credentials)."""
    return {
        "id": record["id"],
        "name": record["name"],
        "workspace_id": record["workspace_id"],
        "summarized_source_template": {
            "id": stable_id("template", record["definition_id"]),
            "actor_definition_id": record["definition_id"],
            "connector_name": record["connector_type"],
        },
        "replication_config": record["replication_config"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
    }
