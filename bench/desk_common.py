"""Shared helpers for the desk benchmarks: a big seeded state and machine info."""

from __future__ import annotations

import sys
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from tests.kit.desk_seed import NOW, seeded_state


def machine() -> str:
    import textual

    return benchlib.machine(f"Textual {textual.__version__}")


def big_state(colleagues: int = 1000, messages: int = 10_000, conversations: int = 20):
    """1,000 colleagues and 10,000 messages spread over ``conversations`` conversations."""
    st = seeded_state(colleagues=colleagues)
    from agent_tui.core.desk_state import Conversation

    base = dict(next(iter(st.conversations.values())).summary)
    st.conversations.clear()
    per = messages // conversations
    for i in range(conversations):
        cid = f"big{i}"
        summary = dict(base, id=cid, customer={"id": f"+3161000{i:04d}", "name": f"Klant {i}"},
                       channel=["chat", "sms", "email", "social"][i % 4])
        conv = Conversation(summary=summary, loaded=True)
        conv.messages = [{"id": f"{cid}-{k}", "conversation": cid, "seq": k + 1, "at": NOW - per + k,
                          "direction": "in" if k % 2 else "out",
                          "author": {"kind": "customer", "id": "x", "name": f"Klant {i}"},
                          "text": f"Bericht {k}: mijn internet valt steeds weg sinds de storing van gisteren."}
                         for k in range(per)]
        st.conversations[cid] = conv
    return st
