"""The demo data files (``agent_tui/center/data/*.yaml``) read into typed values.

``demo.yaml`` holds the demo center (teams, people, queues, wrap-up codes, canned replies) and
``demo_kb.yaml`` the demo knowledge base.  They are package data, read with
:mod:`importlib.resources`, so they work from a source tree, an editable install and a wheel.
Seeding them into a database is :mod:`agent_tui.center.seed_demo`'s job.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml

from agent_tui.protocol.kbtext import join_body

__all__ = [
    "CannedReply",
    "Colleague",
    "DemoCenter",
    "DemoDataError",
    "Queue",
    "Team",
    "User",
    "WrapupCode",
    "demo_center",
    "kb_articles",
]

_PACKAGE = "agent_tui.center.data"
_CENTER_FILE = "demo.yaml"
_KB_FILE = "demo_kb.yaml"
_KB_LANGS = ("en", "nl")  # the order articles are seeded in: every English one first


class DemoDataError(ValueError):
    """A demo data file does not have the expected shape; the message names file and entry."""


@dataclass(frozen=True)
class Team:
    team: str
    name: str
    kind: str  # "front" (serves customers) or "back" (back office)


@dataclass(frozen=True)
class User:
    """Someone who logs in (agent or supervisor)."""

    user: str
    name: str
    role: str
    team: str
    teams: tuple[str, ...]
    skills: tuple[str, ...]
    lang: str


@dataclass(frozen=True)
class Colleague:
    """A simulated back-office colleague: cannot log in; the simulation moves them."""

    user: str
    name: str
    team: str
    skills: tuple[str, ...]
    lang: str


@dataclass(frozen=True)
class Queue:
    queue: str
    name: str
    channel: str
    skill: str


@dataclass(frozen=True)
class WrapupCode:
    code: str
    label: str


@dataclass(frozen=True)
class CannedReply:
    shortcut: str
    lang: str
    title: str
    text: str


@dataclass(frozen=True)
class DemoCenter:
    """Everything in ``demo.yaml``, in file order."""

    teams: tuple[Team, ...]
    users: tuple[User, ...]
    colleagues: tuple[Colleague, ...]
    queues: tuple[Queue, ...]
    wrapup_codes: tuple[WrapupCode, ...]
    canned: tuple[CannedReply, ...]


@functools.lru_cache(maxsize=1)
def demo_center() -> DemoCenter:
    """The demo center of ``demo.yaml`` (read once per process)."""
    data = _read_yaml(_CENTER_FILE)
    if not isinstance(data, dict):
        raise DemoDataError(f"{_CENTER_FILE}: expected a mapping of sections at the top")
    return DemoCenter(
        teams=_records(Team, data, "teams"),
        users=_records(User, data, "users"),
        colleagues=_records(Colleague, data, "colleagues"),
        queues=_records(Queue, data, "queues"),
        wrapup_codes=_records(WrapupCode, data, "wrapup_codes"),
        canned=_records(CannedReply, data, "canned"),
    )


def kb_articles() -> list[dict[str, Any]]:
    """The demo articles, English first then Dutch, each in the file's topic order.

    Each is ``{id, lang, title, body, tags, age_days}`` (``body`` holds the agent-only part, if
    any, behind :data:`~agent_tui.protocol.kbtext.AGENT_ONLY_MARK`): ``age_days`` (days since the last review)
    becomes a timestamp when seeding.  A new list of new dicts on every call, so callers may
    change what they get.
    """
    return [dict(article, tags=list(article["tags"])) for article in _kb_articles()]


@functools.lru_cache(maxsize=1)
def _kb_articles() -> tuple[dict[str, Any], ...]:
    topics = _read_yaml(_KB_FILE)
    if not isinstance(topics, list):
        raise DemoDataError(f"{_KB_FILE}: expected a list of topics at the top")
    out: list[dict[str, Any]] = []
    for lang in _KB_LANGS:
        for number, topic in enumerate(topics, start=1):
            entry = topic.get(lang) if isinstance(topic, dict) else None
            if not isinstance(entry, dict):
                raise DemoDataError(f"{_KB_FILE}: topic {number} has no {lang!r} article")
            try:
                out.append(
                    {
                        "id": str(entry["id"]),
                        "lang": lang,
                        "title": str(entry["title"]),
                        "body": join_body(str(entry["body"]), str(entry.get("agent") or "")),
                        "tags": [str(t) for t in entry["tags"]],
                        "age_days": int(entry["age_days"]),
                    }
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise DemoDataError(
                    f"{_KB_FILE}: topic {number}, {lang!r} article: missing or bad field ({exc})"
                ) from exc
    return tuple(out)


def _read_yaml(name: str) -> Any:
    text = importlib.resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    # The C loader when PyYAML has it: the KB file is big enough for the pure-Python one to show.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # a safe loader (no object tags), only faster


_Record = TypeVar("_Record")


def _records(cls: type[_Record], data: dict[str, Any], section: str) -> tuple[_Record, ...]:
    """The entries of one ``demo.yaml`` section as ``cls`` values (lists become tuples)."""
    entries = data.get(section)
    if not isinstance(entries, list):
        raise DemoDataError(f"{_CENTER_FILE}: section {section!r} must be a list")
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    out = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != set(names):
            raise DemoDataError(
                f"{_CENTER_FILE}: {section} entry {i} must have exactly the fields {names}"
            )
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
        out.append(cls(**values))
    return tuple(out)
