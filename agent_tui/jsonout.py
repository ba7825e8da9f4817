"""JSON for a terminal: one line per object, with nothing in it that can drive the terminal.

Shared by the command-line faces that print JSON (``agent-tui ctl`` and ``agent-tui doctor --json``).
"""

from __future__ import annotations

import json
import re
from typing import Any

# JSON escapes C0 controls, but ensure_ascii=False leaves C1 controls (U+0080..U+009F,
# e.g. CSI U+009B) and bidi overrides raw; a customer's text must never drive the
# tester's terminal, so those are escaped too (still valid JSON).
_UNSAFE = re.compile("[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(data: Any) -> str:
    """One line of JSON, safe to print on a terminal."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(lambda mo: f"\\u{ord(mo.group()):04x}", text)
