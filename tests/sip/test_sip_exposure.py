"""What a phone or the engine exposes to the network (issue 10): the address it binds, and a
listener that refuses connections once nobody needs to reach it."""

from __future__ import annotations

import socket

import pytest

from agent_tui.sip.endpoint import sip_host, source_address, stop_accepting


@pytest.mark.parametrize(("uri", "host"), [
    ("sip:127.0.0.1:5061;transport=tls", "127.0.0.1"),
    ("sip:agent1@center.example.com;transport=tls", "center.example.com"),
    ("127.0.0.1:5061", "127.0.0.1"),
    ("sips:[::1]:5061", "::1"),
])
def test_sip_host_is_the_host_of_a_uri(uri, host):
    assert sip_host(uri) == host


def test_the_phone_binds_to_the_address_that_reaches_the_registrar_not_all_interfaces():
    assert source_address("sip:127.0.0.1:5061;transport=tls") == "127.0.0.1"
    assert source_address("sip:no-such-host.invalid;transport=tls") == ""  # unknown: pjsua picks


def test_a_listener_stopped_from_accepting_refuses_new_connections():
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(8)
        port = lsock.getsockname()[1]
        socket.create_connection(("127.0.0.1", port), timeout=2).close()  # accepted by the kernel before
        assert stop_accepting(port)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2)
        assert lsock.fileno() >= 0  # the owner's descriptor is still open (only our duplicate closed)
