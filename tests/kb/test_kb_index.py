"""The ranked search index follows the article table: writes, rollbacks, other connections; and
the acceptance queries keep their demo article first among many other articles."""

from __future__ import annotations

import random
import re
import sqlite3

from agent_tui.center import demo_data, seed_demo
from agent_tui.center.kb import STOPWORDS, KnowledgeBase
from tests.kit.kb_acceptance import ACCEPTANCE

from .conftest import NOW


def test_a_write_by_another_connection_is_searched(tmp_path) -> None:
    path = tmp_path / "center.db"
    conn = sqlite3.connect(path, isolation_level=None)
    KnowledgeBase.create_schema(conn)
    kb = KnowledgeBase(conn)
    kb.add_article("kb-en-0001", "en", "Router lights", "What the lights mean.")
    assert [h["id"] for h in kb.search("router")] == ["kb-en-0001"]
    other = sqlite3.connect(path, isolation_level=None)
    KnowledgeBase(other).add_article("kb-en-0002", "en", "Router reset", "Hold the button.")
    KnowledgeBase(other).add_article("kb-en-0001", "en", "Modem lights", "What the lights mean.")
    assert [h["id"] for h in kb.search("router")] == ["kb-en-0002"]
    assert [h["id"] for h in kb.search("modem")] == ["kb-en-0001"]
    conn.close()
    other.close()


def test_a_rolled_back_write_leaves_the_index_after_the_transaction(tmp_path) -> None:
    conn = sqlite3.connect(tmp_path / "center.db", isolation_level=None)
    KnowledgeBase.create_schema(conn)
    kb = KnowledgeBase(conn)
    conn.execute("BEGIN")
    kb.add_article("kb-en-0001", "en", "Draft", "Only inside the transaction.")
    assert [h["id"] for h in kb.search("draft")] == ["kb-en-0001"]  # the transaction sees it
    conn.execute("ROLLBACK")
    assert kb.search("draft") == []
    conn.close()


def _filler(n: int, rng: random.Random) -> list[dict]:
    """Articles of words drawn from the demo articles' own vocabulary (as bench/kb_search.py)."""
    vocab: dict[str, list[str]] = {"en": [], "nl": []}
    for a in demo_data.kb_articles():
        vocab[a["lang"]] += [w.lower() for w in re.findall(r"[^\W\d_]{3,}", a["title"] + " " + a["body"])
                             if w.lower() not in STOPWORDS]
    out = []
    for i in range(n):
        lang = "en" if i % 2 else "nl"
        words = vocab[lang]
        out.append({"id": f"kb-{lang}-{5000 + i}", "lang": lang,
                    "title": " ".join(rng.choices(words, k=rng.randint(3, 6))).capitalize(),
                    "body": " ".join(rng.choices(words, k=rng.randint(40, 100))) + "."})
    return out


def test_acceptance_queries_find_the_demo_article_first_among_3000_others() -> None:
    conn = sqlite3.connect(":memory:")
    seed_demo.seed_kb(conn, now=NOW)
    kb = KnowledgeBase(conn, clock=lambda: NOW)
    kb.add_articles(_filler(3000, random.Random(12)))
    misses = [(q, [h["id"] for h in kb.search(q)[:3]]) for q, want in ACCEPTANCE
              if not (hits := kb.search(q)) or hits[0]["id"] not in want]
    assert misses == [], misses
    conn.close()


def test_prepare_builds_the_index_before_the_first_search() -> None:
    conn = sqlite3.connect(":memory:")
    seed_demo.seed_kb(conn, now=NOW)
    kb = KnowledgeBase(conn, clock=lambda: NOW)
    assert kb._synced.index.count() == 0
    kb.prepare()
    assert kb._synced.index.count() == kb.count() > 100
    conn.close()
