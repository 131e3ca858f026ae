"""Shared HTTP plumbing for vendor and hosted clients: one client factory,
one retry policy (tenacity, honouring Retry-After), one mapping of transport failures to errors,
and the vendor's rate limiter applied where each request is sent."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_random_exponential

from . import __version__
from .budget import spend
from .errors import ConnectorError, NetworkError
from .rate_limit import throttle

log = logging.getLogger("mcp_server.http")
T = TypeVar("T")

USER_AGENT = f"connector-mcp/{__version__}"


@dataclass(frozen=True)
class ClientOptions:
    """How a backend reaches its API: the sandbox passes an in-process transport."""

    transport: httpx.AsyncBaseTransport | None = None
    timeout: float = 30.0
    retry_attempts: int = 3
    retry_max_wait: float = 8.0


def new_client(options: ClientOptions, *, base_url: str = "", headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        transport=options.transport,
        timeout=options.timeout,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=False,
    )


def overall_deadline(client: httpx.AsyncClient) -> float | None:
    """Seconds one request may take from start to last byte. httpx's timeouts are per read, so an answer
    that trickles one byte every 0.4 s would never time out; this bounds the whole request by the same number."""
    return client.timeout.read


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a 429 asks to wait (Retry-After in seconds; an HTTP date counts as unknown)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "").strip()))
    except ValueError:
        return None


def _worth_retrying(error: BaseException, options: ClientOptions) -> bool:
    """Retryable, unless the API asks to wait longer than one tool call may (then say how long)."""
    if not (isinstance(error, ConnectorError) and error.retryable):
        return False
    wait = getattr(error, "retry_after", None)
    if wait is not None and wait > options.retry_max_wait:
        error.retryable = False
        error.fix = f"Wait about {wait:.0f} s, then try again (longer than one call may wait)."
        return False
    return True


async def with_retries(options: ClientOptions, call: Callable[[], Awaitable[T]]) -> T:
    """Run `call`, retrying retryable ConnectorErrors: after Retry-After when the answer gave one
    (up to retry_max_wait), else with jittered exponential backoff."""
    backoff = wait_random_exponential(multiplier=0.5, max=options.retry_max_wait)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None)
        return float(asked) if asked is not None else backoff(state)

    async for attempt in AsyncRetrying(
        retry=retry_if_exception(lambda e: _worth_retrying(e, options)),
        stop=stop_after_attempt(max(1, options.retry_attempts)),
        wait=wait,
        reraise=True,
        before_sleep=lambda state: log.info(
            "retrying after %s (attempt %d)", type(state.outcome.exception()).__name__, state.attempt_number
        ),
    ):
        with attempt:
            return await call()
    raise AssertionError("unreachable")  # pragma: no cover


async def send(
    client: httpx.AsyncClient, request: httpx.Request, *, service: str, limiter: AsyncLimiter | None = None
) -> httpx.Response:
    """Send a request once the vendor's limiter allows; transport failures become NetworkError without
    the URL (it may hold secrets)."""
    spend()
    await throttle(limiter)
    deadline = overall_deadline(client)
    try:
        with anyio.fail_after(deadline):
            return await client.send(request)
    except (httpx.TimeoutException, TimeoutError):
        within = f"within {deadline:g} s" if deadline else "in time"
        raise NetworkError(
            f"{service} did not answer {within}.",
            fix="Try again; if it persists, check the network (CONNECTOR_MCP_TIMEOUT sets how long to wait).",
        ) from None
    except httpx.TransportError as exc:
        raise NetworkError(
            f"could not reach {service} ({type(exc).__name__}).",
            fix="Check the network and the API base URL setting.",
        ) from None
