"""Client-side rate limiting (one aiolimiter bucket per vendor per process) and daily-quota errors.

Each vendor's limit is shared by every user of the same app (TikTok: per developer app; LinkedIn: per
application and per member; Airbyte: per application), so every request to a vendor from this
process takes a slot from that vendor's one limiter, whichever tool call or backend sends it.
The limiter is a sliding window: no one-second window sees more than `qps` requests (the window is kept 10% longer for arrival jitter; qps below 1: one
per 1/qps seconds), and requests that find room go out at once, together. Independent requests of one
answer (periods, platforms, metric chunks, name lookups) so leave in one wave instead of 1/qps apart,
which at LinkedIn's 5 a second cost 200 ms per request even when the vendor answered at once (issue 18).

A quota that resets hours later is not worth retrying within a call: `QuotaExhausted` is a
rate_limited error that is never retried and says when the quota resets.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import UTC, datetime, timedelta

from aiolimiter import AsyncLimiter

from .errors import RateLimited

# Defaults, in requests per second, from each vendor's published limits (README: Configuration).
# TikTok: Basic tier, 10 QPS per developer app across all endpoints (business-api.tiktok.com rate limits v1.3).
# LinkedIn: only daily per-application/per-member quotas, no published QPS (Microsoft Learn "Rate limits");
# 5 a second is a conservative pace. Airbyte's Agent API publishes none; it answers 429 with Retry-After.
DEFAULT_QPS = {"tiktok-marketing": 10.0, "linkedin-ads": 5.0, "airbyte": 10.0}

_limiters: dict[str, tuple[asyncio.AbstractEventLoop, float, AsyncLimiter]] = {}


def limiter(vendor: str, qps: float | None, *, in_process: bool = False) -> AsyncLimiter | None:
    """This process's limiter for `vendor` (None when qps is 0, or for the --demo sandbox served
    in-process, which has no vendor limit to respect).

    aiolimiter binds a limiter to the event loop that first waits on it, so a new loop (a test, a
    second `asyncio.run`) gets a new bucket; within one loop every caller shares the same one."""
    rate = DEFAULT_QPS.get(vendor, 10.0) if qps is None else qps
    if rate <= 0 or in_process:
        return None
    loop = asyncio.get_running_loop()
    held = _limiters.get(vendor)
    if held is None or held[0] is not loop or held[1] != rate:
        held = (loop, rate, SlidingWindow(rate))
        _limiters[vendor] = held
    return held[2]


class SlidingWindow(AsyncLimiter):
    """At most `rate` requests in any one-second window (below 1 a second: one per 1/rate seconds); a request
    that finds room goes at once. Waiters leave in order (the lock is held while the first one waits).
    An AsyncLimiter for the code that types it so (http.send); only acquire() is used."""

    def __init__(self, rate: float) -> None:
        super().__init__(1, 1.0 / rate)
        self.slots = max(1, int(rate))
        # A tenth more than the second the vendor counts: requests leave together but reach it a few ms apart.
        self.period = (1.0 if rate >= 1 else 1.0 / rate) * 1.1
        self.sent: deque[float] = deque()
        self.lock = asyncio.Lock()

    async def acquire(self, amount: float = 1) -> None:
        loop = asyncio.get_running_loop()
        async with self.lock:
            while len(self.sent) >= self.slots:
                wait = self.sent[0] + self.period - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.sent.popleft()
            self.sent.append(loop.time())


async def throttle(bucket: AsyncLimiter | None) -> None:
    """Wait for a slot in the vendor's bucket (no wait when it has one free)."""
    if bucket is not None:
        await bucket.acquire()


def next_utc_midnight(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def resets_in_words(resets_at: datetime, now: datetime | None = None) -> str:
    """'00:00 UTC (in 5 h 12 min)'."""
    left = max(timedelta(0), resets_at - (now or datetime.now(UTC)))
    hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
    return f"{resets_at:%H:%M} UTC on {resets_at:%Y-%m-%d} (in {hours} h {minutes} min)"


class QuotaExhausted(RateLimited):
    """A daily quota is used up: retrying before it resets only fails again (and uses more of it)."""

    retryable = False

    def __init__(self, message: str, *, fix: str | None = None, request_id: str | None = None,
                 resets_at: datetime | None = None):  # fmt: skip
        self.resets_at = resets_at or next_utc_midnight()
        when = resets_in_words(self.resets_at)
        super().__init__(
            f"{message} The quota resets at {when}.",
            fix=f"Wait until {when}; retrying sooner fails again. {fix or ''}".strip(),
            request_id=request_id,
        )
