"""Shared fixtures. The main one is ``center``: a real reference center for a test.

``center`` (function scope) — a demo center (agents agent1..agent6 + lead1, password
``demo``; teams, queues, wrap-up codes, canned answers, KB articles) served over real TLS
on free loopback ports, in a thread of the test process, stopped after the test.
No simulated customers or colleagues (``demo: false`` in its center.yaml), so nothing
happens unless the test makes it happen. It yields a :class:`CenterHandle`:

    center.url          "wss://127.0.0.1:PORT"
    center.ca_file      Path to the CA certificate (trust this, verification stays on)
    center.dir          the center directory (center.yaml, center.db, tls/, secrets/)
    center.ingress_url  "https://127.0.0.1:PORT2"
    center.ingress_key  the bearer key for the ingress
    center.inject(channel, customer, text, name=None, subject=None, queue=None, priority=None) -> dict
                        POST /v1/messages (a customer writes); returns {conversation, message}
    center.leave(channel, customer)   the customer leaves (conversation → wrap-up)
    center.outbox(customer) -> list   what agents sent to that customer (GET /v1/outbox)
    center.call(fn)     run fn(hub) on the center's loop and return its result (domain API access)
    center.restart()    stop and start again on the same ports (database kept)
    center.stop()       stop now (the fixture also stops it at the end)

``make_center(**settings)`` — the same, with center.yaml settings overridden, e.g.
``make_center(offer_timeout_s=1.0, grace_seconds=2, acw_seconds=5)``; call it more than once
for several centers. ``center`` is ``make_center()`` with the defaults.

``center_template`` (session scope) — the initialised demo directory that each center copies
(init with scrypt hashes and the KB seed runs once per test session).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent_tui.center.init import init_center
from agent_tui.center.run import RunningCenter, run_center
from agent_tui.secure.tls import client_ssl_context

START_TIMEOUT = 30.0


class CenterHandle:
    """A reference center running on a thread of the test process (see module docstring)."""

    def __init__(self, center_dir: Path):
        self.dir = center_dir
        self.ca_file = center_dir / "tls" / "ca.pem"
        self.ingress_key = (center_dir / "secrets" / "ingress.key").read_text().strip()
        self.url = ""
        self.ingress_url = ""
        self._port = 0
        self._ingress_port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._running: RunningCenter | None = None
        self._error: BaseException | None = None

    def start(self) -> CenterHandle:
        ready = threading.Event()

        def on_ready(rc: RunningCenter) -> None:
            self._running = rc
            self.url, self.ingress_url = rc.url, rc.ingress_url
            self._port = int(rc.url.rsplit(":", 1)[1])
            self._ingress_port = int(rc.ingress_url.rsplit(":", 1)[1])
            ready.set()

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await run_center(self.dir, port=self._port, ingress_port=self._ingress_port, ready=on_ready,
                             stop=self._stop)

        def run() -> None:
            try:
                asyncio.run(main())
            except BaseException as exc:  # noqa: BLE001 - surfaced to the test by start()
                self._error = exc
            finally:
                ready.set()

        self._error = None
        self._thread = threading.Thread(target=run, name="center", daemon=True)
        self._thread.start()
        if not ready.wait(START_TIMEOUT) or self._error is not None:
            raise RuntimeError(f"center did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(START_TIMEOUT)
        if self._thread.is_alive():
            raise RuntimeError("center thread did not stop")
        self._thread = None
        self._running = None

    def restart(self) -> CenterHandle:
        self.stop()
        return self.start()

    @property
    def hub(self) -> Any:
        """The live Hub (only touch it through :meth:`call`)."""
        assert self._running is not None
        return self._running.hub

    def call(self, fn: Callable[[Any], Any], timeout: float = 10.0) -> Any:
        """Run ``fn(hub)`` on the center's loop thread and return its result."""
        assert self._loop is not None

        async def run() -> Any:
            return fn(self.hub)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    # ---- ingress helpers (blocking HTTP; call them via asyncio.to_thread from async tests if you like)

    def _http(self, method: str, path: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.ingress_url + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.ingress_key if key is None else key}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=client_ssl_context(self.ca_file), timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def inject(self, channel: str, customer: str, text: str, **extra: Any) -> dict:
        body = {"channel": channel, "from": customer, "text": text}
        body.update({k: v for k, v in extra.items() if v is not None})
        status, out = self._http("POST", "/v1/messages", body)
        if status != 201:
            raise AssertionError(f"ingress answered {status}: {out}")
        return out

    def leave(self, channel: str, customer: str) -> dict:
        status, out = self._http("POST", "/v1/leave", {"channel": channel, "from": customer})
        if status != 200:
            raise AssertionError(f"ingress answered {status}: {out}")
        return out

    def outbox(self, customer: str) -> list[dict]:
        status, out = self._http("GET", f"/v1/outbox?customer={urllib.request.quote(customer)}")
        if status != 200:
            raise AssertionError(f"ingress answered {status}: {out}")
        return out["messages"]


@pytest.fixture(scope="session")
def center_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("center-template") / "center"
    init_center(path, demo=True, port=0, ingress_port=0)
    return path


@pytest.fixture
def make_center(center_template: Path, tmp_path: Path) -> Iterator[Callable[..., CenterHandle]]:
    handles: list[CenterHandle] = []

    def make(**settings: Any) -> CenterHandle:
        d = tmp_path / f"center{len(handles)}"
        shutil.copytree(center_template, d)
        cfg_path = d / "center.yaml"
        cfg = yaml.safe_load(cfg_path.read_text()) or {}
        # Voice (engine processes) only where a test asks for it: make_center(voice={"enabled": True}).
        cfg.update({"demo": False, "port": 0, "ingress_port": 0, "voice": {"enabled": False}})
        cfg.update(settings)
        cfg_path.write_text(yaml.safe_dump(cfg))
        h = CenterHandle(d)
        handles.append(h)
        return h.start()

    yield make
    for h in handles:
        h.stop()


@pytest.fixture
def center(make_center: Callable[..., CenterHandle]) -> CenterHandle:
    return make_center()
