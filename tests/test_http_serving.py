"""HTTP serving rules (issue 10): no unauthenticated bind beyond loopback, the Origin/Host guard, JWT bearer
tokens beside the static one. Real server subprocesses over real sockets; a module shares each server."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.server.auth.providers.jwt import RSAKeyPair
from fastmcp.utilities.tests import run_server_async

from mcp_server.cli import main
from mcp_server.sandbox.serve import free_port, serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

from .raw_mcp import RawSession
from .server_process import ServerProcess, clean_env, non_loopback_ipv4

ISSUER = "https://idp.example.com/"
AUDIENCE = "connector-mcp"
STATIC_TOKEN = "static-token-for-the-serving-tests-4711"
ALLOWED_ORIGIN = "https://app.example.com"
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


async def tool_names(url: str, *, token: str | None = None, headers: dict | None = None) -> set[str]:
    async with Client(StreamableHttpTransport(url, headers=headers or {}, auth=token)) as client:
        return {tool.name for tool in await client.list_tools()}


def run_cli(*args: str, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mcp_server", *args], env=clean_env(**settings), capture_output=True, text=True, timeout=60
    )  # fmt: skip


# --- binding beyond loopback ---


def test_non_loopback_bind_without_auth_refuses_to_start():
    port = free_port()
    done = run_cli("--demo", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", str(port))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needed in ("0.0.0.0", "CONNECTOR_MCP_HTTP_TOKEN", "CONNECTOR_MCP_JWT_JWKS_URI", "--allow-unauthenticated"):
        assert needed in lines[0]
    assert "Starting MCP server" not in done.stderr


def test_non_loopback_sse_without_auth_refuses_too(monkeypatch, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--demo", "serve", "--transport", "sse", "--host", "192.0.2.10"])
    assert stopped.value.code == 2
    assert "refusing to serve sse on 192.0.2.10 without authentication" in capsys.readouterr().err


def test_startup_refuses_unusable_serving_settings(monkeypatch, capsys):
    keys = RSAKeyPair.generate()
    cases = [
        (["--stateless"], {}, "--stateless needs --transport http"),
        ([], {"CONNECTOR_MCP_JWT_PUBLIC_KEY": keys.public_key}, "CONNECTOR_MCP_JWT_ISSUER and CONNECTOR_MCP_JWT_AUDIENCE"),
        ([], {"CONNECTOR_MCP_JWT_AUDIENCE": AUDIENCE}, "no key to check JWTs with"),
        ([], {"CONNECTOR_MCP_JWT_PUBLIC_KEY": "not a key", "CONNECTOR_MCP_JWT_ISSUER": ISSUER,
              "CONNECTOR_MCP_JWT_AUDIENCE": AUDIENCE}, "is not a PEM public key"),
        ([], {"CONNECTOR_MCP_JWT_JWKS_URI": "https://idp.example.com/jwks", "CONNECTOR_MCP_JWT_PUBLIC_KEY": keys.public_key,
              "CONNECTOR_MCP_JWT_ISSUER": ISSUER, "CONNECTOR_MCP_JWT_AUDIENCE": AUDIENCE}, "not both"),
        ([], {"CONNECTOR_MCP_JWT_JWKS_URI": "file:///etc/keys.json", "CONNECTOR_MCP_JWT_ISSUER": ISSUER,
              "CONNECTOR_MCP_JWT_AUDIENCE": AUDIENCE}, "must be an https:// URL"),
        ([], {"CONNECTOR_MCP_JWT_JWKS_URI": "http://idp.example.com/jwks", "CONNECTOR_MCP_JWT_ISSUER": ISSUER,
              "CONNECTOR_MCP_JWT_AUDIENCE": AUDIENCE}, "must be an https:// URL"),  # keys over plain http: swappable
        ([], {"CONNECTOR_MCP_JWT_ALGORITHM": "HS256"}, "CONNECTOR_MCP_JWT_ALGORITHM='HS256' is not valid"),
        ([], {"CONNECTOR_MCP_SHUTDOWN_GRACE": "-1"}, "CONNECTOR_MCP_SHUTDOWN_GRACE='-1' is not valid"),
        ([], {"CONNECTOR_MCP_HTTP_TOKEN": "   \t "}, "CONNECTOR_MCP_HTTP_TOKEN: must be at least 24 characters"),
        ([], {"CONNECTOR_MCP_HTTP_TOKEN": "hunter2-weak-pw"}, "CONNECTOR_MCP_HTTP_TOKEN: must be at least 24 characters"),
        ([], {"CONNECTOR_MCP_HTTP_TOKEN": f" {STATIC_TOKEN}"}, "CONNECTOR_MCP_HTTP_TOKEN: must be at least 24 characters"),
        ([], {"CONNECTOR_MCP_MAX_SESSIONS": "0"}, "CONNECTOR_MCP_MAX_SESSIONS='0' is not valid"),
    ]  # fmt: skip
    for extra, settings, message in cases:
        with monkeypatch.context() as env:
            for name, value in settings.items():
                env.setenv(name, value)
            with pytest.raises(SystemExit) as stopped:
                main(["--demo", "serve", "--transport", "sse", *extra])
        err = capsys.readouterr().err
        assert stopped.value.code == 2, (settings, err)
        assert message in err and len(err.strip().splitlines()) == 1, err
        assert "hunter2" not in err and STATIC_TOKEN not in err  # a token is never echoed


async def test_allow_unauthenticated_serves_with_a_loud_warning(tmp_path):
    server = ServerProcess(
        "--demo", "serve", "--transport", "http", "--allow-unauthenticated", host="0.0.0.0", env=clean_env(), cwd=tmp_path
    )  # fmt: skip
    try:
        server.host = "127.0.0.1"  # bound on every address; reached on loopback
        server.wait_until_listening()
        assert "tiktok_marketing_execute" in await tool_names(server.url)
    finally:
        server.stop()
    warnings = [line for line in server.stderr().splitlines() if "WARNING" in line and "WITHOUT AUTHENTICATION" in line]
    assert len(warnings) == 1 and "0.0.0.0" in warnings[0] and "--allow-unauthenticated" in warnings[0]


# --- Origin and Host ---


@pytest.fixture(scope="module")
def loopback_server(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("loopback")
    server = ServerProcess(
        "--demo", "serve", "--transport", "http",
        env=clean_env(CONNECTOR_MCP_ALLOWED_ORIGINS=f"{ALLOWED_ORIGIN},https://other.example.com"), cwd=cwd,
    )  # fmt: skip
    yield server.wait_until_listening()
    server.stop()
    assert "Traceback" not in server.stderr()


async def test_loopback_origins(loopback_server):
    url = loopback_server.url
    assert "describe" in await tool_names(url)  # no Origin: not a browser
    assert "describe" in await tool_names(url, headers={"Origin": ALLOWED_ORIGIN})
    for origin in ("https://evil.example", "http://app.example.com", "https://app.example.com.evil.example", "null"):
        refused = httpx.post(url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Origin": origin})
        assert refused.status_code == 403, (origin, refused.status_code)
        assert "CONNECTOR_MCP_ALLOWED_ORIGINS" in refused.text and repr(origin) in refused.text
    assert loopback_server.stderr().count("403 for POST /mcp from 127.0.0.1: Origin") == 1  # the rest counted


async def test_loopback_rejects_dns_rebinding_hosts(loopback_server):
    url = loopback_server.url
    # A page on evil.example whose name now resolves to 127.0.0.1: its Host header still says evil.example.
    for host in ("evil.example", f"evil.example:{loopback_server.port}", "192.0.2.1"):
        refused = httpx.post(url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Host": host})
        assert refused.status_code == 421, (host, refused.status_code)
        assert "CONNECTOR_MCP_ALLOWED_HOSTS" in refused.text and repr(host) in refused.text
    assert loopback_server.stderr().count("421 for POST /mcp from 127.0.0.1: Host 'evil.example'") == 1
    assert "describe" in await tool_names(f"http://localhost:{loopback_server.port}/mcp")


@pytest.fixture(scope="module")
def public_server(tmp_path_factory):
    """Bound on this machine's own network address (not loopback), with a token and an allowed host."""
    address = non_loopback_ipv4()
    if address is None:
        pytest.skip("no non-loopback IPv4 address on this machine")
    cwd = tmp_path_factory.mktemp("public")
    env = clean_env(
        CONNECTOR_MCP_HTTP_TOKEN=STATIC_TOKEN,
        CONNECTOR_MCP_ALLOWED_ORIGINS=ALLOWED_ORIGIN,
        CONNECTOR_MCP_ALLOWED_HOSTS=f"mcp.example.com,{address}",
    )
    server = ServerProcess("--demo", "serve", "--transport", "http", host=address, env=env, cwd=cwd)
    yield server.wait_until_listening()
    server.stop()
    assert "Traceback" not in server.stderr() and STATIC_TOKEN not in server.stderr()
    assert "WITHOUT AUTHENTICATION" not in server.stderr()


async def test_public_bind_checks_origin_and_host_even_with_a_valid_token(public_server):
    url = public_server.url
    authorized = {**MCP_HEADERS, "Authorization": f"Bearer {STATIC_TOKEN}"}
    assert "describe" in await tool_names(url, token=STATIC_TOKEN)
    assert "describe" in await tool_names(url, token=STATIC_TOKEN, headers={"Origin": ALLOWED_ORIGIN, "Host": "mcp.example.com"})
    for origin in ("https://evil.example", "https://mcp.example.com.evil.example", "null"):
        assert httpx.post(url, json=LIST_TOOLS, headers={**authorized, "Origin": origin}).status_code == 403
    assert httpx.post(url, json=LIST_TOOLS, headers={**authorized, "Host": "evil.example"}).status_code == 421
    assert httpx.post(url, json=LIST_TOOLS, headers=MCP_HEADERS).status_code == 401


async def test_authenticated_wide_bind_answers_any_host_name(tmp_path):
    """With a token, Host is checked only when CONNECTOR_MCP_ALLOWED_HOSTS is set: DNS rebinding cannot add the
    token, and a proxy on the same machine (nginx -> 127.0.0.1, Host: mcp.example.com) must not get 421."""
    env = clean_env(CONNECTOR_MCP_HTTP_TOKEN=STATIC_TOKEN)
    server = ServerProcess("--demo", "serve", "--transport", "http", host="0.0.0.0", env=env, cwd=tmp_path)
    try:
        server.host = "127.0.0.1"  # bound on every address; reached on loopback, as a local proxy would
        server.wait_until_listening()
        assert "describe" in await tool_names(server.url, token=STATIC_TOKEN, headers={"Host": "mcp.example.com"})
        async with httpx.AsyncClient() as http:
            anonymous = await http.post(server.url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Host": "evil.example"})
            assert anonymous.status_code == 401  # the token, not the name, is what keeps a rebinding page out
            authorized = {**MCP_HEADERS, "Authorization": f"Bearer {STATIC_TOKEN}", "Origin": "https://evil.example"}
            assert (await http.post(server.url, json=LIST_TOOLS, headers=authorized)).status_code == 403
    finally:
        server.stop()


# --- sessions ---


async def test_sessions_are_capped_and_idle_ones_reaped(tmp_path):
    env = clean_env(CONNECTOR_MCP_MAX_SESSIONS="2", CONNECTOR_MCP_SESSION_IDLE_TIMEOUT="1")
    server = ServerProcess("--demo", "serve", "--transport", "http", env=env, cwd=tmp_path)
    server.wait_until_listening()
    try:
        async with httpx.AsyncClient() as http:
            first, second = RawSession(http, server.url), RawSession(http, server.url)
            assert (await first.initialize()).status_code == 200 and (await second.initialize()).status_code == 200
            for _ in range(5):
                refused = await RawSession(http, server.url).initialize()
                assert refused.status_code == 503 and refused.headers["retry-after"] == "30"
            message = refused.json()["error"]["message"]
            assert "at most 2" in message and "CONNECTOR_MCP_MAX_SESSIONS" in message
            listed = await http.post(server.url, json=LIST_TOOLS, headers=second.headers)  # open ones still served
            assert listed.status_code == 200 and "describe" in listed.text
            await asyncio.sleep(2.5)  # both idle past CONNECTOR_MCP_SESSION_IDLE_TIMEOUT
            assert (await http.post(server.url, json=LIST_TOOLS, headers=first.headers)).status_code == 404
            assert (await RawSession(http, server.url).initialize()).status_code == 200
    finally:
        server.stop()
    stderr = server.stderr()
    # One line at the first refusal, one counting the other four (logged at the latest on shutdown).
    assert stderr.count("503 for POST /mcp") == 2 and "(4 refusals of this kind since its last line" in stderr, stderr
    assert "Refusing to open a new session" not in stderr


# --- JWT ---


@pytest.fixture(scope="module")
def keys():
    return RSAKeyPair.generate()


@pytest.fixture(scope="module")
def jwt_server(tmp_path_factory, keys):
    """JWT (a PEM written on one line) and the static token, both accepted."""
    cwd = tmp_path_factory.mktemp("jwt")
    env = clean_env(
        CONNECTOR_MCP_JWT_PUBLIC_KEY=keys.public_key.strip().replace("\n", "\\n"),
        CONNECTOR_MCP_JWT_ISSUER=ISSUER,
        CONNECTOR_MCP_JWT_AUDIENCE=AUDIENCE,
        CONNECTOR_MCP_HTTP_TOKEN=STATIC_TOKEN,
    )
    server = ServerProcess("--demo", "serve", "--transport", "http", env=env, cwd=cwd)
    yield server.wait_until_listening()
    server.stop()


async def test_jwt_and_static_token_are_both_accepted(jwt_server, keys):
    token = keys.create_token(issuer=ISSUER, audience=AUDIENCE, subject="analyst@example.com")
    assert "ads_report" in await tool_names(jwt_server.url, token=token)
    assert "ads_report" in await tool_names(jwt_server.url, token=STATIC_TOKEN)
    listed_in_aud = keys.create_token(issuer=ISSUER, audience=["another-api", AUDIENCE])
    assert "ads_report" in await tool_names(jwt_server.url, token=listed_in_aud)


async def test_bad_jwts_get_401_with_a_challenge_and_no_echo(jwt_server, keys):
    other_keys = RSAKeyPair.generate()
    refused = {
        "wrong audience": keys.create_token(issuer=ISSUER, audience="another-api"),
        "no audience": keys.create_token(issuer=ISSUER),
        "wrong issuer": keys.create_token(issuer="https://evil.example/", audience=AUDIENCE),
        "expired": keys.create_token(issuer=ISSUER, audience=AUDIENCE, expires_in_seconds=-60),
        "not yet valid": keys.create_token(issuer=ISSUER, audience=AUDIENCE, additional_claims={"nbf": 4102444800}),
        "wrong key": other_keys.create_token(issuer=ISSUER, audience=AUDIENCE),
        "unsigned": _unsigned(issuer=ISSUER, aud=AUDIENCE, exp=4102444800),
        "garbage": "not.a.jwt",
        "no expiry": _signed_without_exp(keys, iss=ISSUER, aud=AUDIENCE, sub="analyst@example.com"),  # valid forever
    }
    for case, token in refused.items():
        answer = httpx.post(jwt_server.url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, case
        assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"', case
        body = answer.json()
        assert body["error"] == "invalid_token", case
        # It says what to send: the static token's setting, or a JWT from this issuer for this audience.
        assert "CONNECTOR_MCP_HTTP_TOKEN" in body["error_description"] and ISSUER in body["error_description"], case
        assert AUDIENCE in body["error_description"], case
        assert token not in answer.text and STATIC_TOKEN not in answer.text, case
    missing = httpx.post(jwt_server.url, json=LIST_TOOLS, headers=MCP_HEADERS)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    for _ in range(40):  # a flood of bad tokens
        httpx.post(jwt_server.url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Authorization": "Bearer flood"})
    stderr = jwt_server.stderr()
    # One line per kind of refusal and minute (bad token, no token), the rest counted; no line per token.
    assert stderr.count("401 for POST /mcp") == 2, stderr
    assert "Bearer token rejected" not in stderr
    for token in refused.values():
        assert token not in stderr or token == "not.a.jwt"
    assert STATIC_TOKEN not in stderr and keys.private_key.get_secret_value().splitlines()[1] not in stderr


def _unsigned(**claims) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _signed_without_exp(keys: RSAKeyPair, **claims) -> str:
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    return jwt.encode({"alg": "RS256"}, claims, RSAKey.import_key(keys.private_key.get_secret_value()))


def _jwk(keys: RSAKeyPair, kid: str) -> dict:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    numbers = load_pem_public_key(keys.public_key.encode()).public_numbers()

    def b64(number: int) -> str:
        return base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode().rstrip("=")

    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(numbers.n), "e": b64(numbers.e)}


async def test_jwt_from_a_jwks_url(keys):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    fetched = []

    async def jwks(_request):
        fetched.append(1)
        return JSONResponse({"keys": [_jwk(keys, "key-1")]})

    with serve_in_thread(Starlette(routes=[Route("/.well-known/jwks.json", jwks)])) as idp:
        settings = ServerSettings(
            demo=True, jwt_jwks_uri=f"{idp}/.well-known/jwks.json", jwt_issuer=ISSUER, jwt_audience=AUDIENCE
        )  # fmt: skip
        async with run_server_async(build_server(settings)) as url:
            token = keys.create_token(issuer=ISSUER, audience=AUDIENCE, kid="key-1")
            assert "describe" in await tool_names(url, token=token)
            stranger = RSAKeyPair.generate().create_token(issuer=ISSUER, audience=AUDIENCE, kid="key-1")
            async with httpx.AsyncClient() as http:  # the server runs on this event loop: no blocking call
                answer = await http.post(url, json=LIST_TOOLS, headers={**MCP_HEADERS, "Authorization": f"Bearer {stranger}"})
            assert answer.status_code == 401 and "invalid_token" in answer.headers["www-authenticate"]
    assert fetched  # the key really came from the JWKS URL
