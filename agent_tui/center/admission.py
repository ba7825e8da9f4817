"""Who may try a password, when, and how much hashing that may cost the center.

Password guessing must not become a way to lock an agent out, and a crowd of hostile
connections must not make a real login wait. So:

- **Growing delays, per client address and per (user, address)** — never per user alone.
  The first few failures cost nothing; from the last of those on, each failure sets a wait
  before the next try from that key, doubling each time (1 s, 2 s, 4 s … at most :data:`MAX_DELAY_S`).
  A try during the wait gets ``rate_limited`` at once, without hashing. A guesser at
  another address does not slow the agent down at all; the agent who mistypes a few
  times waits seconds, not minutes.
- **A global cap on password hashing** (:data:`HASH_WORKERS` scrypt runs at once, in
  their own small thread pool, ~16 MiB each), **fair between addresses**: free slots go
  round-robin to the addresses that wait, and no address holds more than all but one
  (:class:`FairSlots`), so a real login from elsewhere finds a free slot or waits for one
  hash per other waiting address, however many a crowd has queued.
- **Unauthenticated connections per address** are capped (:data:`MAX_PRELOGIN_PER_ADDR`)
  and get :data:`LOGIN_DEADLINE_S` to log in (time spent waiting for a password check
  does not count: a burst of real logins behind one office NAT must not time out).
  A connection over the cap gets an HTTP 503 with ``Retry-After`` (a clear, retryable answer),
  but at most one a second per address (:data:`BUSY_ANSWER_EVERY_S`): the others are closed at
  TCP accept, before any TLS work (:mod:`agent_tui.center.tls_gate`): a crowd reconnecting
  cost the center's event loop a TLS handshake, a request and a 503 each.
- **A guess that is refused** (``rate_limited``) is answered at once, and the center then reads
  nothing more from that connection until the wait is over, the peer closes, or its login deadline
  closes it: a crowd guessing in a tight loop on open connections took the event loop's time
  (with the TLS handshakes above, not the hashing, that is what slowed real logins).
- Token logins do not pass through here: a token check is one SHA-256 and one lookup.

All of it is memory only, in the center's event loop; a restart forgets the delays
(which only helps the agents). The tables are bounded (:data:`MAX_KEYS`).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from agent_tui.center import auth

log = logging.getLogger("agent_tui.center.admission")

FREE_FAILURES_USER_ADDR = 5  # wrong passwords for one user from one address before delays start
FREE_FAILURES_ADDR = 20  # wrong passwords from one address (any users) before delays start
MAX_DELAY_S = 60.0
FORGET_AFTER_S = 900.0  # a key with no failure for this long starts afresh
MAX_KEYS = 20_000
HASH_WORKERS = 2
MAX_PRELOGIN_PER_ADDR = 16
LOGIN_DEADLINE_S = 5.0
BUSY_ANSWER_EVERY_S = 1.0  # an over-cap address gets an HTTP 503 at most this often; else closed before TLS
BUSY_RETRY_AFTER_S = 2  # the Retry-After of that 503


class RateLimited(Exception):
    """Too many failures from this key: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: float, why: str):
        super().__init__(f"{why}; try again in {max(1, round(retry_after))} s")
        self.retry_after = retry_after


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    blocked_until: float = 0.0


class FailureTable:
    """Failures per key with growing delays (see the module docstring)."""

    def __init__(self, free: int, clock: Callable[[], float] = time.monotonic):
        self.free = free
        self.clock = clock
        self._records: collections.OrderedDict[object, _Record] = collections.OrderedDict()

    def wait_left(self, key: object) -> float:
        """Seconds until *key* may try again (0: now)."""
        rec = self._records.get(key)
        if rec is None:
            return 0.0
        now = self.clock()
        if now - rec.last > FORGET_AFTER_S:
            del self._records[key]
            return 0.0
        return max(0.0, rec.blocked_until - now)

    def fail(self, key: object) -> float:
        """Count a failure; returns the delay it sets (0 while failures are still free)."""
        now = self.clock()
        rec = self._records.pop(key, None) or _Record()
        if now - rec.last > FORGET_AFTER_S:
            rec = _Record()
        rec.failures += 1
        rec.last = now
        over = rec.failures - self.free
        delay = min(MAX_DELAY_S, 2.0 ** over) if over >= 0 else 0.0
        rec.blocked_until = now + delay
        self._records[key] = rec  # most recent last: the oldest go first when the table is full
        while len(self._records) > MAX_KEYS:
            self._records.popitem(last=False)
        return delay

    def succeed(self, key: object) -> None:
        self._records.pop(key, None)

    def __len__(self) -> int:
        return len(self._records)


class FairSlots:
    """*n* slots handed out round-robin between the addresses that wait for one.

    Within an address, first come first served; between addresses, one each in turn; and no
    address holds more than ``n - 1`` slots (at least 1), so one slot is always left for someone
    else: a login from another address waits for no hash of the crowd's, however long its queue.
    """

    def __init__(self, n: int):
        self.free = n
        self.per_addr = max(1, n - 1)
        self._held: collections.Counter[str] = collections.Counter()
        self._waiting: collections.OrderedDict[str, collections.deque[asyncio.Future[None]]] = \
            collections.OrderedDict()

    @property
    def waiting(self) -> int:
        """How many wait for a slot (all addresses)."""
        return sum(len(q) for q in self._waiting.values())

    async def acquire(self, addr: str) -> None:
        if self.free > 0 and self._held[addr] < self.per_addr and addr not in self._waiting:
            self._take(addr)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(addr, collections.deque()).append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release(addr)  # it was handed a slot just as it gave up: pass it on
            else:
                self._forget(addr, fut)
            raise

    def release(self, addr: str) -> None:
        self._held[addr] -= 1
        if self._held[addr] <= 0:
            del self._held[addr]
        self.free += 1
        self._hand_out()

    def _take(self, addr: str) -> None:
        self.free -= 1
        self._held[addr] += 1

    def _hand_out(self) -> None:
        for addr in list(self._waiting):
            if self.free <= 0:
                return
            if self._held[addr] >= self.per_addr:
                continue
            queue = self._waiting.pop(addr)
            while queue and queue[0].done():  # given up meanwhile
                queue.popleft()
            if queue:
                fut = queue.popleft()
                self._take(addr)
                fut.set_result(None)
            if queue:
                self._waiting[addr] = queue  # to the back of the ring: the next address goes first

    def _forget(self, addr: str, fut: asyncio.Future[None]) -> None:
        queue = self._waiting.get(addr)
        if queue is not None and fut in queue:
            queue.remove(fut)
            if not queue:
                del self._waiting[addr]


class Admission:
    """Login admission for one center (see the module docstring)."""

    def __init__(self, *, hash_workers: int = HASH_WORKERS, max_prelogin: int = MAX_PRELOGIN_PER_ADDR,
                 clock: Callable[[], float] = time.monotonic):
        self.by_addr = FailureTable(FREE_FAILURES_ADDR, clock)
        self.by_user_addr = FailureTable(FREE_FAILURES_USER_ADDR, clock)
        self.max_prelogin = max_prelogin
        self._prelogin: collections.Counter[str] = collections.Counter()
        self._clock = clock
        self._busy_answered: collections.OrderedDict[str, float] = collections.OrderedDict()
        self._pool = concurrent.futures.ThreadPoolExecutor(hash_workers, thread_name_prefix="scrypt")
        self._hash_slots = FairSlots(hash_workers)
        self._jobs: set[asyncio.Task[bool]] = set()

    # ------------------------------------------------------------------ unauthenticated connections

    def busy(self, addr: str) -> bool:
        """*addr* has as many unauthenticated connections as it may (refuse the next before its upgrade)."""
        return self._prelogin[addr] >= self.max_prelogin

    def refuse_before_tls(self, addr: str) -> bool:
        """Close this new connection at TCP accept: *addr* is over its cap and had its 503 a moment ago."""
        if not self.busy(addr):
            return False
        last = self._busy_answered.get(addr)
        return last is not None and self._clock() - last < BUSY_ANSWER_EVERY_S

    def busy_answered(self, addr: str) -> None:
        """*addr* was just told (HTTP 503) that it is over its cap."""
        self._busy_answered.pop(addr, None)
        self._busy_answered[addr] = self._clock()
        while len(self._busy_answered) > MAX_KEYS:
            self._busy_answered.popitem(last=False)

    def enter(self, addr: str) -> bool:
        """A connection from *addr* starts its login; False when that address has too many."""
        if self._prelogin[addr] >= self.max_prelogin:
            return False
        self._prelogin[addr] += 1
        return True

    def leave(self, addr: str) -> None:
        """That connection logged in or went away."""
        self._prelogin[addr] -= 1
        if self._prelogin[addr] <= 0:
            del self._prelogin[addr]
            self._busy_answered.pop(addr, None)

    # ------------------------------------------------------------------ password logins

    def check(self, user: str, addr: str) -> None:
        """Raise :class:`RateLimited` when *addr* (or *user* from *addr*) must wait."""
        wait = self.by_user_addr.wait_left((user, addr))
        if wait > 0:
            raise RateLimited(wait, "too many wrong passwords for this user from your address")
        wait = self.by_addr.wait_left(addr)
        if wait > 0:
            raise RateLimited(wait, "too many wrong passwords from your address")

    async def verify(self, user: str, addr: str, password: str, stored: str | None) -> bool:
        """Check *password* against *stored* within the hashing cap; count the outcome.

        The check runs as its own task: a caller that gives up (its login deadline passed)
        does not free the hashing slot before the hash is really done.
        """
        self.check(user, addr)
        job = asyncio.get_running_loop().create_task(self._hash(user, addr, password, stored))
        self._jobs.add(job)
        job.add_done_callback(self._job_done)
        return await asyncio.shield(job)

    def _job_done(self, job: asyncio.Task[bool]) -> None:
        self._jobs.discard(job)
        if not job.cancelled():
            job.exception()  # retrieved: a caller that gave up must not leave an "exception never retrieved"

    async def _hash(self, user: str, addr: str, password: str, stored: str | None) -> bool:
        t0 = time.monotonic()
        await self._hash_slots.acquire(addr)
        t1 = time.monotonic()
        try:
            self.check(user, addr)  # failures counted while this one waited
            loop = asyncio.get_running_loop()
            ok = await loop.run_in_executor(self._pool, auth.verify_password, password, stored)
        finally:
            self._hash_slots.release(addr)
        if ok:
            # Where a password login's time goes (bench/login_attack.py reads it).
            log.info("password check for %s: %.0f ms waiting for a hashing slot, %.0f ms hashing", user,
                     (t1 - t0) * 1000, (time.monotonic() - t1) * 1000)
            self.by_user_addr.succeed((user, addr))
        else:
            self.by_user_addr.fail((user, addr))
            self.by_addr.fail(addr)
        return ok

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
