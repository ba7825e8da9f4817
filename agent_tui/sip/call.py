"""One SIP call on the owner thread: state and media events, hold/mute, DTMF, transfer, stats.

Media wiring is delegated to a *router* (``engine.router``): an object with
``update(call)`` that connects or disconnects ``call.audio`` to whatever plays and records
(the softphone's headset port, the headless phone's WAV player/recorder, or — in the center's
voice engine — other calls). The router is asked again on every media, hold or mute change.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pjsua2 as pj

from agent_tui.sip import events as ev
from agent_tui.sip import media, profiles, quality
from agent_tui.sip.engine import SipEngine

log = logging.getLogger(__name__)

_STATE_WORDS = {
    pj.PJSIP_INV_STATE_NULL: "calling",
    pj.PJSIP_INV_STATE_CALLING: "calling",
    pj.PJSIP_INV_STATE_INCOMING: "ringing",
    pj.PJSIP_INV_STATE_EARLY: "ringing",
    pj.PJSIP_INV_STATE_CONNECTING: "connecting",
    pj.PJSIP_INV_STATE_CONFIRMED: "answered",
    pj.PJSIP_INV_STATE_DISCONNECTED: "ended",
}
_CRYPTO = re.compile(r"^a=crypto:\d+\s+(\S+)", re.MULTILINE)
_PTIME = re.compile(r"^a=ptime:(\d+)", re.MULTILINE)


def negotiated_suite(local_sdp: str, remote_sdp: str, we_offered: bool) -> str:
    """The SDES suite in use: the answer carries exactly one; an offerer's first is normally it.

    pjmedia's answerer takes the first offered suite it supports, and both ends of our system
    use pjmedia's default list, so our offer's first suite is what the answer picks.
    """
    answer = remote_sdp if we_offered else local_sdp
    suites = _CRYPTO.findall(answer)
    if suites:
        return suites[0]
    offer = local_sdp if we_offered else remote_sdp
    suites = _CRYPTO.findall(offer)
    return suites[0] if suites else ""


class SipCall(pj.Call):
    """pjsua2 Call reporting plain events; dropped by the engine when it is DISCONNECTED."""

    def __init__(
        self, engine: SipEngine, account: Any, pj_call_id: int = -1, direction: str = "out"
    ):
        if pj_call_id is None or pj_call_id < 0:
            pj.Call.__init__(self, account)
        else:
            pj.Call.__init__(self, account, pj_call_id)
        self.engine = engine
        self.account = account
        self.key = engine.keep_call(self)  # held until DISCONNECTED (see _ended)
        self.direction = direction
        self.remote_uri = ""
        self.state = "calling"
        self.media_status = "none"
        self.audio: Any = None  # pj.AudioMedia while media exists
        self.muted = False
        self.codec = ""
        self.ptime_ms = 0
        self.srtp_suite = ""
        self.profile = engine.config.profile
        self.local_sdp = ""
        self.remote_sdp = ""
        self.media_started: float | None = None
        self.first_counters: quality.RtpCounters | None = None
        self.last_counters: quality.RtpCounters | None = None
        self.prev_counters: quality.RtpCounters | None = None
        self.silent_since: float | None = None  # received level at digital silence since (dead air)
        self.rx_quiet_since: float | None = None  # no packet received (while we send) since
        self.peers: set[str] = set()  # conference: keys of calls whose audio we mix with
        self.ended = False

    # -------------------------------------------------------------- derived state
    @property
    def held(self) -> bool:
        """True when either side holds the call: no audio flows in either direction."""
        return self.media_status in media.HELD

    def _route(self) -> None:
        router = getattr(self.engine, "router", None)
        if router is not None and not self.ended:
            try:
                router.update(self)
            except Exception:
                log.exception("media router failed for %s", self.key)

    def emit_media(self) -> None:
        """Post the current media state (codec, hold, mute) for the call bar."""
        self.engine.emit(
            ev.CallMedia(
                call=self.key,
                status=self.media_status,
                codec=self.codec,
                ptime_ms=self.ptime_ms,
                profile=self.profile,
                srtp_suite=self.srtp_suite,
                muted=self.muted,
                held=self.held,
            )
        )

    # -------------------------------------------------------------- commands (owner thread)
    def set_mute(self, on: bool) -> None:
        """Stop (or resume) sending our microphone; the far end hears silence, we still hear them."""
        self.muted = bool(on)
        self._route()
        self.emit_media()

    def hold(self) -> None:
        """Put the call on hold (re-INVITE sendonly); both directions go silent."""
        self.setHold(pj.CallOpParam(True))

    def resume(self) -> None:
        """Take the call off hold (re-INVITE sendrecv)."""
        op = pj.CallOpParam(True)
        op.opt.flag = pj.PJSUA_CALL_UNHOLD
        self.reinvite(op)

    def send_dtmf(self, digits: str) -> None:
        """Send digits as RFC 4733 telephone-events."""
        prm = pj.CallSendDtmfParam()
        prm.digits = digits
        prm.method = pj.PJSUA_DTMF_METHOD_RFC2833
        self.sendDtmf(prm)

    def blind_transfer(self, uri: str) -> None:
        """REFER the far end to ``uri``; we leave once the transfer succeeds."""
        self.xfer(uri, pj.CallOpParam(True))

    def consult_transfer(self, other: SipCall) -> None:
        """REFER with Replaces: connect our far end to ``other``'s far end (attended transfer)."""
        self.xferReplaces(other, pj.CallOpParam(True))

    def end(self, code: int = 0) -> None:
        """Hang up (or reject with ``code`` while ringing, e.g. 486 Busy Here)."""
        op = pj.CallOpParam(True)
        if code:
            op.statusCode = code
        self.hangup(op)

    def accept(self) -> None:
        """Answer a ringing incoming call with 200 OK."""
        op = pj.CallOpParam(True)
        op.statusCode = 200
        self.answer(op)

    # -------------------------------------------------------------- statistics
    def sample(self) -> quality.RtpCounters | None:
        """Read the audio stream's RTCP counters; None when there is no stream."""
        if self.ended or self.audio is None:
            return None
        try:
            ci = self.getInfo()
            idx = next((m.index for m in ci.media if m.type == pj.PJMEDIA_TYPE_AUDIO), None)
            if idx is None:
                return None
            # Bind the StreamStat: ``.rtcp`` is a view into it, and a temporary would be freed
            # before the counters are read (valgrind: invalid reads of a freed StreamStat).
            stat = self.getStreamStat(idx)
            st = stat.rtcp
        except pj.Error:
            return None
        rtt = st.rttUsec
        counters = quality.RtpCounters(
            at=time.monotonic(),
            rx_packets=int(st.rxStat.pkt),
            rx_lost=int(st.rxStat.loss),
            rx_payload_bytes=int(st.rxStat.bytes),
            tx_packets=int(st.txStat.pkt),
            tx_payload_bytes=int(st.txStat.bytes),
            jitter_ms=float(st.rxStat.jitterUsec.last) / 1000.0 if st.rxStat.jitterUsec.n else 0.0,
            rtt_ms=(float(rtt.last) / 1000.0) if rtt.n else None,
        )
        if self.first_counters is None:
            self.first_counters = counters
        self.last_counters = counters
        return counters

    def _kbps(self, payload_bytes: int, packets: int, seconds: float) -> float:
        """IP-layer kbit/s of one direction (headers and SRTP tag included), for the events."""
        return round(profiles.ip_kbps(payload_bytes, packets, seconds, self.srtp_suite), 2)

    def poll_quality(self) -> None:
        """Post a CallQuality for the interval since the last poll (owner-thread timer)."""
        cur = self.sample()
        if cur is None or self.held:
            return
        prev = self.prev_counters
        self.prev_counters = cur
        if prev is None:
            return
        dt = cur.at - prev.at
        loss = quality.interval_loss_pct(prev, cur)
        verdict = quality.assess(self.codec, cur.rtt_ms, cur.jitter_ms, loss, self.ptime_ms or 20)
        no_audio = self._no_audio(prev, cur)
        self.engine.emit(
            ev.CallQuality(
                call=self.key,
                rtt_ms=cur.rtt_ms,
                jitter_ms=round(cur.jitter_ms, 1),
                loss_pct=round(loss, 2),
                # A call that receives nothing has no quality to estimate: never a MOS for it.
                mos=0.0 if no_audio else verdict.mos,
                tx_kbps=self._kbps(
                    cur.tx_payload_bytes - prev.tx_payload_bytes, cur.tx_packets - prev.tx_packets, dt
                ),
                rx_kbps=self._kbps(
                    cur.rx_payload_bytes - prev.rx_payload_bytes, cur.rx_packets - prev.rx_packets, dt
                ),
                degraded=verdict.degraded or no_audio,
                warning=quality.NO_AUDIO_WARNING if no_audio else verdict.warning,
                no_audio=no_audio,
            )
        )

    def _no_audio(self, prev: quality.RtpCounters, cur: quality.RtpCounters) -> bool:
        """Dead air: nothing arrives while we send, or what arrives is digital silence for a while.

        The second case is a stream that still flows but carries nothing (a mixer relaying a
        party that vanished): transport figures look perfect there, the received level does not.
        """
        if self.media_status != "active":
            self.rx_quiet_since = self.silent_since = None
            return False  # on hold (either side): silence is expected
        if cur.rx_packets != prev.rx_packets:
            self.rx_quiet_since = None
        elif cur.tx_packets > prev.tx_packets:
            # Longer than a silence-suppressing sender's keep-alive gap (5 s in pjmedia).
            self.rx_quiet_since = self.rx_quiet_since or prev.at
            if cur.at - self.rx_quiet_since >= quality.NO_RX_S:
                return True
        try:
            level = int(self.audio.getRxLevel()) if self.audio is not None else -1
        except pj.Error:
            level = -1
        if level < 0 or level > quality.SILENT_RX_LEVEL:
            self.silent_since = None
            return False
        if self.silent_since is None:
            self.silent_since = cur.at
        return cur.at - self.silent_since >= quality.DEAD_AIR_S

    def summary(self) -> dict:
        """Whole-call figures (the headless phone's JSON uses these)."""
        last = self.last_counters
        first_at = self.media_started
        out: dict = {
            "codec": self.codec,
            "profile": self.profile,
            "srtp": self.srtp_suite,
            "ptime_ms": self.ptime_ms,
            "tx_packets": 0,
            "rx_packets": 0,
            "tx_kbps": 0.0,
            "rx_kbps": 0.0,
            "loss_pct": 0.0,
            "jitter_ms": 0.0,
            "rtt_ms": None,
            "mos": None,
            "media_s": 0.0,
        }
        if last is None or first_at is None:
            return out
        secs = max(1e-3, last.at - first_at)
        loss = quality.loss_pct(last.rx_packets, last.rx_lost)
        verdict = quality.assess(self.codec, last.rtt_ms, last.jitter_ms, loss, self.ptime_ms or 20)
        out.update(
            tx_packets=last.tx_packets,
            rx_packets=last.rx_packets,
            tx_kbps=self._kbps(last.tx_payload_bytes, last.tx_packets, secs),
            rx_kbps=self._kbps(last.rx_payload_bytes, last.rx_packets, secs),
            loss_pct=round(loss, 2),
            jitter_ms=round(last.jitter_ms, 1),
            rtt_ms=None if last.rtt_ms is None else round(last.rtt_ms, 1),
            mos=verdict.mos if last.rx_packets > 0 else None,  # nothing received: no MOS
            media_s=round(secs, 2),
        )
        return out

    # -------------------------------------------------------------- pjsua2 callbacks
    def onCallState(self, prm: Any) -> None:
        ci = self.getInfo()  # bind once: each getInfo() is a fresh copy
        self.remote_uri = ci.remoteUri
        state = _STATE_WORDS.get(ci.state, "calling")
        if state == "ended":
            self._ended(ci)
            return
        self.state = state
        self.engine.emit(
            ev.CallState(
                call=self.key,
                state=state,
                direction=self.direction,
                remote_uri=ci.remoteUri,
                status_code=int(ci.lastStatusCode),
                reason=str(ci.lastReason),
            )
        )

    def _ended(self, ci: Any) -> None:
        if self.ended:
            return
        self.sample()
        self.state = "ended"
        self.engine.emit(ev.CallSummary(call=self.key, stats=self.summary()))
        self.ended = True
        self.audio = None
        router = getattr(self.engine, "router", None)
        if router is not None and hasattr(router, "forget"):
            try:
                router.forget(self)
            except Exception:
                log.exception("router.forget failed")
        self.engine.emit(
            ev.CallState(
                call=self.key,
                state="ended",
                direction=self.direction,
                remote_uri=ci.remoteUri,
                status_code=int(ci.lastStatusCode),
                reason=str(ci.lastReason),
                duration_s=float(ci.connectDuration.sec) + ci.connectDuration.msec / 1000.0,
            )
        )
        # Drop the Call after this callback returns, on this thread (see SipEngine.retire).
        self.engine.release_call(self.key)

    def onCallMediaState(self, prm: Any) -> None:
        ci = self.getInfo()
        for mi in ci.media:
            if mi.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            self.media_status = media.media_word(mi.status)
            if mi.status in media.HAS_PORT:
                self.audio = self.getAudioMedia(mi.index)
                try:
                    si = self.getStreamInfo(mi.index)
                    self.codec = f"{si.codecName}/{si.codecClockRate}"
                    if mi.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                        fpp = int(si.audCodecParam.setting.frmPerPkt)
                        self._enforce_ptime(mi.index, si.codecName, si.codecClockRate, fpp)
                except pj.Error:
                    log.debug("stream info not available for %s", self.key)
                if self.media_started is None and self.media_status == "active":
                    self.media_started = time.monotonic()
            break
        self.srtp_suite = negotiated_suite(self.local_sdp, self.remote_sdp, self.direction == "out")
        self._route()
        self.emit_media()

    def onStreamDestroyed(self, prm: Any) -> None:
        # Last chance to read the counters: after this the stream (and its stats) are gone.
        self.sample()

    def onCallSdpCreated(self, prm: Any) -> None:
        sdp = str(prm.sdp.wholeSdp)
        # pjmedia writes no a=ptime, and a pjmedia peer sends at its own packet time unless the
        # SDP asks otherwise (it adopts a remote a=ptime). A low-profile agent asks for its long
        # packets, so the far end's stream to us stays under the bandwidth target too. `normal`
        # announces nothing: it must not push a low-bandwidth peer down to 20 ms.
        profile = profiles.PROFILES.get(self.profile)
        if (
            profile is not None
            and profile.ptime_ms > 20
            and "a=ptime:" not in sdp
            and sdp.count("m=") == 1
            and "m=audio" in sdp
        ):
            sdp = sdp.rstrip("\r\n") + f"\r\na=ptime:{profile.ptime_ms}\r\n"
            prm.sdp.wholeSdp = sdp
        self.local_sdp = sdp
        remote = str(prm.remSdp.wholeSdp)
        if remote:
            self.remote_sdp = remote

    def _enforce_ptime(self, med_idx: int, name: str, rate: int, stream_fpp: int) -> None:
        """Transmit packets at least as long as our profile wants and the peer's a=ptime asks.

        pjmedia takes the peer's a=ptime as is, so a peer announcing 20 ms would double a
        low-profile agent's packet rate (and its header overhead); this raises it back.
        """
        m = _PTIME.search(self.remote_sdp)
        asked = min(120, int(m.group(1))) if m else 0
        ep = self.engine.ep
        for info in ep.codecEnum2():
            if not info.codecId.lower().startswith(f"{name}/{rate}/".lower()):
                continue
            param = ep.codecGetParam(info.codecId)
            frame = max(1, int(param.info.frameLen))
            want_fpp = max(int(param.setting.frmPerPkt), asked // frame, 1)
            if stream_fpp >= want_fpp:
                self.ptime_ms = stream_fpp * frame
                return
            param.setting.frmPerPkt = want_fpp
            self.audStreamModifyCodecParam(med_idx, param)
            self.ptime_ms = want_fpp * frame
            return

    def onCallTsxState(self, prm: Any) -> None:
        # The SDP answer to our offer arrives in a response; keep it to learn suite/ptime.
        try:
            if prm.e.type != pj.PJSIP_EVENT_TSX_STATE:
                return
            src = prm.e.body.tsxState.src
            msg = str(src.rdata.wholeMsg) if src.rdata is not None else ""
        except Exception:  # noqa: BLE001 - best effort only
            return
        if "\r\nm=audio" in msg or "\nm=audio" in msg:
            body = msg.split("\r\n\r\n", 1)[-1]
            if msg.startswith("SIP/2.0") and self.direction == "out":
                self.remote_sdp = body

    def onDtmfDigit(self, prm: Any) -> None:
        method = "rfc4733" if prm.method == pj.PJSUA_DTMF_METHOD_RFC2833 else "sip-info"
        self.engine.emit(ev.DtmfReceived(call=self.key, digit=str(prm.digit), method=method))

    def onCallTransferRequest(self, prm: Any) -> None:
        # We are being transferred: let pjsua place the new call, but as our own subclass so
        # it reports events like any other call.
        new = new_call(self.engine, self.account, -1, "out")
        new.remote_uri = str(prm.dstUri)
        prm.newCall = new

    def onCallReplaceRequest(self, prm: Any) -> None:
        pass  # accept the default (200); onCallReplaced hands us the new call

    def onCallReplaced(self, prm: Any) -> None:
        new = new_call(self.engine, self.account, prm.newCallId, "in")
        prm.newCall = new

    def onCallTransferStatus(self, prm: Any) -> None:
        code = int(prm.statusCode)
        final = bool(prm.finalNotify)
        self.engine.emit(
            ev.TransferStatus(call=self.key, status_code=code, reason=str(prm.reason), final=final)
        )
        if final or code >= 200:
            prm.cont = False
            if 200 <= code < 300:
                # Transfer done: the customer now talks to the target; we leave the call.
                try:
                    self.end()
                except pj.Error:
                    pass


def new_call(engine: SipEngine, account: Any, pj_call_id: int, direction: str) -> SipCall:
    """A call through ``engine.call_factory`` (a subclass may route media), else a SipCall."""
    if engine.call_factory is not None:
        made: SipCall = engine.call_factory(account, pj_call_id, direction)
        return made
    return SipCall(engine, account, pj_call_id, direction)
