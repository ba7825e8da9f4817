"""The center's disk: storage faults and the reserve that lets the center say so.

When SQLite cannot write (a full disk, an I/O error) the transaction is rolled back and the
center goes **read-only** (:class:`agent_tui.center.events.Events` keeps the mode): sessions
stay, reading works, every change is refused with :class:`StorageFull` (the ingress answers
507, a command ``storage_full``) until space is back.

To tell the agents on a disk that is full, the center keeps a **reserve**: a file of
:data:`RESERVE_BYTES` next to the database, written when the disk has room. Going read-only
deletes it, which frees just enough room to store the ``center.storage`` notice (and the logins
of agents who come back meanwhile). When the disk has room again the reserve is written again
and the center leaves read-only mode.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

RESERVE_BYTES = 1024 * 1024
RECOVER_FREE_BYTES = 2 * RESERVE_BYTES  # free space needed (besides the reserve) to leave read-only
READ_ONLY_MESSAGE = "the center cannot store new messages: its disk is full; nothing stored is lost, retry later"
_FAULT_CODES = {10, 13}  # SQLITE_IOERR, SQLITE_FULL (primary codes)


class StorageFull(Exception):
    """The center cannot store this change now (disk full, or read-only until space returns)."""

    code = "storage_full"

    def __init__(self, message: str = READ_ONLY_MESSAGE):
        super().__init__(message)
        self.message = message


def is_storage_fault(exc: BaseException) -> bool:
    """True for SQLite errors that mean "the disk cannot take it" (not for bugs or constraints)."""
    if isinstance(exc, StorageFull):
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _FAULT_CODES
    text = str(exc).lower()
    return "disk is full" in text or "disk i/o error" in text


def database_file(db: sqlite3.Connection) -> Path | None:
    """The file behind *db* (None for an in-memory database)."""
    for row in db.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


class Reserve:
    """The reserve file next to the database (see the module docstring)."""

    def __init__(self, db_file: Path | None, size: int = RESERVE_BYTES):
        self.path = db_file.with_name(db_file.name + "-reserve") if db_file is not None else None
        self.size = size

    def free_bytes(self) -> int:
        if self.path is None:
            return 1 << 62
        st = os.statvfs(self.path.parent)
        return st.f_bavail * st.f_frsize

    def present(self) -> bool:
        return self.path is not None and self.path.exists() and self.path.stat().st_size >= self.size

    def ensure(self) -> bool:
        """Write the reserve if it is missing; False (and nothing left behind) when the disk is too full."""
        if self.path is None or self.present():
            return True
        chunk = b"\0" * 65536
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                left = self.size
                while left > 0:  # real bytes, not a sparse file: the space must be taken
                    left -= os.write(fd, chunk[:min(left, len(chunk))])
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Give the reserve's space back to the disk."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
