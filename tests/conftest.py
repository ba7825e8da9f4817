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

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent_tui.center.init import init_center
from tests.kit.center import CenterHandle


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


@pytest.fixture(autouse=True)
def private_desk_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's desks keep their encrypted local cache (core/desk_cache.py) in a directory of
    their own: a queued message of one test must never be resent by a desk in the next one."""
    path = tmp_path_factory.mktemp("desk-cache")
    monkeypatch.setenv("AGENT_TUI_CACHE_DIR", str(path))
    return path
