"""Knowledge base of the reference center: SQLite FTS5 search in Dutch and English.

Storage
-------
``kb_articles`` holds the articles (the truth); ``kb_fts`` is an FTS5 index over them with
``kb_articles`` as its *external content* (the text is stored once; ``INSERT INTO kb_fts(kb_fts)
VALUES('rebuild')`` rebuilds the index from the table).  The index has, per article, the raw
``title``/``body``/``tags`` (tags as their JSON text; tokenised by
``unicode61 remove_diacritics 2``, so "Wachtwoord vergeten?" yields the token ``wachtwoord`` and
"é" matches "e") and two *shadow* columns ``title_stem``/``body_stem`` holding the same words
reduced by the Snowball stemmer of the article's language.  A query term is looked up both as typed
(in the raw columns) and stemmed (in the shadow columns), so "invoices" finds "invoice" and
"facturen" finds "factuur".

Dutch stems additionally have doubled vowels written single ("zonnepaneel" and "zonnepanelen"
both become ``zonnepanel``), which Snowball alone does not do.

Matching: every (non-stop)word must match, as typed or by stem; a word of 5+ letters also matches
as a prefix, so "wachtwoord" finds the compound "wachtwoordherstel"; the last word, while still
being typed (no space after it yet), matches as a prefix at any length of 2+ letters.  When no
article has all words, any word may match.

Ranking is FTS5's bm25 with per-column weights: a title hit counts far more than a body mention,
and a stem-only hit counts less than the word as typed.

Queries never reach FTS5 as syntax: the user's text is cut into words and every word is quoted, so
``"modem" OR`` or ``wacht*`` or ``NEAR(`` are searched as plain words and cannot raise.

Snippets are FTS5's snippet() of the body with the match between « and »; when the body matched
only through a stem (which FTS5 cannot mark), the snippet is cut and marked in Python.
``did_you_mean`` proposes a spelling for unknown words from the FTS5 vocabulary.

The class takes a connection and never commits a caller's transaction: writes run in a SAVEPOINT,
which works whether the connection is in autocommit mode or Python's default transaction mode.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import snowballstemmer

__all__ = ["LANGS", "STOPWORDS", "KBError", "KnowledgeBase"]

LANGS = ("en", "nl")

# bm25 weights, in kb_fts column order: title, body, tags, title_stem, body_stem, lang.
# ``lang`` is an indexed column (the token "en" or "nl") so that the language filter is part of
# the MATCH expression: an UNINDEXED column would make SQLite read every matching row's stored
# text just to compare two letters.
# Why these: a word in the title is the strongest sign the article is *about* it; tags are
# curated keywords; the stem columns catch other word forms but rank below exact forms.
_BM25 = "bm25(10.0, 1.0, 4.0, 5.0, 0.5, 0.0)"  # as FTS5 "rank MATCH" wants it

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_articles (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    updated_at  REAL NOT NULL,
    reviewed_at REAL,
    title_stem  TEXT NOT NULL DEFAULT '',
    body_stem   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS kb_articles_reviewed ON kb_articles(reviewed_at);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
    title, body, tags, title_stem, body_stem, lang,
    content = 'kb_articles', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_vocab USING fts5vocab(kb_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS kb_vocab_col USING fts5vocab(kb_fts, 'col');
CREATE TABLE IF NOT EXISTS kb_proposals (
    n           INTEGER PRIMARY KEY AUTOINCREMENT,
    article     TEXT,
    user        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  REAL NOT NULL,
    reviewer    TEXT,
    comment     TEXT,
    reviewed_at REAL,
    result      TEXT
);
CREATE INDEX IF NOT EXISTS kb_proposals_status ON kb_proposals(status);
"""

# Words that carry no meaning for search.  Kept short and hand-picked (rather than a big list)
# so that domain words such as "bill", "move" or "stroom" are never dropped.
_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own please same she should so some such than thank thanks that the their theirs
    them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself hi hello dear
    regards im ive dont cant doesnt didnt isnt wont get got also still yet since want need know
    aan al alle alles als alstublieft alsjeblieft altijd ander andere ben bij dag dan dank dat
    de der deze die dit doch doen door du een eens en er ergens geen geweest graag had heb hebben
    heeft hem het hier hij hoe hun ik in is ja je jij jou jouw jullie kan kon kunnen maar me meer
    men met mij mijn moet moeten na naar niet niets nog nu of om omdat ons onze ook op over
    reeds te tegen toch toen tot u uw uit van veel voor vooral wat we wel werd wie wij wil
    willen word worden wordt zal ze zelf zich zij zijn zo zonder zou zouden groet groeten
    beste hallo hoi goedemiddag goedemorgen goedenavond bedankt vriendelijke mvg gr even
    """
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[^\W_]+")  # unicode61's notion of a token: runs of letters/digits
_LETTERS = re.compile(r"[^\W\d_]{2,}")  # for suggest(): words, not order numbers or postcodes

_STEMMERS = {"en": snowballstemmer.stemmer("english"), "nl": snowballstemmer.stemmer("dutch")}
_DOUBLE_VOWEL = re.compile(r"([aeou])\1")
_STEM_CACHE: dict[tuple[str, str], str] = {}
_STEM_CACHE_MAX = 200_000

_SNIPPET_TOKENS = 18  # words of context in a snippet
_MIN_PREFIX = 5  # a non-final word this long also matches as a prefix (Dutch compounds)
_MAX_TERMS = 12  # more words than this in one query are ignored (keeps queries bounded)
_MAX_LIMIT = 100


class KBError(ValueError):
    """A knowledge-base request that cannot be done; ``code`` is a protocol error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def normalize(word: str) -> str:
    """Lower-case and strip diacritics the way ``unicode61 remove_diacritics 2`` does."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The normalised tokens of ``text``, as FTS5 would see them."""
    return [normalize(w) for w in _WORD.findall(text)]


def stem(word: str, lang: str) -> str:
    """Snowball stem of an already normalised word (cached: vocabularies are small)."""
    key = (lang, word)
    cached = _STEM_CACHE.get(key)
    if cached is None:
        cached = _STEMMERS[lang].stemWord(word)
        if lang == "nl":
            # Snowball keeps the long vowel of some singulars but not of their plurals
            # ("zonnepaneel" vs "zonnepanelen" -> "zonnepanel"); writing every doubled vowel
            # single on both sides makes them meet.  Costs a little precision (maan/man) in the
            # low-weight stem columns only.
            cached = _DOUBLE_VOWEL.sub(r"\1", cached)
        if len(_STEM_CACHE) >= _STEM_CACHE_MAX:
            _STEM_CACHE.clear()
        _STEM_CACHE[key] = cached
    return cached


def stem_text(text: str, lang: str) -> str:
    """``text`` as a space-separated string of stems, for the shadow columns."""
    return " ".join(stem(w, lang) for w in words(text))


def _quote(term: str) -> str:
    # Terms come from _WORD so they hold no quote, but escape anyway: it is the FTS5 rule.
    return '"' + term.replace('"', '""') + '"'


def _load_tags(raw: str) -> list[str]:
    try:
        tags = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [str(t) for t in tags] if isinstance(tags, list) else []


class _Query:
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
        typing = bool(text) and bool(_WORD.search(text[-1:]))
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
            raw = _quote(t) + ("*" if as_prefix else "")
            stem_parts = []
            for s in sorted({stem(t, lang) for lang in langs}):
                if prefixes and (len(s) >= _MIN_PREFIX or (typing and t == last)):
                    self.stem_prefixes.add(s)
                    stem_parts.append(_quote(s) + "*")
                else:
                    self.stems.add(s)
                    stem_parts.append(_quote(s))
            stems_expr = " OR ".join(stem_parts)
            self.groups.append(
                f"({{title body tags}} : {raw} OR {{title_stem body_stem}} : ({stems_expr}))"
            )

    def match(self, op: str = "AND") -> str:
        return f" {op} ".join(self.groups)

    def hits_word(self, word: str, lang: str) -> bool:
        """Whether a normalised body word is one the query matched (for marking snippets)."""
        if word in self.exact or any(word.startswith(p) for p in self.prefixes):
            return True
        s = stem(word, lang) if lang in _STEMMERS else word
        return s in self.stems or any(s.startswith(p) for p in self.stem_prefixes)


def _mark_snippet(body: str, query: _Query, lang: str) -> str:
    """A snippet of ``body`` around the first word the query matched, matches between « and ».

    Used when FTS5's own snippet() has nothing to mark, i.e. the body matched only through a stem
    ("facturen" → "factuur"); FTS5 cannot mark those because they sit in the shadow column.
    """
    spans = [(m.start(), m.end(), normalize(m.group())) for m in _WORD.finditer(body)]
    hit_idx = [i for i, (_, _, w) in enumerate(spans) if query.hits_word(w, lang)]
    if not spans:
        return ""
    first = hit_idx[0] if hit_idx else 0
    hit_set = set(hit_idx)
    lo = max(0, first - 5)
    hi = min(len(spans), lo + _SNIPPET_TOKENS)
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


class KnowledgeBase:
    """Articles, search, suggestions, proposals and review dates, on one SQLite connection.

    Times are epoch seconds (floats), like every time in the wire protocol.  ``clock`` is
    injectable so tests can age articles without sleeping.
    """

    def __init__(self, conn: sqlite3.Connection, *, clock: Callable[[], float] = time.time) -> None:
        self.conn = conn
        self.clock = clock

    # ---------------------------------------------------------------- schema and writes

    @staticmethod
    def create_schema(conn: sqlite3.Connection) -> None:
        """Create the KB tables if they are missing (safe to call on every start)."""
        with _savepoint(conn):
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    conn.execute(stmt)

    def add_article(
        self,
        id: str,
        lang: str,
        title: str,
        body: str,
        tags: Iterable[str] | str = (),
        *,
        updated_at: float | None = None,
        reviewed_at: float | None = None,
    ) -> dict[str, Any]:
        """Insert or replace one article (by ``id``) and index it; returns the stored article."""
        self.add_articles(
            [
                {
                    "id": id,
                    "lang": lang,
                    "title": title,
                    "body": body,
                    "tags": tags,
                    "updated_at": updated_at,
                    "reviewed_at": reviewed_at,
                }
            ]
        )
        article = self.get(id)
        assert article is not None
        return article

    def add_articles(self, articles: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace many articles in one transaction; returns how many.

        Each mapping has ``id, lang, title, body`` and optionally ``tags, updated_at,
        reviewed_at`` (``updated_at`` defaults to now; ``reviewed_at`` to ``updated_at``).
        """
        now = self.clock()
        count = 0
        with _savepoint(self.conn):
            for a in articles:
                art_id = str(a.get("id") or "").strip()
                lang = a.get("lang")
                title = str(a.get("title") or "").strip()
                body = str(a.get("body") or "").strip()
                if not art_id:
                    raise KBError("bad_args", "article id is empty")
                if lang not in LANGS:
                    raise KBError(
                        "bad_args", f"article {art_id}: lang must be one of {LANGS}, not {lang!r}"
                    )
                if not title or not body:
                    raise KBError("bad_args", f"article {art_id}: title and body must not be empty")
                tags = _clean_tags(a.get("tags"))
                updated = float(a["updated_at"]) if a.get("updated_at") is not None else now
                reviewed = float(a["reviewed_at"]) if a.get("reviewed_at") is not None else updated
                self._write_article(art_id, lang, title, body, tags, updated, reviewed)
                count += 1
        return count

    def _write_article(
        self,
        art_id: str,
        lang: str,
        title: str,
        body: str,
        tags: list[str],
        updated: float,
        reviewed: float,
    ) -> None:
        row = self.conn.execute(
            "SELECT n, title, body, tags, title_stem, body_stem, lang FROM kb_articles WHERE id = ?",
            (art_id,),
        ).fetchone()
        values = (
            title,
            body,
            json.dumps(tags, ensure_ascii=False),
            stem_text(title, lang),
            stem_text(body, lang),
            lang,
        )
        if row is None:
            cur = self.conn.execute(
                "INSERT INTO kb_articles (title, body, tags, title_stem, body_stem, lang, id,"
                " updated_at, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, art_id, updated, reviewed),
            )
            n = cur.lastrowid
        else:
            n = row[0]
            # An external-content index forgets a row only when told the exact values it indexed,
            # so read them back before they are overwritten (same transaction).
            self.conn.execute(
                "INSERT INTO kb_fts (kb_fts, rowid, title, body, tags, title_stem, body_stem, lang)"
                " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
                tuple(row),
            )
            self.conn.execute(
                "UPDATE kb_articles SET title=?, body=?, tags=?, title_stem=?, body_stem=?, lang=?,"
                " updated_at=?, reviewed_at=? WHERE n=?",
                (*values, updated, reviewed, n),
            )
        self.conn.execute(
            "INSERT INTO kb_fts (rowid, title, body, tags, title_stem, body_stem, lang)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (n, *values),
        )

    # ---------------------------------------------------------------- reads

    def get(self, id: str) -> dict[str, Any] | None:
        """The article ``{id, lang, title, body, tags, updated_at, reviewed_at}``, or None."""
        row = self.conn.execute(
            "SELECT id, lang, title, body, tags, updated_at, reviewed_at"
            " FROM kb_articles WHERE id = ?",
            (id,),
        ).fetchone()
        if row is None:
            return None
        return {
            "id": row[0],
            "lang": row[1],
            "title": row[2],
            "body": row[3],
            "tags": _load_tags(row[4]),
            "updated_at": row[5],
            "reviewed_at": row[6],
        }

    def count(self, lang: str | None = None) -> int:
        """Number of articles (in one language if given)."""
        if lang is None:
            return int(self.conn.execute("SELECT count(*) FROM kb_articles").fetchone()[0])
        return int(
            self.conn.execute(
                "SELECT count(*) FROM kb_articles WHERE lang = ?", (lang,)
            ).fetchone()[0]
        )

    def search(self, query: str, limit: int = 10, lang: str | None = None) -> list[dict[str, Any]]:
        """Best articles for ``query``, best first.

        Each hit is ``{id, lang, title, snippet, score, reviewed_at}``.

        All (non-stop)words must match (as typed, as a prefix when long or still being typed, or
        by stem); if nothing matches that way, any word may match.  ``score`` is the bm25
        relevance, higher is better.  Never raises on the query's syntax; an empty query gives [].
        """
        if lang is not None and lang not in LANGS:
            raise KBError("bad_args", f"lang must be one of {LANGS}, not {lang!r}")
        q = _Query(query, (lang,) if lang else LANGS)
        if not q.groups:
            return []
        limit = max(1, min(int(limit), _MAX_LIMIT))
        hits = self._run(q, "AND", limit, lang)
        if not hits and len(q.groups) > 1:
            hits = self._run(q, "OR", limit, lang)
        return hits

    def _run(self, q: _Query, op: str, limit: int, lang: str | None) -> list[dict[str, Any]]:
        expr = q.match(op)
        if lang:
            expr = f"{{lang}} : {_quote(lang)} AND ({expr})"
        try:
            # "ORDER BY rank LIMIT n" with the ranking given as "rank MATCH" lets FTS5 sort inside
            # the index and hand SQLite only the top n rows, so snippet() runs n times, not once
            # per matching row (figures in docs/benchmarks.md, "KB search latency").  The article
            # rows are then n primary-key lookups.
            ranked = self.conn.execute(
                f"SELECT rowid, rank, snippet(kb_fts, 1, '«', '»', '…', {_SNIPPET_TOKENS})"
                " FROM kb_fts"
                f" WHERE kb_fts MATCH ? AND rank MATCH '{_BM25}' ORDER BY rank LIMIT ?",
                (expr, limit),
            ).fetchall()
            hits = []
            for n, rank, snippet in ranked:
                art = self.conn.execute(
                    "SELECT id, lang, title, body, reviewed_at FROM kb_articles WHERE n = ?", (n,)
                ).fetchone()
                if art is None:
                    continue  # index row without article: only after tampering with the file
                if "«" not in (snippet or ""):
                    snippet = _mark_snippet(art[3], q, art[1])
                hits.append(
                    {
                        "id": art[0],
                        "lang": art[1],
                        "title": art[2],
                        "snippet": snippet,
                        "score": float(f"{-rank:.6g}"),
                        "reviewed_at": art[4],
                    }
                )
        except sqlite3.OperationalError as exc:
            # Cannot come from user syntax (every word is quoted); a damaged index can.
            raise KBError("internal", f"knowledge base search failed: {exc}") from exc
        return hits

    def suggest(self, text: str, limit: int = 5, lang: str | None = None) -> list[dict[str, Any]]:
        """Articles for a customer's message: its salient words, searched with OR.

        Salient = not a stopword, known to the knowledge base, and rare in it (high IDF): a
        customer writes "Hi, my internet has been down since this morning, the modem blinks red",
        and "modem", "blinks", "internet" decide, not "morning".
        """
        candidates: list[str] = []
        for w in _LETTERS.findall(text or ""):
            n = normalize(w)
            if n not in STOPWORDS and len(n) >= 3 and n not in candidates:
                candidates.append(n)
        if not candidates:
            return []
        total = max(1, self.count())
        scored: list[tuple[float, int, str]] = []
        for pos, term in enumerate(candidates[:64]):
            df = self._doc_freq(term)
            if df == 0 or df > total * 0.6:
                continue  # unknown to the KB (a name, a typo) or too common to tell articles apart
            scored.append((df / total, pos, term))
        if not scored:
            return []
        scored.sort()
        chosen = [t for _, _, t in sorted(scored[:6], key=lambda x: x[1])]
        # Whole words from a finished message: no prefix matching (it would only add noise and
        # cost; the stems already bring in the other word forms).
        q = _Query(" ".join(chosen), (lang,) if lang else LANGS, prefixes=False)
        return self._run(q, "OR", max(1, min(int(limit), _MAX_LIMIT)), lang)

    def _doc_freq(self, term: str) -> int:
        """About how many articles hold ``term`` or its stem (from the FTS5 vocabulary, no scan)."""
        keys = sorted({term} | {stem(term, lang) for lang in LANGS})
        marks = ",".join("?" * len(keys))
        row = self.conn.execute(
            f"SELECT max(doc) FROM kb_vocab WHERE term IN ({marks})", keys
        ).fetchone()
        return int(row[0] or 0)

    def did_you_mean(self, query: str) -> str | None:
        """A corrected query when a word in ``query`` is unknown but close to a known word.

        "wachtwoort vergeten" -> "wachtwoord vergeten"; None when every word is known (or is the
        start of a known word) or nothing close enough exists.  Only words from titles and
        bodies are offered, never stems.
        """
        changed = False
        out: list[str] = []
        for raw in _WORD.findall(query or ""):
            term = normalize(raw)
            fixed = self._closest(term) if len(term) >= 4 and term not in STOPWORDS else None
            if fixed and fixed != term:
                changed = True
                out.append(fixed)
            else:
                out.append(raw)
        return " ".join(out) if changed else None

    def _closest(self, term: str) -> str | None:
        known = self.conn.execute(
            "SELECT 1 FROM kb_vocab_col WHERE term >= ? AND term < ? AND col IN ('title', 'body')"
            " LIMIT 1",
            (term, term + "\U0010ffff"),
        ).fetchone()
        if known:
            return None  # the word, or a word it starts
        # Typos rarely hit the first two letters; that keeps the candidate list short.
        head = term[:2]
        rows = self.conn.execute(
            "SELECT term, sum(doc) FROM kb_vocab_col WHERE term >= ? AND term < ?"
            " AND col IN ('title', 'body') AND length(term) BETWEEN ? AND ? GROUP BY term",
            (head, head + "\U0010ffff", len(term) - 2, len(term) + 2),
        ).fetchall()
        best: tuple[float, int, str] | None = None
        for cand, docs in rows:
            ratio = difflib.SequenceMatcher(None, term, cand).ratio()
            if ratio >= 0.8 and (best is None or (ratio, docs) > best[:2]):
                best = (ratio, int(docs), cand)
        return best[2] if best else None

    def stale(self, days: float, now: float | None = None) -> list[dict[str, Any]]:
        """Articles not reviewed for more than ``days``, the longest unreviewed first.

        Each is ``{id, lang, title, reviewed_at, days_since_review}``.
        """
        now = self.clock() if now is None else now
        cutoff = now - float(days) * 86400.0
        rows = self.conn.execute(
            "SELECT id, lang, title, reviewed_at FROM kb_articles"
            " WHERE reviewed_at IS NULL OR reviewed_at < ? ORDER BY reviewed_at, id",
            (cutoff,),
        ).fetchall()
        return [
            {
                "id": r[0],
                "lang": r[1],
                "title": r[2],
                "reviewed_at": r[3],
                "days_since_review": None if r[3] is None else int((now - r[3]) // 86400),
            }
            for r in rows
        ]

    # ---------------------------------------------------------------- proposals and review

    def propose(
        self,
        user: str,
        article_id: str | None,
        title: str,
        body: str,
        lang: str,
        tags: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Record an agent's proposal of a new article (``article_id`` None) or a change.

        Returns the proposal (status "pending").  A change keeps the article's tags unless
        ``tags`` is given.  Raises KBError(not_found) for an unknown article, bad_args for
        empty fields or an unknown language.
        """
        title = (title or "").strip()
        body = (body or "").strip()
        if lang not in LANGS:
            raise KBError("bad_args", f"lang must be one of {LANGS}, not {lang!r}")
        if not title or not body:
            raise KBError("bad_args", "a proposal needs a title and a body")
        if article_id:
            current = self.get(article_id)
            if current is None:
                raise KBError("not_found", f"no article {article_id}")
            if tags is None:
                tags = current["tags"]
        tag_list = _clean_tags(tags)
        with _savepoint(self.conn):
            cur = self.conn.execute(
                "INSERT INTO kb_proposals (article, user, lang, title, body, tags, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id or None,
                    user,
                    lang,
                    title,
                    body,
                    json.dumps(tag_list, ensure_ascii=False),
                    self.clock(),
                ),
            )
            n = cur.lastrowid
        assert n is not None  # an INSERT into a rowid table always sets it
        proposal = self._proposal(n)
        assert proposal is not None
        return proposal

    def proposals(self, status: str | None = "pending") -> list[dict[str, Any]]:
        """Proposals with ``status`` (pending/approved/rejected; None for all), oldest first."""
        if status is None:
            rows = self.conn.execute("SELECT n FROM kb_proposals ORDER BY n").fetchall()
        else:
            rows = self.conn.execute(
                "SELECT n FROM kb_proposals WHERE status = ? ORDER BY n", (status,)
            ).fetchall()
        return [p for p in (self._proposal(r[0]) for r in rows) if p is not None]

    def get_proposal(self, proposal_id: str) -> dict[str, Any] | None:
        """One proposal by id (``kbp-000001``), or None."""
        n = _proposal_n(proposal_id)
        return None if n is None else self._proposal(n)

    def review(
        self, proposal_id: str, reviewer: str, approve: bool, comment: str | None = None
    ) -> dict[str, Any] | None:
        """A supervisor's decision: ``{proposal, article}`` (article None when rejected).

        Approving writes the article (a new id ``kb-<lang>-NNNN`` for a new one) with
        ``updated_at`` and ``reviewed_at`` set to now.  None for an unknown proposal;
        KBError(conflict) for one that was already reviewed.
        """
        n = _proposal_n(proposal_id)
        if n is None:
            return None
        proposal = self._proposal(n)
        if proposal is None:
            return None
        if proposal["status"] != "pending":
            raise KBError("conflict", f"proposal {proposal['id']} was already {proposal['status']}")
        now = self.clock()
        article: dict[str, Any] | None = None
        with _savepoint(self.conn):
            art_id: str | None = None
            if approve:
                art_id = proposal["article"] or self._next_id(proposal["lang"])
                self._write_article(
                    art_id,
                    proposal["lang"],
                    proposal["title"],
                    proposal["body"],
                    proposal["tags"],
                    now,
                    now,
                )
            self.conn.execute(
                "UPDATE kb_proposals SET status=?, reviewer=?, comment=?, reviewed_at=?, result=?"
                " WHERE n=?",
                ("approved" if approve else "rejected", reviewer, comment or None, now, art_id, n),
            )
        if approve and art_id:
            article = self.get(art_id)
        return {"proposal": self._proposal(n), "article": article}

    def mark_reviewed(self, article_id: str, when: float | None = None) -> bool:
        """Record that a supervisor checked an article and found it still right."""
        with _savepoint(self.conn):
            cur = self.conn.execute(
                "UPDATE kb_articles SET reviewed_at = ? WHERE id = ?",
                (self.clock() if when is None else when, article_id),
            )
        return cur.rowcount > 0

    def _next_id(self, lang: str) -> str:
        rows = self.conn.execute(
            "SELECT id FROM kb_articles WHERE id LIKE ?", (f"kb-{lang}-%",)
        ).fetchall()
        highest = 0
        for (art_id,) in rows:
            tail = art_id.rsplit("-", 1)[-1]
            if tail.isdigit():
                highest = max(highest, int(tail))
        return f"kb-{lang}-{highest + 1:04d}"

    def _proposal(self, n: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT n, article, user, lang, title, body, tags, status, created_at, reviewer,"
            " comment,"
            " reviewed_at, result FROM kb_proposals WHERE n = ?",
            (n,),
        ).fetchone()
        if row is None:
            return None
        return {
            "id": f"kbp-{row[0]:06d}",
            "article": row[1],
            "user": row[2],
            "lang": row[3],
            "title": row[4],
            "body": row[5],
            "tags": _load_tags(row[6]),
            "status": row[7],
            "created_at": row[8],
            "reviewer": row[9],
            "comment": row[10],
            "reviewed_at": row[11],
            "result_article": row[12],
        }


def _clean_tags(tags: Any) -> list[str]:
    """Tags as a list of non-empty strings; a string is read as comma-separated tags."""
    if not tags:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    return [str(t).strip() for t in tags if str(t).strip()]


def _proposal_n(proposal_id: Any) -> int | None:
    text = str(proposal_id).strip()
    text = text.removeprefix("kbp-")
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A transaction that nests inside the caller's (if any) and commits on its own otherwise."""
    conn.execute("SAVEPOINT kb_write")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO kb_write")
        conn.execute("RELEASE kb_write")
        raise
    conn.execute("RELEASE kb_write")
