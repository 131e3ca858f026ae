"""Shared fixtures: a clean environment per test, and the sandbox fakes served on 127.0.0.1."""

from __future__ import annotations

import os

import pytest

from mcp_server.sandbox.serve import serve_in_thread

ENV_PREFIXES = ("TIKTOK_MARKETING_", "LINKEDIN_ADS_", "AIRBYTE_", "CONNECTOR_MCP_")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the developer's credentials or .env; retries are instant."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTOR_MCP_RETRY_MAX_WAIT", "0.01")
    monkeypatch.setenv("FASTMCP_CHECK_FOR_UPDATES", "off")


class Fake:
    """A sandbox app served on a real socket, with its request log."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    @property
    def requests(self) -> list[dict]:
        return self.app.state.requests

    def reset(self) -> None:
        import httpx

        httpx.post(f"{self.url}/__sandbox__/reset").raise_for_status()

    def fault(self, match: str, kind: str, times: int = 1) -> None:
        import httpx

        httpx.post(f"{self.url}/__sandbox__/faults", json={"match": match, "kind": kind, "times": times}).raise_for_status()


def _serve(app):
    with serve_in_thread(app) as url:
        yield Fake(app, url)


@pytest.fixture(scope="session")
def tiktok_fake_session():
    from mcp_server.connectors.tiktok_marketing.sandbox import create_app

    yield from _serve(create_app())


@pytest.fixture(scope="session")
def linkedin_fake_session():
    from mcp_server.connectors.linkedin_ads.sandbox import create_app

    yield from _serve(create_app())


@pytest.fixture
def tiktok_fake(tiktok_fake_session):
    tiktok_fake_session.reset()
    return tiktok_fake_session


@pytest.fixture
def linkedin_fake(linkedin_fake_session):
    linkedin_fake_session.reset()
    return linkedin_fake_session


def point_at_fake(monkeypatch, connector_id: str, url: str) -> None:
    """Set the env vars that aim a connector's direct client at a fake served at url."""
    from mcp_server.connectors import REGISTRY

    connector = REGISTRY[connector_id]
    prefix = connector.settings_cls.model_config["env_prefix"]
    for key, value in connector.sandbox_settings(url).items():
        monkeypatch.setenv(f"{prefix}{key.upper()}", str(value))


@pytest.fixture
def direct_env(monkeypatch, tiktok_fake, linkedin_fake):
    """Both connectors in direct mode against their fakes over real sockets."""
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return {"tiktok-marketing": tiktok_fake, "linkedin-ads": linkedin_fake}
