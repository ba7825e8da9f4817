"""core/desk_cache.py with the real keyring: a sent draft and its queued message are one record, so
a crash or a torn write leaves one of the two, never both and never neither."""

from __future__ import annotations

from pathlib import Path

from agent_tui.core.desk_cache import DeskCache
from agent_tui.core.vault import JOURNAL

SERVER = "wss://127.0.0.1:1"


def journal(base: Path) -> Path:
    (found,) = list(base.glob(f"*/{JOURNAL}"))
    return found


def test_sending_a_draft_moves_it_into_the_outbox_in_one_record(tmp_path: Path) -> None:
    base = tmp_path / "cache"
    cache = DeskCache.open_for(SERVER, "agent1", base=base)
    cache.set_draft("c1", "Goedemiddag, uw storing is opgelost")
    size_with_draft = journal(base).stat().st_size
    cache.stage_draft_clear("c1")
    cache.outbox_put("id-1", "conv.send", {"conversation": "c1", "text": "Goedemiddag, uw storing is opgelost"})
    cache.close()

    cache = DeskCache.open_for(SERVER, "agent1", base=base)
    assert cache.drafts() == {} and [q[0] for q in cache.queued()] == ["id-1"]
    cache.close()

    with open(journal(base), "r+b") as f:  # the send's record torn: back to the draft alone
        f.truncate(journal(base).stat().st_size - 3)
    cache = DeskCache.open_for(SERVER, "agent1", base=base)
    assert cache.queued() == [] and cache.drafts()["c1"]["text"] == "Goedemiddag, uw storing is opgelost"
    assert journal(base).stat().st_size == size_with_draft
    cache.outbox_drop("id-1")  # nothing to drop: no record
    cache.close()


def test_each_login_has_its_own_key_and_directory(tmp_path: Path) -> None:
    base = tmp_path / "cache"
    a = DeskCache.open_for(SERVER, "agent1", base=base)
    b = DeskCache.open_for(SERVER, "agent2", base=base)
    a.set_draft("team", "alleen voor agent1", "team:care")
    assert b.drafts() == {}
    assert a.vault.directory != b.vault.directory
    a.close()
    b.close()
