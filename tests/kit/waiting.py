"""The one "wait until" helper of the suite: a condition, a deadline, a message on timeout.

Tests never sleep to synchronise; they wait for a condition with a deadline:

``wait_until(pred, timeout, what)``          blocking poll (plain tests, threads)
``await until(pred, timeout, what)``         asyncio poll; ``pause=pilot.pause`` lets a Textual app run
``await until_in_thread(fn, cond, …)``       asyncio: poll a blocking ``fn`` in a worker thread
``LineLog.wait(pred, timeout, after=…)``     the first line a reader thread appended that matches
``LineLog.first(pred, timeout)``             the same, ``None`` on timeout (child processes report it)

Each returns the truthy value (or the matching line) and raises ``AssertionError`` naming *what* it
waited for when the deadline passes.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
Line = TypeVar("Line")


def _timed_out(what: str, timeout: float, detail: str = "") -> AssertionError:
    return AssertionError(f"timed out after {timeout:g} s waiting for {what}" + (f"; {detail}" if detail else ""))


def wait_until(pred: Callable[[], T], timeout: float = 15.0, what: str = "condition", *,
               interval: float = 0.05) -> T:
    """Poll ``pred()`` until it is truthy and return its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise _timed_out(what, timeout)
        time.sleep(interval)


async def until(pred: Callable[[], T | Awaitable[T]], timeout: float = 15.0, what: str = "condition", *,
                pause: Callable[[float], Awaitable[object]] | None = None, interval: float = 0.02) -> T:
    """Poll ``pred()`` on the running loop until it is truthy and return its value.

    ``pred`` may be a coroutine function (e.g. a query to the center); its result is awaited.

    ``pause`` replaces ``asyncio.sleep`` between polls (a Textual pilot's ``pause`` lets the app
    process its messages); the deadline is the same either way.
    """
    wait = pause or asyncio.sleep
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise _timed_out(what, timeout)
        await wait(interval)


async def until_in_thread(fn: Callable[[], T], cond: Callable[[T], object], timeout: float = 15.0,
                          what: str = "condition", *, interval: float = 0.1) -> T:
    """Call a blocking ``fn`` in a thread until ``cond(result)`` holds; return that result."""
    deadline = time.monotonic() + timeout
    while True:
        value = await asyncio.to_thread(fn)
        if cond(value):
            return value
        if time.monotonic() > deadline:
            raise _timed_out(what, timeout, f"last {value!r}")
        await asyncio.sleep(interval)


class LineLog(Generic[Line]):
    """Lines (events) a reader thread appends, and a wait for the first one that matches.

    The reader calls :meth:`close` when its source ends (the child exited); a wait that has not
    matched by then fails at once instead of running into its deadline.
    """

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.closed = False
        self._cond = threading.Condition()

    def __len__(self) -> int:
        with self._cond:
            return len(self.lines)

    def append(self, line: Line) -> None:
        with self._cond:
            self.lines.append(line)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, pred: Callable[[Line], object], timeout: float, *, after: int = 0,
             what: str = "a matching line", detail: Callable[[], str] = lambda: "") -> Line:
        """The first line from index ``after`` on that matches ``pred``.

        ``AssertionError`` when the log closes or ``timeout`` seconds pass first; its message names
        *what*, the last lines and ``detail()`` (e.g. the child's stderr).
        """
        hit = self.first(pred, timeout, after=after)
        if hit is not None:
            return hit
        why = "the source ended" if self.closed else f"nothing matched within {timeout:g} s"
        raise AssertionError(f"{what}: {why}; last lines {self.lines[after:][-8:]}; {detail()}")

    def first(self, pred: Callable[[Line], object], timeout: float, *, after: int = 0) -> Line | None:
        """Like :meth:`wait`, but ``None`` instead of an error (for child processes that report
        what they did not see rather than fail)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[after:]:
                    if pred(line):
                        return line
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return None
                self._cond.wait(left)
