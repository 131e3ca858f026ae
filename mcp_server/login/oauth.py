"""Pieces every vendor's login shares: the listener for a redirect URL, PKCE, and reading a secret."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlsplit

from ..errors import InvalidParams
from .loopback import LoopbackListener
from .vendor import LoginContext


def listener_for(redirect_url: str, *, expect: tuple[str, ...]) -> LoopbackListener:
    """A listener on the redirect URL's port and path when it is a loopback http URL; otherwise one on a free
    port that only collects a pasted redirect (the vendor sends the browser somewhere this machine can't hear)."""
    parts = urlsplit(redirect_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise InvalidParams(
            f"--redirect-url {redirect_url!r} is not an absolute http(s) URL without a #fragment.",
            fix="Pass the redirect URL exactly as registered on the app, e.g. http://localhost:8765/callback.",
        )
    loopback = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    port = (parts.port if parts.port is not None else 80) if loopback else 0
    try:
        return LoopbackListener(port, parts.path or "/", expect, also_ipv6=loopback and parts.hostname == "localhost")
    except OSError:
        raise InvalidParams(
            f"port {port} on 127.0.0.1 is in use, so the redirect to {redirect_url} cannot be received.",
            fix="Stop what uses it, or register another http://localhost:PORT/callback on the app and pass it as --redirect-url.",
        ) from None


def bound(redirect_url: str, listener: LoopbackListener) -> str:
    """The redirect URL with the listener's real port where it asked for port 0 (any free port)."""
    parts = urlsplit(redirect_url)
    if parts.port == 0:
        return parts._replace(netloc=f"{parts.hostname}:{listener.port}").geturl()
    return redirect_url


def hears(redirect_url: str, listener: LoopbackListener) -> bool:
    parts = urlsplit(redirect_url)
    port = parts.port if parts.port is not None else 80
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1") and port == listener.port


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def secret_value(current: object, setting: str, context: LoginContext, flag_hint: str = "") -> str:
    """A secret from the settings (env, .env, store), else asked for without echo; never from the command line."""
    value = current.get_secret_value() if hasattr(current, "get_secret_value") else current
    if value:
        return str(value)
    if context.prompt_secret is not None:
        entered = context.prompt_secret(f"{setting} (input hidden): ").strip()
        if entered:
            return entered
    raise InvalidParams(
        f"{setting} is not set.",
        fix=f"Set {setting} in the environment or .env for this command{flag_hint} (it is stored with the tokens), "
        "or run it in a terminal to be asked for it.",
    )
