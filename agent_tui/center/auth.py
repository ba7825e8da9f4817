"""Password hashes (scrypt) and session tokens.

Passwords are stored as ``scrypt$N$r$p$salt$hash`` (hex). Tokens are 256-bit
random strings; only their SHA-256 is stored, so a copy of the database does
not let anyone log in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# N=2**14, r=8: ~16 MiB and a few tens of ms per check; strong enough against
# offline guessing of a stolen database, cheap enough for a login burst.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    """Return a self-describing scrypt hash of *password*."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check of *password* against a hash from :func:`hash_password`."""
    if not stored:
        # Still burn comparable time so a missing user is not distinguishable by timing.
        hashlib.scrypt(password.encode("utf-8"), salt=b"0" * 16, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
        return False
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p),
            dklen=len(digest_hex) // 2, maxmem=2**27,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_token() -> str:
    """A fresh session token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database stores for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_id(prefix: str) -> str:
    """A short random identifier such as ``c-3f9a1b2c4d5e``."""
    return f"{prefix}-{secrets.token_hex(6)}"
