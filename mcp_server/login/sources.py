"""Where each credential is read from, in order: the process environment, `.env` in the working folder, then
the store `connector-mcp login` wrote. Reports where each one came from (never its value)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store import DEMO_PREFIX, CredentialStore, StoreError, store_from_settings

log = logging.getLogger("mcp_server.login")


@dataclass
class Origins:
    """For one connector: the setting names found in each place, and every place that was looked in."""

    found: dict[str, list[str]] = field(default_factory=dict)  # "env" / ".env /path" / "keychain (...)" → names
    looked: list[str] = field(default_factory=list)
    problem: str | None = None  # the store could not be read

    def line(self) -> str:
        if not self.found:
            return "no credentials found; looked in " + ", ".join(self.looked)
        return "; ".join(f"{', '.join(names)} from {place}" for place, names in self.found.items())


def env_name(settings_cls: type, name: str) -> str:
    return f"{settings_cls.model_config.get('env_prefix', '')}{name}".upper()


def dotenv_path() -> Path:
    return Path.cwd() / ".env"


def _dotenv() -> dict[str, str]:
    from dotenv import dotenv_values  # python-dotenv comes with pydantic-settings, which reads .env with it

    path = dotenv_path()
    if not path.is_file():
        return {}
    return {k.upper(): v for k, v in dotenv_values(path).items() if v}


def record_key(connector_id: str, *, demo: bool = False) -> str:
    return f"{DEMO_PREFIX}{connector_id}" if demo else connector_id


def stored_record(connector_id: str, *, demo: bool = False, store: CredentialStore | None = None) -> dict[str, Any]:
    """What login stored for this connector ({} when nothing, or when the store cannot be read: logged)."""
    try:
        store = store or store_from_settings(reading=True)
        record = store.load(record_key(connector_id, demo=demo)) if store else None
    except StoreError as exc:
        log.warning("%s: the credential store is not usable: %s", connector_id, exc)
        return {}
    return record if isinstance(record, dict) else {}


def stored_settings(connector_id: str, settings_cls: type, *, demo: bool = False) -> dict[str, Any]:
    """The stored setting values that neither the environment nor .env sets (those win)."""
    stored = stored_record(connector_id, demo=demo).get("settings") or {}
    if not stored:
        return {}
    environment = {k.upper() for k, v in os.environ.items() if v}
    dotenv = _dotenv()
    return {
        name: value
        for name, value in stored.items()
        if name in settings_cls.model_fields and value not in (None, "")
        and env_name(settings_cls, name) not in environment and env_name(settings_cls, name) not in dotenv
    }  # fmt: skip


def origins(connector_id: str, settings_cls: type, names: list[str]) -> Origins:
    """Where each of `names` (setting fields) comes from, first place wins, as the settings read them."""
    result = Origins()
    environment = {k.upper() for k, v in os.environ.items() if v}
    dotenv, path = _dotenv(), dotenv_path()
    try:
        store = store_from_settings(reading=True)
        stored = (store.load(connector_id) or {}).get("settings") or {} if store else {}
    except StoreError as exc:
        store, stored = None, {}
        result.problem = str(exc)
    result.looked = ["the environment", f".env {path}" + ("" if path.is_file() else " (no such file)")]
    result.looked.append(f"the login store, {store.where}" if store else "no login store (CONNECTOR_MCP_CREDENTIAL_STORE=none)")
    for name in names:
        setting = env_name(settings_cls, name)
        if setting in environment:
            place = "env"
        elif setting in dotenv:
            place = f".env {path}"
        elif stored.get(name) not in (None, "") and store is not None:
            place = store.where
        else:
            continue
        result.found.setdefault(place, []).append(setting)
    return result


def origins_line(connector: object) -> str:
    """For start-up logs and `check`: where each of a connector's settings came from (names only)."""
    settings_cls = connector.settings_cls  # type: ignore[attr-defined]
    names = [n for n in settings_cls.model_fields if n not in ("mode", "max_qps")]
    found = origins(connector.id, settings_cls, names)  # type: ignore[attr-defined]
    return found.line() + (f" (the store could not be read: {found.problem})" if found.problem else "")


def shadowing(settings_cls: type, stored: dict[str, Any]) -> list[str]:
    """Setting names whose environment or .env value differs from the stored one (and so wins over it)."""
    dotenv = _dotenv()
    environment = {k.upper(): v for k, v in os.environ.items() if v}
    names = []
    for name, value in stored.items():
        setting = env_name(settings_cls, name)
        given = environment.get(setting) or dotenv.get(setting)
        if given and given != str(value):
            names.append(setting)
    return names
