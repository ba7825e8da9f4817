"""A user's search text turned into an FTS5 query, and snippets marked where FTS5 cannot.

Matching: every (non-stop)word must match, as typed or by stem; a word of 5+ letters also matches
as a prefix, so "wachtwoord" finds the compound "wachtwoordherstel"; the last word, while still
being typed (no space after it yet), matches as a prefix at any length of 2+ letters.  A word is
looked up both as typed (in the raw columns) and stemmed (in the shadow columns), so "invoices"
finds "invoice" and "facturen" finds "factuur".

Queries never reach FTS5 as syntax: the user's text is cut into words and every word is quoted, so
``"modem" OR`` or ``wacht*`` or ``NEAR(`` are searched as plain words and cannot raise.
"""

from __future__ import annotations

from agent_tui.center.kb.text import STOPWORDS, WORD, has_stemmer, normalize, stem, words

SNIPPET_TOKENS = 18  # words of context in a snippet
_MIN_PREFIX = 5  # a non-final word this long also matches as a prefix (Dutch compounds)
_MAX_TERMS = 12  # more words than this in one query are ignored (keeps queries bounded)


def quote(term: str) -> str:
    """``term`` as an FTS5 string, so it is searched as a word and never read as syntax."""
    # Terms come from WORD so they hold no quote, but escape anyway: it is the FTS5 rule.
    return '"' + term.replace('"', '""') + '"'


class SearchQuery:
    """A user's query turned into FTS5 syntax plus what the snippet fallback needs to mark."""

    def __init__(
        self,
        text: str,
        langs: tuple[str, ...],
        *,
        drop_stopwords: bool = True,
        prefixes: bool = True,
    ) -> None:
        terms = words(text or "")
        # The last word is still being typed unless the text ends in a separator.
        typing = bool(text) and bool(WORD.search(text[-1:]))
        content = [t for t in terms if t not in STOPWORDS] if drop_stopwords else terms
        if not content:
            # A query of only stopwords ("how do I") still searches for what was typed.
            content = terms
        # de-duplicate, keep order, bound the size
        seen: set[str] = set()
        self.terms: list[str] = []
        for t in content:
            if t not in seen:
                seen.add(t)
                self.terms.append(t)
        self.terms = self.terms[:_MAX_TERMS]
        # Only a word of 2+ letters is completed as a prefix: "a"* would walk half the index.
        last = terms[-1] if terms and len(terms[-1]) >= 2 else None
        self.langs = langs
        self.groups: list[str] = []
        self.prefixes: set[str] = set()  # raw words matched as prefix
        self.exact: set[str] = set()
        self.stems: set[str] = set()  # stems matched exactly
        self.stem_prefixes: set[str] = set()
        for t in self.terms:
            as_prefix = prefixes and (len(t) >= _MIN_PREFIX or (typing and t == last))
            (self.prefixes if as_prefix else self.exact).add(t)
            raw = quote(t) + ("*" if as_prefix else "")
            stem_parts = []
            for s in sorted({stem(t, lang) for lang in langs}):
                if prefixes and (len(s) >= _MIN_PREFIX or (typing and t == last)):
                    self.stem_prefixes.add(s)
                    stem_parts.append(quote(s) + "*")
                else:
                    self.stems.add(s)
                    stem_parts.append(quote(s))
            stems_expr = " OR ".join(stem_parts)
            self.groups.append(
                f"({{title body tags}} : {raw} OR {{title_stem body_stem}} : ({stems_expr}))"
            )

    def match(self, op: str = "AND", lang: str | None = None) -> str:
        """The FTS5 MATCH expression: the word groups joined by ``op``, in one language if given."""
        expr = f" {op} ".join(self.groups)
        return f"{{lang}} : {quote(lang)} AND ({expr})" if lang else expr

    def hits_word(self, word: str, lang: str) -> bool:
        """Whether a normalised body word is one the query matched (for marking snippets)."""
        if word in self.exact or any(word.startswith(p) for p in self.prefixes):
            return True
        s = stem(word, lang) if has_stemmer(lang) else word
        return s in self.stems or any(s.startswith(p) for p in self.stem_prefixes)


def mark_snippet(body: str, query: SearchQuery, lang: str) -> str:
    """A snippet of ``body`` around the first word the query matched, matches between « and ».

    Used when FTS5's own snippet() has nothing to mark, i.e. the body matched only through a stem
    ("facturen" → "factuur"); FTS5 cannot mark those because they sit in the shadow column.
    """
    spans = [(m.start(), m.end(), normalize(m.group())) for m in WORD.finditer(body)]
    hit_idx = [i for i, (_, _, w) in enumerate(spans) if query.hits_word(w, lang)]
    if not spans:
        return ""
    first = hit_idx[0] if hit_idx else 0
    hit_set = set(hit_idx)
    lo = max(0, first - 5)
    hi = min(len(spans), lo + SNIPPET_TOKENS)
    start = spans[lo][0] if lo > 0 else 0
    end = spans[hi - 1][1] if hi < len(spans) else len(body)
    out: list[str] = ["…" if lo > 0 else ""]
    pos = start
    for i in range(lo, hi):
        s, e, _ = spans[i]
        if i in hit_set:
            out.append(body[pos:s] + "«" + body[s:e] + "»")
            pos = e
    out.append(body[pos:end])
    if hi < len(spans):
        out.append("…")
    return "".join(out).replace("\n", " ")
