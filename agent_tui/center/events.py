"""Transactions and event streams: the unit of work every service of the center shares.

The rules that make restarts and crashes safe live here:

- every operation runs in one SQLite transaction (:meth:`Events.tx`) together with the
  events it emits; events are written **before** anything is sent, and only after
  ``COMMIT`` are they handed to the live sessions (``Conn.send``);
- each agent has one event stream (seq 1, 2, 3 … without gaps) shared by all of the
  agent's sessions (:meth:`Events.emit`); a resuming session gets the missed events
  from the database (:mod:`agent_tui.center.store.events`), so a center restart replays too;
- work that must wait for the commit (route again, tell the voice bridge) is queued with
  :meth:`Events.after_commit`; a failed transaction drops it with the events;
- a command runs in a savepoint (:meth:`Events.savepoint`) so a failing command undoes its
  own writes and events but the idempotency record around it still commits;
- memory follows the database: when a transaction rolls back after it changed rows (and so
  perhaps the services' in-memory picture), the ``on_rollback`` hooks rebuild that picture
  from the database;
- a storage fault (full disk, I/O error) rolls back and puts the center in **read-only mode**
  (:mod:`agent_tui.center.storage`): reads work, every other change is refused with
  :class:`StorageFull` until :meth:`Events.check_storage` finds room again. Entering and
  leaving it is told to everyone logged in as a ``center.storage`` event.

:class:`Listeners` are the in-process observers (voice bridge, simulation): they are
called after commit, never inside a transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from agent_tui.center import store
from agent_tui.center.model import Agent
from agent_tui.center.storage import (
    READ_ONLY_MESSAGE,
    RECOVER_FREE_BYTES,
    Reserve,
    StorageFull,
    database_file,
    is_storage_fault,
)
from agent_tui.center.store import events as event_store
from agent_tui.protocol import codec

log = logging.getLogger("agent_tui.center")

Listener = Callable[[str, dict], None]


class Events:
    """One database transaction at a time, and the per-agent event streams written in it."""

    def __init__(self, db: sqlite3.Connection, agents: dict[str, Agent], clock: Callable[[], float]):
        self.db = db
        self.clock = clock
        self._agents = agents  # the live picture, shared with the presence service
        self._tx = store.Tx(db)
        self._out: list[tuple[str, dict]] = []  # (user, event frame) to send after COMMIT
        self._after: list[Callable[[], None]] = []
        self._txseq: dict[str, int] = {}  # last seq per user written in this transaction
        # Rebuild the in-memory picture from the database after a rollback that undid rows.
        self.on_rollback: list[Callable[[], None]] = []
        # Told True/False when the center leaves/enters read-only mode (after the notice committed).
        self.on_storage: list[Callable[[bool], None]] = []
        self.read_only = False
        self.read_only_since: float | None = None
        self.reserve = Reserve(database_file(db))
        self._essential = False

    @contextlib.contextmanager
    def tx(self, *, essential: bool = False) -> Iterator[None]:
        """One database transaction; events emitted inside are sent after COMMIT.

        Nested use joins the outer transaction, so services can call each other and
        still commit once. In read-only mode an outer transaction that changed rows is
        rolled back with :class:`StorageFull`, unless it is *essential* (logins, the
        storage notice: they use the reserve).
        """
        outer = self._tx.depth == 0
        before = self.db.total_changes
        if outer:
            self._essential = essential
        try:
            with self._tx:
                yield
                if outer and self.read_only and not self._essential and self.db.total_changes != before:
                    raise StorageFull()
        except BaseException as exc:
            if outer:
                self._out.clear()
                self._after.clear()
                self._txseq.clear()
                self._essential = False
                if self.db.total_changes != before:
                    self._rebuild()
                if is_storage_fault(exc) and not isinstance(exc, StorageFull):
                    log.error("storage fault, the center goes read-only: %s", exc)
                    self._enter_read_only()
                    raise StorageFull() from exc
            raise
        if outer:
            self._essential = False
            self._deliver()

    @property
    def in_tx(self) -> bool:
        """A transaction is open (work that must not join it waits for the commit)."""
        return self._tx.depth > 0

    def _rebuild(self) -> None:
        for fn in list(self.on_rollback):
            try:
                fn()
            except Exception:
                log.exception("rebuilding the picture after a rollback failed")

    # ------------------------------------------------------------------ read-only mode

    def _enter_read_only(self) -> None:
        if self.read_only:
            return
        self.read_only = True
        self.read_only_since = self.clock()
        self.reserve.release()  # room for the notice below and for logins meanwhile
        self._notice(ok=False)

    def check_storage(self) -> None:
        """Periodic: keep the reserve written; in read-only mode, leave it once the disk has room."""
        if not self.read_only:
            if not self.reserve.present() and self.reserve.free_bytes() >= 2 * self.reserve.size:
                self.reserve.ensure()
            return
        if self.reserve.free_bytes() < self.reserve.size + RECOVER_FREE_BYTES or not self.reserve.ensure():
            return
        self.read_only = False
        if not self._notice(ok=True):
            self.read_only = True  # the disk is not writable after all: stay read-only
            self.reserve.release()
            return
        log.warning("storage is back after %.0f s: the center stores changes again",
                    self.clock() - (self.read_only_since or self.clock()))
        self.read_only_since = None

    def _notice(self, *, ok: bool) -> bool:
        """Tell everyone logged in (``center.storage``) and the ``on_storage`` hooks. False if not stored."""
        data = {"ok": ok, "message": "" if ok else READ_ONLY_MESSAGE}
        try:
            with self.tx(essential=True):
                self.emit_present("center.storage", data)
        except Exception as exc:
            if not is_storage_fault(exc):
                raise
            log.error("could not store the storage notice: %s", exc)
            if ok:
                return False
        for fn in list(self.on_storage):
            try:
                fn(ok)
            except Exception:
                log.exception("storage hook failed")
        return True

    def _deliver(self) -> None:
        """After COMMIT: the new seqs become the agents' truth, frames go out, hooks run."""
        for user, seq in self._txseq.items():
            self._agents[user].last_seq = seq
        self._txseq.clear()
        out, self._out = self._out, []
        after, self._after = self._after, []
        for user, frame in out:
            a = self._agents.get(user)
            if a is None:
                continue
            for c in list(a.conns):
                c.send(frame)
        for fn in after:
            try:
                fn()
            except Exception:
                log.exception("after-commit hook failed")

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo a failed command's writes and events but keep the outer transaction."""
        n_out, n_after, seqs = len(self._out), len(self._after), dict(self._txseq)
        before = self.db.total_changes
        try:
            with store.savepoint(self.db):
                yield
        except BaseException:
            del self._out[n_out:]
            del self._after[n_after:]
            self._txseq = seqs
            if self.db.total_changes != before:
                self._rebuild()
            raise

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run *fn* once the current transaction has committed (dropped if it rolls back)."""
        self._after.append(fn)

    def emit(self, user: str, kind: str, data: dict) -> int:
        """Append an event to *user*'s stream (inside a transaction). Returns its seq.

        Simulated colleagues have no stream (seq 0).
        """
        assert self._tx.depth > 0, "emit outside a transaction"
        a = self._agents[user]
        if a.simulated:
            return 0
        seq = self._txseq.get(user, a.last_seq) + 1
        self._txseq[user] = seq
        ts = self.clock()
        event_store.append(self.db, user, seq, ts, kind, data)
        self._out.append((user, {"type": "event", "seq": seq, "ts": ts, "kind": kind, "data": data}))
        return seq

    def emit_present(self, kind: str, data: dict, users: list[str] | None = None) -> None:
        """Emit to every logged-in user (or those of *users* who are logged in).

        The fan-out of one event to hundreds of agents is the center's heaviest work (presence,
        queue figures): the data is encoded once, stored with one statement per table, and each
        agent's frame is built from that text, not encoded again for every connection.
        """
        assert self._tx.depth > 0, "emit outside a transaction"
        seqs: list[tuple[str, int]] = []
        for u in (users if users is not None else list(self._agents)):
            a = self._agents.get(u)
            if a is not None and a.present and not a.simulated:
                seq = self._txseq.get(u, a.last_seq) + 1
                self._txseq[u] = seq
                seqs.append((u, seq))
        if not seqs:
            return
        ts = self.clock()
        data_json = store.dumps(data)
        event_store.append_many(self.db, seqs, ts, kind, data_json)
        head = '{"type":"event","ts":' + json.dumps(ts) + ',"kind":' + json.dumps(kind) + ',"data":' + data_json
        for u, seq in seqs:
            frame = codec.EncodedFrame(f'{head},"seq":{seq}}}', type="event", seq=seq, ts=ts, kind=kind, data=data)
            self._out.append((u, frame))


@dataclass
class Listeners:
    """In-process observers of the center, called after commit (see the module docstring)."""

    conversation: list[Listener] = field(default_factory=list)  # (status | "outgoing", summary)
    team: list[Listener] = field(default_factory=list)  # (room key, message + members)
    offer: list[Listener] = field(default_factory=list)  # ("offered" | "revoked", offer data)
    # Told of each good password login (the voice bridge keeps Kamailio's HA1 current).
    password: list[Callable[[str, str], None]] = field(default_factory=list)


def notify(listeners: list[Listener], what: str, data: dict) -> None:
    """Call each listener; one that fails is logged and does not stop the others."""
    for fn in list(listeners):
        try:
            fn(what, data)
        except Exception:
            log.exception("listener failed")
