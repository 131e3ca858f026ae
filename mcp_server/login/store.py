"""The credential store `connector-mcp login` writes, read after the environment and `.env`.

One record per connector: {"settings": {field: value}, "meta": {...}}. `settings` are the connector's own
setting fields (client_id, refresh_token, account_id...); `meta` is what `check` reports (when the refresh
token expires, the scopes granted). Kept in the OS keychain through `keyring` where a real backend exists,
else in a JSON file under the user's config directory (0600 in a 0700 folder). CONNECTOR_MCP_CREDENTIAL_STORE
chooses (auto, keyring, file, none).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

SERVICE = "connector-mcp"
FILE_NAME = "credentials.json"
KEYCHAIN_INDEX = "keychain-index.json"  # which keys the keychain holds (no secret): see KeyringStore
# Records of the sandbox login (`--demo login`) live under their own names, never beside real ones.
DEMO_PREFIX = "demo:"


class StoreError(Exception):
    """The store cannot be read or written; the message names where and why (never a value)."""


class CredentialStore(Protocol):
    where: str  # for logs and messages: "keychain (SecretService Keyring)" or "file /home/.../credentials.json"
    kind: str  # "keychain" or "file"

    def load(self, key: str) -> dict[str, Any] | None: ...

    def save(self, key: str, record: dict[str, Any]) -> None: ...

    def delete(self, key: str) -> bool: ...


class KeyringStore:
    """One keychain item per connector (service connector-mcp, user the connector id), its value a JSON record.

    Beside it, an index file (keys only, no secret) in the config folder says that something was stored, so a
    process that finds neither it nor the credentials file skips the keychain (importing keyring and finding its
    backend costs ~0.2 s at every start)."""

    kind = "keychain"

    def __init__(self, backend: Any, index: Path):
        self._backend = backend
        self._index = index
        self.where = f"keychain ({type(backend).__module__.rsplit('.', 1)[-1]} {type(backend).__name__})"

    def _note(self, key: str, present: bool) -> None:
        try:
            keys = set(json.loads(self._index.read_text(encoding="utf-8"))) if self._index.exists() else set()
        except (OSError, ValueError):
            keys = set()
        keys = keys | {key} if present else keys - {key}
        _write_private(self._index.parent, self._index, sorted(keys))

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            text = self._backend.get_password(SERVICE, key)
        except Exception as exc:  # keyring raises backend-specific errors (locked, no D-Bus...)
            raise StoreError(f"the {self.where} could not be read ({type(exc).__name__})") from None
        return _parse(text, self.where)

    def save(self, key: str, record: dict[str, Any]) -> None:
        try:
            self._backend.set_password(SERVICE, key, json.dumps(record))
        except Exception as exc:
            raise StoreError(f"the {self.where} refused the write ({type(exc).__name__})") from None
        self._note(key, True)

    def delete(self, key: str) -> bool:
        import keyring.errors

        try:
            self._backend.delete_password(SERVICE, key)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:
            raise StoreError(f"the {self.where} refused the delete ({type(exc).__name__})") from None
        self._note(key, False)
        return True


class FileStore:
    """All records in one JSON file, mode 0600, in a 0700 folder; written whole to a temp file, then renamed."""

    kind = "file"

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / FILE_NAME
        self.where = f"file {self.path}"

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(f"{self.path} could not be read ({exc.strerror})") from None
        data = _parse(text, self.where)
        return data if isinstance(data, dict) else {}

    def load(self, key: str) -> dict[str, Any] | None:
        return self._read().get(key)

    def save(self, key: str, record: dict[str, Any]) -> None:
        data = self._read()
        data[key] = record
        self._write(data)

    def delete(self, key: str) -> bool:
        data = self._read()
        if key not in data:
            return False
        del data[key]
        self._write(data)
        return True

    def _write(self, data: dict[str, Any]) -> None:
        _write_private(self.folder, self.path, data)


class EmptyStore:
    """Nothing was ever stored (auto: no credentials file, no keychain index): read without touching the keychain."""

    kind = "none"

    def __init__(self, folder: Path):
        self.where = f"nothing stored yet (no {folder / FILE_NAME} or keychain entry)"

    def load(self, key: str) -> dict[str, Any] | None:
        return None

    def save(self, key: str, record: dict[str, Any]) -> None:  # pragma: no cover - reading only
        raise StoreError("this store is for reading only")

    def delete(self, key: str) -> bool:
        return False


def _write_private(folder: Path, path: Path, data: Any) -> None:
    """JSON to `path`, mode 0600 in a 0700 folder, written whole to a temp file and renamed over it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask, and an existing folder keeps its own
        # mkstemp creates the file 0600, so no other user can read it even for a moment.
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".credentials-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
        os.replace(temp, path)
    except OSError as exc:
        raise StoreError(f"{path} could not be written ({exc.strerror})") from None


def _parse(text: str | None, where: str) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise StoreError(f"the {where} holds something that is not connector-mcp's JSON; run `connector-mcp logout`") from None


def _os_keychain(backend: Any) -> bool:
    """An OS keychain: not keyring's 'fail'/'null' stand-ins, nor keyrings.alt's files (our own file is 0600)."""
    from keyring.backends import fail, null

    if isinstance(backend, (fail.Keyring, null.Keyring)) or type(backend).__module__.startswith("keyrings.alt"):
        return False
    return getattr(backend, "priority", 0) > 0


def usable_keyring() -> Any | None:
    """The keyring backend when it is an OS keychain, else None."""
    try:
        import keyring
    except ImportError:
        return None
    backend = keyring.get_keyring()
    inner = getattr(backend, "backends", None)  # keyring's chainer wraps the real ones
    if inner is not None:
        return backend if any(_os_keychain(b) for b in inner) else None
    return backend if _os_keychain(backend) else None


def config_folder(configured: str | None) -> Path:
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_config_path(SERVICE, appauthor=False)


def open_store(kind: str = "auto", config_dir: str | None = None) -> CredentialStore | None:
    """The store the setting chooses; 'auto' = the keychain where a real backend exists, else the file."""
    if kind == "none":
        return None
    if kind in ("auto", "keyring"):
        backend = usable_keyring()
        if backend is not None:
            return KeyringStore(backend, config_folder(config_dir) / KEYCHAIN_INDEX)
        if kind == "keyring":
            raise StoreError(
                "CONNECTOR_MCP_CREDENTIAL_STORE=keyring but no OS keychain backend is available "
                "(install one, e.g. `pip install keyrings.alt`, or use CONNECTOR_MCP_CREDENTIAL_STORE=file)"
            )
    return FileStore(config_folder(config_dir))


def _indexed_keys(index: Path) -> bool:
    """Whether the keychain index names any key: absent or `[]` (every login logged out) means none, so reading
    skips importing keyring and finding its backend (~60 ms at every start); unreadable counts as some."""
    try:
        return bool(json.loads(index.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True


def store_from_settings(*, reading: bool = False) -> CredentialStore | None:
    """The store ServerSettings (CONNECTOR_MCP_CREDENTIAL_STORE, CONNECTOR_MCP_CONFIG_DIR) chooses; `reading`
    allows the shortcut when nothing was ever stored."""
    from ..settings import ServerSettings

    settings = ServerSettings()
    if reading and settings.credential_store == "auto":
        folder = config_folder(settings.config_dir)
        if not (folder / FILE_NAME).exists() and not _indexed_keys(folder / KEYCHAIN_INDEX):
            return EmptyStore(folder)
    return open_store(settings.credential_store, settings.config_dir)
