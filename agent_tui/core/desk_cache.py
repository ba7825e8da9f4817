"""What the desk keeps in its encrypted local cache (core/vault.py): the queued commands
that carry typed text, with their idempotency keys, and the drafts.

- :class:`DeskCache` is the client's outbox store (``CenterClient(outbox_store=...)``):
  a command goes to disk (fsync'ed) before it can leave the outbox for the wire, and
  is dropped when the center answers it. After a crash the next start resubmits what
  is left **with the same ids**, so the center takes each effect once.
- Drafts are kept per key (a conversation id, or ``team:<room>``) as they change.
  Sending a draft clears it in the *same* record as the command that carries its text,
  so a crash leaves either the draft or the queued message, never both.

Domain code: no Textual.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import platformdirs

from agent_tui.core import credentials
from agent_tui.core.desk_state import PendingSend
from agent_tui.core.vault import Change, Vault, VaultError, vault_dir

log = logging.getLogger(__name__)

ENV_CACHE_DIR = "AGENT_TUI_CACHE_DIR"
# The ops whose arguments an agent typed: these survive a crash.
PERSISTED_OPS = frozenset({"conv.send", "conv.note", "team.send"})
_OUT = "o:"
_DRAFT = "d:"
TEAM_DRAFT = "team"  # the team-chat input's draft; its ``subject`` holds the room
_KINDS = {"conv.send": "out", "conv.note": "note", "team.send": "team"}


def default_cache_base() -> Path:
    """``$AGENT_TUI_CACHE_DIR``, else ``<platform state dir>/agent-tui/cache``."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_state_dir("agent-tui", appauthor=False)) / "cache"


class CacheUnavailable(Exception):
    """No local cache for this desk; the message says why (in English, for logs)."""


class DeskCache:
    """The outbox store and the drafts of one login. Build with :meth:`open_for`."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._staged: list[Change] = []

    @classmethod
    def open_for(cls, server: str, user: str, base: Path | None = None) -> DeskCache:
        """Open the cache of *user* at *server* (blocking: D-Bus and disk; run it in a
        thread). Raises :class:`CacheUnavailable` without a keyring or when locked."""
        try:
            key = credentials.cache_key(server, user)
        except credentials.KeyringUnavailable as exc:
            raise CacheUnavailable(str(exc)) from None
        base = base or default_cache_base()
        try:
            if not base.exists():
                base.mkdir(mode=0o700, parents=True)  # ours: private (an existing one is left as it is)
        except OSError as exc:
            raise CacheUnavailable(f"cannot make the cache directory {base}: {exc}") from None
        directory = vault_dir(base, server, user)
        try:
            return cls(Vault.open(directory, key, f"{user}@{server}"))
        except VaultError as exc:
            raise CacheUnavailable(str(exc)) from None

    # -- the outbox store (called by CenterClient) -----------------------------------

    def wants(self, op: str) -> bool:
        return op in PERSISTED_OPS

    def outbox_put(self, command_id: str, op: str, args: dict[str, Any]) -> None:
        changes: list[Change] = [("put", _OUT + command_id, {"op": op, "args": args})]
        changes += self._staged
        self._staged = []
        self.vault.apply(changes, durable=True)

    def outbox_drop(self, command_id: str) -> None:
        self.vault.apply([("del", _OUT + command_id)], durable=True)

    def queued(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, op, args) of every command stored and not yet answered, oldest first."""
        out = []
        for key, value in self.vault.items(_OUT):
            if isinstance(value, dict) and isinstance(value.get("op"), str) \
                    and isinstance(value.get("args"), dict):
                out.append((key[len(_OUT):], value["op"], value["args"]))
        return out

    # -- drafts ------------------------------------------------------------------------

    def drafts(self) -> dict[str, dict[str, Any]]:
        """Every stored draft: key → ``{"text": …, "subject": …}``."""
        return {k[len(_DRAFT):]: v for k, v in self.vault.items(_DRAFT) if isinstance(v, dict)}

    def set_draft(self, key: str, text: str, subject: str = "") -> None:
        """Keep the draft under *key*; an empty one is removed."""
        if not text.strip() and not subject.strip():
            self.vault.apply([("del", _DRAFT + key)])
            return
        if self.vault.get(_DRAFT + key) == {"text": text, "subject": subject}:
            return
        self.vault.apply([("put", _DRAFT + key, {"text": text, "subject": subject})])

    def clear_draft(self, key: str) -> None:
        self.vault.apply([("del", _DRAFT + key)])

    def stage_draft_clear(self, key: str) -> None:
        """Clear the draft *key* together with the next stored command (the one that
        sends its text): one record, so a crash keeps one of the two, never both."""
        self._staged.append(("del", _DRAFT + key))

    def flush_staged(self) -> None:
        """Write staged changes that no command took along (e.g. the send failed at once)."""
        if self._staged:
            staged, self._staged = self._staged, []
            self.vault.apply(staged)

    def close(self) -> None:
        self.vault.close()


def open_cache(server: str, user: str) -> tuple[DeskCache | None, str]:
    """(cache, "") or (None, why not): the desk runs on without a cache and says so."""
    try:
        return DeskCache.open_for(server, user), ""
    except CacheUnavailable as exc:
        log.warning("no local cache: %s", exc)
        return None, str(exc)


def restored_pending(cache: DeskCache, now: float) -> list[tuple[PendingSend, str, dict[str, Any]]]:
    """(what the desk shows, op, args) for each command an earlier run left queued; the
    ``local_id`` is the command's idempotency key, so showing it twice replaces it."""
    out = []
    for cid, op, args in cache.queued():
        kind = _KINDS.get(op)
        if kind is None:
            continue
        target = args.get("room") if kind == "team" else args.get("conversation")
        subject = args.get("subject")
        out.append((PendingSend(local_id=cid, conversation=str(target or ""), text=str(args.get("text") or ""),
                                kind=kind, at=now, subject=subject if isinstance(subject, str) else None,
                                queued=True), op, args))
    return out
