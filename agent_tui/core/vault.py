"""The desk's encrypted local cache: queued commands and drafts survive a crash.

One vault per login (user at server) is one directory (0700) holding one journal file
(0600) of records. A record is ``length (4 bytes) | nonce (12) | AES-GCM ciphertext``;
the plaintext is a JSON list of changes (``["put", key, value]`` / ``["del", key]``), and
the changes of one record apply together or not at all. The associated data binds each
record to the vault's name, so a journal copied to another login does not decrypt.

Why a journal: a change is one small append (a keystroke in a draft costs microseconds),
and a power cut can only tear the *last* record, which :meth:`Vault.open` detects (short
length, or a tag that does not verify) and cuts off; everything before it is intact.
When the journal grows past a few times its live size it is rewritten: a new file,
fsync, rename over the old one, fsync of the directory — at every moment one complete
journal exists on disk.

The key (256 bits) lives in the OS keyring next to the login (core/credentials.py);
nothing on disk is readable without it: no customer text, no draft, no conversation id.
A second desk of the same login on the same machine finds the vault locked and runs
without a cache rather than corrupting the first one's journal.

Domain code: no Textual.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import struct
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
MAX_RECORD = 16 * 1024 * 1024
JOURNAL = "journal.bin"
LOCK = "lock"
COMPACT_MIN = 256 * 1024  # never compact a journal smaller than this
COMPACT_FACTOR = 4        # ... or one less than 4x its live size

Change = tuple[str, str] | tuple[str, str, Any]


class VaultError(Exception):
    """The vault cannot be used (locked by another desk, unreadable directory, no key)."""


def vault_dir(base: Path, server: str, user: str) -> Path:
    """The directory of the vault of *user* at *server* under *base*: a hash, so the
    directory name tells nobody who logs in where."""
    digest = hashlib.sha256(f"{user}@{server}".encode()).hexdigest()[:24]
    return base / digest


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Vault:
    """A key → JSON value map, encrypted at rest. Open with :meth:`open`; every
    :meth:`apply` is on disk (in the kernel; with ``durable`` also fsync'ed) when it
    returns. Not thread-safe: one owner (the desk's loop)."""

    def __init__(self, directory: Path, key: bytes, name: str) -> None:
        # deferred: cryptography takes a while to load; only a desk with a keyring opens a vault
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(key) != KEY_BYTES:
            raise VaultError("the cache key must be 32 bytes")
        self.directory = directory
        self.path = directory / JOURNAL
        self._aead = AESGCM(key)
        self._aad = b"agent-tui vault v1\0" + name.encode()
        self.data: dict[str, Any] = {}
        self._fd = -1
        self._lock_fd = -1
        self._size = 0
        self.recovered_tail = 0  # bytes of a torn last record cut off at open

    @classmethod
    def open(cls, directory: Path, key: bytes, name: str) -> Vault:
        """Open (or create) the vault in *directory*; raises :class:`VaultError`."""
        vault = cls(directory, key, name)
        try:
            vault._open()
        except OSError as exc:
            vault.close()
            raise VaultError(f"cannot use the local cache in {directory}: {exc}") from None
        except VaultError:
            vault.close()
            raise
        return vault

    def _open(self) -> None:
        _private_dir(self.directory)
        self._lock_fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise VaultError("another desk of this login uses the local cache") from None
        leftover = self.directory / (JOURNAL + ".tmp")
        if leftover.exists():
            leftover.unlink()  # a compaction that died before its rename: the old journal holds all
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.fchmod(self._fd, 0o600)
        good = self._replay()
        end = os.lseek(self._fd, 0, os.SEEK_END)
        if good == 0 and end >= 4 + NONCE_BYTES + 16 and self._first_record_complete():
            # Not a torn write: a journal made with another key (the keyring was reset).
            # Keep it aside, unreadable as it is, rather than cut it off.
            aside = self.path.with_name(f"{JOURNAL}.unreadable-{int(time.time())}")
            os.replace(self.path, aside)
            log.warning("local cache: %s cannot be read with the key in the keyring; moved to %s",
                        self.path, aside)
            os.close(self._fd)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            end = 0
        if good < end:
            self.recovered_tail = end - good
            log.warning("local cache: cut off a torn last record (%d bytes)", end - good)
            os.ftruncate(self._fd, good)
            os.fsync(self._fd)
        os.lseek(self._fd, good, os.SEEK_SET)
        self._size = good

    def _first_record_complete(self) -> bool:
        with open(self.path, "rb") as f:
            head = f.read(4)
            if len(head) < 4:
                return False
            (length,) = struct.unpack(">I", head)
            return NONCE_BYTES + 16 <= length <= MAX_RECORD and len(f.read(length)) == length

    def _replay(self) -> int:
        """Apply every complete record; return the offset after the last good one."""
        with open(self.path, "rb") as f:
            blob = f.read()
        pos = 0
        while pos + 4 <= len(blob):
            (length,) = struct.unpack_from(">I", blob, pos)
            end = pos + 4 + length
            if length < NONCE_BYTES + 16 or length > MAX_RECORD or end > len(blob):
                break
            changes = self._decrypt(blob[pos + 4:end])
            if changes is None:
                break
            self._apply_local(changes)
            pos = end
        return pos

    def _decrypt(self, record: bytes) -> list[Any] | None:
        # deferred: see __init__
        from cryptography.exceptions import InvalidTag

        try:
            plain = self._aead.decrypt(record[:NONCE_BYTES], record[NONCE_BYTES:], self._aad)
        except InvalidTag:
            return None
        try:
            changes = json.loads(plain)
        except ValueError:
            return None
        return changes if isinstance(changes, list) else None

    def _apply_local(self, changes: list[Any]) -> None:
        for ch in changes:
            if not isinstance(ch, list) or len(ch) < 2 or not isinstance(ch[1], str):
                continue
            if ch[0] == "put" and len(ch) == 3:
                self.data[ch[1]] = ch[2]
            elif ch[0] == "del":
                self.data.pop(ch[1], None)

    def _record(self, changes: list[Any]) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(changes, separators=(",", ":"), ensure_ascii=False).encode()
        body = nonce + self._aead.encrypt(nonce, plain, self._aad)
        return struct.pack(">I", len(body)) + body

    # -- the public surface -------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def items(self, prefix: str) -> list[tuple[str, Any]]:
        """(key, value) of every key starting with *prefix*, in the order they were put."""
        return [(k, v) for k, v in self.data.items() if k.startswith(prefix)]

    def apply(self, changes: list[Change], durable: bool = False) -> None:
        """Write *changes* as one record (all or nothing after a crash). ``durable``:
        fsync before returning (a power cut keeps it, not only a crash)."""
        if self._fd < 0:
            raise VaultError("the local cache is closed")
        real = [list(c) for c in changes if c[0] == "put" or c[1] in self.data]
        if not real:
            return
        rec = self._record(real)
        os.write(self._fd, rec)
        if durable:
            os.fsync(self._fd)
        self._size += len(rec)
        self._apply_local(real)
        if self._size > max(COMPACT_MIN, COMPACT_FACTOR * self._live_size()):
            self.compact()

    def put(self, key: str, value: Any, durable: bool = False) -> None:
        self.apply([("put", key, value)], durable)

    def delete(self, key: str, durable: bool = False) -> None:
        self.apply([("del", key)], durable)

    def _live_size(self) -> int:
        return sum(len(k) + len(json.dumps(v)) + 40 for k, v in self.data.items())

    def compact(self) -> None:
        """Rewrite the journal as one record of the live data (atomically, see the module doc)."""
        tmp = self.directory / (JOURNAL + ".tmp")
        rec = self._record([["put", k, v] for k, v in self.data.items()]) if self.data else b""
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, rec)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        _fsync_dir(self.directory)
        os.close(self._fd)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
        self._size = len(rec)

    def close(self) -> None:
        for attr in ("_fd", "_lock_fd"):
            fd = getattr(self, attr)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, attr, -1)
