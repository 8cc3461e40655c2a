"""A per-token rate limit on writes: one client cannot flood the analysis that every user shares.

A token bucket per bearer token (only its SHA-256 is held) for POST, PUT, PATCH and DELETE under
/api: ``AISMM_WRITE_RATE_PER_MINUTE`` requests a minute on average, bursts of up to
``AISMM_WRITE_BURST``. Over the limit: ``429`` with ``Retry-After`` (whole seconds). Reads are never
limited. The buckets live in each worker's memory, so with N workers a token may write up to N
times the rate; 0 turns the limit off.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from aismm_assistant.api.middleware import _send_json

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BUCKETS = 10_000


class TokenBuckets:
    """``take(key)`` → 0.0 when allowed, else the seconds until the next request would be."""

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic) -> None:  # noqa: ANN001
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_BUCKETS:
                    self._forget_full(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]


class WriteRateLimitMiddleware:
    def __init__(self, app: ASGIApp, per_minute: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.buckets is None or scope["type"] != "http" or scope["method"] not in WRITE_METHODS
                or not scope["path"].startswith("/api/")):
            await self.app(scope, receive, send)
            return
        token = ""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                token = value.decode("latin-1").partition(" ")[2].strip()
        if not token:  # unauthenticated: the route answers 401 without doing any work
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(hashlib.sha256(token.encode()).hexdigest())
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await _send_json(send, 429, {"error": f"too many changes in a short time; wait {seconds} s and try again"},
                             headers=[(b"retry-after", str(seconds).encode())])
            return
        await self.app(scope, receive, send)
