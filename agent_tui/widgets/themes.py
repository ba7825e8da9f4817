"""The desk's colour themes: Textual's dark and light, and a high-contrast one (config ``theme:``)."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="agent-tui-high-contrast",
    primary="#ffffff", secondary="#00ffff", accent="#ffff00", warning="#ffff00",
    error="#ff5555", success="#00ff00", foreground="#ffffff", background="#000000",
    surface="#000000", panel="#1a1a1a", boost="#262626", dark=True, luminosity_spread=0.0,
    text_alpha=1.0,
    variables={"text-muted": "#e0e0e0", "footer-key-foreground": "#ffff00",
               "input-selection-background": "#ffff00 50%"},
)
THEME_NAMES = {"default": "textual-dark", "light": "textual-light",
               "high-contrast": "agent-tui-high-contrast"}
