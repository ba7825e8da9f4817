"""A gate below TLS for the wss endpoint: a connection the center will refuse anyway costs no handshake.

A crowd of connections from one address (more than it may have logging in at once) used to get a
full TLS handshake each, then an HTTP 503 — some 60 handshakes a second on the center's event loop
in the login attack of ``bench/login_attack.py``, which is what made real logins from elsewhere slow.
Now the center decides from the peer address at TCP accept, before any TLS work
(:meth:`agent_tui.center.admission.Admission.refuse_before_tls`): refused connections are closed at
once; the others get their TLS handshake here and are then handed to websockets' own connection
(the :class:`websockets.asyncio.server.ServerConnection` that ``serve`` built), as if the listening
socket had done the TLS itself.

The over-cap address still gets a clear answer now and then (an HTTP 503 with ``Retry-After``, at most
one a second per address, see the admission), so a desk behind a busy office NAT learns that the
center is busy rather than seeing only dropped connections.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection

log = logging.getLogger("agent_tui.center.tls_gate")

TLS_GATE = sys.version_info >= (3, 11)  # see CenterServer.start: 3.10 serves TLS on the listener
SHUTDOWN_TIMEOUT_S = 5.0  # the TLS close of a connection (websockets' close_timeout, as before the gate)


class TlsGate(asyncio.Protocol):
    """The asyncio protocol of one accepted TCP connection until its TLS handshake is done."""

    def __init__(self, make_inner: Callable[[], ServerConnection], ctx: ssl.SSLContext,
                 refuse: Callable[[str], bool], tasks: set[asyncio.Task[None]], handshake_timeout: float):
        self._make_inner = make_inner  # built only for a connection that passes the gate
        self._ctx = ctx
        self._refuse = refuse
        self._tasks = tasks
        self._timeout = handshake_timeout
        self._early: list[bytes] = []  # decrypted bytes that came between the handshake and the handover
        self._lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        raw: Any = transport
        peer = raw.get_extra_info("peername")
        if peer and self._refuse(str(peer[0])):
            raw.abort()  # no TLS, no HTTP: the cheapest refusal there is
            return
        raw.pause_reading()  # the ClientHello waits for start_tls (which resumes reading)
        task = asyncio.get_running_loop().create_task(self._start_tls(raw))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_tls(self, raw: asyncio.Transport) -> None:
        loop = asyncio.get_running_loop()
        try:
            # ssl_shutdown_timeout is in asyncio since 3.11 (Python 3.10 would refuse the keyword and
            # every login would fail); typeshed's AbstractEventLoop lacks it.
            extra: dict[str, Any] = {"ssl_shutdown_timeout": SHUTDOWN_TIMEOUT_S} if sys.version_info >= (3, 11) else {}
            tls = await loop.start_tls(raw, self, self._ctx, server_side=True,
                                       ssl_handshake_timeout=self._timeout, **extra)
        except asyncio.CancelledError:
            raw.abort()
            raise
        except Exception as exc:  # noqa: BLE001 — whatever a peer does to its handshake ends only its connection
            log.debug("TLS handshake failed: %r", exc)
            raw.abort()
            return
        if tls is None or self._lost or tls.is_closing():
            raw.abort()
            return
        inner = self._make_inner()
        tls.set_protocol(inner)
        inner.connection_made(tls)
        for data in self._early:
            inner.data_received(data)
        self._early.clear()

    def data_received(self, data: bytes) -> None:
        self._early.append(data)  # only before the handover: afterwards the inner connection gets it

    def eof_received(self) -> bool | None:
        return None  # before the handover: nothing to finish, let the transport close

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True


def gated(ctx: ssl.SSLContext, refuse: Callable[[str], bool], tasks: set[asyncio.Task[None]],
          handshake_timeout: float) -> Callable[..., Any]:
    """A ``create_connection`` for websockets' ``serve`` (called with ``ssl=None``): its connections behind a gate."""

    def create(*args: Any, **kwargs: Any) -> TlsGate:
        return TlsGate(lambda: ServerConnection(*args, **kwargs), ctx, refuse, tasks, handshake_timeout)

    return create
