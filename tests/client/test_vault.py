"""The encrypted local cache (core/vault.py): what a crash or a power cut leaves is readable,
nothing on disk is readable without the key, files are private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agent_tui.core.vault import JOURNAL, Vault, VaultError, new_key

SECRET = "Mevrouw Jansen, uw IBAN NL91ABNA0417164300"


def strings(path: Path, min_len: int = 4) -> list[str]:
    """What `strings` prints for *path*: runs of printable ASCII."""
    out, run = [], bytearray()
    for b in path.read_bytes():
        if 32 <= b < 127:
            run.append(b)
            continue
        if len(run) >= min_len:
            out.append(run.decode())
        run.clear()
    if len(run) >= min_len:
        out.append(run.decode())
    return out


def test_changes_survive_a_reopen_and_files_are_private(tmp_path: Path) -> None:
    key = new_key()
    d = tmp_path / "v"
    v = Vault.open(d, key, "agent1@wss://c")
    v.put("d:conv1", {"text": SECRET, "subject": ""})
    v.apply([("put", "o:1", {"op": "team.send"}), ("put", "o:2", {"op": "conv.send"})], durable=True)
    v.delete("o:1")
    v.close()
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    for f in d.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    v = Vault.open(d, key, "agent1@wss://c")
    assert v.get("d:conv1") == {"text": SECRET, "subject": ""}
    assert [k for k, _ in v.items("o:")] == ["o:2"]
    v.close()


def test_strings_on_the_files_show_no_customer_or_draft_text(tmp_path: Path) -> None:
    d = tmp_path / "v"
    v = Vault.open(d, new_key(), "agent1@wss://c")
    v.put("d:conv-0042", {"text": "draft: " + SECRET, "subject": "Re: uw factuur"})
    v.put("o:abc", {"op": "conv.send", "args": {"conversation": "conv-0042", "text": SECRET}})
    v.compact()
    v.put("d:team:support", {"text": "koffie om drie uur?", "subject": ""})
    v.close()
    words = " ".join(s for f in d.iterdir() for s in strings(f))
    for needle in ("Jansen", "IBAN", "NL91", "factuur", "koffie", "conv-0042", "conv.send", "draft"):
        assert needle not in words, needle


@pytest.mark.parametrize("cut", [1, 5, 17, 30])
def test_a_torn_last_record_is_cut_off_and_the_rest_recovers(tmp_path: Path, cut: int) -> None:
    key = new_key()
    d = tmp_path / "v"
    v = Vault.open(d, key, "n")
    v.put("o:1", "first", durable=True)
    v.put("o:2", "second", durable=True)
    size_before_last = (d / JOURNAL).stat().st_size
    v.put("o:3", "third", durable=True)
    v.close()
    journal = d / JOURNAL
    with open(journal, "r+b") as f:  # a power cut during the last write
        f.truncate(journal.stat().st_size - cut)
    torn_size = journal.stat().st_size
    v = Vault.open(d, key, "n")
    assert dict(v.items("o:")) == {"o:1": "first", "o:2": "second"}
    assert v.recovered_tail == torn_size - size_before_last
    assert journal.stat().st_size == size_before_last
    v.put("o:4", "fourth", durable=True)  # appends after the good records, not after the torn bytes
    v.close()
    v = Vault.open(d, key, "n")
    assert dict(v.items("o:")) == {"o:1": "first", "o:2": "second", "o:4": "fourth"}
    v.close()


def test_another_key_cannot_read_it_and_nothing_is_cut_off(tmp_path: Path) -> None:
    d = tmp_path / "v"
    v = Vault.open(d, new_key(), "n")
    v.put("o:1", SECRET)
    v.close()
    size = (d / JOURNAL).stat().st_size
    v = Vault.open(d, new_key(), "n")
    assert v.items("") == []
    v.close()
    aside = [f for f in d.iterdir() if f.name.startswith(JOURNAL + ".unreadable")]
    assert len(aside) == 1 and aside[0].stat().st_size == size


def test_a_journal_does_not_decrypt_under_another_login(tmp_path: Path) -> None:
    key = new_key()
    d = tmp_path / "v"
    v = Vault.open(d, key, "agent1@wss://c")
    v.put("o:1", "x")
    v.close()
    v = Vault.open(d, key, "agent2@wss://c")
    assert v.get("o:1") is None
    v.close()


def test_compaction_keeps_the_live_data_and_bounds_the_file(tmp_path: Path) -> None:
    key = new_key()
    d = tmp_path / "v"
    v = Vault.open(d, key, "n")
    for i in range(4000):  # a long shift of keystrokes in one draft
        v.put("d:c1", {"text": "x" * (i % 200), "subject": ""})
    v.put("d:c2", {"text": "kept", "subject": ""})
    v.close()
    assert (d / JOURNAL).stat().st_size < 300 * 1024
    v = Vault.open(d, key, "n")
    assert v.get("d:c1") == {"text": "x" * (3999 % 200), "subject": ""}
    assert v.get("d:c2") == {"text": "kept", "subject": ""}
    v.close()


def test_a_second_desk_of_the_same_login_finds_it_locked(tmp_path: Path) -> None:
    key = new_key()
    v = Vault.open(tmp_path / "v", key, "n")
    with pytest.raises(VaultError, match="another desk"):
        Vault.open(tmp_path / "v", key, "n")
    v.close()
    Vault.open(tmp_path / "v", key, "n").close()  # free again once the first closed


def test_the_cache_directory_is_made_private(tmp_path: Path) -> None:
    d = tmp_path / "v"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    Vault.open(d, new_key(), "n").close()
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
