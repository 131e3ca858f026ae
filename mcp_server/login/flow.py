"""One authorization on a loopback redirect: open the browser (or print the URL and accept the pasted
redirect), wait for the redirect, check `state`, and hand back its query parameters."""

from __future__ import annotations

import secrets
import sys
import threading
import webbrowser
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from ..errors import AuthError, InvalidParams
from .loopback import LoopbackListener
from .vendor import DEFAULT_TIMEOUT


class Browser:
    """How the authorization URL reaches the user: a browser, or the terminal (then a pasted redirect URL)."""

    def __init__(self, opener: Callable[[str], bool] | None = None, *, paste: bool = True, opened: str | None = None):
        self.opener = opener if opener is not None else webbrowser.open
        self.paste = paste
        self.opened = opened or "Opened your browser to approve access. If it did not open, use this address:"

    def show(self, url: str, listener: LoopbackListener, say: Callable[[str], None]) -> None:
        opened = False
        try:
            opened = bool(self.opener(url))
        except Exception:  # webbrowser raises on odd platforms; the printed URL still works
            opened = False
        if opened:
            say(self.opened)
        else:
            say("Open this address in a browser to approve access:")
        say(f"  {url}")
        if self.paste and sys.stdin is not None and sys.stdin.isatty():
            say("(On another machine? Paste the address the browser lands on after approving, then Enter.)")
            threading.Thread(target=_read_pasted, args=(listener,), name="login-paste", daemon=True).start()


def _read_pasted(listener: LoopbackListener) -> None:
    try:
        line = sys.stdin.readline()
    except (OSError, ValueError):
        return
    query = pasted_query(line)
    if query:
        listener.results.put(query)


def pasted_query(text: str) -> dict[str, str]:
    """The query parameters of a pasted redirect URL ({} when it is not one)."""
    text = text.strip()
    if not text:
        return {}
    return dict(parse_qsl(urlsplit(text).query, keep_blank_values=True))


def new_state() -> str:
    return secrets.token_urlsafe(24)


def await_redirect(
    listener: LoopbackListener,
    authorize_url: str,
    state: str,
    browser: Browser,
    say: Callable[[str], None],
    *,
    code_param: str = "code",
    timeout: float = DEFAULT_TIMEOUT,
    vendor: str = "the vendor",
) -> dict[str, str]:
    """The redirect's query once `state` matches; errors name what went wrong and what to do."""
    import queue

    browser.show(authorize_url, listener, say)
    try:
        query = listener.results.get(timeout=timeout)
    except queue.Empty:
        raise AuthError(
            f"no authorization arrived within {int(timeout)} s.",
            fix="Run the login again and approve in the browser (or paste the address it lands on).",
        ) from None
    if query.get("error"):
        reason = query.get("error_description") or query["error"]
        raise AuthError(f"{vendor} did not authorize: {reason}.", fix="Run the login again and choose Allow.")
    if not secrets.compare_digest(query.get("state", ""), state):
        raise AuthError(
            "the redirect's state does not match this login (a stale tab or a forged redirect); nothing was stored.",
            fix="Run the login again and use the address it prints.",
        )
    if not query.get(code_param):
        raise InvalidParams(f"the redirect carries no {code_param}.", fix="Run the login again.")
    return query
