"""The desk's key footer: Textual's Footer, rebuilt at most once per refresh and restyled once.

Textual's Footer recomposes on every bindings change (focus moves several times while the desk
starts) and each of its keys then restyles itself twice through its ``compact`` watcher; at start
that was 7 rebuilds and 175 style updates, a large part of the time to the first screen
(issue 12, docs/benchmarks.md "Desk start-up time").  Here a change that arrives while a rebuild
is already waiting joins it, and each key is made with its ``compact`` class already set, so the
watcher finds nothing to change.

Not every key fits (F8/F9 used to drop off the right edge with the composer focused): the footer
puts the keys an agent needs every minute first (accept, decline, state, send, wrap up), and
below ``NARROW_BELOW`` columns (80×24) shows short labels.  Every key stays in the help and the
palette.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from agent_tui.i18n import EN, t

NARROW_BELOW = 110  # columns; the desk's narrow layout starts here too
# These actions come first, in this order; the rest keep theirs.
FIRST = ("accept", "decline", "choose_state", "send", "wrapup", "knowledge")


def _narrow_order(key: FooterKey) -> int:
    return FIRST.index(key.action) if key.action in FIRST else len(FIRST)


class DeskFooter(Footer):
    """A :class:`~textual.widgets.Footer` that coalesces its rebuilds."""

    _rebuild_waiting = False
    _narrow = False

    def compose(self) -> ComposeResult:
        self._narrow = self.app.size.width < NARROW_BELOW
        for child in self._ordered(super().compose()):
            if isinstance(child, FooterKey):
                # The state the compact watcher would set, set before it runs: no restyle.  The
                # palette key is not bound to the footer's ``compact``: it keeps its own.
                bound = not child.has_class("-command-palette")
                compact = self.compact if bound else child.compact
                child.set_reactive(FooterKey.compact, compact)
                child.set_class(compact, "-compact", update=False)
            yield child

    def _ordered(self, children: ComposeResult) -> ComposeResult:
        """The children as Footer made them, the important keys first; short labels when narrow.

        Keys inside a group pass through unchanged (the group is a ``with`` block in Footer's
        compose, so its children must be yielded while it runs)."""
        keys: list[FooterKey] = []
        palette: list[FooterKey] = []
        for child in children:
            if not isinstance(child, FooterKey) or child.has_class("-grouped"):
                yield child
                continue
            (palette if child.has_class("-command-palette") else keys).append(child)
            if self._narrow and f"key.short.{child.action}" in EN:
                child.description = t(f"key.short.{child.action}")
        yield from sorted(keys, key=_narrow_order)
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        if (self.app.size.width < NARROW_BELOW) != self._narrow and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False
        await self.recompose()
