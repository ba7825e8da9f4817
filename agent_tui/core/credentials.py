"""Passwords and session tokens in the OS keyring — and nowhere else.

On Linux that is a Secret Service (gnome-keyring, KWallet's secret service,
KeePassXC). If none is usable this module raises :class:`KeyringUnavailable`
with a message that says how to fix it; it never falls back to a plaintext
file, and it refuses the ``fail``/``null`` backends and the file keyrings of
``keyrings.alt`` even if a user configured them.

Entries live under the service name ``agent-tui``; the account is
``USER@SERVER`` for the password and ``USER@SERVER#token`` for the token, so
one machine can hold logins for several centers.
"""

from __future__ import annotations

import base64
import binascii
import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "agent-tui"

FIX = (
    "install and unlock a Secret Service such as gnome-keyring "
    "(`apt install gnome-keyring`; log in to a desktop session, or on a headless machine run "
    "agent-tui under `dbus-run-session` with `gnome-keyring-daemon --unlock --components=secrets` "
    "started inside it, as scripts/with-keyring does). agent-tui never stores secrets in plain files"
)


class KeyringUnavailable(Exception):
    """No usable OS keyring; the message says why and how to fix it."""


# Backends that would "work" but keep nothing, or keep secrets in a file.
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
_REFUSED_NAMES = ("plaintext", "uncrypted", "encryptedkeyring", "file")


def _keyring() -> ModuleType:
    """The keyring package, imported on first use: the desk needs it only at login, and loading
    it (with its entry points) is ≈ 50 ms of the desk's start-up (issue 12)."""
    # deferred: keyring and its backend discovery load at the first login, not at start-up
    import keyring
    import keyring.errors

    return keyring


def _refusal(backend: KeyringBackend) -> str | None:
    """Why *backend* is not acceptable, or None when it is."""
    cls = type(backend)
    module = cls.__module__
    name = cls.__name__.lower()
    if module.startswith(_REFUSED_MODULES) or any(n in name for n in _REFUSED_NAMES):
        return f"the keyring backend {module}.{cls.__name__} keeps no secrets or keeps them in a file"
    return None


def _backend() -> KeyringBackend:
    """The keyring backend to use, or KeyringUnavailable."""
    keyring = _keyring()
    # deferred: a submodule of keyring, loaded with it (see _keyring)
    from keyring.backends.chainer import ChainerBackend

    try:
        chosen = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - keyring's own configuration may be broken in any way
        raise KeyringUnavailable(f"no usable OS keyring ({exc}); {FIX}") from None
    # The chainer tries several backends in turn; pick the first acceptable one
    # ourselves so a plaintext backend further down the chain is never used.
    candidates: list[KeyringBackend] = (
        list(chosen.backends) if isinstance(chosen, ChainerBackend) else [chosen]
    )
    reasons = []
    for backend in candidates:
        why = _refusal(backend)
        if why is None:
            return backend
        reasons.append(why)
    why = reasons[0] if reasons else "no keyring backend is available"
    if not reasons or type(chosen).__module__ == "keyring.backends.fail":
        why = "no Secret Service is reachable on the session D-Bus"
    raise KeyringUnavailable(f"no usable OS keyring: {why}; {FIX}")


def _account(server: str, user: str, kind: str = "") -> str:
    return f"{user}@{server}" + (f"#{kind}" if kind else "")


def _do(action: str, fn: Any, *args: Any) -> Any:
    errors = _keyring().errors
    try:
        return fn(*args)
    except errors.KeyringLocked as exc:
        raise KeyringUnavailable(f"the OS keyring is locked ({exc}); unlock it, or {FIX}") from None
    except errors.PasswordDeleteError:
        return None
    except errors.KeyringError as exc:
        raise KeyringUnavailable(f"could not {action} in the OS keyring ({exc}); {FIX}") from None


def store_password(server: str, user: str, pw: str) -> None:
    """Keep *user*'s password for *server* in the keyring."""
    backend = _backend()
    _do("store the password", backend.set_password, SERVICE, _account(server, user), pw)


def get_password(server: str, user: str) -> str | None:
    """The stored password, or None when there is none."""
    backend = _backend()
    return _do("read the password", backend.get_password, SERVICE, _account(server, user))


def store_token(server: str, user: str, tok: str) -> None:
    """Keep the session token the center issued, so later logins skip the password."""
    backend = _backend()
    _do("store the token", backend.set_password, SERVICE, _account(server, user, "token"), tok)


def get_token(server: str, user: str) -> str | None:
    """The stored session token, or None."""
    backend = _backend()
    return _do("read the token", backend.get_password, SERVICE, _account(server, user, "token"))


def forget_token(server: str, user: str) -> None:
    """Drop only the token (e.g. the center rejected it)."""
    backend = _backend()
    _do("delete the token", backend.delete_password, SERVICE, _account(server, user, "token"))


def forget(server: str, user: str) -> None:
    """Remove both the password and the token; no error if they were not there."""
    backend = _backend()
    _do("delete the password", backend.delete_password, SERVICE, _account(server, user))
    _do("delete the token", backend.delete_password, SERVICE, _account(server, user, "token"))


def check_available() -> None:
    """Raise :class:`KeyringUnavailable` now if no usable keyring exists
    (so ``login`` fails before the user types a password)."""
    _backend()


# --- the key of the local cache (core/vault.py), next to the login ---------------


def cache_key(server: str, user: str) -> bytes:
    """The 32-byte key of *user*'s encrypted local cache for *server*; made (and kept
    in the keyring) on first use. Raises :class:`KeyringUnavailable` without a keyring."""
    backend = _backend()
    account = _account(server, user, "cache")
    stored = _do("read the cache key", backend.get_password, SERVICE, account)
    if stored:
        try:
            key = base64.b64decode(stored, validate=True)
        except (ValueError, binascii.Error):
            key = b""
        if len(key) == 32:
            return key
    key = os.urandom(32)
    _do("store the cache key", backend.set_password, SERVICE, account, base64.b64encode(key).decode())
    return key
