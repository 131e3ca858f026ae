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
from .errors import ConnectorError, NetworkError, OutcomeUnknown
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
    try:
        return await client.send(request)
    except httpx.TimeoutException:
        raise NetworkError(f"{service} did not answer in time.", fix="Try again; if it persists, check the network.") from None
    except httpx.TransportError as exc:
        raise NetworkError(
            f"could not reach {service} ({type(exc).__name__}).",
            fix="Check the network and the API base URL setting.",
        ) from None


async def send_write(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    options: ClientOptions,
    limiter: AsyncLimiter | None = None,
    check: str = "read the objects again before retrying",
) -> httpx.Response:
    """Send a write once. Unlike `with_retries` (reads), it is resent only when the connection was never made
    (connect error or connect timeout: no byte of it left); a timeout or dropped connection after sending raises
    OutcomeUnknown (it may have been applied), and the caller maps the answer itself: a 5xx or 429 is never
    resent here. `check` says how to see whether it was applied."""
    attempts = max(1, options.retry_attempts)
    for attempt in range(1, attempts + 1):
        spend()
        await throttle(limiter)
        try:
            return await client.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            if attempt == attempts:
                raise NetworkError(
                    f"could not reach {service} ({type(exc).__name__}); the change was not sent.",
                    fix="Check the network and the API base URL setting, then apply the same change_id again.",
                ) from None
            log.info("write not sent (%s), retrying (attempt %d)", type(exc).__name__, attempt)
            await anyio.sleep(min(options.retry_max_wait, 0.25 * 2**attempt))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise OutcomeUnknown(
                f"{service} was sent the change but its answer was lost ({type(exc).__name__}): it may have been "
                "applied. It was not sent again.",
                fix=f"Apply the same change_id again: it reads the objects back instead of resending; or {check}.",
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover
