"""Signed tokens: cursors and change ids carry an HMAC-SHA256 made with the server key.

What an agent hands back (a cursor, a change id) is only trusted when this server, or a replica with the same
`CONNECTOR_MCP_SECRET_KEY`, signed it. Without the setting each process makes a random key at start, so its
tokens are good only in that process. Each kind of token signs under its own purpose, so a cursor can never
pass for a change id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

# 128 bits of HMAC-SHA256: far beyond guessing, and 22 characters less than the full tag in every cursor.
_TAG_BYTES = 16
_key: bytes = secrets.token_bytes(32)
_key_from_setting = False


def use_key(secret: str | None) -> None:
    """Sign with the configured key (every replica must share it); None keeps this process's random key."""
    global _key, _key_from_setting
    if secret:
        _key = hashlib.sha256(b"connector-mcp signing key\0" + secret.encode()).digest()
        _key_from_setting = True


def key_is_shared() -> bool:
    """True when the key came from the setting (tokens survive restarts and work on other replicas)."""
    return _key_from_setting


def log_key_in_use(*, stateless: bool) -> None:
    """The start-up line saying which key signs: a per-process key breaks cursors across restarts and replicas."""
    log = logging.getLogger("mcp_server.signing")
    if _key_from_setting:
        log.info("cursors are signed with CONNECTOR_MCP_SECRET_KEY: valid across restarts and on replicas with the same key")
    elif stateless:
        log.warning(
            "--stateless without CONNECTOR_MCP_SECRET_KEY: this replica signs cursors with its own random key, so a "
            "cursor that reaches another replica is refused (cursor is not valid); set the same "
            "CONNECTOR_MCP_SECRET_KEY (32+ characters) on every replica"
        )
    else:
        log.info(
            "cursors are signed with a per-process key (CONNECTOR_MCP_SECRET_KEY is not set): they stop working when "
            "this process restarts; replicas behind one address (--stateless) need the same CONNECTOR_MCP_SECRET_KEY"
        )


def _tag(purpose: str, payload: bytes) -> bytes:
    return hmac.new(_key, purpose.encode() + b"\0" + payload, hashlib.sha256).digest()[:_TAG_BYTES]


def sign(purpose: str, payload: bytes) -> str:
    """URL-safe text holding the tag and the payload."""
    return base64.urlsafe_b64encode(_tag(purpose, payload) + payload).decode().rstrip("=")


def unsign(purpose: str, token: str) -> bytes | None:
    """The payload of a token this key signed for this purpose, else None (edited, cut short or foreign)."""
    try:
        raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    # Exactly the text sign() wrote: base64 decoding skips stray characters and ignores spare bits, so an
    # edited token could otherwise still decode to the signed bytes.
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
        return None
    tag, payload = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
    if len(tag) != _TAG_BYTES or not hmac.compare_digest(tag, _tag(purpose, payload)):
        return None
    return payload
