"""The TLS contexts: verification always on, TLS 1.2 at least.

Agents verify the center against the CA file they were given (``tls/ca.pem``, made by
:mod:`agent_tui.secure.pki`). Verification is never switched off: :func:`client_ssl_context`
always checks the chain and the host name, and refuses anything below TLS 1.2.
"""

from __future__ import annotations

import ssl
from pathlib import Path


def server_ssl_context(cert_file: str | Path, key_file: str | Path) -> ssl.SSLContext:
    """TLS server context: TLS 1.2 or newer, the center's certificate chain."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert_file), str(key_file))
    return ctx


def client_ssl_context(ca_file: str | Path) -> ssl.SSLContext:
    """TLS client context that trusts exactly *ca_file*.

    Verification is ON (certificate chain and host name) and TLS 1.2 is the
    minimum; there is deliberately no switch to turn either off.
    Raises ``FileNotFoundError`` / ``ssl.SSLError`` when the CA file is missing or bad.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.check_hostname = True
    ctx.load_verify_locations(cafile=str(ca_file))
    return ctx
