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
        self._prefix_tuple = tuple(self.prefixes)  # str.startswith takes a tuple: one C call
        self._stem_prefix_tuple = tuple(self.stem_prefixes)

    def match(self, op: str = "AND", lang: str | None = None) -> str:
        """The FTS5 MATCH expression: the word groups joined by ``op``, in one language if given."""
        expr = f" {op} ".join(self.groups)
        return f"{{lang}} : {quote(lang)} AND ({expr})" if lang else expr

    def hits_word(self, word: str, lang: str) -> bool:
        """Whether a normalised body word is one the query matched (for marking snippets)."""
        if word in self.exact or word.startswith(self._prefix_tuple):
            return True
        s = stem(word, lang) if has_stemmer(lang) else word
        return s in self.stems or s.startswith(self._stem_prefix_tuple)


def mark_snippet(body: str, query: SearchQuery, lang: str) -> str:
    """A snippet of ``body`` around the first word the query matched, matches between « and ».

    Words are matched as the search matched them: as typed, as a prefix, or by stem ("facturen"
    marks "factuur"), so a hit found only through a stem is marked too.
    """
    spans = [(m.start(), m.end()) for m in WORD.finditer(body)]
    if not spans:
        return ""
    memo: dict[str, bool] = {}  # bodies repeat their words: decide each distinct token once

    def hit(i: int) -> bool:
        token = body[spans[i][0] : spans[i][1]]
        found = memo.get(token)
        if found is None:
            found = memo[token] = query.hits_word(normalize(token), lang)
        return found

    # Only the words up to the first hit and the window after it are looked at: bodies are long.
    first = next((i for i in range(len(spans)) if hit(i)), 0)
    lo = max(0, first - 5)
    hi = min(len(spans), lo + SNIPPET_TOKENS)
    hit_set = {i for i in range(lo, hi) if hit(i)}
    start = spans[lo][0] if lo > 0 else 0
    end = spans[hi - 1][1] if hi < len(spans) else len(body)
    out: list[str] = ["…" if lo > 0 else ""]
    pos = start
    for i in range(lo, hi):
        s, e = spans[i]
        if i in hit_set:
            out.append(body[pos:s] + "«" + body[s:e] + "»")
            pos = e
    out.append(body[pos:end])
    if hi < len(spans):
        out.append("…")
    return "".join(out).replace("\n", " ")
