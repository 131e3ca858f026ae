"""The hosted (Airbyte Agent API) fake on a real socket, shared by the hosted test files."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mcp_server.sandbox.serve import serve_in_thread


class HostedFake:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.app.state.requests

    def calls(self, fragment: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if fragment in r["path"]]

    def vendor_requests(self, connector_id: str) -> list[dict[str, Any]]:
        return self.app.state.vendor_apps[connector_id].state.requests

    def control(self, route: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = httpx.post(f"{self.url}/__sandbox__/{route}", json=body or {})
        reply.raise_for_status()
        return reply.json()

    def fault(self, match: str, kind: str, times: int = 1, **extra: Any) -> None:
        self.control("faults", {"match": match, "kind": kind, "times": times, **extra})


@pytest.fixture
def hosted_fake():
    """A fresh fake per test: config, connectors and tokens never leak between tests."""
    from mcp_server.sandbox.hosted import create_app

    app = create_app()
    with serve_in_thread(app) as url:
        yield HostedFake(app, url)


def airbyte_env(monkeypatch, url: str) -> None:
    """AIRBYTE_* settings that aim the hosted client at the fake at url."""
    from mcp_server.sandbox.hosted import demo_settings

    for key, value in demo_settings(url).items():
        if value is not None:
            monkeypatch.setenv(f"AIRBYTE_{key.upper()}", str(value))
