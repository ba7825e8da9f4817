"""Suggestions for the text a customer wrote."""

from __future__ import annotations

from agent_tui.center.kb import KnowledgeBase


def test_suggest_for_dutch_customer_message(demo_kb: KnowledgeBase) -> None:
    text = (
        "Goedemorgen, sinds vanochtend doet mijn internet het niet meer. Het lampje op het modem "
        "is oranje. Kunt u mij helpen? Groet, Jan de Vries (klantnummer 12345678)"
    )
    hits = demo_kb.suggest(text)
    assert 1 <= len(hits) <= 5
    ids = [h["id"] for h in hits]
    assert ids[0] in {"kb-nl-0044", "kb-nl-0041", "kb-nl-0043"}, [
        (h["id"], h["title"]) for h in hits
    ]
    assert "«" in hits[0]["snippet"]


def test_suggest_for_english_customer_message(demo_kb: KnowledgeBase) -> None:
    text = (
        "Hi, we are moving house next month and I want to take my energy contract along "
        "to the new address. What do I need to do? Thanks, Sarah"
    )
    hits = demo_kb.suggest(text, limit=3)
    assert len(hits) == 3
    assert hits[0]["id"] == "kb-en-0029", [(h["id"], h["title"]) for h in hits]


def test_suggest_with_lang_stays_in_that_language(demo_kb: KnowledgeBase) -> None:
    hits = demo_kb.suggest("Mijn factuur is veel hoger dan vorige maand, hoe kan dat?", lang="nl")
    assert hits and {h["lang"] for h in hits} == {"nl"}
    assert hits[0]["id"] == "kb-nl-0003", [(h["id"], h["title"]) for h in hits]


def test_suggest_ignores_words_the_kb_does_not_know(demo_kb: KnowledgeBase) -> None:
    assert demo_kb.suggest("") == []
    assert demo_kb.suggest("Hallo! Dank je wel :) groetjes") == []
    assert demo_kb.suggest("Qwertyuiop zxcvbnm") == []


def test_did_you_mean_corrects_typos_in_both_languages(demo_kb: KnowledgeBase) -> None:
    assert demo_kb.did_you_mean("wachtwoort vergeten") == "wachtwoord vergeten"
    assert demo_kb.did_you_mean("stroomstorign") == "stroomstoring"
    assert demo_kb.did_you_mean("invoise") == "invoice"
    assert demo_kb.did_you_mean("pasword") == "password"


def test_did_you_mean_leaves_known_words_alone(demo_kb: KnowledgeBase) -> None:
    assert demo_kb.did_you_mean("modem") is None
    assert demo_kb.did_you_mean("wacht") is None  # the start of a known word: search-as-you-type
    assert demo_kb.did_you_mean("xylofoon") is None  # nothing close enough
    assert demo_kb.did_you_mean("") is None
