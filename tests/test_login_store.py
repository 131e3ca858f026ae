"""The login store (keychain through keyring, or a 0600 file) and the order credentials are read in."""

from __future__ import annotations

import json
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from mcp_server.connectors import REGISTRY
from mcp_server.login.sources import origins_line, stored_settings
from mcp_server.login.store import FileStore, KeyringStore, StoreError, open_store
from tests.conftest import CANARIES

TOKEN = CANARIES["TIKTOK_MARKETING_ACCESS_TOKEN"]
TIKTOK = REGISTRY["tiktok-marketing"]


class MemoryKeyring(KeyringBackend):
    """An in-memory keychain: what a real backend (Keychain, Secret Service, Credential Locker) would hold."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_auto_uses_the_keychain_when_a_backend_exists(memory_keyring):
    store = open_store("auto")
    assert isinstance(store, KeyringStore) and "keychain" in store.where
    store.save("tiktok-marketing", {"settings": {"access_token": TOKEN}})
    assert json.loads(memory_keyring.items[("connector-mcp", "tiktok-marketing")])["settings"]["access_token"] == TOKEN
    assert store.load("tiktok-marketing")["settings"]["access_token"] == TOKEN
    assert store.delete("tiktok-marketing") and not store.delete("tiktok-marketing")
    assert store.load("tiktok-marketing") is None


def test_reading_skips_the_keychain_until_something_was_stored(memory_keyring, monkeypatch, tmp_path):
    """keyring's import and backend search cost ~0.2 s at every start: only after a login stored something."""
    from mcp_server.login.store import EmptyStore, store_from_settings

    monkeypatch.setenv("CONNECTOR_MCP_CREDENTIAL_STORE", "auto")
    assert isinstance(store_from_settings(reading=True), EmptyStore)
    assert TIKTOK.load_settings().access_token is None
    store_from_settings().save("tiktok-marketing", {"settings": {"access_token": TOKEN}})
    index = tmp_path / "config" / "keychain-index.json"
    assert json.loads(index.read_text()) == ["tiktok-marketing"] and stat.S_IMODE(index.stat().st_mode) == 0o600
    assert TOKEN not in index.read_text()
    assert isinstance(store_from_settings(reading=True), KeyringStore)
    assert TIKTOK.load_settings().access_token.get_secret_value() == TOKEN
    assert store_from_settings().delete("tiktok-marketing") and json.loads(index.read_text()) == []


def test_auto_falls_back_to_the_file_without_a_backend(tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert isinstance(open_store("auto", str(tmp_path)), FileStore)
        with pytest.raises(StoreError, match="CONNECTOR_MCP_CREDENTIAL_STORE=file"):
            open_store("keyring")
    finally:
        keyring.set_keyring(previous)
    assert open_store("none") is None


def test_the_file_is_0600_in_a_0700_folder_even_when_the_folder_was_open(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    store = FileStore(folder)
    store.save("tiktok-marketing", {"settings": {"access_token": TOKEN}})
    store.save("linkedin-ads", {"settings": {"account_id": "1"}})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["credentials.json"]  # no temp file left behind
    assert store.delete("tiktok-marketing")
    assert json.loads(store.path.read_text()) == {"linkedin-ads": {"settings": {"account_id": "1"}}}


def test_a_damaged_file_is_a_clear_error_not_a_traceback(tmp_path):
    store = FileStore(tmp_path)
    store.path.write_text("{not json")
    with pytest.raises(StoreError, match="connector-mcp logout"):
        store.load("tiktok-marketing")


def test_env_beats_dotenv_beats_the_store_and_each_place_is_named(monkeypatch, tmp_path):
    open_store("file", str(tmp_path / "config")).save(
        "tiktok-marketing", {"settings": {"access_token": TOKEN, "advertiser_id": "111"}, "meta": {}}
    )
    assert TIKTOK.load_settings().advertiser_id == "111"
    line = origins_line(TIKTOK)
    assert "TIKTOK_MARKETING_ACCESS_TOKEN, TIKTOK_MARKETING_ADVERTISER_ID from file" in line and TOKEN not in line
    (tmp_path / ".env").write_text("TIKTOK_MARKETING_ADVERTISER_ID=222\n")
    assert TIKTOK.load_settings().advertiser_id == "222"
    assert stored_settings(TIKTOK.id, TIKTOK.settings_cls) == {"access_token": TOKEN}
    assert f"TIKTOK_MARKETING_ADVERTISER_ID from .env {tmp_path / '.env'}" in origins_line(TIKTOK)
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", "333")
    settings = TIKTOK.load_settings()
    assert settings.advertiser_id == "333" and settings.access_token.get_secret_value() == TOKEN
    assert "TIKTOK_MARKETING_ADVERTISER_ID from env" in origins_line(TIKTOK)


def test_nothing_found_names_every_place_looked(tmp_path):
    line = origins_line(TIKTOK)
    assert line.startswith("no credentials found; looked in the environment")
    assert f".env {tmp_path / '.env'} (no such file)" in line and str(tmp_path / "config" / "credentials.json") in line


def test_start_up_logs_where_each_credential_came_from_never_the_value(caplog, tmp_path, monkeypatch):
    from mcp_server.cli import _log_backends
    from mcp_server.settings import ServerSettings

    open_store("file", str(tmp_path / "config")).save("tiktok-marketing", {"settings": {"access_token": TOKEN, "advertiser_id": "1"}})
    monkeypatch.setenv("TIKTOK_MARKETING_APP_ID", "7301552918837460993")
    with caplog.at_level("INFO", logger="mcp_server.cli"):
        _log_backends(ServerSettings(), hosted_demo=False)
    lines = [r.getMessage() for r in caplog.records]
    tiktok = next(line for line in lines if line.startswith("tiktok-marketing credentials: "))
    assert "TIKTOK_MARKETING_ACCESS_TOKEN, TIKTOK_MARKETING_ADVERTISER_ID from file " in tiktok
    assert "; TIKTOK_MARKETING_APP_ID from env" in tiktok
    assert any(line.startswith("linkedin-ads credentials: no credentials found; looked in the environment, .env ") for line in lines)
    assert TOKEN not in caplog.text
