"""``agent-tui center init DIR [--demo]``: make a center directory.

DIR/center.yaml, DIR/tls/{ca.pem, ca.key, server.pem, server.key} (keys 0600),
DIR/secrets/ingress.key (0600), DIR/center.db (schema, and demo data with --demo).

Atomic: the center is built in a hidden sibling directory and renamed to DIR only when it
is complete, so an interrupted init (Ctrl+C in the first ``demo --data DIR``, a kill, a
full disk) leaves no DIR at all rather than a broken one, and the next init starts over.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from pathlib import Path

from agent_tui.center import seed_demo, store
from agent_tui.center.config import DEFAULT_YAML, load_center_config
from agent_tui.center.kb import KnowledgeBase
from agent_tui.center.store import seed as seed_store
from agent_tui.center.voice.kamailio import write_kamailio_config
from agent_tui.secure import pki


class InitError(Exception):
    """The directory cannot be made into a center (already one, not writable…)."""


def init_center(center_dir: str | Path, *, demo: bool = False, host: str = "127.0.0.1",
                port: int = 8443, ingress_port: int = 8444, extra_hosts: list[str] | None = None,
                force: bool = False) -> Path:
    """Create a center directory; returns its path. Refuses to overwrite an existing center,
    and to mix a new center into a directory that already holds other files."""
    final = Path(center_dir)
    if (final / "center.yaml").exists() and not force:
        raise InitError(f"{final} is already a center directory (center.yaml exists)")
    if final.exists() and not force and (not final.is_dir() or any(final.iterdir())):
        raise InitError(f"{final} exists and is not empty; give a new or an empty directory")
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(final)
    work = final.parent / f".{final.name}.init-{os.getpid()}"
    try:
        _build(work, demo=demo, host=host, port=port, ingress_port=ingress_port, extra_hosts=extra_hosts)
        if force and final.exists():
            shutil.rmtree(final)
        os.rename(work, final)  # the moment DIR appears, it is complete (an empty DIR is replaced)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # Ctrl+C (KeyboardInterrupt) included
        raise
    # Kamailio's files name the TLS files by absolute path: write them for the final place.
    write_kamailio_config(final, load_center_config(final))
    secure_center_files(final)
    return final


def _remove_stale_builds(final: Path) -> None:
    """Hidden half-built siblings of *final* left by an init that was killed (kill -9)."""
    for old in final.parent.glob(f".{final.name}.init-*"):
        try:
            pid = int(old.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except (ValueError, PermissionError):
            continue


def _build(cdir: Path, *, demo: bool, host: str, port: int, ingress_port: int,
           extra_hosts: list[str] | None) -> None:
    """Make a complete center in *cdir* (a fresh directory)."""
    cdir.mkdir(mode=0o700)
    (cdir / "center.yaml").write_text(
        DEFAULT_YAML.format(name="Polder Net & Power (demo)" if demo else "agent-tui center", host=host,
                            port=port, ingress_port=ingress_port, demo="true" if demo else "false"),
        encoding="utf-8")
    cfg = load_center_config(cdir)
    pki.make_ca(cfg.tls_dir)
    hosts = [h for h in [host, *(extra_hosts or [])] if h not in ("0.0.0.0", "::")]
    pki.make_server_cert(cfg.tls_dir, hosts)
    secrets_dir = cdir / "secrets"
    secrets_dir.mkdir(exist_ok=True)
    os.chmod(secrets_dir, 0o700)
    # DIR/kamailio/ for the full setup (enabling it is then a flag in center.yaml).
    write_kamailio_config(cdir, cfg)
    fd = os.open(cfg.ingress_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(32) + "\n")
    conn = store.connect(cfg.db_path)
    try:
        store.create_schema(conn)
        create_kb_schema(conn)
        with store.Tx(conn):
            if demo:
                seed_demo.seed(conn)
            else:
                seed_demo.seed_structure(conn, demo_queues=False)
                seed_store.add_teams(conn, [("team", "Team", "front")])
        if demo:
            seed_demo.seed_kb(conn)
    finally:
        conn.close()


def secure_center_files(center_dir: Path) -> None:
    """Every directory of the center 0700 and every file in it 0600 (issue 9 §6).

    Called by ``center init`` and at every ``center serve`` start (before the database is
    opened: SQLite gives -wal and -shm the mode of the database file), so a directory made
    by an older version, or a log the desk created for the center, is tightened too. Only
    the owner's own processes (the center, its Kamailio and voice engines, the demo desk)
    read these files: the database, keys, Kamailio's secret and the logs.
    """
    os.chmod(center_dir, 0o700)
    for root, dirs, files in os.walk(center_dir):
        for name in dirs:
            _chmod(Path(root) / name, 0o700)
        for name in files:
            _chmod(Path(root) / name, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink():
            os.chmod(path, mode)
    except FileNotFoundError:  # a file that went away while we walked (a log rotated, a socket)
        pass


def create_kb_schema(conn: sqlite3.Connection) -> None:
    """Create the knowledge-base tables (idempotent; ``center serve`` calls it on every start)."""
    KnowledgeBase.create_schema(conn)
