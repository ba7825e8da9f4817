"""A local cache of knowledge-base articles and hits, so search keeps working offline.

Every hit and article the desk sees online is remembered (in memory, and in a JSON file
under the user cache dir when a path is given). While the link is down, :meth:`search`
answers from this cache with the same hit shape as the center's ``kb.search``. Articles
are the provider's public help texts, not customer data, so caching them on disk is fine.

Domain code: must not import textual.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_ARTICLES = 2000


def _fold(text: str) -> str:
    """Lower-case and strip accents so "e-mail" finds "E-mail" and "ë" finds "e"."""
    norm = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in norm if not unicodedata.combining(ch))


class ArticleCache:
    """Articles by id (full ones win over hits); offline search over title + body."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.items: dict[str, dict[str, Any]] = {}
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self.items = {str(k): v for k, v in data.items() if isinstance(v, dict)}
            except (OSError, ValueError):
                self.items = {}  # a damaged cache is only a cache: start again

    def __len__(self) -> int:
        return len(self.items)

    def add_hit(self, hit: dict[str, Any]) -> None:
        hid = str(hit.get("id") or "")
        if hid and hid not in self.items:
            self.items[hid] = {"id": hid, "lang": hit.get("lang"), "title": hit.get("title") or "",
                               "body": str(hit.get("snippet") or "").replace("«", "").replace("»", ""),
                               "reviewed_at": hit.get("reviewed_at"), "partial": True}
            self._trim()

    def add_article(self, article: dict[str, Any]) -> None:
        aid = str(article.get("id") or "")
        if aid:
            self.items[aid] = {k: article.get(k) for k in
                               ("id", "lang", "title", "body", "tags", "updated_at", "reviewed_at")}
            self._trim()

    def get(self, aid: str) -> dict[str, Any] | None:
        return self.items.get(aid)

    def _trim(self) -> None:
        while len(self.items) > MAX_ARTICLES:
            self.items.pop(next(iter(self.items)))

    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """Hits ``{id, lang, title, snippet, score, reviewed_at}``: every query word must match."""
        words = [_fold(w) for w in _WORD.findall(query)]
        if not words:
            return []
        scored = []
        for art in self.items.values():
            title = _fold(str(art.get("title") or ""))
            body = _fold(str(art.get("body") or ""))
            if not all(w in title or w in body for w in words):
                continue
            score = sum(3 * title.count(w) + body.count(w) for w in words)
            scored.append((score, art))
        scored.sort(key=lambda pair: -pair[0])
        hits = []
        for score, art in scored[:limit]:
            hits.append({"id": art["id"], "lang": art.get("lang"), "title": art.get("title"),
                         "snippet": _snippet(str(art.get("body") or ""), words[0]),
                         "score": float(score), "reviewed_at": art.get("reviewed_at")})
        return hits

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.items, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def _snippet(body: str, word: str, span: int = 60) -> str:
    folded = _fold(body)
    i = folded.find(word)
    if i < 0:
        return body[: span * 2]
    start = max(0, i - span)
    end = min(len(body), i + len(word) + span)
    return (("…" if start else "") + body[start:i] + "«" + body[i:i + len(word)] + "»"
            + body[i + len(word):end] + ("…" if end < len(body) else ""))
