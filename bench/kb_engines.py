"""The knowledge-base engines compared for issue 12, on the same articles and the same queries.

- ``fts5``: ranking as it was before Tantivy: one FTS5 statement, ``ORDER BY rank`` with bm25
  weights (title 10, body 1, tags 4, stems 5 / 0.5) and ``snippet()``; bm25 runs for every match.
- ``fts5 title-first``: the same, but first restricted to the title columns (few matches, so
  cheap to rank); the whole text is searched only when the titles give fewer than ``limit`` hits.
  This is "limit bm25 work on common words" in its simplest form.
- ``fts5 apsw``: the ``fts5`` statement on a newer SQLite, the one ``apsw`` bundles.
- ``tantivy``: ``KnowledgeBase.search`` as shipped (BM25 with block-max pruning, snippets in Python).

``detail=column`` is not here: measured on the same 100,000 articles it made ranking about five
times slower (p95 543 ms), because bm25 and snippet() then re-read every matching document's text
to find the word positions the index no longer holds.

Used by ``bench/kb_search.py --engines``; the acceptance queries come from tests/kit/kb_acceptance.py.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchlib
from desk_common import ROOT  # noqa: F401  (puts the repository root on sys.path for tests.kit)

from agent_tui.center import seed_demo
from agent_tui.center.kb import KnowledgeBase
from agent_tui.center.kb.query import SNIPPET_TOKENS, SearchQuery
from agent_tui.center.kb.text import LANGS
from tests.kit.kb_acceptance import ACCEPTANCE

BM25 = "bm25(10.0, 1.0, 4.0, 5.0, 0.5, 0.0)"
SQL = (
    f"SELECT rowid, rank, snippet(kb_fts, 1, '«', '»', '…', {SNIPPET_TOKENS}) FROM kb_fts"
    f" WHERE kb_fts MATCH ? AND rank MATCH '{BM25}' ORDER BY rank LIMIT ?"
)


def _titles_only(q: SearchQuery, op: str) -> str:
    groups = [
        g.replace("{title body tags}", "{title tags}").replace("{title_stem body_stem}", "{title_stem}")
        for g in q.groups
    ]
    return f" {op} ".join(groups)


def fts5_ranked(conn: Any, q: SearchQuery, op: str, limit: int, title_first: bool) -> list[str]:
    """Article ids, best first, ranked by FTS5 (``conn``: sqlite3 or apsw)."""
    rows: list[Any] = []
    if title_first:
        rows = list(conn.execute(SQL, (_titles_only(q, op), limit)))
    if len(rows) < limit:
        seen = {r[0] for r in rows}
        rows += [r for r in conn.execute(SQL, (q.match(op), limit)) if r[0] not in seen][: limit - len(rows)]
    ids = []
    for n, _rank, _snippet in rows:
        art = list(conn.execute("SELECT id, lang, title, body, reviewed_at FROM kb_articles WHERE n = ?", (n,)))
        ids.append(art[0][0])
    return ids


def fts5_search(conn: Any, text: str, limit: int = 10, title_first: bool = False) -> list[str]:
    q = SearchQuery(text, LANGS)
    if not q.groups:
        return []
    ids = fts5_ranked(conn, q, "AND", limit, title_first)
    if not ids and len(q.groups) > 1:
        ids = fts5_ranked(conn, q, "OR", limit, title_first)
    return ids


def _line(name: str, v: list[float]) -> str:
    return (
        f"  {name:<30} n={len(v):<4} p50 {statistics.median(v):7.2f} ms   p95 {benchlib.pct(v, 95):7.2f} ms"
        f"   p99 {benchlib.pct(v, 99):7.2f} ms   max {max(v):7.2f} ms"
    )


def _time(fn: Callable[[str], Any], items: list[str]) -> list[float]:
    for q in items[:20]:
        fn(q)
    out = []
    for q in items:
        s = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - s) * 1000)
    return out


def engines(path: Path, conn: sqlite3.Connection) -> dict[str, tuple[Callable[[str], Any], Callable[[str], Any]]]:
    """name → (search(text), suggest(message)) on the database at ``path``."""
    kb = KnowledgeBase(conn)

    def fts5_suggest(c: Any, title_first: bool) -> Callable[[str], Any]:
        def run(message: str) -> Any:
            q = kb.suggest_query(message)
            return fts5_ranked(c, q, "OR", 5, title_first) if q else []

        return run

    out = {
        "fts5 (as it was)": (lambda t: fts5_search(conn, t), fts5_suggest(conn, False)),
        "fts5 title-first": (lambda t: fts5_search(conn, t, title_first=True), fts5_suggest(conn, True)),
    }
    try:
        import apsw  # optional: pip install apsw

        aconn = apsw.Connection(str(path))
        out[f"fts5 apsw (SQLite {apsw.sqlite_lib_version()})"] = (
            lambda t: fts5_search(aconn, t),
            fts5_suggest(aconn, False),
        )
    except ImportError:
        pass
    out["tantivy (KnowledgeBase)"] = (lambda t: kb.search(t), lambda m: kb.suggest(m))
    return out


def quality() -> dict[str, int]:
    """Per engine, for how many acceptance queries the demo article is first on the demo KB."""
    conn = sqlite3.connect(":memory:")
    seed_demo.seed_kb(conn)
    kb = KnowledgeBase(conn)
    firsts = {
        "fts5": lambda t: fts5_search(conn, t),
        "fts5 title-first": lambda t: fts5_search(conn, t, title_first=True),
        "tantivy": lambda t: [h["id"] for h in kb.search(t)],
    }
    return {name: sum(bool(ids := fn(q)) and ids[0] in want for q, want in ACCEPTANCE) for name, fn in firsts.items()}


def compare(path: Path, conn: sqlite3.Connection, queries: list[str], messages: list[str]) -> list[str]:
    """Lines to print: search and suggest latency per engine, then result quality."""
    lines = ["engines on the same articles and queries (search limit 10; suggest limit 5):"]
    for name, (search, suggest) in engines(path, conn).items():
        lines.append(_line(f"{name}: search", _time(search, queries)))
        lines.append(_line(f"{name}: suggest", _time(suggest, messages * 5)))
    q = quality()
    lines.append(
        f"demo article first for the {len(ACCEPTANCE)} acceptance queries (demo KB): "
        + ", ".join(f"{k} {v}/{len(ACCEPTANCE)}" for k, v in q.items())
    )
    return lines
