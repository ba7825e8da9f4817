"""Small holes (issue 9, section 6): nested JSON at the ingress, file modes, what a failed login logs."""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import stat

from agent_tui.secure.tls import client_ssl_context
from tests.kit.wsclient import LoginError, WsClient


async def _raw_post(center, body: bytes) -> tuple[int, bytes]:
    host, port = center.ingress_url.removeprefix("https://").rsplit(":", 1)
    ctx: ssl.SSLContext = client_ssl_context(center.ca_file)
    reader, writer = await asyncio.open_connection(host, int(port), ssl=ctx, server_hostname=host)
    head = (f"POST /v1/messages HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {center.ingress_key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    writer.write(head.encode() + body)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    status = int(response.split(b" ", 2)[1])
    return status, response.split(b"\r\n\r\n", 1)[1]


async def test_deeply_nested_json_is_a_400_without_a_traceback(center, caplog):
    caplog.set_level(logging.INFO, logger="agent_tui")
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 40_000 + b"1" + b"}" * 40_000):
        assert len(body) < 256 * 1024
        status, out = await _raw_post(center, body)
        assert status == 400 and b'"malformed"' in out, (status, out[:200])
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    # The center still takes a normal message.
    assert center.inject("chat", "cust-after-nest", "hello")["conversation"]


def test_center_directory_and_its_files_are_private(center):
    assert stat.S_IMODE(center.dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((center.dir / "run").stat().st_mode) == 0o700
    # WAL mode keeps -wal and -shm next to the database while the center runs.
    for name in ("center.db", "center.db-wal", "center.db-shm", "run/center.json"):
        path = center.dir / name
        assert path.exists(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (name, oct(path.stat().st_mode))
    # Nothing in it is left readable by others: config, keys, certificates, Kamailio's files.
    loose = [f"{p.relative_to(center.dir)} {oct(stat.S_IMODE(p.stat().st_mode))}" for p in center.dir.rglob("*")
             if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert not loose, loose


def test_serve_tightens_a_log_and_database_left_readable(center):
    center.stop()
    log = center.dir / "run" / "serve.log"
    log.write_text("started by the desk\n")
    for path in (log, center.dir / "center.db"):
        os.chmod(path, 0o644)
    os.chmod(center.dir, 0o755)
    center.start()
    assert stat.S_IMODE(center.dir.stat().st_mode) == 0o700
    for path in (log, center.dir / "center.db", center.dir / "center.db-wal"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_a_failed_login_never_logs_an_unknown_user_value(center, caplog):
    caplog.set_level(logging.INFO, logger="agent_tui")
    typed_into_user = "Sup3r-Secret-Passw0rd!"
    for user in (typed_into_user, "agent5"):
        try:
            await WsClient.login(center.url, center.ca_file, user, "wrong")
        except LoginError as exc:
            assert exc.code == "auth_failed"
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert typed_into_user not in text
    assert "unknown user name" in text and "for user agent5: wrong password" in text
