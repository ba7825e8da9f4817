"""The desk's key footer: Textual's Footer, rebuilt at most once per refresh and restyled once.

Textual's Footer recomposes on every bindings change (focus moves several times while the desk
starts) and each of its keys then restyles itself twice through its ``compact`` watcher; at start
that was 7 rebuilds and 175 style updates, a large part of the time to the first screen
(issue 12, docs/benchmarks.md "Desk start-up time").  Here a change that arrives while a rebuild
is already waiting joins it, and each key is made with its ``compact`` class already set, so the
watcher finds nothing to change.  What the footer shows is unchanged.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class DeskFooter(Footer):
    """A :class:`~textual.widgets.Footer` that coalesces its rebuilds."""

    _rebuild_waiting = False

    def compose(self) -> ComposeResult:
        # Keys inside a group pass through here too (the group is a ``with`` block in there).
        for child in super().compose():
            if isinstance(child, FooterKey):
                # The state the compact watcher would set, set before it runs: no restyle.  The
                # palette key is not bound to the footer's ``compact``: it keeps its own.
                bound = not child.has_class("-command-palette")
                compact = self.compact if bound else child.compact
                child.set_reactive(FooterKey.compact, compact)
                child.set_class(compact, "-compact", update=False)
            yield child

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
