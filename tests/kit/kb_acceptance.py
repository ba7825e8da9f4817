"""The knowledge base's acceptance queries: for each, the demo article(s) that must come first.

Used by tests/kb (result quality on the demo KB and on it among generated articles) and by
bench/kb_engines.py (the same check for every engine compared).
"""

from __future__ import annotations

ACCEPTANCE: list[tuple[str, set[str]]] = [
    ("wachtwoord vergeten", {"kb-nl-0033"}),
    ("forgot password", {"kb-en-0033"}),
    ("storing internet", {"kb-nl-0041"}),
    ("power outage", {"kb-en-0015"}),
    ("stroomstoring", {"kb-nl-0015"}),
    ("verhuizen", {"kb-nl-0029", "kb-nl-0030"}),
    ("moving house", {"kb-en-0029", "kb-en-0030"}),
    ("betalingsregeling", {"kb-nl-0009"}),
    ("payment plan", {"kb-en-0009"}),
    ("slow internet", {"kb-en-0042"}),
    ("meterstand doorgeven", {"kb-nl-0017"}),
    ("cancel contract", {"kb-en-0063"}),
]
