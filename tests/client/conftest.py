"""Fixtures for the client tests. The center itself is the shared ``center``
fixture (tests/conftest.py: a real center over real TLS on free ports, demo
agents, no simulation). Here: a TCP proxy in front of it that can really cut,
refuse and stall connections, and a second CA for trust tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_tui.secure import pki
from tests.client.test_center_client import Clients
from tests.kit.proxy import TcpProxy


def center_port(center: Any) -> int:
    return int(center.url.rsplit(":", 1)[1])


@pytest.fixture
def proxy(center: Any) -> Iterator[TcpProxy]:
    """A TCP proxy to the center; ``wss://127.0.0.1:{proxy.port}`` passes TLS
    verification (the certificate names 127.0.0.1)."""
    p = TcpProxy("127.0.0.1", center_port(center)).start()
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA that did not sign the center's certificate."""
    ca_pem, _ = pki.make_ca(tmp_path_factory.mktemp("other-ca"), common_name="some other CA")
    return ca_pem


@pytest.fixture
async def clients():
    """Center clients made by a test, all closed at its end."""
    cs = Clients()
    try:
        yield cs
    finally:
        await cs.close()
