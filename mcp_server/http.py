"""Shared HTTP plumbing for vendor and hosted clients: one client factory,
one retry policy (tenacity), one mapping of transport failures to errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from . import __version__
from .budget import spend
from .errors import ConnectorError, NetworkError

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


async def with_retries(options: ClientOptions, call: Callable[[], Awaitable[T]]) -> T:
    """Run `call`, retrying retryable ConnectorErrors with jittered exponential backoff."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, ConnectorError) and e.retryable),
        stop=stop_after_attempt(max(1, options.retry_attempts)),
        wait=wait_random_exponential(multiplier=0.5, max=options.retry_max_wait),
        reraise=True,
        before_sleep=lambda state: log.info(
            "retrying after %s (attempt %d)", type(state.outcome.exception()).__name__, state.attempt_number
        ),
    ):
        with attempt:
            return await call()
    raise AssertionError("unreachable")  # pragma: no cover


async def send(client: httpx.AsyncClient, request: httpx.Request, *, service: str) -> httpx.Response:
    """Send a request; transport failures become NetworkError without the URL (it may hold secrets)."""
    spend()
    try:
        return await client.send(request)
    except httpx.TimeoutException:
        raise NetworkError(f"{service} did not answer in time.", fix="Try again; if it persists, check the network.") from None
    except httpx.TransportError as exc:
        raise NetworkError(
            f"could not reach {service} ({type(exc).__name__}).",
            fix="Check the network and the API base URL setting.",
        ) from None
