"""The offer banner: impossible to miss, with a live countdown and one-key answers."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from agent_tui.core.desk_state import fmt_duration
from agent_tui.i18n import t
from agent_tui.secure.text import one_line

CHANNEL_LABEL = {"chat": "CHAT", "email": "MAIL", "sms": "SMS", "social": "SOCIAL", "voice": "VOICE"}


def seconds_left(offer: dict[str, Any], now: float) -> int:
    """Whole seconds until the offer expires (by our own clock, see DeskState)."""
    end = offer.get("_local_expires") or offer.get("expires_at") or now
    return max(0, int(float(end) - now + 0.999))


class OfferBanner(Static):
    """Shows the oldest pending offer; hidden when there is none."""

    DEFAULT_CSS = """
    OfferBanner { height: 3; display: none; background: $warning; color: $background;
                  padding: 0 1; text-style: bold; }
    OfferBanner.-visible { display: block; }
    OfferBanner.-urgent { background: $error; color: $text; }
    """

    def show(self, offers: list[dict[str, Any]], now: float, accept_key: str, decline_key: str) -> None:
        self.set_class(bool(offers), "-visible")
        if not offers:
            self.update("")
            return
        offer = offers[0]
        conv = offer.get("conversation") or {}
        left = seconds_left(offer, now)
        self.set_class(left <= 5, "-urgent")
        channel = CHANNEL_LABEL.get(str(conv.get("channel")), str(conv.get("channel", "")).upper())
        cust = conv.get("customer") or {}
        name = one_line(cust.get("name") or cust.get("handle") or cust.get("id") or "?", 32)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"▶ {t('offer.title')}  ")
        text.append(f"[{channel}]", "reverse")
        text.append("  ")
        text.append(name)
        if int(conv.get("priority") or 0) >= 2:
            text.append("  " + t("conv.urgent"), "reverse")
        text.append("   " + t("offer.left", s=left))
        if len(offers) > 1:
            text.append("   " + t("offer.more", n=len(offers) - 1))
        text.append("\n")
        subject = conv.get("subject") or conv.get("preview") or ""
        if subject:
            text.append(one_line(subject, 200))
        else:
            start = float(conv.get("queued_at") or conv.get("created_at") or now)
            text.append(f"{one_line(conv.get('queue') or '', 40)} · "
                        + t("conv.waiting", t=fmt_duration(now - start)))
        text.append("\n")
        text.append(t("offer.keys", accept=accept_key.upper(), decline=decline_key.upper()))
        self.update(text)
