"""A minimal owner-thread loop for code without Qt (the CLI, tests, benchmarks).

The sync engine never runs anything on its own: other threads hand it work
through ``post(callable)``, and the owner thread runs those callables. In the
app, ``post`` emits a queued Qt signal; here it puts the callable in a queue
that the thread drains with :meth:`OwnerLoop.run_until`.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable


class OwnerLoop:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()

    def post(self, fn: Callable[[], object]) -> None:
        """Thread-safe: run ``fn`` on the owner thread soon, in posting order."""
        self._queue.put(fn)

    def run_pending(self) -> int:
        """Run what is queued now, without waiting; returns how many ran."""
        n = 0
        while True:
            try:
                fn = self._queue.get_nowait()
            except queue.Empty:
                return n
            fn()
            n += 1

    def run_until(self, done: Callable[[], bool], timeout: float | None = None) -> bool:
        """Run posted callables until ``done()`` is true; False on timeout.

        ``done`` is checked after each callable, so it sees every change the
        moment it happens; with ``timeout=None`` it waits forever.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not done():
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return False
            try:
                # Short slices so signal handlers (Ctrl+C) run promptly.
                fn = self._queue.get(timeout=0.2 if wait is None else min(wait, 0.2))
            except queue.Empty:
                continue
            fn()
        return True
