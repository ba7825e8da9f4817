"""What the softphone controller and the desk need from each other, as small typed interfaces.

``DeskApp`` implements :class:`PhoneHost` and ``DeskScreen`` implements :class:`DeskView` with
public members; the controller (``desk_phone.controller.DeskPhone``) implements :class:`PhoneControls`.
Nothing here imports the app, the screens or the controller, so none of them import each other
just to know a type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.binding import Binding

from agent_tui.core.config import Config
from agent_tui.core.desk_state import DeskState


class DeskView(Protocol):
    """What the phone needs from the desk screen."""

    def open_conversation(self, cid: str) -> None: ...

    def action_wrapup(self) -> None: ...

    def current_conversation(self) -> str | None: ...

    def add_bindings(self, bindings: list[Binding]) -> None: ...


class PhoneControls(Protocol):
    """What the app, the desk and the palette ask of the phone controller."""

    def key_for(self, binding_id: str) -> str: ...

    def run_phone_action(self, action: str) -> None: ...

    def help_rows(self) -> list[tuple[str, str, str]]: ...

    def center_welcome(self, frame: dict[str, Any]) -> None: ...

    def call_colleague(self, user: str) -> None: ...

    def monitor_agent(self, agent: str, mode: str, name: str = "") -> None: ...


class PhoneHost(Protocol):
    """What the phone needs from the app."""

    config: Config
    state: DeskState
    phone: PhoneControls | None

    def session_login(self) -> tuple[str, str, str, str | None]:
        """(server, ca_file, user, password or None) of the desk's session."""
        ...

    def key_for(self, binding_id: str) -> str: ...

    def fire(self, op: str, **args: Any) -> None: ...

    async def command(self, op: str, quiet: bool = False, **args: Any) -> dict[str, Any] | None:
        """Run ``op`` on the center: its answer, or None (with a notice unless ``quiet``)."""
        ...

    def desk_screen(self) -> DeskView | None: ...

    def add_event_listener(self, listener: Callable[[dict[str, Any]], None]) -> None: ...

    def remove_event_listener(self, listener: Callable[[dict[str, Any]], None]) -> None: ...
