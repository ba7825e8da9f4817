"""Demo life: simulated customers and back-office colleagues (``center serve`` with ``demo: true``).

Customers write on chat, e-mail, SMS and social media, answer what agents
send them, and leave after a few exchanges. Colleagues change presence now
and then and answer direct messages and @mentions in team chat. Everything
goes through the hub's public domain API, like real traffic would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any

from agent_tui.center.hub import DomainError, Hub
from agent_tui.center.store import conversations as conv_store

log = logging.getLogger("agent_tui.center.simulate")

# (channel, queue, subject, [customer lines…]) — the first line opens the contact.
SCENARIOS = [
    ("chat", "chat", None, ["Hi, my internet has been down since this morning. The modem light is red.",
                            "I already restarted it twice.", "Ok, I'll wait. Thanks!"]),
    ("chat", "chat-tech", None, ["Goedemiddag, mijn wifi valt steeds weg op de bovenverdieping.",
                                 "Het is een modem van vorig jaar.", "Dank u wel, ik ga het proberen."]),
    ("email", "email-billing", "Question about my invoice",
     ["Hello,\n\nMy invoice for this month is much higher than usual. Can you explain why?\n\nKind regards",
      "Thanks, that makes sense. Can I pay in instalments?", "Great, thank you."]),
    ("email", "moves", "Verhuizing", ["Beste klantenservice,\n\nIk verhuis op de 1e van volgende maand. "
                                      "Hoe zet ik mijn internet en energie over?\n\nMet vriendelijke groet",
                                      "Het nieuwe adres is Dorpsstraat 12 in Utrecht.", "Top, bedankt!"]),
    ("sms", "sms", None, ["Storing in 3511? Geen stroom sinds 10 min", "Ok dank je", "👍"]),
    ("social", "social", None, ["@PolderNet why is my connection so slow every evening?? 😡",
                                "I pay for 500 Mbit and get 40.", "ok will DM you the details"]),
    ("chat", "chat", None, ["I forgot my password for My Polder, how do I reset it?",
                            "I don't get the e-mail.", "Found it in spam, thanks!"]),
]
NAMES = ["Jan de Groot", "Sophie Willems", "Mohamed El Amrani", "Emma Jacobs", "Lucas van Dijk", "Noor Bos",
         "Olivia Vermeulen", "Sem de Wit", "Julia Dekker", "Liam Brouwer", "Fenna Koster", "Yusuf Demir"]
COLLEAGUE_REPLIES = [
    "Yes, I can look at that — send me the customer number.",
    "Ja hoor, ik pak het op. Geef me 5 minuten.",
    "Checked it: the refund was booked yesterday, it shows on the next invoice.",
    "The outage ticket is with the field service team, ETA 2 hours.",
    "Ik zit nu in overleg, ik bel je om half.",
    "Done ✔",
]
MAX_WAITING = 3
COLLEAGUE_STATES = [("available", ""), ("available", ""), ("on_contact", ""), ("break", "coffee"),
                    ("meeting", "team meeting"), ("lunch", "")]


class Simulation:
    """Drives simulated customers and colleagues on the hub's event loop."""

    def __init__(self, hub: Hub, *, customers: bool = True, colleagues: bool = True, seed: int | None = None,
                 rate: float | None = None, max_waiting: int = MAX_WAITING):
        """``rate``: new customers per minute (None: center.yaml ``simulate_interval_s``).
        ``max_waiting``: no new customer while this many simulated contacts wait for an agent,
        so a newcomer who takes a while is not buried under offers (and sent to ``missed``)."""
        if rate is not None and rate <= 0:
            raise ValueError("rate must be more than 0 customers per minute")
        self.hub = hub
        self.interval_s = 60.0 / rate if rate is not None else hub.cfg.simulate_interval_s
        self.max_waiting = max_waiting
        self.arrivals = 0  # arrival moments so far (a customer came, or was held back)
        self.customers = customers
        self.colleagues = colleagues
        self.rng = random.Random(seed)
        self._tasks: list[asyncio.Task] = []
        self._handles: list[asyncio.TimerHandle] = []
        self._scripts: dict[str, tuple[list[str], int]] = {}  # conversation -> (lines, next index)
        self._n = 0

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.colleagues:
            self._tasks.append(loop.create_task(self._colleague_loop()))
            self.hub.team_listeners.append(self._on_team_message)
        if self.customers:
            self._tasks.append(loop.create_task(self._customer_loop()))
            self.hub.conversation_listeners.append(self._on_conversation)

    async def stop(self) -> None:
        for h in self._handles:
            h.cancel()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            # Stopping must go on whatever a simulation task died of (each step logs its own failure).
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        for lst, fn in ((self.hub.team_listeners, self._on_team_message),
                        (self.hub.conversation_listeners, self._on_conversation)):
            if fn in lst:
                lst.remove(fn)

    def _delay(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi) * self.hub.cfg.simulate_speed

    def _later(self, delay: float, fn: Any, *args: Any) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            try:
                fn(*args)
            except DomainError as exc:
                log.info("simulation step skipped: %s", exc.message)
            except Exception:
                log.exception("simulation step failed")

        self._handles = [h for h in self._handles if not h.cancelled()][-200:]
        self._handles.append(loop.call_later(delay, run))

    # --------------------------------------------------------------- colleagues

    def _colleague_users(self) -> list[str]:
        return [u for u, a in self.hub.agents.items() if a.simulated]

    async def _colleague_loop(self) -> None:
        while True:
            await asyncio.sleep(self._delay(15, 45))
            users = self._colleague_users()
            if not users:
                continue
            user = self.rng.choice(users)
            state, reason = self.rng.choice(COLLEAGUE_STATES)
            try:
                self.hub.set_state(user, state, reason)
            except Exception:
                log.exception("colleague state change failed")

    def _on_team_message(self, room_key: str, msg: dict) -> None:
        sender = msg["from"]["user"]
        if self.hub.agents.get(sender) is None or self.hub.agents[sender].simulated:
            return
        targets: list[str] = []
        if room_key.startswith("dm:"):
            targets = [u for u in room_key[3:].split("|") if u != sender and self.hub.agents[u].simulated]
        else:
            targets = [u for u in msg.get("mentions", []) if u in self.hub.agents and self.hub.agents[u].simulated]
        for user in targets[:2]:
            room = f"dm:{sender}" if room_key.startswith("dm:") else room_key
            reply = self.rng.choice(COLLEAGUE_REPLIES)
            if not room_key.startswith("dm:"):
                reply = f"@{sender} {reply}"
            self._later(self._delay(2, 6), self.hub.team_send, user, room, reply)

    # --------------------------------------------------------------- customers

    async def _customer_loop(self) -> None:
        await asyncio.sleep(self._delay(2, 5))
        while True:
            self.arrivals += 1
            if self.waiting() < self.max_waiting:
                self._new_customer()
            # Arrivals of a Poisson process at the configured rate (a real center's pattern).
            await asyncio.sleep(self.rng.expovariate(1.0 / self.interval_s))

    def waiting(self) -> int:
        """Simulated contacts that are still queued or offered (no agent has them yet)."""
        n = 0
        for conv in self._scripts:
            row = conv_store.get(self.hub.db, conv)
            n += row is not None and row["status"] in ("queued", "offered")
        return n

    def _new_customer(self) -> None:
        channel, queue, subject, lines = self.rng.choice(SCENARIOS)
        self._n += 1
        name = self.rng.choice(NAMES)
        handle = {
            "email": f"{name.split()[0].lower()}{self._n}@example.nl",
            "sms": f"+3161234{self._n:04d}",
            "social": f"@{name.split()[0].lower()}_{self._n}",
        }.get(channel, f"web-{self._n:05d}")
        # A center.yaml without the scenario's queue: let the hub pick the channel's default.
        target = queue if queue in self.hub.queues else None
        try:
            out = self.hub.ingest(channel, handle, lines[0], name=name, subject=subject, queue=target)
        except DomainError as exc:
            log.info("simulated customer not injected: %s", exc.message)
            return
        self._scripts[out["conversation"]["id"]] = (lines, 1)

    def _on_conversation(self, what: str, data: dict) -> None:
        conv = data.get("id")
        if conv not in self._scripts:
            return
        if what == "closed":
            self._scripts.pop(conv, None)
            return
        if what != "outgoing":
            return
        lines, i = self._scripts[conv]
        if i < len(lines):
            self._scripts[conv] = (lines, i + 1)
            ch, cust = data["channel"], data["customer"]["id"]
            self._later(self._delay(4, 12), self.hub.ingest, ch, cust, lines[i])
        else:
            self._scripts.pop(conv, None)
            self._later(self._delay(3, 8), self.hub.end_conversation, conv, "customer-left")
