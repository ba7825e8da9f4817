"""A private certificate authority: the CA and the server certificates it signs.

The reference center runs on a private CA: ``center init`` makes a CA and a
server certificate signed by it; agents get the CA certificate as a file
(``tls/ca.pem``) and verify the center against it (:mod:`agent_tui.secure.tls`).
Only the center and tests make certificates, so the desk never loads ``cryptography``.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 825  # the longest lifetime common clients accept for a server certificate


def _write_private(path: Path, data: bytes) -> None:
    """Write a private key readable by the owner only (created 0600, never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def make_ca(tls_dir: Path, common_name: str = "agent-tui center CA") -> tuple[Path, Path]:
    """Create ``ca.pem`` and ``ca.key`` (0600) in *tls_dir*. Returns their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(minutes=5))
        .not_valid_after(now + _dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    tls_dir.mkdir(parents=True, exist_ok=True)
    ca_pem = tls_dir / "ca.pem"
    ca_key = tls_dir / "ca.key"
    ca_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_private(ca_key, _key_pem(key))
    return ca_pem, ca_key


def _san_entries(hosts: list[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    seen: set[str] = set()
    for host in hosts:
        if not host or host in seen:
            continue
        seen.add(host)
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            out.append(x509.DNSName(host))
    return out


def make_server_cert(tls_dir: Path, hosts: list[str]) -> tuple[Path, Path]:
    """Create ``server.pem`` + ``server.key`` (0600) signed by the CA in *tls_dir*.

    The certificate names 127.0.0.1, localhost and every host in *hosts*.
    """
    ca_cert = x509.load_pem_x509_certificate((tls_dir / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((tls_dir / "ca.key").read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    all_hosts = ["127.0.0.1", "localhost", *hosts]
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, all_hosts[-1])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(minutes=5))
        .not_valid_after(now + _dt.timedelta(days=SERVER_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(_san_entries(all_hosts)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_pem = tls_dir / "server.pem"
    server_key = tls_dir / "server.key"
    server_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_private(server_key, _key_pem(key))
    return server_pem, server_key


def certificate_summary(der: bytes) -> dict[str, Any]:
    """Subject, issuer, names and lifetime of a DER certificate (what `agent-tui doctor` shows)."""
    return _describe_cert(x509.load_der_x509_certificate(der))


def ca_file_summary(path: Path) -> dict[str, Any]:
    """Subject, issuer and lifetime of a PEM CA file, or ``{"error": why}``."""
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        return {"error": str(exc)}
    info = _describe_cert(cert)
    info.pop("names", None)
    return info


def _describe_cert(cert: x509.Certificate) -> dict[str, Any]:
    not_after = cert.not_valid_after_utc
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n.value) for n in san]
    except x509.ExtensionNotFound:
        pass
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "names": names,
        "not_after": not_after.isoformat(timespec="seconds"),
        "days_left": (not_after - _now()).days,
    }
