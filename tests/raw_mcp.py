"""A plain streamable-HTTP client (httpx, no MCP library): what a client written from the spec sends,
for the tests that must not lean on fastmcp's Client (it resumes and retries where others do not)."""

from __future__ import annotations

import json

import httpx

ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


class RawSession:
    def __init__(self, http: httpx.AsyncClient, url: str, *, protocol: str = "2025-11-25", headers: dict | None = None):
        self.http, self.url, self.protocol = http, url, protocol
        self.headers = {**ACCEPT, **(headers or {})}

    async def initialize(self) -> httpx.Response:
        """initialize, then notifications/initialized; later requests carry the session id (if any)."""
        hello = {"protocolVersion": self.protocol, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}
        answer = await self.http.post(self.url, headers=self.headers, json=_rpc("initialize", hello, id=1))
        if answer.status_code != 200:
            return answer
        self.headers["mcp-protocol-version"] = self.protocol
        if "mcp-session-id" in answer.headers:
            self.headers["mcp-session-id"] = answer.headers["mcp-session-id"]
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        done = await self.http.post(self.url, headers=self.headers, json=initialized)
        assert done.status_code == 202, done.text
        return answer

    async def call_tool(self, name: str, arguments: dict, id: int = 3) -> tuple[httpx.Response, list[dict]]:
        """tools/call; the HTTP answer and the JSON-RPC messages in its body (SSE or JSON)."""
        call = _rpc("tools/call", {"name": name, "arguments": arguments}, id=id)
        answer = await self.http.post(self.url, headers=self.headers, json=call)
        return answer, messages(answer)

    def get_stream(self):
        """The GET stream for server-initiated messages (a context manager yielding the response)."""
        return self.http.stream("GET", self.url, headers={**self.headers, "Accept": "text/event-stream"})


def _rpc(method: str, params: dict, id: int) -> dict:
    return {"jsonrpc": "2.0", "id": id, "method": method, "params": params}


def messages(answer: httpx.Response) -> list[dict]:
    if answer.headers.get("content-type", "").startswith("application/json"):
        return [answer.json()]
    return [json.loads(line[5:]) for line in answer.text.splitlines() if line.startswith("data:") and line[5:].strip()]
