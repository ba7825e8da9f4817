"""The open conversation: header, transcript (timestamps, direction) and the composer."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from agent_tui.core.desk_state import Conversation, DeskState, PendingSend, fmt_duration, sla_level
from agent_tui.i18n import t
from agent_tui.secure.text import literal, one_line
from agent_tui.widgets.composer import Composer
from agent_tui.widgets.offer_banner import CHANNEL_LABEL
from agent_tui.widgets.transcript import Item, Transcript

ARROW = {"in": "◀", "out": "▶", "note": "✎", "system": "·"}


def hhmm(ts: Any) -> str:
    try:
        return time.strftime("%H:%M", time.localtime(float(ts)))
    except (TypeError, ValueError):
        return "--:--"


def message_item(m: dict[str, Any], me: str, customer_name: str = "") -> Item:
    """One transcript entry for a message; the body is always literal customer text.

    A customer's follow-up can come without a name (the ingress gets only the number or
    handle): it is labelled with the conversation's customer name, not the raw id."""
    direction = str(m.get("direction") or "in")
    author = m.get("author") or {}
    who = author.get("name") or author.get("id") or ""
    if direction == "in" and customer_name and who == (author.get("id") or ""):
        who = customer_name
    if direction == "out" and author.get("id") == me:
        who = t("msg.you")
    head = Text(no_wrap=True, overflow="ellipsis")
    head.append(f"{hhmm(m.get('at'))} {ARROW.get(direction, '')} ", "dim")
    if direction == "note":
        head.append(t("msg.note") + " ", "bold reverse")
    head.append(one_line(who, 40), "bold")
    if m.get("subject"):
        head.append("  " + one_line(m.get("subject"), 120), "italic")
    body = head + Text("\n") + literal(m.get("text") or "")
    if m.get("truncated"):  # a preview: the rest comes with conv.text when the conversation opens
        more = max(0, int(m.get("length") or 0) - len(m.get("text") or ""))
        body.append("\n" + t("msg.truncated", n=more), "dim italic")
    return (f"m{m.get('id')}|{m.get('truncated', False)}", body, direction)


def pending_item(p: PendingSend) -> Item:
    head = Text(no_wrap=True)
    head.append(f"{hhmm(p.at)} {ARROW.get(p.kind, '▶')} ", "dim")
    if p.kind == "note":
        head.append(t("msg.note") + " ", "bold reverse")
    if p.failed:
        head.append(t("msg.failed", why=one_line(p.failed, 80)), "bold red")
        cls = "failed"
    elif p.queued:
        head.append("⏳ " + t("msg.queued"), "bold yellow")
        cls = "pending"
    else:
        head.append(t("msg.sending"), "dim")
        cls = "pending"
    return (f"p{p.local_id}|{cls}|{p.queued}", head + Text("\n") + literal(p.text), cls)


class ConversationPane(Vertical):
    DEFAULT_CSS = """
    ConversationPane { width: 1fr; }
    ConversationPane #conv-head { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("conv.select"), id="conv-head", markup=False)
        yield Transcript(id="transcript")
        yield Composer(id="composer")

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    def show(self, state: DeskState, now: float) -> None:
        c: Conversation | None = state.conversations.get(self.current or "")
        head = self.query_one("#conv-head", Static)
        transcript = self.query_one(Transcript)
        if c is None:
            self.current = None
            head.update(Text(t("conv.select")))
            transcript.set_items([], empty=t("conv.none") if not state.conversations else t("conv.select"))
            self.composer.set_conversation(None)
            return
        s = c.summary
        cust = s.get("customer") or {}
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"[{CHANNEL_LABEL.get(c.channel, c.channel.upper())}] ", "reverse")
        line.append(" " + one_line(cust.get("name") or cust.get("id") or "?", 40))
        if cust.get("id") and cust.get("id") != cust.get("name"):
            line.append("  " + one_line(cust.get("id"), 30), "dim")
        if s.get("subject"):
            line.append("  — " + one_line(s.get("subject"), 80), "italic")
        start = float(s.get("queued_at") or s.get("created_at") or now)
        line.append(f"  {t('conv.waiting', t=fmt_duration(now - start))}",
                    {"ok": "green", "warn": "yellow", "breach": "bold red"}[sla_level(s, now)])
        if c.typing_until > now:
            line.append("  " + t("conv.typing", who=one_line(c.typing_who or "…", 20)), "italic dim")
        head.update(line)
        name = str(cust.get("name") or "") if cust.get("name") != cust.get("id") else ""
        items = [message_item(m, state.user, name) for m in c.messages]
        if c.older is not None:  # earlier pages stay on the center until asked for
            key = self.app.key_for("desk.older")  # type: ignore[attr-defined]
            items.insert(0, (f"older{c.older}", Text(t("conv.older", keys=key), "dim italic"), "system"))
        items += [pending_item(p) for p in state.pending.values()
                  if p.conversation == c.id and p.kind in ("out", "note")]
        transcript.set_items(items)
        last_in = next((m for m in reversed(c.messages) if m.get("direction") == "in"), None)
        self.composer.set_conversation(s, (last_in or {}).get("text") or "")
