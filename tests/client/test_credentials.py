"""The keyring wrapper against the real Secret Service (gnome-keyring under
scripts/with-keyring), and its refusal of backends that keep nothing or keep
secrets in files."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from agent_tui.core import credentials

needs_bus = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    reason="needs a session D-Bus with a Secret Service: run under scripts/with-keyring",
)


@pytest.fixture
def restore_keyring():
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


@needs_bus
def test_password_and_token_round_trip_and_forget():
    server, user = f"wss://test-{uuid.uuid4().hex[:8]}:1", "agent1"
    assert credentials.get_password(server, user) is None
    credentials.store_password(server, user, "s3cret")
    credentials.store_token(server, user, "tok")
    assert credentials.get_password(server, user) == "s3cret"
    assert credentials.get_token(server, user) == "tok"
    # the two centers do not share entries
    assert credentials.get_password(server + "0", user) is None
    credentials.forget_token(server, user)
    assert credentials.get_token(server, user) is None
    assert credentials.get_password(server, user) == "s3cret"
    credentials.forget(server, user)
    credentials.forget(server, user)  # forgetting twice is fine
    assert credentials.get_password(server, user) is None


@needs_bus
def test_secrets_are_stored_under_the_agent_tui_service():
    server = f"wss://test-{uuid.uuid4().hex[:8]}:1"
    credentials.store_password(server, "agent2", "pw")
    try:
        assert keyring.get_password("agent-tui", f"agent2@{server}") == "pw"
    finally:
        credentials.forget(server, "agent2")


def test_no_secret_service_gives_a_message_with_the_fix():
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"
    proc = subprocess.run(
        [sys.executable, "-c",
         "from agent_tui.core import credentials as c\n"
         "try:\n    c.get_password('wss://x:1', 'a')\n"
         "except c.KeyringUnavailable as e:\n    print('UNAVAILABLE', e)\n"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.stdout.startswith("UNAVAILABLE"), proc.stdout + proc.stderr
    assert "gnome-keyring" in proc.stdout and "dbus-run-session" in proc.stdout


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_fail_and_null_backends_are_refused(backend, restore_keyring):
    keyring.set_keyring(backend)
    with pytest.raises(credentials.KeyringUnavailable) as exc:
        credentials.store_password("wss://x:1", "a", "pw")
    assert "gnome-keyring" in str(exc.value)


class FakePlaintextKeyring(KeyringBackend):
    """A stand-in for keyrings.alt's PlaintextKeyring (not installed here): a
    backend that would write secrets to a file must be refused by name."""

    # Never chosen by keyring's own discovery (it registers every subclass).
    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict = {}

    def get_password(self, service, username):
        return self.stored.get((service, username))

    def set_password(self, service, username, password):
        self.stored[(service, username)] = password

    def delete_password(self, service, username):
        self.stored.pop((service, username), None)


class _Chain(ChainerBackend):
    def __init__(self, backends):
        super().__init__()
        self._chain = backends

    @property
    def backends(self):
        return self._chain


def test_plaintext_backend_is_refused(restore_keyring):
    plain = FakePlaintextKeyring()
    keyring.set_keyring(plain)
    with pytest.raises(credentials.KeyringUnavailable):
        credentials.store_password("wss://x:1", "a", "pw")
    keyring.set_keyring(_Chain([plain, fail.Keyring()]))
    with pytest.raises(credentials.KeyringUnavailable):
        credentials.store_token("wss://x:1", "a", "tok")
    assert plain.stored == {}


@needs_bus
def test_chainer_skips_plaintext_for_the_secret_service(restore_keyring):
    from keyring.backends import SecretService

    plain = FakePlaintextKeyring()
    keyring.set_keyring(_Chain([plain, SecretService.Keyring()]))
    server = f"wss://test-{uuid.uuid4().hex[:8]}:1"
    credentials.store_password(server, "a", "pw")
    try:
        assert plain.stored == {}
        assert credentials.get_password(server, "a") == "pw"
    finally:
        credentials.forget(server, "a")
