"""The ranked search index of the knowledge base: Tantivy, fed from the SQLite article table.

SQLite (:mod:`agent_tui.center.store.kb`) holds the articles and stays the truth; this index is
derived from it and can always be rebuilt from it.  It exists because ranking is where FTS5 was
slow: bm25 in FTS5 scores *every* matching row before ``ORDER BY rank LIMIT 10`` cuts, so a common
word in 40 % of 100,000 articles cost 80–170 ms; Tantivy keeps block-wise score bounds and skips
blocks that cannot reach the top 10 (p95 under 10 ms on the same articles — the comparison is in
``bench/kb_search.py --engines`` and docs/benchmarks.md).

Text analysis is done in Python before anything reaches Tantivy (:mod:`agent_tui.center.kb.text`):
every field is a space-separated string of normalised words or stems and is split on whitespace
only, so the index sees exactly the words a query is cut into, in both languages.

Weights per field are those FTS5 had: a title word counts most, tags next, the stemmed forms
below the words as typed.  A prefix ("wacht" while typing, "wachtwoord" for its compounds) is
expanded to the most frequent words that start with it, each scored by BM25.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tantivy

from agent_tui.center.kb.query import SearchQuery
from agent_tui.center.kb.text import stem, words

# Field weights (boosts): title, body, tags as typed; title and body stemmed.
WEIGHTS = {"title": 10.0, "body": 1.0, "tags": 4.0, "title_stem": 5.0, "body_stem": 0.5}
_RAW = ("title", "body", "tags")
_STEMMED = ("title_stem", "body_stem")
MAX_EXPANSION = 32  # words one prefix stands for (the most frequent first)


def _schema() -> Any:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("n", stored=True, indexed=True, fast=True)
    sb.add_text_field("lang", tokenizer_name="raw")
    for name in (*_RAW, *_STEMMED):
        sb.add_text_field(name, tokenizer_name="whitespace")
    return sb.build()


class SearchIndex:
    """A Tantivy index in memory of ``(n, lang, title, body, tags, title_stem, body_stem)`` rows.

    ``n`` is the article's row number in SQLite.  Not thread-safe by itself: the caller (one
    :class:`~agent_tui.center.kb.service.KnowledgeBase` per connection) serialises use.
    """

    def __init__(self) -> None:
        self.schema = _schema()
        self.index = tantivy.Index(self.schema)
        self._writer: Any = None
        self.searcher = self.index.searcher()

    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def put(self, rows: Iterable[tuple[int, str, str, str, str, str, str]]) -> int:
        """Add or replace rows ``(n, lang, title, body, tags_json, title_stem, body_stem)``;
        call :meth:`commit` to make them searchable.  Returns how many."""
        w = self._w()
        count = 0
        for n, lang, title, body, tags, title_stem, body_stem in rows:
            w.delete_documents_by_term("n", n)
            w.add_document(
                tantivy.Document(
                    n=n,
                    lang=lang,
                    title=" ".join(words(title)),
                    body=" ".join(words(body)),
                    tags=" ".join(words(tags)),
                    title_stem=title_stem,
                    body_stem=body_stem,
                )
            )
            count += 1
        return count

    def drop(self, ns: Iterable[int]) -> None:
        """Remove the rows with these numbers (call :meth:`commit` after)."""
        w = self._w()
        for n in ns:
            w.delete_documents_by_term("n", n)

    def clear(self) -> None:
        self._w().delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self.index.reload()
            self.searcher = self.index.searcher()

    def count(self) -> int:
        return int(self.searcher.num_docs)

    def doc_freq(self, words: Iterable[str], stems: Iterable[str]) -> int:
        """About how many rows hold any of ``words`` (as typed) or ``stems``: the most of any one
        field (read from the term dictionary, no scan)."""
        found = [self.searcher.doc_freq(f, w) for w in words for f in _RAW]
        found += [self.searcher.doc_freq(f, s) for s in stems for f in _STEMMED]
        return max(found, default=0)

    # ------------------------------------------------------------------ queries

    def _expand(self, fields: tuple[str, ...], prefix: str) -> list[str]:
        """The most frequent indexed words in ``fields`` that start with ``prefix``."""
        found: dict[str, int] = {}
        for f in fields:
            for term, docs in self.searcher.terms_with_prefix(f, prefix, limit=MAX_EXPANSION):
                found[term] = found.get(term, 0) + int(docs)
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_EXPANSION]
        return [t for t, _ in best]

    def _word(self, fields: tuple[str, ...], word: str, expansions: list[str]) -> Any:
        """One word in ``fields``: the best of its expansions (a prefix stands for several words),
        a word that only starts with what was typed counting half (so "house" ranks "house" above
        a rarer "household", as one FTS5 prefix phrase did)."""
        options = []
        for term in expansions or [word]:
            per_field = [
                (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, f, term), WEIGHTS[f]))
                for f in fields
            ]
            q = tantivy.Query.boolean_query(per_field)
            options.append(q if term == word else tantivy.Query.boost_query(q, 0.5))
        return options[0] if len(options) == 1 else tantivy.Query.disjunction_max_query(options, 0.1)

    def query(self, q: SearchQuery, op: str, lang: str | None) -> Any:
        """The Tantivy query for ``q``: per word (as typed, or by stem) one group; groups
        joined by ``op`` ("AND" or "OR"), in one language if given."""
        groups = []
        for t in q.terms:
            parts = [self._word(_RAW, t, self._expand(_RAW, t) if t in q.prefixes else [t])]
            for s in sorted({stem(t, lang) for lang in q.langs}):
                stems = self._expand(_STEMMED, s) if s in q.stem_prefixes else [s]
                parts.append(self._word(_STEMMED, s, stems))
            groups.append(tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts]))
        occur = tantivy.Occur.Must if op == "AND" else tantivy.Occur.Should
        top = [(occur, g) for g in groups]
        if lang:
            top.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "lang", lang)))
        return tantivy.Query.boolean_query(top)

    def search(self, q: SearchQuery, op: str, lang: str | None, limit: int) -> list[tuple[int, float]]:
        """``(n, score)`` of the best ``limit`` rows, best first (score: BM25, higher is better)."""
        if not q.terms:
            return []
        result = self.searcher.search(self.query(q, op, lang), limit)
        return [(int(self.searcher.doc(addr)["n"][0]), float(score)) for score, addr in result.hits]
