"""The voice engine's call slots, and the direct-mode pickup URIs that need one.

pjsua2 has a fixed number of call slots per process (4 in the wheel we use, see
``engine.DEFAULT_MAX_CALLS``). An INVITE that arrives while every slot is taken is answered
``486 Busy Here`` by pjsua itself, before the engine's ``on_incoming`` runs: the engine never
hears of it and the agent who dialled a pickup URI just sees the call fail. So the engine must
not hand a pickup URI out unless its INVITE will find a slot:

* every leg the owner loop holds takes a slot until DISCONNECTED;
* every pickup URI handed out and not yet dialled has a slot promised;
* a blind transfer in direct mode places a call to the engine itself (the "stub", see
  ``VoiceEngine.on_leg_refer``) and that INVITE comes back as a second leg (the "park"): a stub
  still on its way out has a slot promised for its twin;
* a waiting caller keeps one slot for the agent leg it will need (admission, monitoring).

:class:`Pickups` hands a URI out at once when a slot is free; otherwise it holds it and hands
it out on a later loop turn, when the legs that fill the engine (typically the stub, the park
leg and the transferring agent's leg of a transfer, which end within moments) are gone. A
pickup held for longer than the ring time is given back (``pickup_failed``): the center then
re-queues the call and tells the agent, instead of the agent getting a silent 486.

Owner thread only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from agent_tui.center.voice.legs import Customer, Leg

# The reason an agent (and the center's log) gets when a pickup could not be given a slot.
NO_LINE = "no free line in this voice engine"


class SlotHost(Protocol):
    """What the slot count reads from the engine."""

    max_calls: int
    customers: dict[str, Customer]
    ring_timeout_s: float
    host: str
    port: int

    def emit(self, ev: dict) -> None: ...
    def _legs(self) -> list[Leg]: ...
    def _call_count(self) -> int: ...
    def _monitor_pickups(self) -> int: ...


class Pickups:
    """Direct-mode pickup URIs: handed out (``out``) or waiting for a free slot (``held``)."""

    def __init__(self, host: SlotHost, clock: Callable[[], float] = time.time) -> None:
        self.host = host
        self.clock = clock
        self.out: dict[str, tuple[str, str, float]] = {}  # token -> (cid, agent, expires)
        self.held: dict[str, tuple[str, str, float]] = {}  # token -> (cid, agent, held since)

    # --- counting ------------------------------------------------------------------------

    def claimed(self) -> int:
        """Slots in use or promised: legs, pickups handed out, returning transfer calls."""
        h = self.host
        twins = sum(1 for lg in h._legs() if lg.xfer_stub and lg.returns and lg.role == "agent"
                    and not lg.gone and not lg.connected)
        return h._call_count() + len(self.out) + h._monitor_pickups() + twins

    def waiting_unserved(self) -> int:
        """Waiting callers whose agent leg still needs a slot (no leg, none ringing, no pickup out)."""
        served = {cid for cid, _a, _e in self.out.values()}
        return sum(1 for c in self.host.customers.values()
                   if c.agent_leg is None and not c.ringing and c.cid not in served)

    def spare(self) -> int:
        """Slots nobody has a claim on (not used, not promised, not kept for a waiting caller)."""
        return self.host.max_calls - self.claimed() - self.waiting_unserved()

    # --- pickups ---------------------------------------------------------------------------

    def expect(self, cid: str, agent: str, token: str) -> None:
        """The center hands *agent* the call *cid*: give out a pickup URI when a slot is free."""
        self.held[token] = (cid, agent, self.clock())
        self.tick()
        if token in self.held:
            self.host.emit({"ev": "pickup_held", "call": cid, "agent": agent,
                            "slots": self.host.max_calls, "claimed": self.claimed()})

    def take(self, token: str) -> tuple[str, str, float] | None:
        """The pickup INVITE for *token* arrived: its entry (once), or None."""
        return self.out.pop(token, None)

    def cancel(self, cid: str, agent: str = "") -> None:
        """Forget the pickups of *cid* (for *agent*, or all)."""
        for table in (self.out, self.held):
            for tok, (c, ag, _t) in list(table.items()):
                if c == cid and (not agent or ag == agent):
                    del table[tok]

    def tick(self) -> None:
        """Every loop turn: expire unused pickups; hand out held ones that fit; give up on old ones."""
        now = self.clock()
        for tok, (_cid, _ag, exp) in list(self.out.items()):
            if exp < now:
                del self.out[tok]
        h = self.host
        for tok, (cid, agent, since) in list(self.held.items()):
            if cid not in h.customers:
                del self.held[tok]
            elif self.claimed() < h.max_calls:
                del self.held[tok]
                self.out[tok] = (cid, agent, now + h.ring_timeout_s + 30)
                h.emit({"ev": "pickup", "call": cid, "agent": agent,
                        "uri": f"sip:pickup-{tok}@{h.host}:{h.port};transport=tls"})
            elif now - since > h.ring_timeout_s:
                del self.held[tok]
                h.emit({"ev": "pickup_failed", "call": cid, "agent": agent, "code": 503, "reason": NO_LINE})

    def refused(self, token: str) -> None:
        """pjsua refused the pickup INVITE for *token* itself: hold it again (a fresh hand-out)."""
        entry = self.out.pop(token, None)
        if entry is not None:
            self.held[token] = (entry[0], entry[1], self.clock())
