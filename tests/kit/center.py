"""A reference center on a thread of the test process: start, stop, restart, domain access, ingress.

Used by the ``center``/``make_center`` fixtures (tests/conftest.py) and, with the lab's host
address, by :class:`tests.kit.labcenter.LabCenter`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
