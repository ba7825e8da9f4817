"""Knowledge base of the reference center: SQLite FTS5 search in Dutch and English.

- :mod:`~agent_tui.center.kb.text` — words, stopwords and stems (Snowball, per language);
- :mod:`~agent_tui.center.kb.query` — a user's text as a safe FTS5 query; snippet marking;
- :mod:`~agent_tui.center.kb.service` — :class:`KnowledgeBase`, the service the hub uses;
- :mod:`agent_tui.center.store.kb` — the tables, the FTS5 index and all SQL.
"""

from __future__ import annotations

from agent_tui.center.kb.service import KBError, KnowledgeBase
from agent_tui.center.kb.text import LANGS, STOPWORDS

__all__ = ["LANGS", "STOPWORDS", "KBError", "KnowledgeBase"]
