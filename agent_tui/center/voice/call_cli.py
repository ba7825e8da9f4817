"""``agent-tui center call DIR --from NUMBER …``: a simulated customer call.

A real SIP/TLS + SRTP call from its own pjsua2 process to the center's queue
number — through Kamailio when center.yaml enables it, else straight to the
voice engine. It plays a WAV as the customer's voice, records what the customer
hears, can send DTMF (RFC 4733), and prints one JSON object at the end.
Exit code 0 when the call was answered, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``call`` arguments to a parser (used by center/cli.py and ``__main__``)."""
    p = sub.add_parser("call", help="simulate a customer calling the voice queue")
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="center directory")
    p.add_argument("--from", dest="from_number", required=True, help="caller number, e.g. +31612345678")
    p.add_argument("--name", default="", help="caller display name")
    p.add_argument("--to", default="", help="number to dial (default: the queue number)")
    p.add_argument("--play", type=Path, help="WAV file played as the caller's voice (looped)")
    p.add_argument("--record", type=Path, help="write what the caller hears to this WAV file")
    p.add_argument("--duration", type=float, default=10.0, help="seconds from answer to hang-up")
    p.add_argument("--dtmf", default="", help="digits to send (RFC 4733) after --dtmf-at seconds")
    p.add_argument("--dtmf-at", type=float, default=1.0, help="seconds after answer to send --dtmf")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for an answer")
    p.add_argument("--events", action="store_true",
                   help="also print progress as JSON lines ({\"ev\": ...}) before the summary")
    p.add_argument("--log-level", type=int, default=0)


def _target(cdir: Path, to: str) -> tuple[list[str], str]:
    """(request URIs to try in order, host) for the queue: via Kamailio, else the engines."""
    from agent_tui.center.config import load_center_config
    from agent_tui.center.voice import settings as vs

    vset = vs.parse_voice_settings(load_center_config(cdir).voice)
    number = to or vset.queue_number
    if vset.kamailio.enabled:
        from agent_tui.center.voice import kamailio

        k = kamailio.address(cdir)
        return [f"sip:{number}@{k['host']}:{k['port']};transport=tls"], k["host"]
    addrs = vs.read_engine_addresses(cdir) or [vs.read_engine_address(cdir)]
    # Direct mode: try each engine in turn (a full one answers 486 Busy Here).
    return [f"sip:{number}@{a['host']}:{a['port']};transport=tls" for a in addrs], addrs[0]["host"]


def place_call(cdir: Path, *, from_number: str, name: str = "", to: str = "",
               play: Path | None = None, record: Path | None = None, duration: float = 10.0,
               dtmf: str = "", dtmf_at: float = 1.0, timeout: float = 15.0,
               log_level: int = 0, on_event: Any = None) -> dict[str, Any]:
    """Make one call and return the summary (see module docstring)."""
    import pjsua2 as pj

    from agent_tui.center.voice import pjbase

    def note(ev: str, **data: Any) -> None:
        if on_event is not None:
            on_event({"ev": ev, "t": time.time(), **data})

    targets, host = _target(cdir, to)
    uri = targets.pop(0)
    info = pjbase.start_endpoint(ca_file=cdir / "tls" / "ca.pem", host=host, log_level=log_level,
                                 user_agent="agent-tui customer simulator")
    ep = info.ep
    state: dict[str, Any] = {"confirmed_at": None, "ended": False, "code": 0, "reason": "",
                             "media": False, "dtmf_rx": ""}

    class Leg(pj.Call):
        def onCallState(self, prm: Any) -> None:
            ci = self.getInfo()
            if ci.state == pj.PJSIP_INV_STATE_CONFIRMED and state["confirmed_at"] is None:
                state["confirmed_at"] = time.time()
            if ci.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                state["ended"] = True
                state["code"], state["reason"] = ci.lastStatusCode, str(ci.lastReason)

        def onCallMediaState(self, prm: Any) -> None:
            state["media"] = True

        def onDtmfDigit(self, prm: Any) -> None:
            state["dtmf_rx"] += str(prm.digit)
            note("dtmf_received", digit=str(prm.digit))

    display = f'"{name}" ' if name else ""
    acfg = pjbase.account_config(f"{display}<sip:{from_number}@{host}>",
                                 transport_id=info.transport_id, rtp_host=host)
    acc = pj.Account()
    acc.create(acfg)
    call = Leg(acc)
    tried: list[Any] = []  # earlier attempts (busy engines), dropped with the rest at the end
    player = recorder = None
    wired = False
    am = None
    summary: dict[str, Any] = {"from": from_number, "to": uri}
    started = time.time()
    dtmf_sent = False
    hung_up = False
    stats: dict[str, Any] = {}
    try:
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        call.makeCall(uri, prm)
        while True:
            ep.libHandleEvents(10)
            if state["ended"]:
                if state["confirmed_at"] is None and state["code"] == 486 and targets:
                    tried.append(call)  # that engine is full: try the next one
                    uri = targets.pop(0)
                    state.update(ended=False, code=0, reason="", media=False)
                    call = Leg(acc)
                    call.makeCall(uri, prm)
                    continue
                break
            now = time.time()
            if state["confirmed_at"] is None:
                if now - started > timeout:
                    call.hangup(pj.CallOpParam(True))
                    hung_up = True
                    state["confirmed_at"] = -1.0  # stop trying; wait for DISCONNECTED
                continue
            if state["confirmed_at"] < 0:
                continue
            if not wired and state["media"]:
                am = pjbase.call_audio(call)
                if am is not None:
                    if play is not None:
                        player = pj.AudioMediaPlayer()
                        player.createPlayer(str(play), 0)
                        player.startTransmit(am)
                    if record is not None:
                        record.parent.mkdir(parents=True, exist_ok=True)
                        recorder = pj.AudioMediaRecorder()
                        recorder.createRecorder(str(record))
                        am.startTransmit(recorder)
                    wired = True
                    note("media", call=uri)
            talk = now - state["confirmed_at"]
            if dtmf and not dtmf_sent and wired and talk >= dtmf_at:
                call.dialDtmf(dtmf)
                dtmf_sent = True
                note("dtmf", digits=dtmf)
            if talk >= duration and not hung_up:
                stats = _stats(call)
                call.hangup(pj.CallOpParam(True))
                hung_up = True
    except KeyboardInterrupt:
        # Ctrl-C (or SIGINT from a test): the caller hangs up now, politely (BYE, then stats).
        if not state["ended"]:
            stats = _stats(call)
            call.hangup(pj.CallOpParam(True))
            hung_up = True
            deadline = time.time() + 2.0
            while not state["ended"] and time.time() < deadline:
                ep.libHandleEvents(10)
    finally:
        answered = state["confirmed_at"] not in (None, -1.0)
        summary.update({
            "to": uri,
            "result": ("completed" if hung_up else "remote-hangup") if answered else "failed",
            "answered": answered,
            "code": state["code"], "reason": state["reason"],
            "talk_s": round(time.time() - state["confirmed_at"], 2) if answered else 0.0,
            "dtmf_sent": dtmf if dtmf_sent else "",
            "dtmf_received": state["dtmf_rx"],
            "record": str(record) if record else None,
            **stats,
        })
        # Drop pjsua2 objects on this (the owner) thread before the library goes.
        recorder = player = am = None
        call = None  # type: ignore[assignment]
        tried.clear()
        acc.shutdown()
        acc = None  # type: ignore[assignment]
        ep.libDestroy()
    return summary


def _stats(call: Any) -> dict[str, Any]:
    try:
        st = call.getStreamStat(0)
        si = call.getStreamInfo(0)
        return {"codec": f"{si.codecName}/{si.codecClockRate}",
                "tx_packets": st.rtcp.txStat.pkt, "rx_packets": st.rtcp.rxStat.pkt}
    except Exception:  # noqa: BLE001 — the stream may be gone when the far end hung up first
        return {}


def _print_json(obj: dict[str, Any]) -> None:
    _OUT.write(json.dumps(obj) + "\n")
    _OUT.flush()


_OUT = sys.stdout


def run(args: argparse.Namespace) -> int:
    """CLI entry: print the JSON summary; exit 0 when answered.

    Accepts parsed arguments, or center/cli.py's form (``dir`` + unparsed ``rest``).
    """
    if hasattr(args, "rest") and not hasattr(args, "from_number"):
        p = argparse.ArgumentParser(prog="agent-tui center call")
        add_arguments(p)
        args = p.parse_args([str(args.dir), *args.rest])
    cdir: Path = args.dir
    if args.play is not None and not args.play.is_file():
        print(f"error: --play {args.play}: no such file", file=sys.stderr)
        return 2
    try:
        summary = place_call(cdir, from_number=args.from_number, name=args.name, to=args.to,
                             play=args.play, record=args.record, duration=args.duration,
                             dtmf=args.dtmf, dtmf_at=args.dtmf_at, timeout=args.timeout,
                             log_level=args.log_level,
                             on_event=_print_json if args.events else None)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_json(summary)
    return 0 if summary["answered"] else 1


if __name__ == "__main__":
    _p = argparse.ArgumentParser(prog="python -m agent_tui.center.voice.call_cli")
    add_arguments(_p)
    raise SystemExit(run(_p.parse_args()))
