"""The softphone's keys: one table, from which the desk's bindings, the help screen's rows and
the command palette's entries (:class:`PhoneCommands`) are built.

Binding ids (``phone.*``) are stable: the config's ``keys`` remaps them. The action namespace
``phone`` resolves to the app's :class:`~agent_tui.desk_phone.controller.DeskPhone`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from textual.binding import Binding

from agent_tui.desk_phone.host import PhoneHost
from agent_tui.i18n import t
from agent_tui.palette import ListedCommands

# (binding id, default key, action, label key in i18n, show in the footer)
PHONE_ACTIONS: list[tuple[str, str, str, str, bool]] = [
    ("phone.answer", "ctrl+o", "answer", "act.phone.answer", True),
    ("phone.reject", "alt+r", "reject", "act.phone.reject", False),
    ("phone.hangup", "alt+h", "hangup", "act.phone.hangup", True),
    ("phone.hold", "alt+p", "hold", "act.phone.hold", True),
    ("phone.mute", "alt+m", "mute", "act.phone.mute", True),
    ("phone.dtmf", "alt+k", "dtmf", "act.phone.dtmf", False),
    ("phone.transfer", "alt+t", "transfer", "act.phone.transfer", False),
    ("phone.consult", "alt+c", "consult", "act.phone.consult", False),
    ("phone.conference", "alt+j", "conference", "act.phone.conference", False),
    ("phone.dial", "alt+d", "dial", "act.phone.dial", False),
    ("phone.call_customer", "alt+u", "call_customer", "act.phone.call_customer", False),
    ("phone.settings", "alt+s", "settings", "act.phone.settings", False),
]


def phone_bindings() -> list[Binding]:
    """The phone's bindings (priority: they work whatever has focus), labels in the UI language."""
    return [Binding(key, f"phone.{action}", t(label), show=show, priority=True, id=bid)
            for bid, key, action, label, show in PHONE_ACTIONS]


def default_phone_key(binding_id: str) -> str | None:
    """The default key of phone binding ``binding_id`` (None: not a phone binding)."""
    return next((key for bid, key, *_ in PHONE_ACTIONS if bid == binding_id), None)


class PhoneCommands(ListedCommands):
    """Command palette entries for every phone action (none until the phone controller is up)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        phone = cast("PhoneHost", self.app).phone
        if phone is None:
            return []
        return [(t("phone.palette", label=t(label)), f"{phone.key_for(bid)} · {bid}",
                 partial(phone.run_phone_action, action))
                for bid, _key, action, label, _show in PHONE_ACTIONS]
