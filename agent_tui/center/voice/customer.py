"""A simulated customer's phone call, on the shared pjsua2 owner loop (``center call``).

A real SIP/TLS + SRTP call: it plays a WAV as the customer's voice, records what the customer
hears, can send DTMF (RFC 4733), tries the next engine when one answers 486 Busy Here, and
returns a summary. pjsua2 runs on the calling thread (:meth:`SipEngine.open`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

from agent_tui.sip.config import AccountSpec, EngineConfig
from agent_tui.sip.endpoint import account_config
from agent_tui.sip.engine import SipEngine
from agent_tui.sip.media import call_audio, call_op, stream_codec

OnEvent = Callable[[dict[str, Any]], None]
_NOT_ANSWERED = -1.0  # confirmed_at after we gave up waiting: stop trying, wait for the end


class _Leg(pj.Call):
    """The customer's call; held by the owner loop until DISCONNECTED."""

    def __init__(self, sim: CustomerCall, acc: pj.Account) -> None:
        super().__init__(acc)
        self.sim = sim
        self.key = sim.engine.keep_call(self)

    def onCallState(self, prm: Any) -> None:
        ci = self.getInfo()
        if ci.state == pj.PJSIP_INV_STATE_CONFIRMED and self.sim.confirmed_at is None:
            self.sim.confirmed_at = time.time()
        if ci.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.sim.ended = True
            self.sim.code, self.sim.reason = ci.lastStatusCode, str(ci.lastReason)
            self.sim.engine.release_call(self.key)

    def onCallMediaState(self, prm: Any) -> None:
        self.sim.media = True

    def onDtmfDigit(self, prm: Any) -> None:
        self.sim.dtmf_rx += str(prm.digit)
        self.sim.note("dtmf_received", digit=str(prm.digit))


class CustomerCall:
    """One call from ``from_number`` to the first of ``targets`` (request URIs, tried in order)."""

    def __init__(self, engine: SipEngine, *, from_number: str, name: str, targets: list[str],
                 host: str, play: Path | None, record: Path | None, duration: float,
                 dtmf: str, dtmf_at: float, timeout: float, on_event: OnEvent | None) -> None:
        self.engine = engine
        self.from_number = from_number
        self.targets = list(targets)
        self.uri = self.targets.pop(0)
        self.play, self.record = play, record
        self.duration, self.timeout = duration, timeout
        self.dtmf, self.dtmf_at = dtmf, dtmf_at
        self._on_event = on_event
        self.confirmed_at: float | None = None
        self.ended = False
        self.code = 0
        self.reason = ""
        self.media = False
        self.dtmf_rx = ""
        self.dtmf_sent = False
        self.hung_up = False
        self.wired = False
        self.stats: dict[str, Any] = {}
        self.started = time.time()
        spec = AccountSpec(user=from_number, domain=host, display_name=name,
                           nat_traversal=False, key="customer")
        acc = pj.Account()
        acc.create(account_config(spec, engine.config, engine.transport_id))
        engine.accounts[spec.key] = acc  # the owner loop shuts it down and drops it
        self.call: _Leg | None = None
        self.player: Any = None
        self.recorder: Any = None
        engine.on_shutdown(self._drop_pjsua2_objects)

    def note(self, ev: str, **data: Any) -> None:
        if self._on_event is not None:
            self._on_event({"ev": ev, "t": time.time(), **data})

    def run(self) -> dict[str, Any]:
        """Place the call, follow it to its end, return the summary (see call_cli)."""
        self.call = self._dial(self.uri)
        try:
            self.engine.run_until(self._advance)
        except KeyboardInterrupt:
            # Ctrl-C (or SIGINT from a test): the caller hangs up now, politely (BYE, then stats).
            if not self.ended:
                self._hang_up()
                self.engine.run_until(lambda: self.ended, timeout=2.0)
        return self._summary()

    def _dial(self, uri: str) -> _Leg:
        leg = _Leg(self, self.engine.accounts["customer"])
        leg.makeCall(uri, call_op())
        return leg

    def _hang_up(self) -> None:
        assert self.call is not None
        self.stats = _stats(self.call)
        self.call.hangup(pj.CallOpParam(True))
        self.hung_up = True

    def _advance(self) -> bool:
        """One turn of the caller's script after the loop handled events; True once it is over."""
        if self.ended:
            if self.confirmed_at is None and self.code == 486 and self.targets:
                self.uri = self.targets.pop(0)  # that engine is full: try the next one
                self.ended, self.code, self.reason, self.media = False, 0, "", False
                self.call = self._dial(self.uri)
                return False
            return True
        now = time.time()
        if self.confirmed_at is None:
            if now - self.started > self.timeout:
                assert self.call is not None
                self.call.hangup(pj.CallOpParam(True))
                self.hung_up = True
                self.confirmed_at = _NOT_ANSWERED
            return False
        if self.confirmed_at == _NOT_ANSWERED:
            return False
        if not self.wired and self.media:
            self._wire()
        talk = now - self.confirmed_at
        if self.dtmf and not self.dtmf_sent and self.wired and talk >= self.dtmf_at:
            assert self.call is not None
            self.call.dialDtmf(self.dtmf)
            self.dtmf_sent = True
            self.note("dtmf", digits=self.dtmf)
        if talk >= self.duration and not self.hung_up:
            self._hang_up()
        return False

    def _wire(self) -> None:
        assert self.call is not None
        am = call_audio(self.call)
        if am is None:
            return
        if self.play is not None:
            self.player = pj.AudioMediaPlayer()
            self.player.createPlayer(str(self.play), 0)
            self.player.startTransmit(am)
        if self.record is not None:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            self.recorder = pj.AudioMediaRecorder()
            self.recorder.createRecorder(str(self.record))
            am.startTransmit(self.recorder)
        self.wired = True
        self.note("media", call=self.uri)

    def _summary(self) -> dict[str, Any]:
        confirmed = self.confirmed_at
        answered = confirmed is not None and confirmed != _NOT_ANSWERED
        talk_s = round(time.time() - confirmed, 2) if confirmed is not None and answered else 0.0
        return {
            "from": self.from_number,
            "to": self.uri,
            "result": ("completed" if self.hung_up else "remote-hangup") if answered else "failed",
            "answered": answered,
            "code": self.code, "reason": self.reason,
            "talk_s": talk_s,
            "dtmf_sent": self.dtmf if self.dtmf_sent else "",
            "dtmf_received": self.dtmf_rx,
            "record": str(self.record) if self.record else None,
            **self.stats,
        }

    def _drop_pjsua2_objects(self) -> None:
        """Shutdown, once the call ended: drop our pjsua2 references before libDestroy."""
        self.call = self.player = self.recorder = None


def place_call(*, ca_file: Path, host: str, targets: list[str], from_number: str,
               name: str = "", play: Path | None = None, record: Path | None = None,
               duration: float = 10.0, dtmf: str = "", dtmf_at: float = 1.0,
               timeout: float = 15.0, log_level: int = 0,
               on_event: OnEvent | None = None) -> dict[str, Any]:
    """Make one call on a pjsua2 library owned by this thread; return the summary."""
    engine = SipEngine(EngineConfig(
        ca_file=ca_file, bind_address=host, user_agent="agent-tui customer simulator",
        max_calls=4, vad=False, log_level=log_level, log_console=True, poll_ms=10,
    ))
    engine.open()
    try:
        return CustomerCall(
            engine, from_number=from_number, name=name, targets=targets, host=host, play=play,
            record=record, duration=duration, dtmf=dtmf, dtmf_at=dtmf_at, timeout=timeout,
            on_event=on_event,
        ).run()
    finally:
        engine.close()


def _stats(call: pj.Call) -> dict[str, Any]:
    try:
        st = call.getStreamStat(0)
        return {"codec": stream_codec(call),
                "tx_packets": st.rtcp.txStat.pkt, "rx_packets": st.rtcp.rxStat.pkt}
    except Exception:  # noqa: BLE001 — the stream may be gone when the far end hung up first
        return {}
