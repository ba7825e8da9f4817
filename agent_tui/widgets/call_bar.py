"""The call bar: the softphone's state during a call, docked above the footer.

One or two lines, so it fits 80×24:

    ● CONNECTED 01:23  +31201234567 Jan · conv c-12 · speex/8000 · low · SRTP
      RTT 42 ms · jitter 3 ms · loss 0.0% · MOS 4.1   [alt+p] hold [alt+m] mute [alt+h] hang up

The state is always written in words (Ringing, Connected, On hold, Muted, Transferring, Ended)
and also coloured (a CSS class per state), so it reads without colour. A degraded call gets a
visible ``⚠`` warning in words. With no call the bar is hidden (nothing to see, no space taken).

The widget only draws the :class:`~agent_tui.core.call_state.CallView` values it is given; the
controller (``agent_tui.desk_phone.controller``) owns the phone, and ``core/call_state.py`` decides
what is shown. Caller IDs and names come from outside and are shown literally (no markup, no
escape sequences).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from agent_tui.core.call_state import REASONS, CallQualityView, CallView
from agent_tui.i18n import t
from agent_tui.secure.text import one_line


def w(key: str) -> str:
    """The bar's word for ``key`` (a state, a hint, a label) in the UI language (i18n ``call.*``)."""
    return t(f"call.{key}")


def reason_text(reason: str) -> str:
    """Why a call ended: the desk's own reasons in the UI language, the phone's words as they are."""
    return t(f"call.reason.{reason}") if reason in REASONS else reason


# state -> (CSS class, symbol). The symbol differs per state too, for monochrome terminals.
STATE_STYLE: dict[str, tuple[str, str]] = {
    "ringing": ("-ringing", "☎"),
    "calling": ("-calling", "☎"),
    "connected": ("-connected", "●"),
    "held": ("-held", "‖"),
    "remote_held": ("-held", "‖"),
    "muted": ("-muted", "●"),
    "transferring": ("-transferring", "→"),
    "ended": ("-ended", "○"),
    "transferred": ("-ended", "→"),
    "failed": ("-ended", "✕"),
}


def fmt_duration(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def quality_text(q: CallQualityView | None, compact: bool = False) -> Text:
    """``RTT 42 ms · jitter 3 ms · loss 0.0% · MOS 4.1`` plus a warning in words when degraded.

    ``compact`` (80 columns): ``RTT 42ms jit 3ms loss 0.0% MOS 4.1`` so the keys still fit."""
    out = Text()
    if q is None:
        out.append(w("measuring"), style="dim")
        return out
    mos = "–" if q.no_audio else f"{q.mos:.1f}"  # a call that receives nothing has no MOS
    if compact:
        rtt = "–" if q.rtt_ms is None else f"{q.rtt_ms:.0f}ms"
        out.append(f"RTT {rtt} jit {q.jitter_ms:.0f}ms loss {q.loss_pct:.1f}% MOS {mos}")
    else:
        rtt = "–" if q.rtt_ms is None else f"{q.rtt_ms:.0f} ms"
        out.append(f"RTT {rtt} · jitter {q.jitter_ms:.0f} ms · loss {q.loss_pct:.1f}% · MOS {mos}")
    if q.no_audio:
        out.append(" ⚠ " + w("no_audio"), style="bold reverse")
        return out
    if q.degraded:
        out.append(" ⚠ " + w("warn"), style="bold reverse")
        if q.warning and not compact:
            out.append(": " + one_line(q.warning, 60), style="bold")
    return out


class CallBar(Static):
    """Shows the current call(s). Hidden when there is none (class ``-idle``)."""

    DEFAULT_CSS = """
    CallBar { height: auto; max-height: 2; padding: 0 1; background: $panel; }
    CallBar.-idle { display: none; }
    CallBar.-ringing { background: $warning 40%; text-style: bold; }
    CallBar.-calling { background: $warning 25%; }
    CallBar.-connected { background: $success 30%; }
    CallBar.-muted { background: $secondary 35%; }
    CallBar.-held { background: $primary 35%; }
    CallBar.-transferring { background: $accent 35%; }
    CallBar.-ended { background: $panel; color: $text-muted; }
    CallBar.-degraded { border-left: thick $error; }
    """

    def __init__(self, *, clock: Callable[[], float] | None = None, id: str | None = "callbar") -> None:
        super().__init__("", id=id, markup=False)
        self.clock = clock or time.time
        self.views: list[CallView] = []
        self.keys: dict[str, str] = {}
        self.notice = ""  # e.g. a headset problem, shown while a call runs
        self._drawn_lines = 0  # lines of the text shown (a change of count needs a layout)
        self.add_class("-idle")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.views and any(v.live for v in self.views):
            self.redraw()

    def show_calls(self, views: list[CallView], keys: dict[str, str] | None = None,
                   notice: str = "") -> None:
        """Draw ``views`` (the first is the main call); ``keys`` maps action → key for hints."""
        self.views = list(views)
        if keys is not None:
            self.keys = dict(keys)
        self.notice = notice
        self.redraw()

    # --- drawing ---------------------------------------------------------------------------
    def _main(self) -> CallView | None:
        live = [v for v in self.views if v.live and not v.consult_of]
        if live:
            return live[0]
        live = [v for v in self.views if v.live]
        if live:
            return live[0]
        return self.views[0] if self.views else None

    def redraw(self) -> None:
        # Called once a second in a call (the timer): restyle and lay out only what changed, so
        # the tick repaints the bar's lines and not the whole desk (desk CPU in a call, issue 12).
        main = self._main()
        on = {"-idle"} if main is None else {STATE_STYLE.get(main.state, ("-connected", "●"))[0]}
        if main is not None and main.quality is not None and main.quality.degraded and main.live:
            on.add("-degraded")
        restyled = False
        for cls in {c for c, _sym in STATE_STYLE.values()} | {"-degraded", "-idle"}:
            if self.has_class(cls) != (cls in on):
                self.set_class(cls in on, cls, update=False)
                restyled = True
        if restyled:
            self.update_node_styles()
        text = Text("") if main is None else self.render_text(main)
        lines = text.plain.split("\n")
        fits = all(cell_len(line) <= self.content_size.width for line in lines)
        self.update(text, layout=restyled or not fits or len(lines) != self._drawn_lines)
        self._drawn_lines = len(lines)

    def status_line(self, v: CallView) -> Text:
        """First line: symbol, state word, timer, caller, conversation, codec · profile."""
        now = self.clock()
        _cls, sym = STATE_STYLE.get(v.state, ("", "●"))
        line = Text()
        line.append(f"{sym} {w(v.state)}", style="bold")
        if v.answered_at is not None:
            end = v.ended_at if v.ended_at is not None else now
            line.append(" " + fmt_duration(end - v.answered_at))
        watching = v.extra.get("monitoring")
        if watching:  # the lead's own monitoring leg (issue 11): whose call, in words, not a customer
            who = watching.get("name") or watching["agent"]
            line.append("  " + t(f"call.monitoring.{watching['mode']}", agent=one_line(who, 20),
                                 conversation=one_line(watching["conversation"] or "…", 14)), style="bold")
        else:
            line.append("  " + one_line(v.caller or w("unknown"), 24), style="bold")
        if v.name and v.name != v.caller:
            line.append(" " + one_line(v.name, 20))
        if v.conversation:
            line.append(f" · {w('conv')} {one_line(v.conversation, 14)}")
        if v.codec:
            line.append(" · " + one_line(v.codec, 16))
            if v.profile:
                line.append(" · " + one_line(v.profile, 8))
        monitor = v.extra.get("monitor") if v.live else None
        if monitor:  # a lead listens in (issue 11): always in words, never only a colour
            line.append(" · " + t(f"call.monitored.{monitor[0]}", lead=one_line(monitor[1], 16)), style="bold")
        if v.transfer_target and v.phase in ("transferring", "transferred"):
            line.append(" → " + one_line(v.transfer_target, 20))
        if v.reason and not v.live:
            line.append(" · " + one_line(reason_text(v.reason), 30), style="italic")
        return line

    def hint(self, pairs: list[tuple[str, str]]) -> Text:
        out = Text()
        for action, word in pairs:
            key = self.keys.get(action)
            if key:
                out.append(f" [{key}]", style="bold")
                out.append(f" {w(word)}")
        return out

    def render_text(self, main: CallView) -> Text:
        line1 = self.status_line(main)
        if main.phase == "ringing":
            line1.append_text(self.hint([("answer", "answer"), ("reject", "reject")]))
            return line1
        compact = 0 < self.size.width < 100
        line2 = Text("" if compact else "  ")
        if self.notice and compact:
            # 80 columns: the warning alone on line 2, in words, as much of it as fits (the
            # footer still shows the call keys; the figures come back when it is solved).
            head = "⚠ " + w("no_headset") + ": "
            room = max(20, self.size.width - 2 - len(head))
            line2.append(head + one_line(self.notice, room), style="bold")
            return Text("\n").join([line1, line2])
        others = [v for v in self.views if v is not main and v.live]
        if main.phase == "connected":
            line2.append_text(quality_text(main.quality, compact))
            if others and main.extra.get("conference"):
                names = ", ".join(one_line(o.caller, 16) for o in others)
                line2.append(f" · {w('conference')}: {names}", style="bold")
                muted = "unmute" if main.muted else "mute"
                line2.append_text(self.hint([("mute", muted), ("hangup", "hangup")]))
            elif others:
                o = others[0]
                line2.append(f" · {w('second')}: {one_line(o.caller or o.transfer_target, 16)} {w(o.state)}",
                             style="bold")
                line2.append_text(self.hint([("consult", "complete"), ("conference", "conference")]))
            elif main.extra.get("monitoring"):  # only talk (whisper, barge) and leave
                talk = [("mute", "unmute" if main.muted else "mute")] if main.extra["monitoring"]["mode"] != "listen" else []
                line2.append_text(self.hint([*talk, ("hangup", "hangup")]))
            elif not (compact and main.quality is not None and main.quality.degraded):
                held = "resume" if main.held else "hold"
                muted = "unmute" if main.muted else "mute"
                line2.append_text(self.hint([("hold", held), ("mute", muted), ("hangup", "hangup")]))
        elif main.phase in ("calling", "transferring"):
            line2.append_text(self.hint([("hangup", "hangup")]))
        elif not main.live and main.conversation and main.phase == "ended" and main.answered_at is not None:
            line2.append_text(self.hint([("wrapup", "wrapup")]))
        if self.notice:
            line2.append("  ⚠ " + w("no_headset") + ": " + one_line(self.notice, 50), style="bold")
        if not line2.plain.strip():
            return line1
        return Text("\n").join([line1, line2])

    # --- for tests and the tmux check -------------------------------------------------------
    @property
    def text(self) -> str:
        """What the bar shows right now, as plain text (empty when hidden)."""
        main = self._main()
        return "" if main is None else self.render_text(main).plain
