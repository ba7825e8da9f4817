"""Test PKI for the SIP tests, made with the center's own helpers (agent_tui.secure.tls).

EC P-256 keys: the OpenSSL 1.0.2 inside the pjsua2 wheel verifies ECDSA P-256 (not Ed25519),
with TLS 1.2 at most — the same PKI `center init` deploys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent_tui.secure.pki import make_ca, make_server_cert


@dataclass(frozen=True)
class Pki:
    """A CA and one server certificate/key it signed (SANs 127.0.0.1 and localhost)."""

    ca: Path
    cert: Path
    key: Path


def make_pki(directory: Path, name: str = "test") -> Pki:
    """Create a fresh CA + server certificate in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_pem, _ca_key = make_ca(directory, common_name=f"{name} test CA")
    cert, key = make_server_cert(directory, [])
    return Pki(ca=ca_pem, cert=cert, key=key)
