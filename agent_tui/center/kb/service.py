"""The knowledge-base service: articles, search, suggestions, spelling, proposals, review dates.

Ranking is BM25 with per-field weights on a Tantivy index derived from the article table (see
:mod:`agent_tui.center.kb.index`): a title hit counts far more than a body mention, and a stem-only
hit counts less than the word as typed.  When no article has all words of a query, any word may
match.  The index is kept per connection and follows the table: an article written through this
class is re-read into it before the next search (again after the transaction ends, so a rollback
is followed too); a commit by another connection that changed the articles rebuilds it.  The index
lives in memory (about 45 MB and 40 s to build for 100,000 articles; the demo's 170 take 0.1 s).

Snippets are cut from the body around the first matched word, matches between « and ».
``did_you_mean`` proposes a spelling for unknown words from the FTS5 vocabulary.

The class takes a connection and never commits a caller's transaction: writes run in a SAVEPOINT,
which works whether the connection is in autocommit mode or Python's default transaction mode.
"""

from __future__ import annotations

import difflib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from agent_tui.center.kb.index import SearchIndex
from agent_tui.center.kb.query import SearchQuery, mark_snippet
from agent_tui.center.kb.text import LANGS, LETTER_WORD, STOPWORDS, WORD, normalize, stem, stem_text
from agent_tui.center.store import kb as kb_store

_MAX_LIMIT = 100


class _Synced:
    """The search index of one connection and what it still has to re-read from the table."""

    def __init__(self) -> None:
        self.index = SearchIndex()
        self.lock = threading.Lock()
        self.dirty: set[int] = set()  # article numbers written since the index last read them
        self.indexed: dict[int, int] = {}  # for those: hash of the row as the index has it
        self.version: int | None = None  # PRAGMA data_version when last checked
        self.signature: tuple[int, int, float] | None = None


class KBError(ValueError):
    """A knowledge-base request that cannot be done; ``code`` is a protocol error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class KnowledgeBase:
    """Articles, search, suggestions, proposals and review dates, on one SQLite connection.

    Times are epoch seconds (floats), like every time in the wire protocol.  ``clock`` is
    injectable so tests can age articles without sleeping.
    """

    def __init__(self, conn: sqlite3.Connection, *, clock: Callable[[], float] = time.time) -> None:
        self.conn = conn
        self.clock = clock
        # Built on the first search; one per instance, so use one instance per connection for
        # writes and searches (the hub does).  Writes by other connections are noticed.
        self._synced = _Synced()

    # ---------------------------------------------------------------- schema and writes

    @staticmethod
    def create_schema(conn: sqlite3.Connection) -> None:
        """Create the KB tables if they are missing (safe to call on every start)."""
        kb_store.create_schema(conn)

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
        with kb_store.savepoint(self.conn):
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
        # Marked before the write can fail or roll back: the index re-reads the row either way.
        n = kb_store.write_article(
            self.conn,
            art_id,
            lang,
            title,
            body,
            tags,
            stem_text(title, lang),
            stem_text(body, lang),
            updated,
            reviewed,
        )
        self._synced.dirty.add(n)

    def _index(self) -> SearchIndex:
        """The search index, brought up to date with the article table (call under the lock)."""
        st = self._synced
        version = kb_store.data_version(self.conn)
        if version != st.version:
            # First use, or another connection committed: rebuild if the articles changed.
            signature = kb_store.signature(self.conn)
            if signature != st.signature:
                st.index.clear()
                st.index.put(kb_store.index_rows(self.conn))
                st.index.commit()
                st.dirty.clear()
                st.indexed.clear()
            st.version, st.signature = version, signature
        if st.dirty:
            # Re-read what was written; the index takes only rows that differ from what it has.
            # Inside a transaction (the hub's ops always are) the rows are kept dirty, so a
            # rollback is noticed later; reading a few rows by key costs microseconds.
            ns = sorted(st.dirty)
            rows = list(kb_store.index_rows(self.conn, ns))
            present = {r[0] for r in rows}
            gone = [n for n in ns if n not in present and st.indexed.get(n) != 0]
            changed = [r for r in rows if st.indexed.get(r[0]) != hash(r)]
            if gone or changed:
                st.index.drop(gone)
                st.index.put(changed)
                st.index.commit()
                st.indexed.update({n: 0 for n in gone})
                st.indexed.update({r[0]: hash(r) for r in changed})
                st.signature = kb_store.signature(self.conn)  # a mismatch later only rebuilds
            if not self.conn.in_transaction:
                # Committed (or rolled back) for good: no need to read these again.
                st.dirty.clear()
                st.indexed.clear()
        return st.index

    def prepare(self) -> None:
        """Build the search index now (the center does it before it serves: 100,000 articles
        take most of a minute), rather than at the first search."""
        with self._synced.lock:
            self._index()

    # ---------------------------------------------------------------- reads

    def get(self, id: str) -> dict[str, Any] | None:
        """The article ``{id, lang, title, body, tags, updated_at, reviewed_at}``, or None."""
        return kb_store.article(self.conn, id)

    def count(self, lang: str | None = None) -> int:
        """Number of articles (in one language if given)."""
        return kb_store.count_articles(self.conn, lang)

    def search(self, query: str, limit: int = 10, lang: str | None = None) -> list[dict[str, Any]]:
        """Best articles for ``query``, best first.

        Each hit is ``{id, lang, title, snippet, score, reviewed_at}``.

        All (non-stop)words must match (as typed, as a prefix when long or still being typed, or
        by stem); if nothing matches that way, any word may match.  ``score`` is the bm25
        relevance, higher is better.  Never raises on the query's syntax; an empty query gives [].
        """
        if lang is not None and lang not in LANGS:
            raise KBError("bad_args", f"lang must be one of {LANGS}, not {lang!r}")
        q = SearchQuery(query, (lang,) if lang else LANGS)
        if not q.groups:
            return []
        limit = max(1, min(int(limit), _MAX_LIMIT))
        hits = self._run(q, "AND", limit, lang)
        if not hits and len(q.groups) > 1:
            hits = self._run(q, "OR", limit, lang)
        return hits

    def _run(self, q: SearchQuery, op: str, limit: int, lang: str | None) -> list[dict[str, Any]]:
        with self._synced.lock:
            ranked = self._index().search(q, op, lang, limit)
        rows = kb_store.articles_by_n(self.conn, [n for n, _ in ranked])
        hits = []
        for n, score in ranked:
            row = rows.get(n)
            if row is None:
                continue  # removed since the index read it (another connection): skip it
            art_id, art_lang, title, body, reviewed_at = row
            hits.append(
                {
                    "id": art_id,
                    "lang": art_lang,
                    "title": title,
                    "snippet": mark_snippet(body, q, art_lang),
                    "score": float(f"{score:.6g}"),
                    "reviewed_at": reviewed_at,
                }
            )
        return hits

    def suggest(self, text: str, limit: int = 5, lang: str | None = None) -> list[dict[str, Any]]:
        """Articles for a customer's message: its salient words, searched with OR.

        Salient = not a stopword, known to the knowledge base, and rare in it (high IDF): a
        customer writes "Hi, my internet has been down since this morning, the modem blinks red",
        and "modem", "blinks", "internet" decide, not "morning".
        """
        q = self.suggest_query(text, lang)
        if q is None:
            return []
        return self._run(q, "OR", max(1, min(int(limit), _MAX_LIMIT)), lang)

    def suggest_query(self, text: str, lang: str | None = None) -> SearchQuery | None:
        """The query :meth:`suggest` runs (with OR) for a customer's message; None when no word
        of it is salient."""
        candidates: list[str] = []
        for w in LETTER_WORD.findall(text or ""):
            n = normalize(w)
            if n not in STOPWORDS and len(n) >= 3 and n not in candidates:
                candidates.append(n)
        if not candidates:
            return None
        scored: list[tuple[float, int, str]] = []
        with self._synced.lock:
            index = self._index()
            total = max(1, index.count())
            for pos, term in enumerate(candidates[:64]):
                # From the search index's term dictionary: FTS5's vocabulary table counts a word's
                # articles by reading its whole posting list (slow for common words).
                df = index.doc_freq([term], {stem(term, lang) for lang in LANGS})
                if df == 0 or df > total * 0.6:
                    continue  # unknown to the KB (a name, a typo) or too common to tell articles apart
                scored.append((df / total, pos, term))
        if not scored:
            return None
        scored.sort()
        chosen = [t for _, _, t in sorted(scored[:6], key=lambda x: x[1])]
        # Whole words from a finished message: no prefix matching (it would only add noise and
        # cost; the stems already bring in the other word forms).
        return SearchQuery(" ".join(chosen), (lang,) if lang else LANGS, prefixes=False)

    def did_you_mean(self, query: str) -> str | None:
        """A corrected query when a word in ``query`` is unknown but close to a known word.

        "wachtwoort vergeten" -> "wachtwoord vergeten"; None when every word is known (or is the
        start of a known word) or nothing close enough exists.  Only words from titles and
        bodies are offered, never stems.
        """
        changed = False
        out: list[str] = []
        for raw in WORD.findall(query or ""):
            term = normalize(raw)
            fixed = self._closest(term) if len(term) >= 4 and term not in STOPWORDS else None
            if fixed and fixed != term:
                changed = True
                out.append(fixed)
            else:
                out.append(raw)
        return " ".join(out) if changed else None

    def _closest(self, term: str) -> str | None:
        if kb_store.word_known(self.conn, term):
            return None  # the word, or a word it starts
        # Typos rarely hit the first two letters; that keeps the candidate list short.
        candidates = kb_store.words_with_prefix(self.conn, term[:2], len(term) - 2, len(term) + 2)
        best: tuple[float, int, str] | None = None
        for cand, docs in candidates:
            ratio = difflib.SequenceMatcher(None, term, cand).ratio()
            if ratio >= 0.8 and (best is None or (ratio, docs) > best[:2]):
                best = (ratio, docs, cand)
        return best[2] if best else None

    def stale(self, days: float, now: float | None = None) -> list[dict[str, Any]]:
        """Articles not reviewed for more than ``days``, the longest unreviewed first.

        Each is ``{id, lang, title, reviewed_at, days_since_review}``.
        """
        now = self.clock() if now is None else now
        cutoff = now - float(days) * 86400.0
        return [
            {
                "id": art_id,
                "lang": lang,
                "title": title,
                "reviewed_at": reviewed_at,
                "days_since_review": None if reviewed_at is None else int((now - reviewed_at) // 86400),
            }
            for art_id, lang, title, reviewed_at in kb_store.unreviewed_since(self.conn, cutoff)
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
        n = kb_store.add_proposal(
            self.conn,
            article=article_id or None,
            user=user,
            lang=lang,
            title=title,
            body=body,
            tags=_clean_tags(tags),
            created_at=self.clock(),
        )
        proposal = kb_store.proposal(self.conn, n)
        assert proposal is not None
        return proposal

    def proposals(self, status: str | None = "pending") -> list[dict[str, Any]]:
        """Proposals with ``status`` (pending/approved/rejected; None for all), oldest first."""
        found = (kb_store.proposal(self.conn, n) for n in kb_store.proposal_numbers(self.conn, status))
        return [p for p in found if p is not None]

    def get_proposal(self, proposal_id: str) -> dict[str, Any] | None:
        """One proposal by id (``kbp-000001``), or None."""
        n = _proposal_n(proposal_id)
        return None if n is None else kb_store.proposal(self.conn, n)

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
        proposal = kb_store.proposal(self.conn, n)
        if proposal is None:
            return None
        if proposal["status"] != "pending":
            raise KBError("conflict", f"proposal {proposal['id']} was already {proposal['status']}")
        now = self.clock()
        article: dict[str, Any] | None = None
        with kb_store.savepoint(self.conn):
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
            kb_store.set_proposal_review(
                self.conn,
                n,
                status="approved" if approve else "rejected",
                reviewer=reviewer,
                comment=comment or None,
                reviewed_at=now,
                result=art_id,
            )
        if approve and art_id:
            article = self.get(art_id)
        return {"proposal": kb_store.proposal(self.conn, n), "article": article}

    def mark_reviewed(self, article_id: str, when: float | None = None) -> bool:
        """Record that a supervisor checked an article and found it still right."""
        return kb_store.set_reviewed(self.conn, article_id, self.clock() if when is None else when)

    def _next_id(self, lang: str) -> str:
        highest = 0
        for art_id in kb_store.article_ids_like(self.conn, f"kb-{lang}-%"):
            tail = art_id.rsplit("-", 1)[-1]
            if tail.isdigit():
                highest = max(highest, int(tail))
        return f"kb-{lang}-{highest + 1:04d}"


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
