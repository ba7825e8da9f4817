"""Schema, seed data, articles, staleness and transactions."""

from __future__ import annotations

import re
import sqlite3

import pytest

from agent_tui.center import demo_data, seed_demo
from agent_tui.center.kb import KBError, KnowledgeBase

NOW = 1_790_000_000.0


def test_create_schema_is_idempotent() -> None:
    conn = sqlite3.connect(":memory:")
    KnowledgeBase.create_schema(conn)
    KnowledgeBase(conn).add_article("kb-en-0001", "en", "T", "Body.")
    KnowledgeBase.create_schema(conn)
    assert KnowledgeBase(conn).count() == 1


def test_seed_has_many_real_articles_in_both_languages() -> None:
    arts = demo_data.kb_articles()
    en = [a for a in arts if a["lang"] == "en"]
    nl = [a for a in arts if a["lang"] == "nl"]
    assert len(arts) >= 150 and abs(len(en) - len(nl)) <= len(arts) * 0.1
    assert all(re.fullmatch(r"kb-(en|nl)-\d{4}", a["id"]) for a in arts)
    assert len({a["id"] for a in arts}) == len(arts)
    assert len({a["title"] for a in arts}) == len(arts)
    assert len({a["body"] for a in arts}) == len(arts)
    for a in arts:
        # sentences, or numbered steps ("1) ... 2) ...") that are the body of a how-to answer
        sentences = len(re.findall(r"[.?!](?:\s|$)", a["body"])) + len(
            re.findall(r"\b\d\) ", a["body"])
        )
        assert len(a["body"]) >= 250 and sentences >= 3, a["id"]
        assert a["tags"], a["id"]


def test_seed_is_idempotent_and_has_stale_articles() -> None:
    conn = sqlite3.connect(":memory:")
    n = seed_demo.seed_kb(conn, now=NOW)
    seed_demo.seed_kb(conn, now=NOW)
    kb = KnowledgeBase(conn, clock=lambda: NOW)
    assert kb.count() == n >= 150
    stale = kb.stale(365)
    assert 3 <= len(stale) < n / 2
    ages = [s["days_since_review"] for s in stale]
    assert ages == sorted(ages, reverse=True) and min(ages) >= 365
    assert len(kb.stale(10_000)) == 0 and len(kb.stale(0)) == n


def test_get_returns_article_shape(demo_kb: KnowledgeBase) -> None:
    art = demo_kb.get("kb-nl-0033")
    assert art is not None
    assert set(art) == {"id", "lang", "title", "body", "tags", "updated_at", "reviewed_at"}
    assert art["title"] == "Wachtwoord vergeten" and "wachtwoord" in art["tags"]
    assert demo_kb.get("kb-xx-0000") is None


def test_add_article_replaces_by_id(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article("kb-en-0001", "en", "Old title", "Old body about gas.")
    empty_kb.add_article("kb-en-0001", "en", "New title", "New body about power.")
    assert empty_kb.count() == 1
    assert empty_kb.search("gas") == []
    assert empty_kb.search("power")[0]["title"] == "New title"
    # The old words left the index itself, not just the results (an external-content index keeps
    # stale tokens if the old values are not handed back on update).
    vocab = dict(empty_kb.conn.execute("SELECT term, doc FROM kb_vocab").fetchall())
    assert "gas" not in vocab and "old" not in vocab and vocab["power"] == 1


def test_index_can_be_rebuilt_from_the_article_table() -> None:
    conn = sqlite3.connect(":memory:")
    seed_demo.seed_kb(conn, now=NOW)
    kb = KnowledgeBase(conn, clock=lambda: NOW)
    before = kb.search("facturen")
    conn.execute("INSERT INTO kb_fts(kb_fts) VALUES('rebuild')")
    assert kb.search("facturen") == before and before


def test_bad_article_in_batch_writes_nothing(empty_kb: KnowledgeBase) -> None:
    with pytest.raises(KBError) as err:
        empty_kb.add_articles(
            [
                {"id": "kb-en-0001", "lang": "en", "title": "Fine", "body": "Fine body."},
                {"id": "kb-xx-0002", "lang": "xx", "title": "Bad", "body": "Bad body."},
            ]
        )
    assert "kb-xx-0002" in str(err.value)
    assert empty_kb.count() == 0 and empty_kb.search("fine") == []


def test_works_in_autocommit_mode_and_inside_caller_transaction(tmp_path) -> None:
    path = tmp_path / "center.db"
    conn = sqlite3.connect(path, isolation_level=None)
    KnowledgeBase.create_schema(conn)
    KnowledgeBase(conn).add_article("kb-en-0001", "en", "Saved", "Committed at once.")
    other = sqlite3.connect(path)
    assert KnowledgeBase(other).get("kb-en-0001") is not None  # visible to another connection
    # Inside the caller's transaction the write belongs to that transaction.
    conn.execute("BEGIN")
    KnowledgeBase(conn).add_article("kb-en-0002", "en", "Rolled back", "Never committed.")
    conn.execute("ROLLBACK")
    assert KnowledgeBase(other).get("kb-en-0002") is None
    assert KnowledgeBase(conn).search("rolled") == []
    conn.close()
    other.close()


def test_tags_may_be_a_list_or_comma_separated_text(empty_kb: KnowledgeBase) -> None:
    art = empty_kb.add_article("kb-en-0001", "en", "T", "Body.", "modem, router ,, wifi")
    assert art["tags"] == ["modem", "router", "wifi"]
    assert empty_kb.search("router")[0]["id"] == "kb-en-0001"  # tags are searched too
    p = empty_kb.propose("agent1", None, "T2", "B2.", "en", ["a", " ", "b"])
    assert p["tags"] == ["a", "b"]


def test_mark_reviewed_takes_article_off_the_stale_list(empty_kb: KnowledgeBase, clock) -> None:
    empty_kb.add_article(
        "kb-en-0001", "en", "Old", "Old text.", reviewed_at=clock.now - 500 * 86400
    )
    stale = empty_kb.stale(365)
    assert [s["id"] for s in stale] == ["kb-en-0001"] and stale[0]["days_since_review"] == 500
    assert empty_kb.mark_reviewed("kb-en-0001") is True
    assert empty_kb.stale(365) == []
    assert empty_kb.get("kb-en-0001")["reviewed_at"] == clock.now
    assert empty_kb.mark_reviewed("kb-en-0404") is False
