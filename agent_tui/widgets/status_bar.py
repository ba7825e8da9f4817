"""The one-line status bar: agent state and timer, connection health, queue, unread."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from agent_tui.core.desk_state import DeskState, fmt_duration
from agent_tui.i18n import state_word, t, t_or
from agent_tui.secure.text import one_line

# State -> style class; the word is always shown too, colour only supports it.
STATE_STYLE = {
    "available": "bold black on green", "on_contact": "bold white on blue",
    "acw": "bold black on yellow", "break": "bold black on magenta", "lunch": "bold black on magenta",
    "meeting": "bold black on cyan", "training": "bold black on cyan",
    "missed": "bold white on red", "offline": "bold white on grey37",
}
CONN_STYLE = {"online": "green", "connecting": "yellow", "reconnecting": "bold yellow",
              "offline": "bold red", "auth_failed": "bold red"}


class StatusBar(Static):
    """Shows the agent's state in words (and colour), connection, queue and unread figures."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, state: DeskState, status: Any, now: float) -> None:
        """Redraw from the desk state and the client's ConnectionStatus at time ``now``.

        Below 100 columns (80×24) the round-trip time and the agent's own name are left out and
        the separators and the queue figure shrink, so state, link, queued sends, unread and the
        queue fit (also in Dutch)."""
        compact = 0 < self.size.width < 100
        sep = " │ " if compact else "  │ "
        agent = state.agent
        st = str(agent.get("state") or "offline")
        since = float(agent.get("since") or now)
        line = Text(no_wrap=True, overflow="ellipsis")
        who = one_line(state.me.get("name") or state.me.get("user") or t("status.nobody"), 24)
        line.append(f" {state_word(st)} {fmt_duration(now - since)} ", STATE_STYLE.get(st, "reverse"))
        # The center's own reasons in the desk's language; at 80 columns not the reason of
        # "missed" (the state word says it already).
        reason = t_or(f"reason.{agent.get('reason')}", str(agent.get("reason") or ""))
        if reason and not (compact and st == "missed"):
            line.append(f"{'' if compact else ' '}({one_line(reason, 20)})", "italic")
        if state.center_read_only:  # the center's disk is full: say so before anything else
            line.append(" " + t("center.read_only") + " ", "bold white on red")
        conn = getattr(status, "state", "offline")
        line.append(sep)
        line.append(t(f"conn.{conn}"), CONN_STYLE.get(conn, ""))
        rtt = getattr(status, "rtt_ms", None)
        if rtt is not None and conn == "online" and not compact:
            line.append(" " + t("conn.rtt", ms=f"{rtt:.0f}"), "dim")
        queued = getattr(status, "queued", 0) or 0
        if queued:
            line.append(" " + t("conn.queued", n=queued), "bold yellow")
        unread = state.unread_total()
        line.append(sep)
        line.append(t("status.unread", n=unread), "bold" if unread else "dim")
        waiting, longest = state.queue_totals()
        if not compact:
            line.append(sep + t("status.queue", waiting=waiting, longest=fmt_duration(longest)))
        elif conn == "online":  # offline the center's queue figures are stale: room for the link words
            line.append(sep + t("status.queue_short", waiting=waiting, longest=fmt_duration(longest)))
        if not compact:
            line.append(f"{sep}{who}", "dim")
        # One line of fixed height and full width: its size never depends on the text, so the
        # once-a-second redraw repaints this line without a layout pass over the whole desk.
        self.update(line, layout=False)
