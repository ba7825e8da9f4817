"""Search: ranking in English and Dutch, stemming, prefixes, snippets, language filter, syntax."""

from __future__ import annotations

import pytest

from agent_tui.center.kb import KBError, KnowledgeBase
from tests.kit.kb_acceptance import ACCEPTANCE

# ---------------------------------------------------- the demo KB: the obvious answer first


@pytest.mark.parametrize(("query", "expected"), ACCEPTANCE)
def test_obvious_article_ranks_first(
    demo_kb: KnowledgeBase, query: str, expected: set[str]
) -> None:
    hits = demo_kb.search(query)
    assert hits, f"no hits for {query!r}"
    assert hits[0]["id"] in expected, [(h["id"], h["title"]) for h in hits[:3]]


@pytest.mark.parametrize(
    ("query", "lang", "word"), [("factuur", "nl", "factuur"), ("invoice", "en", "invoice")]
)
def test_invoice_queries_return_invoice_articles_first(
    demo_kb: KnowledgeBase, query: str, lang: str, word: str
) -> None:
    hits = demo_kb.search(query, limit=3)
    assert [h["lang"] for h in hits] == [lang] * 3
    assert all(word in h["title"].lower() for h in hits), [h["title"] for h in hits]


def test_scores_are_descending_and_limit_is_kept(demo_kb: KnowledgeBase) -> None:
    hits = demo_kb.search("modem", limit=4)
    assert len(hits) == 4
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)


def test_hit_has_the_protocol_shape(demo_kb: KnowledgeBase) -> None:
    hit = demo_kb.search("PUK")[0]
    assert set(hit) == {"id", "lang", "title", "snippet", "score", "reviewed_at"}
    assert isinstance(hit["reviewed_at"], float)


# ----------------------------------------------------------------- ranking rules on a small KB


def test_title_match_beats_body_mentions(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article(
        "kb-en-0001",
        "en",
        "Router settings",
        "The router has many settings. A router "
        "can be restarted. Every router model differs; router lights blink.",
    )
    empty_kb.add_article(
        "kb-en-0002", "en", "Modem lights", "What the lights on the modem mean when it starts."
    )
    empty_kb.add_article(
        "kb-en-0003", "en", "Restart the modem", "Pull the plug and wait thirty seconds."
    )
    hits = empty_kb.search("modem")
    assert {h["id"] for h in hits[:2]} == {"kb-en-0002", "kb-en-0003"}
    assert "kb-en-0001" not in {h["id"] for h in hits}
    empty_kb.add_article(
        "kb-en-0004", "en", "Lights and sounds", "The modem modem modem modem beeps."
    )
    hits = empty_kb.search("modem")
    assert hits[-1]["id"] == "kb-en-0004"  # four body mentions still lose to one title word


def test_dutch_word_found_in_question_title(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article(
        "kb-nl-0001", "nl", "Wachtwoord vergeten?", "Klik op de link in de e-mail."
    )
    assert [h["id"] for h in empty_kb.search("wachtwoord")] == ["kb-nl-0001"]
    assert [h["id"] for h in empty_kb.search("WACHTWOORD vergeten")] == ["kb-nl-0001"]


def test_diacritics_are_ignored(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article(
        "kb-nl-0001", "nl", "Warmtepomp geïnstalleerd", "Het contract is beëindigd."
    )
    assert empty_kb.search("geinstalleerd")[0]["id"] == "kb-nl-0001"
    assert empty_kb.search("beeindigd")[0]["id"] == "kb-nl-0001"
    assert empty_kb.search("géïnstalléérd")[0]["id"] == "kb-nl-0001"


@pytest.mark.parametrize(
    ("lang", "text", "query"),
    [
        ("en", "Where is my invoice?", "invoices"),
        ("en", "You can move your contract.", "moving"),
        ("en", "Cancellation of a subscription.", "cancelled"),
        ("en", "The outages map.", "outage"),
        ("nl", "Waar vind ik mijn factuur?", "facturen"),
        ("nl", "Een betaling is mislukt.", "betalingen"),
        ("nl", "Gaat u verhuizen?", "verhuizing"),
        ("nl", "Alle storingen in uw wijk.", "storing"),
        ("nl", "Zonnepanelen aanmelden.", "zonnepaneel"),
        ("nl", "Wachtwoorden en beveiliging.", "wachtwoord"),
    ],
)
def test_stemming_finds_other_word_forms(
    empty_kb: KnowledgeBase, lang: str, text: str, query: str
) -> None:
    empty_kb.add_article(f"kb-{lang}-0001", lang, "Artikel", text)
    empty_kb.add_article(f"kb-{lang}-0002", lang, "Other", "Nothing relevant in this one at all.")
    hits = empty_kb.search(
        query + " "
    )  # trailing space: the word is complete, no prefix on raw form
    assert [h["id"] for h in hits] == [f"kb-{lang}-0001"], query


def test_stem_only_match_is_marked_in_snippet(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article(
        "kb-nl-0001", "nl", "Artikel", "U vindt uw factuur in Mijn Polder onder Facturen."
    )
    snippet = empty_kb.search("factuur")[0]["snippet"]
    assert "«factuur»" in snippet
    empty_kb.add_article("kb-nl-0002", "nl", "Betaal", "Elke betaling wordt verwerkt.")
    assert "«betaling»" in empty_kb.search("betalingen ")[0]["snippet"]


def test_long_word_matches_dutch_compound_as_prefix(empty_kb: KnowledgeBase) -> None:
    empty_kb.add_article("kb-nl-0001", "nl", "Herstel", "Gebruik de wachtwoordherstel link.")
    empty_kb.add_article("kb-nl-0002", "nl", "Meter", "De gasmeter staat in de meterkast.")
    assert [h["id"] for h in empty_kb.search("wachtwoord ")] == ["kb-nl-0001"]
    # A short, finished word is matched exactly (else "gas" would match every gas* word) ...
    assert empty_kb.search("gas ") == []
    # ... but while it is still being typed it is a prefix.
    assert [h["id"] for h in empty_kb.search("gas")] == ["kb-nl-0002"]


def test_search_as_you_type_prefix_on_last_word(demo_kb: KnowledgeBase) -> None:
    assert demo_kb.search("wachtw")[0]["title"].lower().startswith("wachtwoord")
    assert demo_kb.search("forgot passw")[0]["id"] == "kb-en-0033"
    assert demo_kb.search("verh", lang="nl")[0]["title"].startswith("Verhuizen")


def test_snippet_marks_the_match(demo_kb: KnowledgeBase) -> None:
    hit = demo_kb.search("aardlekschakelaar", lang="nl")[0]
    assert hit["id"] == "kb-nl-0015"
    assert "«aardlekschakelaar»" in hit["snippet"]
    hit = demo_kb.search("salderen", lang="en")[0]
    assert "«salderen»" in hit["snippet"]


# ----------------------------------------------------------------- language filter


def test_lang_filter_keeps_one_language(demo_kb: KnowledgeBase) -> None:
    both = demo_kb.search("modem", limit=50)
    assert {h["lang"] for h in both} == {"en", "nl"}
    for lang in ("en", "nl"):
        hits = demo_kb.search("modem", limit=50, lang=lang)
        assert hits and {h["lang"] for h in hits} == {lang}


def test_unknown_lang_is_a_clear_error(demo_kb: KnowledgeBase) -> None:
    with pytest.raises(KBError) as err:
        demo_kb.search("modem", lang="de")
    assert err.value.code == "bad_args"


# ----------------------------------------------------------------- user text is never FTS5 syntax


@pytest.mark.parametrize(
    "query",
    [
        '"modem" OR',
        "wacht*",
        "NEAR(",
        "NEAR(modem wifi, 2)",
        "AND",
        "OR",
        "NOT",
        '"',
        "'",
        "(",
        ")",
        "modem)",
        "title:modem",
        "{title}: modem",
        "-modem",
        "^modem",
        "modem +",
        "a OR",
        "***",
        ":",
        "",
        "   ",
        "🙂 modem",
        "modem\x00",
        "x" * 600,
        "body: wachtwoord AND",
        "rowid=1; DROP TABLE kb_fts",
    ],
)
def test_fts_syntax_in_query_never_raises(demo_kb: KnowledgeBase, query: str) -> None:
    hits = demo_kb.search(query)
    assert isinstance(hits, list)


def test_operators_are_searched_as_words(demo_kb: KnowledgeBase) -> None:
    hits = demo_kb.search('"modem" OR')
    # each hit has the word in its title, its snippet or its tags (a tag match has no snippet mark)
    tags = {h["id"]: " ".join(demo_kb.get(h["id"])["tags"]) for h in hits}
    assert hits and all("modem" in (h["title"] + h["snippet"] + tags[h["id"]]).lower() for h in hits)
    assert demo_kb.search("wacht*")[0]["title"].lower().startswith("wachtwoord")
    assert demo_kb.search("") == []


def test_unmatched_words_fall_back_to_any_word(demo_kb: KnowledgeBase) -> None:
    # "xylofoon" is in no article: all-words fails, so any-word ranking answers.
    hits = demo_kb.search("xylofoon modem")
    assert hits and "modem" in (hits[0]["title"] + hits[0]["snippet"]).lower()
