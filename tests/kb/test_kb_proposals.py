"""Agents propose new or changed articles; a supervisor reviews them."""

from __future__ import annotations

import pytest

from agent_tui.center.kb import KBError, KnowledgeBase


def test_new_article_proposal_approved_becomes_searchable(empty_kb: KnowledgeBase, clock) -> None:
    empty_kb.add_article("kb-en-0007", "en", "Existing", "Something else entirely here.")
    proposal = empty_kb.propose(
        "agent1",
        None,
        "Router beeps at night",
        "Switch off the buzzer in the app under Internet > Sounds.",
        "en",
        ["modem", "router"],
    )
    assert proposal["status"] == "pending" and proposal["id"].startswith("kbp-")
    assert [p["id"] for p in empty_kb.proposals()] == [proposal["id"]]
    assert empty_kb.search("buzzer") == []  # nothing changes before review

    clock.now += 3600
    result = empty_kb.review(proposal["id"], "lead1", True, "good one")
    assert result is not None
    article = result["article"]
    assert article["id"] == "kb-en-0008"  # next free number in its language
    assert article["reviewed_at"] == clock.now and article["updated_at"] == clock.now
    assert article["tags"] == ["modem", "router"]
    assert result["proposal"]["status"] == "approved"
    assert result["proposal"]["reviewer"] == "lead1" and result["proposal"]["comment"] == "good one"
    assert empty_kb.proposals() == []
    assert [p["id"] for p in empty_kb.proposals("approved")] == [proposal["id"]]
    assert empty_kb.search("buzzer")[0]["id"] == "kb-en-0008"


def test_change_proposal_approved_updates_article_and_review_date(
    empty_kb: KnowledgeBase, clock
) -> None:
    empty_kb.add_article(
        "kb-nl-0001",
        "nl",
        "Storingsnummer",
        "Bel 0800 1111 bij een storing.",
        ["storing"],
        reviewed_at=clock.now - 400 * 86400,
    )
    assert [s["id"] for s in empty_kb.stale(365)] == ["kb-nl-0001"]
    proposal = empty_kb.propose(
        "agent2",
        "kb-nl-0001",
        "Storingsnummer",
        "Bel 0800 7653 bij een storing, dag en nacht bereikbaar.",
        "nl",
    )
    assert proposal["tags"] == ["storing"]  # a change keeps the tags unless new ones are given
    clock.now += 60
    result = empty_kb.review(proposal["id"], "lead1", approve=True)
    assert result is not None and result["article"]["id"] == "kb-nl-0001"
    article = empty_kb.get("kb-nl-0001")
    assert article is not None
    assert "7653" in article["body"] and article["reviewed_at"] == clock.now
    assert empty_kb.search("1111") == []
    assert empty_kb.search("7653")[0]["id"] == "kb-nl-0001"
    assert empty_kb.stale(365) == []
    assert empty_kb.count() == 1


def test_rejected_proposal_leaves_article_unchanged(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article("kb-en-0001", "en", "Prices", "See the website for prices.")
    before = empty_kb.get("kb-en-0001")
    proposal = empty_kb.propose("agent3", "kb-en-0001", "Prices", "Everything is free.", "en")
    result = empty_kb.review(proposal["id"], "lead1", False, "not true")
    assert result is not None and result["article"] is None
    assert result["proposal"]["status"] == "rejected"
    assert empty_kb.get("kb-en-0001") == before


def test_review_twice_is_a_conflict_and_unknown_is_none(empty_kb: KnowledgeBase) -> None:
    proposal = empty_kb.propose("agent1", None, "Title", "A body.", "en")
    assert empty_kb.review(proposal["id"], "lead1", True) is not None
    with pytest.raises(KBError) as err:
        empty_kb.review(proposal["id"], "lead1", False)
    assert err.value.code == "conflict"
    assert empty_kb.review("kbp-999999", "lead1", True) is None
    assert empty_kb.review("nonsense", "lead1", True) is None


@pytest.mark.parametrize(
    ("article", "title", "body", "lang", "code"),
    [
        ("kb-en-9999", "T", "B", "en", "not_found"),
        (None, "", "B", "en", "bad_args"),
        (None, "T", "   ", "en", "bad_args"),
        (None, "T", "B", "fr", "bad_args"),
    ],
)
def test_bad_proposals_are_refused(
    empty_kb: KnowledgeBase, article, title, body, lang, code
) -> None:
    with pytest.raises(KBError) as err:
        empty_kb.propose("agent1", article, title, body, lang)
    assert err.value.code == code
    assert empty_kb.proposals(None) == []
