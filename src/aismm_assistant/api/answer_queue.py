"""Answers wait their turn for analysis instead of starving everyone else's reads.

Analysing an answer is CPU work measured in tenths of a second; left to the request threadpool,
a few long answers at once took every thread and most of the interpreter, and other users' lookups
went from 12 ms to hundreds. Each server process has a small pool of its own for answers
(``AISMM_ANSWER_WORKERS``, default 1): extra answers queue there, the event loop never runs the
analysis, and the request threadpool stays free for reads. More uvicorn workers analyse more answers
at once; keep workers x slots below the number of cores (docs/web.md).
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")

#: how often a thread holding the interpreter lets another one run (Python's default is 5 ms). A
#: read waiting behind a running analysis hands the lock over several times per request, so a
#: shorter slice keeps its latency close to that of an idle server.
SWITCH_INTERVAL_S = 0.001


class AnswerQueue:
    """A fixed number of analysis threads; callers await their turn without holding a request thread."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="aismm-answer")
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            sys.setswitchinterval(SWITCH_INTERVAL_S)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        ctx = contextvars.copy_context()
        return await asyncio.wrap_future(self._pool.submit(ctx.run, fn, *args))


_queues: dict[int, AnswerQueue] = {}
_queues_lock = threading.Lock()


def answer_queue(request: Request) -> AnswerQueue:
    """The process's queue for this width, made on first use (one per process, shared by its apps)."""
    workers = request.app.state.settings.answer_workers
    with _queues_lock:
        if workers not in _queues:
            _queues[workers] = AnswerQueue(workers)
        return _queues[workers]
