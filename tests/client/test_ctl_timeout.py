"""`ctl --timeout`: every command ends within it (exit 7), and a refused first connection is retried."""

from __future__ import annotations

import socket
import subprocess
import time

from agent_tui.ctl.exits import EXIT_OK, EXIT_TIMEOUT
from tests.client.test_ctl import conn_args, ctl_cmd, one_error_line, run


def test_a_center_that_never_answers_ends_with_exit_7_within_the_timeout(center):
    # A listener that accepts TCP and then says nothing: no TLS handshake, no welcome.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        t0 = time.monotonic()
        proc = run(*conn_args(center, url=f"wss://127.0.0.1:{port}"), "--timeout", "2", "history", "cust-1",
                   stdin="demo\n")
        took = time.monotonic() - t0
    assert proc.returncode == EXIT_TIMEOUT
    assert "within 2 s (--timeout)" in one_error_line(proc)
    assert took < 2 + 4  # the command's own 2 s, plus the interpreter's start on a loaded machine


def test_a_refused_first_connection_is_retried_until_the_center_is_up(center, tmp_path):
    port = int(center.url.rsplit(":", 1)[1])
    center.stop()
    # Hold the port: accept ctl's first attempt and drop it, so that attempt surely fails.
    gate = socket.socket()
    gate.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    gate.bind(("127.0.0.1", port))
    gate.listen(1)
    password = tmp_path / "password"
    password.write_text("demo\n")
    with password.open() as stdin:
        proc = subprocess.Popen(ctl_cmd(*conn_args(center), "--timeout", "30", "whoami"), stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        gate.settimeout(20)
        first, _ = gate.accept()
        first.close()
        gate.close()
        center.start()  # same port
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_OK, err
    assert '"agent1"' in out
