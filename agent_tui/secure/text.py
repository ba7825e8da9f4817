"""Customer-controlled text, made safe to show in a terminal.

Everything a customer (or a colleague, or an article author) can type reaches the
screen through :func:`literal` or :func:`clean`. The rules, and why:

* Rich markup is never parsed: we build ``rich.text.Text(...)`` directly and never call
  ``Text.from_markup``, so ``[bold]`` or ``[link=...]`` shows as the characters typed.
* C0/C1 control characters and DEL would move the cursor, clear the screen or start an
  escape sequence in the real terminal, so each one is replaced by a visible stand-in
  (the Unicode "control pictures": ESC becomes ``␛``). The rest of an escape sequence
  is then ordinary printable text, so ``\\x1b[31m`` shows as ``␛[31m``: the agent sees
  exactly what was sent, and nothing is interpreted.
* Bidi override/isolate controls (U+202A..U+202E, U+2066..U+2069) can reorder what the
  agent reads ("Trojan Source"); they become a visible ``⟦bidi⟧`` mark. Right-to-left
  letters themselves are kept: they are real customer text.
* Runs of combining marks ("Zalgo") are capped so one character cannot paint over the
  lines above and below; a mark with nothing to combine with gets a dotted circle.
* Lines are capped in length so a 30 kB single line cannot stall layout.

This module must not import textual (it is domain code; a test checks it).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# Longest line we hand to the layout engine; the rest is cut with a visible marker.
MAX_LINE = 2000
# Combining marks kept after one base character (enough for real scripts such as
# Vietnamese or Devanagari with two or three marks).
MAX_COMBINING = 3

_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Invisible characters that could hide text or break width computations.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
BIDI_MARK = "⟦bidi⟧"
CUT_MARK = " …[cut]"


def _control_picture(ch: str) -> str:
    """A visible stand-in for one control character."""
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟ (ESC -> ␛)
    if code == 0x7F:
        return "␡"
    return "�"  # C1 controls (0x80..0x9f): one 8-bit terminals may read as CSI


def clean(text: object, *, single_line: bool = False, max_line: int = MAX_LINE) -> str:
    """Return ``text`` as a plain string that is safe to print literally.

    Newlines are kept (or shown as ``⏎`` when ``single_line``); tabs become spaces;
    every other control character becomes a visible placeholder. Non-strings are
    converted with ``str``; ``None`` becomes ``""``.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text.replace("\r\n", "\n")
    out: list[str] = []
    combining = 0
    line_len = 0
    cut = False
    prev_base = False  # is there a printable base character before this one on the line?
    for ch in text:
        if ch == "\n" or ch == "\r" or ch in _LINE_SEPARATORS:
            if single_line:
                piece = " ⏎ "
            else:
                out.append("\n")
                line_len = 0
                cut = False
                combining = 0
                prev_base = False
                continue
        elif ch == "\t":
            piece = "    "
        elif ch in _BIDI_CONTROLS:
            piece = BIDI_MARK
        elif ch in _INVISIBLE:
            continue
        else:
            code = ord(ch)
            if code < 0x20 or 0x7F <= code <= 0x9F:
                piece = _control_picture(ch)
            elif unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
                if not prev_base:
                    piece = "\u25cc" + ch  # dotted circle: the mark shows on its own
                    combining = 1
                else:
                    combining += 1
                    if combining > MAX_COMBINING:
                        continue
                    piece = ch
                if cut:
                    continue
                out.append(piece)
                prev_base = True
                continue
            else:
                piece = ch
        combining = 0
        if cut:
            continue
        if line_len + len(piece) > max_line:
            out.append(CUT_MARK)
            cut = True
            continue
        out.append(piece)
        line_len += len(piece)
        prev_base = True
    return "".join(out)


def literal(text: object, style: str = "", *, single_line: bool = False,
            max_line: int = MAX_LINE) -> Text:
    """Customer-controlled ``text`` as a Rich ``Text`` that is shown exactly as typed.

    Markup is not parsed and control/escape sequences are neutralised (see module doc).
    ``style`` applies to the whole text and comes from our code, never from the input.
    """
    # deferred: rich only where text is drawn; `ctl` and the headless phone use clean() alone
    # (1.4 MB of the phone process, issue 12)
    from rich.text import Text

    return Text(clean(text, single_line=single_line, max_line=max_line), style=style,
                no_wrap=False, overflow="fold")


def one_line(text: object, limit: int = 80) -> str:
    """A short single-line form (names, subjects, list previews), cut at ``limit`` chars."""
    s = clean(text, single_line=True, max_line=max(limit, 1) + 100)
    if len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s
