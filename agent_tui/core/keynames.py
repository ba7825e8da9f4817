"""Key names of the config's ``keys:`` section: is ``ctrl+f13x`` a key at all, and which binding
ids share one key. Pure (the desk checks its key table against these at start; Textual is not
imported here: the client core never imports the UI).

A key is ``[modifier+]...name`` — modifiers ``ctrl``, ``alt``, ``shift``, ``super``, ``meta``,
``hyper`` — and one binding may list several keys separated by commas (``f8,ctrl+a``), as in
Textual. The names are Textual's: one printable character, or a named key below.
"""

from __future__ import annotations

MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
NAMED = frozenset({
    "escape", "enter", "return", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
    *(f"f{n}" for n in range(1, 25)),
    # punctuation as Textual names it (unicode names with underscores)
    "comma", "full_stop", "slash", "backslash", "minus", "plus", "equals_sign", "question_mark",
    "semicolon", "colon", "apostrophe", "quotation_mark", "left_square_bracket",
    "right_square_bracket", "number_sign", "asterisk", "underscore", "at", "exclamation_mark",
    "dollar_sign", "percent_sign", "ampersand", "left_parenthesis", "right_parenthesis",
    "less_than_sign", "greater_than_sign", "grave_accent", "tilde", "circumflex_accent",
    "vertical_line", "left_curly_bracket", "right_curly_bracket",
})


def key_problem(spec: str) -> str | None:
    """What is wrong with key spec ``spec`` (e.g. ``"f13x"``), or None when every key in it is real."""
    keys = [k.strip() for k in spec.split(",")]
    if not spec.strip() or any(not k for k in keys):
        return "expected a key name such as f8 or ctrl+o"
    for key in keys:
        *mods, name = key.split("+")
        bad = [m for m in mods if m.lower() not in MODIFIERS]
        if bad:
            return f"{key!r}: unknown modifier {bad[0]!r} (known: {', '.join(sorted(MODIFIERS))})"
        if not name or (len(name) != 1 and name.lower() not in NAMED) or (len(name) == 1 and not name.isprintable()):
            return f"{key!r} is not a key (keys are like f8, ctrl+o, alt+shift+t, escape, space)"
    return None


def split_keys(spec: str) -> list[str]:
    """The single keys of a binding spec, normalised for comparison (``"F8, Ctrl+A"`` → f8, ctrl+a)."""
    out = []
    for key in spec.split(","):
        *mods, name = key.strip().split("+")
        out.append("+".join([*sorted(m.lower() for m in mods), name.lower() if len(name) > 1 else name]))
    return out


def clashes(bound: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, first id, second id) for every key that two binding ids of ``bound`` (id → spec) share."""
    owner: dict[str, str] = {}
    out = []
    for bid, spec in bound.items():
        for key in split_keys(spec):
            if key in owner and owner[key] != bid:
                out.append((key, owner[key], bid))
            else:
                owner[key] = bid
    return out
