"""A one-shot HTTP listener on 127.0.0.1 that catches the vendor's redirect after consent (RFC 8252 §7.3).

Only a request to the redirect path that carries the expected query parameters counts (a browser also asks
for /favicon.ico); the listener answers that one with a short page and stops.
"""

from __future__ import annotations

import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

PAGE = (
    "<!doctype html><meta charset=utf-8><title>connector-mcp</title>"
    "<p style='font:16px sans-serif;margin:3em'>{message} You can close this tab and return to the terminal.</p>"
)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class LoopbackListener:
    """Listens on 127.0.0.1:port (0 = a free port the OS picks) for one redirect to `path`."""

    def __init__(
        self, port: int = 0, path: str = "/callback", expect: tuple[str, ...] = ("code", "error"), *, also_ipv6: bool = False
    ):
        self.path = path
        self.results: queue.Queue[dict[str, str]] = queue.Queue()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = dict(parse_qsl(url.query, keep_blank_values=True))
                if url.path.rstrip("/") != listener.path.rstrip("/") or not any(k in query for k in expect):
                    self.send_error(404)
                    return
                failed = "error" in query
                message = "Authorization was refused or failed." if failed else "Authorization received."
                body = PAGE.format(message=message).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                listener.results.put(query)

            def log_message(self, *args: Any) -> None:  # the query holds the code: never log it
                pass

        self._servers = [ThreadingHTTPServer(("127.0.0.1", port), Handler)]
        self.port = self._servers[0].server_address[1]
        if also_ipv6:  # a browser may resolve localhost to ::1 first; best effort (no IPv6 here is fine)
            try:
                self._servers.append(_IPv6Server(("::1", self.port), Handler))
            except OSError:
                pass
        for server in self._servers:
            server.daemon_threads = True
        # A short poll so closing the listener does not wait out serve_forever's default half second.
        self._threads = [
            threading.Thread(target=s.serve_forever, args=(0.05,), name="login-loopback", daemon=True) for s in self._servers
        ]

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def __enter__(self) -> LoopbackListener:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
