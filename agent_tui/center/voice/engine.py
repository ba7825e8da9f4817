"""The center's voice engine: queues customer calls and bridges them to agents.

It runs in its own process with pjsua2 on the main thread: the shared owner loop
(:class:`agent_tui.sip.engine.SipEngine` in ``open()``/``run_forever()`` mode) starts the
library with the project's one TLS/codec/SRTP set-up and runs the commands.
The center talks to it with JSON lines (see :mod:`agent_tui.center.voice.__main__`
and :mod:`bridge`): the engine reports calls (``incoming``, ``ringing``,
``answered``, ``dtmf``, ``hold``, ``transfer``, ``ended`` …) and the center
tells it which agent to connect (``ring`` via Kamailio, or ``expect`` a pickup
call in direct mode). Routing decisions stay in the center; the engine only
moves calls and media.

Media: every call leg is a port on pjsua2's conference bridge. A waiting
customer hears the announcement, then looping hold music; a connected customer
and agent are cross-connected (customer → agent and agent → customer). Hold
(re-INVITE from either phone) breaks the cross-connection and gives the
customer hold music again.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import pjsua2 as pj

from agent_tui.center.voice import monitor
from agent_tui.center.voice.legs import (
    Customer,
    EngineAccount,
    Leg,
    Player,
    wire_customer,
    wire_monitor,
)
from agent_tui.center.voice.prompts import ensure_prompts
from agent_tui.center.voice.slots import NO_LINE, Pickups
from agent_tui.center.voice.watchdog import SilenceWatch
from agent_tui.sip import sipuri
from agent_tui.sip.config import AccountSpec, EngineConfig
from agent_tui.sip.endpoint import account_config, stop_accepting
from agent_tui.sip.engine import SipEngine
from agent_tui.sip.media import (
    HELD,
    active_rx_packets,
    audio_state,
    call_audio,
    call_op,
    stream_codec,
)

Emit = Callable[[dict], None]
# Call slots. pjsua2 clamps maxCalls to its compile-time PJSUA_MAX_CALLS, and the
# pjsua2-python 2.15.1 wheel is built with 4 (measured: a 5th call fails with PJ_ETOOMANY).
# A connected customer needs two slots (caller + agent leg), so one engine process talks to
# two customers at once; center.yaml voice.max_calls raises this with a wheel built for more.
DEFAULT_MAX_CALLS = 4

_DISCONNECTED = pj.PJSIP_INV_STATE_DISCONNECTED
_CONFIRMED = pj.PJSIP_INV_STATE_CONFIRMED
_EARLY = pj.PJSIP_INV_STATE_EARLY


class VoiceEngine:
    """Owns the pjsua2 endpoint, the engine account and all calls. One instance per process."""

    def __init__(self, *, ca_file: Path, cert_file: Path, key_file: Path, media_dir: Path,
                 host: str = "127.0.0.1", port: int = 0, emit: Emit,
                 registrar: str = "", proxy: str = "", sip_user: str = "", sip_ha1: str = "",
                 domain: str = "", ring_timeout_s: float = 20.0, log_level: int = 1,
                 queue_number: str = "+31201234567", max_calls: int = DEFAULT_MAX_CALLS,
                 index: int = 0, proxy_token: str = "", rtp_timeout_s: float = 20.0,
                 max_waiting_per_caller: int = 2) -> None:
        self.emit = emit
        # Full setup: only requests that came through Kamailio (they carry its secret) count.
        self.proxy_token = proxy_token
        self.max_waiting_per_caller = max_waiting_per_caller
        self._silence = SilenceWatch(rtp_timeout_s)
        self.ring_timeout_s = ring_timeout_s
        # The center offers the softphone's "normal" profile: G.722 first, wideband, and it
        # survives the engine's decode/re-encode (speex, a CELP speech codec, goes unstable on
        # the pure tones of tests and prompts when transcoded twice). A softphone on the low
        # profile still gets speex/8000 or iLBC: the answer follows the offer's order.
        # No VAD: the engine mixes streams and relays them as they are.
        self.sip = SipEngine(EngineConfig(
            ca_file=ca_file, cert_file=cert_file, key_file=key_file, tls_port=port,
            bind_address=host, user_agent="agent-tui voice engine", max_calls=max_calls,
            vad=False, log_level=log_level, log_console=True, poll_ms=10, profile="center",
            # Full setup: Kamailio reaches us over our own registration connection, so nobody
            # needs to connect to our listener: only holders of a center-CA certificate may
            # (mutual TLS), and a stranger's connection ends in the handshake, before any SIP.
            verify_client=bool(proxy_token),
        ))
        self.sip.open()  # from here on this thread owns pjsua2
        # Full setup: Kamailio reaches us over our own registration connection; nobody else may
        # connect at all (a connection flood straight at the port aborted pjlib before).
        self.listening = not (proxy_token and stop_accepting(self.sip.sip_port))
        self._proxy = proxy if proxy_token else ""
        self.max_calls = max_calls
        self.port = self.sip.sip_port
        self.host = host
        self.domain = domain or host
        self.queue_number = queue_number
        self.index = index
        self.customers: dict[str, Customer] = {}
        self._sims: list[Leg] = []
        self.pickups = Pickups(self)  # direct-mode pickup URIs, handed out when a slot is free (slots.py)
        self._park: list[Leg] = []
        self._seq = 0
        self._players: dict[str, Player] = {}
        self.monitors = monitor.Monitors(self)  # leads listening in (monitor.py)
        self.sip.on_shutdown(self._drop_pjsua2_objects)
        self.sip.ep.on_rejected_call = self._library_refused
        self.sip.every(0.0, self._expire_rings)
        self.sip.every(1.0, self._watch_media)
        try:
            prompts = ensure_prompts(media_dir)
            self._ann_file = str(prompts["announcement"])
            # Looping players: "hold" feeds every waiting caller, "caller" is what the demo's
            # simulated callers "say" (a murmur of tones).
            for name in ("hold", "caller"):
                player = self._players[name] = Player()
                player.createPlayer(str(prompts[name]), 0)
            self._engine_account(sip_user, sip_ha1, registrar, proxy)
        except BaseException:
            self.sip.close()
            raise

    def _engine_account(self, sip_user: str, sip_ha1: str, registrar: str, proxy: str) -> None:
        spec = AccountSpec(
            user=sip_user or "voice",
            domain=self.domain if registrar else f"{self.host}:{self.port}",
            registrar=registrar, proxy=proxy,
            password=sip_ha1 if sip_user else None, password_is_ha1=True,
            first_retry_s=5, nat_traversal=False, key="voice", keepalive_s=15,
            id_uri="" if registrar else f"sip:{sip_user or 'voice'}@{self.host}:{self.port};transport=tls",
        )
        if registrar:
            # Several engines register as "voice": Kamailio tries them in q order (serial forking),
            # moving on when one is full (486).
            spec.contact_params = f";q={max(0.1, 1.0 - 0.1 * self.index):.1f}"
        acc = EngineAccount(self, spec)
        acc.create(account_config(spec, self.sip.config, self.sip.transport_id))
        self.sip.accounts[spec.key] = acc  # the owner loop shuts it down (un-REGISTER)

    @property
    def acc(self) -> EngineAccount:
        """The engine's own account (the queue number's calls arrive on it)."""
        acc: EngineAccount = self.sip.accounts["voice"]
        return acc

    # --- main loop -------------------------------------------------------------

    def run(self) -> None:
        """Handle SIP events and center commands on this thread until ``quit``, then shut down."""
        self.emit({"ev": "ready", "host": self.host, "port": self.port, "listening": self.listening})
        try:
            self.sip.run_forever()
        finally:
            self.sip.close()

    def submit(self, cmd: dict) -> None:
        """Queue a command from the center (any thread); it runs on the owner loop."""
        self.sip.submit(self._handle_reporting, cmd)

    def _handle_reporting(self, cmd: dict) -> None:
        try:
            self.handle(cmd)
        except Exception as exc:  # noqa: BLE001 — a bad command must not end every call
            self.emit({"ev": "error", "cmd": cmd.get("cmd"), "message": str(exc)})

    def _legs(self) -> list[Leg]:
        """Every call leg the owner loop holds (until DISCONNECTED)."""
        return [leg for leg in self.sip.calls.values() if isinstance(leg, Leg)]

    def _call_count(self) -> int:
        """Call slots in use: the owner loop holds every leg until DISCONNECTED, and pjsua frees
        the slot as that callback returns (same thread), so this is pjsua's own count."""
        return len(self.sip.calls)

    def _monitor_pickups(self) -> int:
        return len(self.monitors.pickups)

    def spare_slots(self) -> int:
        """Call slots nobody has a claim on (see slots.py)."""
        return self.pickups.spare()

    def _library_refused(self, code: int, reason: str, msg: str) -> None:
        """pjsua answered an INVITE itself (486 when every slot is taken): never silently."""
        user = sipuri.request_user(msg)
        self.emit({"ev": "library_refused", "code": code, "reason": reason, "to": user,
                   "claimed": self.pickups.claimed(), "slots": self.max_calls})
        if user.startswith("pickup-"):
            # The slot count missed a leg: hold the pickup again; it is handed out anew (the
            # agent's desk rings again) when a slot is free, or given back after the ring time.
            self.pickups.refused(user[len("pickup-"):])

    def _drop_pjsua2_objects(self) -> None:
        """Shutdown, once every call ended: drop our pjsua2 references before libDestroy."""
        self.customers.clear()
        self._park.clear()
        self._sims.clear()
        self._players.clear()

    # --- commands from the center ---------------------------------------------------

    def handle(self, cmd: dict) -> None:
        """Apply one command (see __main__ for the vocabulary)."""
        op = cmd.get("cmd")
        if op == "quit":
            self.sip.request_stop()
        elif op == "ring":  # call an agent's softphone (via Kamailio or a direct URI)
            self._ring(cmd["call"], cmd["agent"], cmd["uri"], cmd.get("conversation", ""))
        elif op == "expect":  # direct mode: the agent will dial a one-time pickup URI
            cust = self.customers.get(cmd["call"])
            if cust is None:
                raise KeyError(f"no call {cmd['call']}")
            # The URI is handed out ("pickup") only when the agent's INVITE will find a free call
            # slot; until then it is held ("pickup_held"), e.g. while a transfer's legs end.
            self.pickups.expect(cust.cid, cmd["agent"], cmd.get("token") or secrets.token_urlsafe(16))
        elif op == "cancel":  # an offer was withdrawn: stop ringing that agent
            cust = self.customers.get(cmd["call"])
            agent = cmd.get("agent", "")
            self.pickups.cancel(cmd["call"], agent)
            if cust is not None:
                for ag, leg in list(cust.ringing.items()):
                    if not agent or ag == agent:
                        self._hangup(leg, 487)
        elif op == "release":  # the center moved the caller away from its agent (transfer/requeue)
            cust = self.customers.get(cmd["call"])
            if cust is not None:
                released, cust.agent_leg = cust.agent_leg, None
                cust.on_hold = False
                for other in list(cust.ringing.values()):
                    self._hangup(other, 487)
                self._connect_media(cust)
                if released is not None:
                    self._hangup(released)
        elif op == "hangup":
            cust = self.customers.get(cmd["call"])
            if cust is not None:
                self._hangup(cust.leg)
        elif op == "dtmf":  # send digits to the customer (e.g. an agent keypad relayed by the center)
            cust = self.customers.get(cmd["call"])
            if cust is not None:
                cust.leg.dialDtmf(str(cmd["digits"]))
        elif op == "simulate":  # demo: the engine itself calls the queue as a customer
            self._simulate(str(cmd["from"]), str(cmd.get("name", "")), float(cmd.get("talk_s", 30)),
                           float(cmd.get("give_up_s", 180)))
        elif op == "ports":  # diagnostics: the conference bridge's wiring
            ports = []
            for am in self.sip.ep.mediaEnumPorts2():
                info = am.getPortInfo()
                ports.append({"id": info.portId, "name": str(info.name),
                              "to": list(info.listeners)})
            self.emit({"ev": "ports", "ports": ports})
        elif op in monitor.COMMANDS:  # a lead listens, whispers or barges in (monitor.py)
            self.monitors.handle(cmd)
        elif op == "calls":
            self.emit({"ev": "calls", "calls": [self._describe(c) for c in self.customers.values()]})
        else:
            raise ValueError(f"unknown command {op!r}")

    # --- SIP callbacks (all on this thread) -------------------------------------------

    def on_incoming(self, acc: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        msg = str(prm.rdata.wholeMsg)
        user = sipuri.request_user(msg)
        if self.proxy_token and not hmac.compare_digest(
                sipuri.header(msg, "X-Agent-Tui-Proxy").encode(), self.proxy_token.encode()):
            # Full setup: this request did not come through Kamailio (no limits, no auth, and its
            # X-Agent-Tui-Agent would be a forgery). Refuse it without trusting anything in it.
            leg = Leg(self, acc, prm.callId, role="park", cid="refused")
            self.sip.retire(leg)
            self.emit({"ev": "refused", "reason": "not through the proxy",
                       "source": str(prm.rdata.srcAddress)})
            leg.answer(call_op(403))
            return
        if user.startswith("pickup-"):
            self._on_pickup(acc, prm, user[len("pickup-"):])
            return
        if user.startswith(monitor.PICKUP_PREFIX):
            self.monitors.on_pickup(acc, prm, user[len(monitor.PICKUP_PREFIX):])
            return
        call_id = sipuri.header(msg, "Call-ID") or sipuri.header(msg, "i")
        stub = next((lg for lg in self._legs() if lg.xfer_stub and not lg.gone
                     and lg.call_id_str() == call_id), None)
        if stub is not None:
            # Our own transfer call came back to us: answer it and let the center route the caller.
            stub.role = "park"
            cust = self.customers.get(stub.cid)
            if cust is not None:
                cust.ringing = {a: lg for a, lg in cust.ringing.items() if lg is not stub}
            leg = Leg(self, acc, prm.callId, role="park", cid=stub.cid)
            self._answer(leg, 200)
            return
        agent = sipuri.header(msg, "X-Agent-Tui-Agent")
        if agent:
            # An agent dialled a number or a queue through Kamailio. Outbound calls to customers
            # need a PSTN gateway, which this center does not have: say so instead of queueing it.
            leg = Leg(self, acc, prm.callId, role="park", cid=f"out-{agent}")
            self.sip.retire(leg)
            self.emit({"ev": "outbound_refused", "agent": agent, "to": user})
            leg.answer(call_op(480))
            return
        leg = Leg(self, acc, prm.callId, role="customer", cid="")
        if self.spare_slots() < 1:
            # Every waiting caller keeps a slot free for the agent leg it will need; taking one
            # more would leave callers nobody can be connected to. Honest "busy" instead.
            self.sip.retire(leg)
            self.emit({"ev": "busy", "from": sipuri.uri_user(str(leg.getInfo().remoteUri)),
                       "slots": self.max_calls})
            leg.answer(call_op(486))
            return
        ci = leg.getInfo()
        caller = sipuri.uri_user(ci.remoteUri) or "anonymous"
        same = sum(1 for c in self.customers.values() if c.caller == caller and c.agent_leg is None)
        if same >= self.max_waiting_per_caller:
            # One number filling the queue (a flood, a redialling PBX): busy, not another caller.
            self.sip.retire(leg)
            self.emit({"ev": "busy", "from": caller, "waiting": same})
            leg.answer(call_op(486))
            return
        self._seq += 1
        cid = f"call-e{self.index}-{int(time.time())}-{self._seq}"
        leg.cid = cid
        name = ""
        remote = str(ci.remoteUri)
        if remote.startswith('"') and '"' in remote[1:]:
            name = remote[1:remote.index('"', 1)]
        cust = Customer(cid=cid, leg=leg, caller=caller, name=name, dialed=user)
        cust.sim = next((s for s in self._sims if not s.gone and s.call_id_str() == call_id), None)
        self.customers[cid] = cust
        # The queue answers at once: the caller hears the announcement, then hold music.
        self._answer(leg, 200)
        self.emit({"ev": "incoming", "call": cid, "from": caller, "name": name, "to": user})

    def _on_pickup(self, acc: pj.Account, prm: pj.OnIncomingCallParam, token: str) -> None:
        leg = Leg(self, acc, prm.callId, role="agent", cid="")
        entry = self.pickups.take(token)
        cust = self.customers.get(entry[0]) if entry else None
        if entry is None or cust is None or entry[2] < time.time() or cust.agent_leg is not None:
            # Unknown, used or expired token, or the caller is gone: nothing to pick up.
            self.sip.retire(leg)
            leg.answer(call_op(404 if entry is None else 410))
            return
        leg.cid, leg.agent = cust.cid, entry[1]
        cust.ringing[leg.agent] = leg
        self._answer(leg, 200)

    def on_leg_state(self, leg: Leg) -> None:
        ci = leg.getInfo()
        cust = self.customers.get(leg.cid)
        if ci.state == _EARLY and leg.role == "agent" and leg.ring_at is None and \
                ci.lastStatusCode in (180, 183):
            leg.ring_at = time.time()
            self.emit({"ev": "ringing", "call": leg.cid, "agent": leg.agent,
                       "ms": round((leg.ring_at - leg.started) * 1000, 1)})
        elif ci.state == _CONFIRMED:
            if leg.role == "park":
                # The REFER we accepted has "succeeded" (the transferor hears 200); end the stub.
                self._hangup(leg)
            elif leg.role == "agent" and cust is not None:
                self._agent_connected(cust, leg)
            elif leg.role == "lead":
                self.monitors.on_connected(leg)
        elif ci.state == _DISCONNECTED:
            leg.gone = True
            self.sip.release_call(leg.key)
            if leg.role == "park":
                if leg in self._park:
                    self._park.remove(leg)
                return
            if leg.role == "sim":
                if leg in self._sims:
                    self._sims.remove(leg)
                self.sip.retire(leg.sim_acc)
                return
            if leg.role == "lead":
                self.monitors.on_gone(leg, ci.lastStatusCode, str(ci.lastReason))
                return
            if cust is None:
                return
            reason = leg.dead_reason or str(ci.lastReason)
            if leg.role == "customer":
                self._customer_gone(cust, ci.lastStatusCode, reason, dead=bool(leg.dead_reason))
            else:
                self._agent_gone(cust, leg, ci.lastStatusCode, reason)

    def on_leg_media(self, leg: Leg) -> None:
        if leg.role == "sim":
            am = call_audio(leg)
            if am is not None:
                self._players["caller"].startTransmit(am)
            return
        cust = self.customers.get(leg.cid)
        if cust is None:
            return
        state = audio_state(leg)
        if leg.role == "customer":
            if state == "active" and not cust.announced:
                cust.announced = True
                self._play_announcement(cust)
            self._connect_media(cust)
        elif leg.role == "lead":
            self._connect_media(cust)
        elif leg is cust.agent_leg:
            held = state in (*HELD, "none")
            if held != cust.on_hold:
                cust.on_hold = held
                self.emit({"ev": "hold", "call": cust.cid, "agent": leg.agent, "on": held})
            self._connect_media(cust)

    def on_leg_dtmf(self, leg: Leg, digit: str) -> None:
        cust = self.customers.get(leg.cid)
        if cust is None:
            return
        self.emit({"ev": "dtmf", "call": cust.cid, "digit": str(digit), "from": leg.role,
                   "agent": leg.agent})
        # Digits cross the bridge as RFC 4733 events (media mixing would not carry them): the
        # agent's phone shows what the caller pressed, and an agent can drive a caller's IVR.
        if leg.role == "agent" and leg is cust.agent_leg:
            target = cust.leg
        elif leg.role == "customer" and cust.agent_leg is not None and cust.agent_leg.connected:
            target = cust.agent_leg
        else:
            return
        try:
            target.dialDtmf(str(digit))
        except pj.Error:
            pass

    def on_leg_refer(self, leg: Leg, prm: pj.OnCallTransferRequestParam) -> None:
        """A REFER from the agent's phone (blind or attended transfer of the customer)."""
        cust = self.customers.get(leg.cid)
        target_uri = str(prm.dstUri)
        if cust is None or leg is not cust.agent_leg:
            prm.statusCode = 603
            return
        replaces = "replaces=" in target_uri.lower()
        target = sipuri.uri_user(target_uri)
        # The new call takes a slot, and in direct mode its INVITE comes back to us as a second
        # leg. With no room for them pjsua would refuse our own call half-way (486): refuse the
        # REFER instead, so the transferring agent keeps the caller and is told it failed.
        returns = not replaces and not self.proxy_token
        if self.spare_slots() < 1 + int(returns):
            prm.statusCode = 503
            self.emit({"ev": "transfer_refused", "call": cust.cid, "agent": leg.agent, "target": target,
                       "reason": NO_LINE})
            return
        if replaces:
            # Attended: the agent already talks to the target; let pjsua2 call the target with
            # Replaces (through Kamailio) and bridge the customer to that new leg when it connects.
            new = Leg(self, self.acc, role="agent", cid=cust.cid, agent=target)
            cust.ringing[target] = new
            prm.newCall = new
            self.emit({"ev": "transfer", "call": cust.cid, "agent": leg.agent, "target": target,
                       "kind": "consult"})
            return
        # Blind. pjsua2 accepts the REFER and places the new call itself (it cannot be told
        # not to, nor be given another URI). Where that call lands decides what happens:
        # - the Refer-To names the engine (direct mode: the softphone's SIP server is the
        #   engine): the call comes back to us; we answer it at once ("park") so the
        #   transferor gets NOTIFY 200 and hangs up, and the center routes the caller;
        # - it names an agent registered at Kamailio: the agent's phone rings and, when it
        #   answers, that leg is bridged to the caller like any agent leg.
        stub = Leg(self, self.acc, role="agent", cid=cust.cid, agent=target)
        stub.xfer_stub, stub.returns = True, returns
        cust.ringing[target] = stub
        prm.newCall = stub
        cust.agent_leg = None
        cust.on_hold = False
        self._connect_media(cust)
        self.emit({"ev": "transfer", "call": cust.cid, "agent": leg.agent, "target": target,
                   "kind": "blind"})

    # --- call handling ------------------------------------------------------------------

    def _ring(self, cid: str, agent: str, uri: str, conversation: str) -> None:
        cust = self.customers.get(cid)
        if cust is None:
            self.emit({"ev": "agent_failed", "call": cid, "agent": agent, "code": 481,
                       "reason": "caller already gone"})
            return
        leg = Leg(self, self.acc, role="agent", cid=cid, agent=agent)
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        for name, value in (("X-Agent-Tui-Conversation", conversation),
                            ("X-Agent-Tui-Caller", cust.caller)):
            if value:
                h = pj.SipHeader()
                h.hName, h.hValue = name, value
                prm.txOption.headers.append(h)
        cust.ringing[agent] = leg
        leg.started = time.time()
        self.emit({"ev": "inviting", "call": cid, "agent": agent, "t": leg.started})
        leg.makeCall(uri, prm)

    def _simulate(self, number: str, name: str, talk_s: float, give_up_s: float) -> None:
        """Place a call from a made-up customer to our own queue number (the demo's callers).

        The caller "speaks" a generated murmur, hangs up *talk_s* after an agent answers, or
        gives up after *give_up_s* in the queue.
        """
        # Full setup: through Kamailio like any customer (our listener takes no connections).
        spec = AccountSpec(user=number, domain=self.domain if self._proxy else self.host, display_name=name,
                           nat_traversal=False, proxy=self._proxy)
        acc = pj.Account()
        acc.create(account_config(spec, self.sip.config, self.sip.transport_id))
        self._seq += 1
        leg = Leg(self, acc, role="sim", cid=f"sim-{self._seq}")
        leg.sim_acc, leg.talk_s = acc, talk_s
        leg.hangup_at = time.time() + give_up_s
        self._sims.append(leg)
        target = (f"sip:{self.queue_number}@{self.domain};transport=tls" if self._proxy
                  else f"sip:{self.queue_number}@{self.host}:{self.port};transport=tls")
        leg.makeCall(target, call_op())

    def _expire_rings(self) -> None:
        now = time.time()
        for cust in self.customers.values():
            for leg in list(cust.ringing.values()):
                if not leg.connected and now - leg.started > self.ring_timeout_s:
                    self._hangup(leg, 408)
        self.monitors.expire(now)
        self.pickups.tick()
        for sim in self._sims:
            if not sim.gone and sim.hangup_at is not None and now >= sim.hangup_at:
                sim.hangup_at = None
                self._hangup(sim)

    def _watch_media(self) -> None:
        """Hang up a leg whose active audio stream received nothing for the RTP timeout."""
        now = time.monotonic()
        legs = [lg for lg in self._legs() if not lg.gone and lg.role in ("customer", "agent")]
        self._silence.keep_only({lg.key for lg in legs})
        for leg in legs:
            watched = leg.role == "customer" or (leg.connected and leg.agent_leg_of(self.customers))
            rx = active_rx_packets(leg) if watched else None
            if self._silence.sample(leg.key, rx, now):
                self._silence.forget(leg.key)
                who = "caller" if leg.role == "customer" else f"agent {leg.agent}"
                leg.dead_reason = f"no audio from the {who} for {self._silence.timeout_s:g} s"
                self.emit({"ev": "dead_leg", "call": leg.cid, "role": leg.role, "agent": leg.agent,
                           "reason": leg.dead_reason})
                self._hangup(leg)

    def _agent_connected(self, cust: Customer, leg: Leg) -> None:
        if leg.connected:
            return
        leg.connected = True
        cust.ringing.pop(leg.agent, None)
        for other in list(cust.ringing.values()):  # a queue call goes to one agent only
            self._hangup(other, 487)
        cust.ringing.clear()
        previous = cust.agent_leg
        cust.agent_leg = leg
        cust.on_hold = False
        if cust.answered_at is None:
            cust.answered_at = time.time()
            if cust.sim is not None:  # a simulated caller talks for a while, then hangs up
                cust.sim.hangup_at = time.time() + cust.sim.talk_s
        self._connect_media(cust)
        self.emit({"ev": "answered", "call": cust.cid, "agent": leg.agent,
                   "codec": stream_codec(leg)})
        if previous is not None and previous is not leg:
            self._hangup(previous)  # an attended transfer replaced the first agent

    def _agent_gone(self, cust: Customer, leg: Leg, code: int, reason: str) -> None:
        cust.ringing = {a: lg for a, lg in cust.ringing.items() if lg is not leg}
        if leg is cust.agent_leg:
            # The agent hung up: the call is over for the customer too.
            cust.agent_leg = None
            self.emit({"ev": "agent_hangup", "call": cust.cid, "agent": leg.agent})
            if leg.dead_reason:
                cust.leg.dead_reason = leg.dead_reason
            self._hangup(cust.leg)
        elif not leg.connected:
            self.emit({"ev": "agent_failed", "call": cust.cid, "agent": leg.agent, "code": code,
                       "reason": reason})

    def _customer_gone(self, cust: Customer, code: int, reason: str, dead: bool = False) -> None:
        for leg in [cust.agent_leg, cust.monitor, *cust.ringing.values()]:
            if leg is not None and not leg.gone:
                self._hangup(leg)
        if cust.announcement is not None:
            self.sip.retire(cust.announcement)
            cust.announcement = None
        self.customers.pop(cust.cid, None)
        self.pickups.cancel(cust.cid)
        talk = round(time.time() - cust.answered_at, 1) if cust.answered_at else 0.0
        self.emit({"ev": "ended", "call": cust.cid, "code": code, "reason": reason, "dead": dead,
                   "talk_s": talk})

    def _play_announcement(self, cust: Customer) -> None:
        def done() -> None:
            # Runs inside pjsua2's EOF callback: only flip state here; media is rewired at once
            # because the customer may still be waiting.
            if self.customers.get(cust.cid) is cust:
                ann, cust.announcement = cust.announcement, None
                if ann is not None:
                    self.sip.retire(ann)
                self._connect_media(cust)

        player = Player(done)
        player.createPlayer(self._ann_file, pj.PJMEDIA_FILE_NO_LOOP)
        cust.announcement = player
        self._connect_media(cust)

    def _connect_media(self, cust: Customer) -> None:
        wire_customer(cust, self._players["hold"])
        wire_monitor(cust)

    def _answer(self, leg: Leg, code: int) -> None:
        leg.answer(call_op(code))

    def _hangup(self, leg: Leg, code: int = 0) -> None:
        if leg.gone:
            return
        try:
            leg.hangup(call_op(code))
        except pj.Error:
            pass

    def _describe(self, cust: Customer) -> dict:
        return {"call": cust.cid, "from": cust.caller, "agent": cust.agent_leg.agent if cust.agent_leg else None,
                "ringing": sorted(cust.ringing), "on_hold": cust.on_hold}
