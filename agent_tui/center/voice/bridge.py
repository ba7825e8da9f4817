"""The voice bridge: connects the voice engine process to the center's router.

Runs inside ``center serve`` on the center's asyncio loop. It starts Kamailio
(when center.yaml says so) and the engine (``python -m agent_tui.center.voice``),
reads the engine's JSON-line events and turns them into domain calls on the
:class:`~agent_tui.center.hub.Hub`, and listens to the hub's offers and
conversation changes to tell the engine whom to connect.

A call is a conversation on channel ``voice`` whose customer id is the caller
number. The same router as for the digital channels offers it to an agent with
voice capacity; then

* with Kamailio, the engine INVITEs ``sip:AGENT@DOMAIN`` through Kamailio and the
  agent's SIP answer accepts the offer;
* without Kamailio (the demo), the agent gets ``voice.offered`` with a one-time
  ``pickup`` URI and answering = dialling it (the desk may also ``offer.accept``).

DTMF digits become system messages in the conversation; the caller hanging up
sends the conversation to wrap-up; a SIP transfer (REFER) from the agent's phone
becomes a center transfer to the named agent or queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_tui.center.model import DomainError
from agent_tui.center.voice import kamailio
from agent_tui.center.voice import settings as vs
from agent_tui.center.voice.monitoring import Monitoring

log = logging.getLogger(__name__)

# Names for the demo's simulated callers (Dutch and English customers).
_FIRST = ("Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jesse", "Lotte", "Noah")
_LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smith", "Mulder", "de Boer", "Brown", "Dekker", "Meijer")


@dataclass
class _Call:
    call: str
    conv: str
    caller: str
    agent: str | None = None  # the agent whose leg is connected
    connecting: set[str] = field(default_factory=set)  # agents being rung / given a pickup
    offers: dict[str, str] = field(default_factory=dict)  # agent -> pending offer id
    started: float = field(default_factory=time.time)


@dataclass
class _EngineProc:
    """One engine process (pjsua2-python gives each only 4 call slots, so a center runs several)."""

    idx: int
    proc: asyncio.subprocess.Process | None = None
    reader: asyncio.Task | None = None
    ready: asyncio.Future | None = None
    addr: dict[str, Any] = field(default_factory=dict)
    restarts: list[float] = field(default_factory=list)
    failures: int = 0  # consecutive restarts that failed or crashed soon after (backoff)
    started_at: float = 0.0
    restarter: asyncio.Future | None = None


def restart_delay(failures: int) -> float:
    """Seconds before the next restart after *failures* consecutive failures: 1, 2, 4 … 60."""
    return float(min(60, 2 ** min(failures, 6)))


class VoiceBridge:
    """Owns the engine subprocess (and Kamailio) for one center; see the module docstring."""

    def __init__(self, hub: Any, cfg: Any, *, simulate_callers: bool = True) -> None:
        self._simulate_callers_on = simulate_callers  # `demo --quiet` / `--rate 0`: no simulated calls
        self.hub = hub
        self.cfg = cfg
        self.dir = Path(cfg.dir)
        self.settings = vs.parse_voice_settings(getattr(cfg, "voice", {}) or {})
        self.kamailio: Any = None
        self.engines = [_EngineProc(i) for i in range(self.settings.engines)]
        self.call_engine: dict[str, _EngineProc] = {}  # engine call id -> its engine
        self.calls: dict[str, _Call] = {}  # engine call id -> call
        self.by_conv: dict[str, str] = {}  # conversation -> engine call id
        self._opening = False  # inside hub.open_conversation for a new call
        self._early_offers: dict[str, list[tuple[str, dict]]] = {}  # offers made while opening it
        self.ring_ms: list[float] = []  # INVITE -> 180 at the engine, for figures
        self._stderr: Any = None
        self._stopping = False
        self._sim_task: asyncio.Task | None = None
        self.monitoring = Monitoring(  # leads listening in on calls (issue 11)
            hub, calls_by_conv=lambda conv: self.calls.get(self.by_conv.get(conv, "")), send=self._send,
            engine_addr=lambda call: (self.call_engine.get(call) or self.engines[0]).addr,
            ring_uri=lambda lead: (f"sip:{lead}@{self.settings.kamailio.domain};transport=tls"
                                   if self.settings.kamailio.enabled else None),
            calls_by_agent=lambda agent: next((c for c in self.calls.values() if c.agent == agent), None))
        self.health: dict[str, Any] = {"degraded": False, "problem": "", "engines": len(self.engines),
                                       "engines_down": [], "restarts_10min": 0}

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self, timeout: float = 30.0) -> None:
        """Start Kamailio (if enabled) and the engine; return when the engine is ready."""
        if self.settings.kamailio.enabled:
            kamailio.sync_users(self.dir, self.hub, self.settings)
            for attempt in range(3):
                try:
                    self.kamailio = await asyncio.get_running_loop().run_in_executor(
                        None, kamailio.start_kamailio, self.dir)
                    break
                except kamailio.KamailioError:
                    # `port: 0` picks a free port when the config is written; another program may
                    # take it before Kamailio binds. Pick again (a fixed port is the admin's call).
                    if self.settings.kamailio.port != 0 or attempt == 2:
                        raise
                    kamailio.write_kamailio_config(self.dir, self.settings)
        for eng in self.engines:
            await self._spawn(eng, timeout)
        self.hub.offer_listeners.append(self._on_offer)
        self.hub.conversation_listeners.append(self._on_conversation)
        extras = getattr(self.hub, "welcome_extras", None)
        if isinstance(extras, dict):
            # Softphones read this from the welcome frame to find their SIP server.
            extras["voice"] = self.sip_info()
        if hasattr(self.hub, "register_op"):
            self.hub.register_op("voice.dial", self._op_dial, role="agent")
            self.monitoring.register()
            self.hub.register_op("voice.status", self._op_status, role="supervisor")
        if self._simulate_callers_on and getattr(self.cfg, "demo", False) \
                and getattr(self.cfg, "simulate_customers", False) and self.settings.simulate_calls_s > 0:
            self._sim_task = asyncio.create_task(self._simulate_callers())
        log.info("voice engines ready on ports %s", [e.addr.get("port") for e in self.engines])

    @property
    def engine_addr(self) -> dict[str, Any]:
        """The first engine's address (direct mode: where softphones send transfers)."""
        return self.engines[0].addr

    async def _spawn(self, eng: _EngineProc, timeout: float, stop_all: bool = True) -> None:
        """Start one engine process and wait for its ``ready``.

        On failure: with *stop_all* (start-up) everything stops; otherwise (a restart) only this
        engine's process is ended, and the caller tries again later.
        """
        log_path = vs.run_dir(self.dir) / "engine.log"
        if self._stderr is None:
            # Kept open for the engines' lifetime (their stderr), closed in stop().
            self._stderr = open(log_path, "ab")  # noqa: SIM115
        eng.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "agent_tui.center.voice", str(self.dir), "--log-level", "3",
            "--index", str(eng.idx),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=self._stderr,
        )
        eng.ready = asyncio.get_running_loop().create_future()
        eng.reader = asyncio.create_task(self._read_events(eng))
        try:
            eng.addr = await asyncio.wait_for(eng.ready, timeout)
            eng.started_at = time.monotonic()
        except (asyncio.TimeoutError, RuntimeError):
            if stop_all:
                await self.stop()
            elif eng.proc.returncode is None:
                eng.proc.kill()
                await eng.proc.wait()
            raise RuntimeError(f"voice engine did not start in {timeout:.0f}s — see {log_path}") from None

    async def _restart(self, eng: _EngineProc) -> None:
        """An engine died: its calls are lost (their conversations went to wrap-up); start a new one.

        Never gives up: consecutive failures back off 1, 2, 4 … 60 s, and until the engine is
        back the center says "voice degraded" in its log and in the lead's figures.
        """
        now = time.monotonic()
        eng.restarts = [t for t in eng.restarts if now - t < 600] + [now]
        while not self._stopping:
            delay = restart_delay(eng.failures)
            self._set_health(f"engine {eng.idx} down; restart in {delay:g} s "
                             f"({len(eng.restarts)} restarts in 10 min)")
            await asyncio.sleep(delay)  # backoff between restarts (a timer, not a sync)
            if self._stopping:
                return
            try:
                await self._spawn(eng, 30.0, stop_all=False)
            except RuntimeError as exc:
                eng.failures += 1
                log.error("voice degraded: engine %d restart failed: %s", eng.idx, exc)
                continue
            extras = getattr(self.hub, "welcome_extras", None)
            if isinstance(extras, dict):
                extras["voice"] = self.sip_info()
            log.warning("voice engine %d restarted on port %s", eng.idx, eng.addr.get("port"))
            self._set_health("")
            return

    def _set_health(self, problem: str) -> None:
        """Log and publish whether voice is degraded (``stats.get`` → ``health.voice``)."""
        down = [e.idx for e in self.engines if e.proc is None or e.proc.returncode is not None]
        degraded = bool(problem) or bool(down)
        self.health = {"degraded": degraded, "problem": problem, "engines": len(self.engines),
                       "engines_down": down, "restarts_10min": sum(
                           sum(1 for t in e.restarts if time.monotonic() - t < 600) for e in self.engines)}
        if problem:
            log.error("voice degraded: %s", problem)
        elif not degraded:
            log.warning("voice recovered: all %d engines running", len(self.engines))
        health = getattr(getattr(self.hub, "stats", None), "health", None)
        if isinstance(health, dict):
            health["voice"] = dict(self.health)

    def _op_status(self, conn: Any, args: dict) -> dict:
        """``voice.status`` (supervisor): is voice degraded, which engines are down, restarts."""
        return dict(self.health)

    async def _simulate_callers(self) -> None:
        """Demo life: now and then a made-up customer calls, while someone can take it."""
        rng = random.Random()
        mean = self.settings.simulate_calls_s / max(0.1, float(getattr(self.cfg, "simulate_speed", 1.0)))
        while True:
            await asyncio.sleep(rng.expovariate(1.0 / mean))  # a timer of demo life, not a sync
            agents = getattr(self.hub, "agents", {}).values()
            ready = any(a.present and a.state == "available" and not a.simulated for a in agents)
            if not ready or self.calls:  # one at a time: a simulated caller uses an extra call slot
                continue
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            self._send({"cmd": "simulate", "from": f"+316{rng.randrange(10**7, 10**8)}",
                        "name": f"{first} {last}", "talk_s": rng.uniform(20, 45), "give_up_s": 150})

    def _op_dial(self, conn: Any, args: dict) -> dict:
        """``voice.dial``: where to call *target* (a colleague), or why it cannot be called.

        The softphone places the call itself; the center answers with the SIP URI.
        Colleagues are reachable through Kamailio; numbers and customers need a PSTN
        gateway, which the reference center does not have.
        """
        target = str(args.get("target", "")).strip()
        agents = getattr(self.hub, "agents", {})
        if target in agents:
            if target == conn.user:
                raise DomainError("bad_args", "you cannot call yourself")
            if not self.settings.kamailio.enabled:
                raise DomainError("conflict", "calls between colleagues need the full setup with Kamailio "
                                              "(center.yaml voice.kamailio.enabled); use team chat meanwhile")
            domain = self.sip_info()["domain"]
            return {"uri": f"sip:{target}@{domain};transport=tls", "kind": "colleague"}
        queues = getattr(self.hub, "queues", {})
        if target in queues:
            raise DomainError("bad_args", f"{target} is a queue: transfer a call to it instead of dialling it")
        raise DomainError("conflict", "outbound calls to customers and numbers need a PSTN gateway, "
                                      "which this center does not have")

    def sip_info(self) -> dict[str, Any]:
        """What a softphone needs: the registrar (Kamailio) or direct mode, the domain, the queue number."""
        info: dict[str, Any] = {"queue_number": self.settings.queue_number}
        if self.settings.kamailio.enabled:
            k = kamailio.address(self.dir)
            info.update(mode="kamailio", registrar=f"sip:{k['host']}:{k['port']};transport=tls",
                        domain=k["domain"])
        else:
            info.update(mode="direct", domain=self.engine_addr.get("host", self.settings.host),
                        engine=f"sip:{self.engine_addr.get('host')}:{self.engine_addr.get('port')};transport=tls",
                        engines=[f"sip:{e.addr.get('host')}:{e.addr.get('port')};transport=tls"
                                 for e in self.engines if e.addr])
        return info

    async def stop(self) -> None:
        """Stop the engine (it hangs up its calls), then Kamailio."""
        self._stopping = True
        if self._sim_task is not None:
            self._sim_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sim_task
        with contextlib.suppress(ValueError):
            self.hub.offer_listeners.remove(self._on_offer)
        with contextlib.suppress(ValueError):
            self.hub.conversation_listeners.remove(self._on_conversation)
        for eng in self.engines:
            if eng.restarter is not None and not eng.restarter.done():
                eng.restarter.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await eng.restarter
            if eng.proc is not None and eng.proc.returncode is None:
                with contextlib.suppress(Exception):
                    self._send({"cmd": "quit"}, eng)
                    assert eng.proc.stdin is not None
                    eng.proc.stdin.close()
                try:
                    await asyncio.wait_for(eng.proc.wait(), 10)
                except asyncio.TimeoutError:
                    eng.proc.kill()
                    await eng.proc.wait()
            if eng.reader is not None:
                eng.reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await eng.reader
        if self.kamailio is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.kamailio.stop)
            self.kamailio = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # --- engine I/O ------------------------------------------------------------------------

    def _send(self, cmd: dict, eng: _EngineProc | None = None) -> None:
        """Send a command to *eng*, or to the engine that holds ``cmd["call"]`` (else the first)."""
        eng = eng or self.call_engine.get(str(cmd.get("call", ""))) or self.engines[0]
        if eng.proc is None or eng.proc.stdin is None or eng.proc.returncode is not None:
            log.warning("voice engine %d not running; dropped %s", eng.idx, cmd.get("cmd"))
            return
        eng.proc.stdin.write((json.dumps(cmd) + "\n").encode())

    async def _read_events(self, eng: _EngineProc) -> None:
        assert eng.proc is not None and eng.proc.stdout is not None
        while True:
            line = await eng.proc.stdout.readline()
            if not line:
                break
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            try:
                self._on_engine(ev, eng)
            except Exception:
                log.exception("voice event %s failed", ev.get("ev"))
        if eng.ready is not None and not eng.ready.done():
            eng.ready.set_exception(RuntimeError("voice engine exited"))
        lost = [c for c in self.calls.values() if self.call_engine.get(c.call) is eng]
        if lost:
            log.error("voice engine %d exited with %d calls", eng.idx, len(lost))
            for c in lost:
                self._call_ended(c, "voice engine stopped", note=True)
        if not self._stopping and eng.ready is not None and eng.ready.done() \
                and not eng.ready.cancelled() and eng.ready.exception() is None:
            # It had started and nobody asked it to stop: a crash. Start a fresh one (backoff when
            # it keeps crashing soon after starting, e.g. under a flood).
            eng.failures = eng.failures + 1 if time.monotonic() - eng.started_at < 60 else 0
            eng.restarter = asyncio.ensure_future(self._restart(eng))

    # --- engine events -> domain ---------------------------------------------------------------

    def _on_engine(self, ev: dict, eng: _EngineProc) -> None:
        kind = ev.get("ev")
        if kind == "ready":
            if eng.ready is not None and not eng.ready.done():
                eng.ready.set_result(ev)
            return
        if kind == "incoming":
            waiting = sum(1 for c in self.calls.values() if c.caller == ev["from"] and c.agent is None)
            if waiting >= self.settings.max_waiting_per_caller:
                # Each engine caps its own callers; this caps one number across all engines.
                log.warning("voice: %s already has %d waiting calls; refused another", ev["from"], waiting)
                self._send({"cmd": "hangup", "call": ev["call"]}, eng)
                return
            self._opening = True
            try:
                summary = self.hub.open_conversation(
                    "voice", ev["from"], name=ev.get("name") or None, queue=self._queue_for(ev.get("to", "")))
            finally:
                self._opening = False
            c = _Call(call=ev["call"], conv=summary["id"], caller=ev["from"])
            self.calls[c.call] = c
            self.call_engine[c.call] = eng
            self.by_conv[c.conv] = c.call
            # The router may already have offered it, inside open_conversation (it routes right
            # after the commit): those offers arrived before the call was known here.
            early, self._early_offers = self._early_offers.get(c.conv, []), {}  # others: not calls
            for what, data in early:
                self._on_offer(what, data)
            # open_conversation already wrote "Incoming call from …" into the transcript.
            return
        if kind == "outbound_refused":
            log.info("voice: %s dialled %s; outbound calls need a gateway (refused)", ev.get("agent"), ev.get("to"))
            return
        if kind == "error":
            log.warning("voice engine: %s (%s)", ev.get("message"), ev.get("cmd"))
            return
        if kind == "registration":
            log.info("voice engine registration: %s %s", ev.get("code"), ev.get("reason"))
            return
        if kind == "library_refused":  # pjsua answered an INVITE itself (e.g. 486: no call slot)
            log.warning("voice engine %d refused a call to %s: %s %s (%s of %s slots claimed)", eng.idx,
                        ev.get("to"), ev.get("code"), ev.get("reason"), ev.get("claimed"), ev.get("slots"))
            return
        found = self.calls.get(ev.get("call", ""))
        if found is None:
            return
        c = found
        if kind == "pickup":
            offer = c.offers.get(ev["agent"])
            self.hub.emit_voice(ev["agent"], "voice.offered", {
                "conversation": c.conv, "offer": offer, "caller": c.caller, "pickup": ev["uri"]})
        elif kind == "pickup_held":
            # Every call slot of that engine is taken for a moment (e.g. a transfer's own legs):
            # the agent's pickup URI comes when one is free, so their call is not refused (486).
            log.info("voice: pickup for %s on %s waits for a free call slot (%s of %s claimed)",
                     ev["agent"], c.conv, ev.get("claimed"), ev.get("slots"))
        elif kind == "pickup_failed":
            self._no_line(c, ev["agent"], str(ev.get("reason") or "no free line"))
        elif kind == "transfer_refused":
            log.warning("voice: transfer of %s by %s to %s refused: %s", c.conv, ev.get("agent"),
                        ev.get("target"), ev.get("reason"))
        elif kind == "ringing":
            self.ring_ms.append(float(ev.get("ms", 0.0)))
        elif kind == "answered":
            self._answered(c, ev["agent"], ev.get("codec", ""))
        elif kind == "agent_failed":
            agent = ev["agent"]
            c.connecting.discard(agent)
            offer = c.offers.pop(agent, None)
            # A rejected call is a declined offer; a ring-out is left to the offer timer.
            if offer and int(ev.get("code", 0)) in (486, 603, 480):
                with contextlib.suppress(Exception):
                    self.hub.decline_offer(agent, offer, reason="rejected the call")
        elif kind == "dtmf":
            self.hub.add_system_message(c.conv, f"DTMF {ev['digit']} ({ev.get('from', 'customer')})")
        elif kind == "hold":
            self.hub.add_system_message(c.conv, "Call on hold" if ev.get("on") else "Call resumed")
        elif kind == "transfer":
            self._transfer(c, ev)
        elif kind == "ended":
            self._call_ended(c, ev.get("reason", ""), note=bool(ev.get("dead")))
        elif str(kind).startswith("monitor_"):
            self.monitoring.on_engine(c, ev)

    def _queue_for(self, dialed: str) -> str | None:
        q = self.settings.queue
        return q if q in getattr(self.hub, "queues", {}) else None

    def _answered(self, c: _Call, agent: str, codec: str) -> None:
        c.connecting.discard(agent)
        previous, c.agent = c.agent, agent
        offer = c.offers.pop(agent, None)
        if offer:
            try:
                self.hub.accept_offer(agent, offer)
            except DomainError as exc:  # e.g. already accepted on the desk: fine
                log.debug("accept %s for %s: %s", offer, agent, exc)
        self.hub.emit_voice(agent, "voice.answered", {"conversation": c.conv, "call": c.call, "codec": codec})
        if previous and previous != agent:
            self.hub.emit_voice(previous, "voice.ended", {"conversation": c.conv, "reason": "transferred"})

    def _no_line(self, c: _Call, agent: str, reason: str) -> None:
        """No call slot freed up for *agent*'s pickup within the ring time: the call goes back.

        Not the agent's doing, so never ``missed``: an offer is declined for them (the router
        tries someone else), a call already assigned to them goes back to the voice queue, and
        they are told why (``voice.ended`` with reason ``no_line``).
        """
        log.warning("voice: no free line for %s to take %s (%s); back to the queue", agent, c.conv, reason)
        c.connecting.discard(agent)
        offer = c.offers.pop(agent, None)
        with contextlib.suppress(DomainError):
            if offer:
                self.hub.decline_offer(agent, offer, reason=reason)
            else:
                self.hub.transfer(agent, c.conv, agent=None, queue=self._queue_for("") or self.settings.queue,
                                  note=None)
        self.hub.emit_voice(agent, "voice.ended", {"conversation": c.conv, "reason": "no_line"})

    def _transfer(self, c: _Call, ev: dict) -> None:
        """A REFER from the agent's phone: move the conversation in the center as well."""
        src, target = ev.get("agent") or c.agent, ev.get("target", "")
        agents = getattr(self.hub, "agents", {})
        queues = getattr(self.hub, "queues", {})
        if ev.get("kind") == "consult":
            # The target already talks to the caller; the conversation follows when it connects.
            c.connecting.add(target)
        elif self.settings.kamailio.enabled and target in agents:
            c.connecting.add(target)  # the engine's transfer call is ringing them through Kamailio
        if c.agent == src:
            c.agent = None
        kwargs: dict[str, Any]
        if target in agents:
            kwargs = {"agent": target, "queue": None}
        elif target in queues:
            kwargs = {"agent": None, "queue": target}
        else:  # a number or unknown name: back to the voice queue
            kwargs = {"agent": None, "queue": self._queue_for("") or self.settings.queue}
        try:
            self.hub.transfer(src, c.conv, note=None, **kwargs)
        except DomainError as exc:
            log.warning("transfer of %s to %s failed: %s; back to the queue", c.conv, target, exc)
            c.connecting.discard(target)
            with contextlib.suppress(DomainError):
                self.hub.transfer(src, c.conv, agent=None, queue=self._queue_for("") or self.settings.queue,
                                  note=None)
        if src:
            self.hub.emit_voice(src, "voice.ended", {"conversation": c.conv, "reason": "transferred"})

    def _call_ended(self, c: _Call, reason: str, note: bool = False) -> None:
        self.monitoring.call_ended(c)
        self.calls.pop(c.call, None)
        self.call_engine.pop(c.call, None)
        self.by_conv.pop(c.conv, None)
        for agent in {*(c.offers or {}), *([c.agent] if c.agent else [])}:
            with contextlib.suppress(Exception):
                self.hub.emit_voice(agent, "voice.ended", {"conversation": c.conv, "reason": reason or "hangup"})
        if note and reason:
            # Why the call ended is part of the conversation (e.g. "no audio from the caller for 20 s").
            with contextlib.suppress(Exception):
                self.hub.add_system_message(c.conv, f"Call ended: {reason}")
        with contextlib.suppress(Exception):
            self.hub.end_conversation(c.conv, "customer-left")

    # --- domain -> engine ------------------------------------------------------------------------

    def _connect(self, c: _Call, agent: str) -> None:
        """Ring *agent* for this call (Kamailio) or hand them a pickup URI (direct)."""
        if agent in c.connecting or agent == c.agent:
            return
        c.connecting.add(agent)
        if self.settings.kamailio.enabled:
            k = self.settings.kamailio
            self.hub.emit_voice(agent, "voice.offered", {"conversation": c.conv, "offer": c.offers.get(agent),
                                                         "caller": c.caller})
            self._send({"cmd": "ring", "call": c.call, "agent": agent, "conversation": c.conv,
                        "uri": f"sip:{agent}@{k.domain};transport=tls"})
        else:
            self._send({"cmd": "expect", "call": c.call, "agent": agent,
                        "token": secrets.token_urlsafe(18)})

    def _on_offer(self, what: str, data: dict) -> None:
        conv = data.get("conversation")
        conv_id = conv.get("id") if isinstance(conv, dict) else conv
        call = self.by_conv.get(conv_id or "")
        if call is None:
            if self._opening:  # a call's conversation being opened right now: keep for it
                self._early_offers.setdefault(conv_id or "", []).append((what, data))
            return
        c = self.calls[call]
        agent = data.get("user", "")
        if what == "offered":
            c.offers[agent] = data["offer"]
            if agent in c.connecting:  # already ringing them (a transfer call); the answer accepts
                return
            self._connect(c, agent)
        elif what == "revoked":
            c.offers.pop(agent, None)
            if data.get("reason") in ("timeout", "declined", "cancelled") and agent != c.agent:
                c.connecting.discard(agent)
                self._send({"cmd": "cancel", "call": c.call, "agent": agent})
                self.hub.emit_voice(agent, "voice.ended", {"conversation": c.conv, "reason": data.get("reason")})

    def _on_conversation(self, what: str, summary: dict) -> None:
        call = self.by_conv.get(summary.get("id", ""))
        if call is None:
            return
        c = self.calls[call]
        assigned = summary.get("assigned_to")
        if what == "active" and assigned and assigned != c.agent:
            # Accepted on the desk, or transferred to this agent (conv.transfer or REFER).
            if c.agent is not None:
                self._send({"cmd": "release", "call": c.call})
                self.hub.emit_voice(c.agent, "voice.ended", {"conversation": c.conv, "reason": "transferred"})
                c.agent = None
            self._connect(c, assigned)
        elif what == "queued" and c.agent is not None:
            # Transferred to a queue from the desk: the caller waits with hold music again.
            self._send({"cmd": "release", "call": c.call})
            self.hub.emit_voice(c.agent, "voice.ended", {"conversation": c.conv, "reason": "transferred"})
            c.agent = None
        elif what == "closed" and c.agent is not None and assigned == c.agent:
            # Closed from the desk while the caller is still on the line: end the call.
            self._send({"cmd": "hangup", "call": c.call})
