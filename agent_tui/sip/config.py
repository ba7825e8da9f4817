"""What a pjsua2 process of the project starts with: the library settings and one account.

Plain dataclasses without pjsua2, so callers (the desk, the tester CLI, the center's voice
engine) can build them before the library is loaded. :mod:`agent_tui.sip.endpoint` turns them
into pjsua2 configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class EngineConfig:
    """How to start the library. Only ``ca_file`` is required.

    ``cert_file``/``key_file`` give the TLS listener an identity (the center's voice engine);
    a softphone leaves them empty and only connects out. Server verification is always on:
    pjsua2 checks the peer against ``ca_file`` and refuses it otherwise.
    """

    ca_file: str | Path
    cert_file: str | Path | None = None
    key_file: str | Path | None = None
    tls_port: int = 0  # 0: an ephemeral port
    bind_address: str = ""  # "" = all interfaces; tests and the center use 127.0.0.1 or a host
    public_address: str = ""  # address to put in Contact/Via, if not the bound one
    verify_client: bool = False  # a listener with verify_client also requires a client cert
    user_agent: str = "agent-tui"
    max_calls: int = 8
    clock_rate: int = 16000  # conference bridge rate: 16 kHz so G.722 stays wideband
    rtp_port: int = 0  # first RTP port; 0 lets pjsua pick
    profile: str = "normal"  # codec profile applied at start (profiles.py)
    vad: bool = True  # silence suppression; the center's engine mixes streams and turns it off
    log_level: int = 0  # pjsua log level 0-6 (0: silent)
    log_file: str | Path | None = None  # the log goes here ...
    log_console: bool = False  # ... or to fd 1, only for processes that moved fd 1 to stderr
    log_sip_messages: bool = False  # debugging only: writes SRTP keys into the log
    poll_ms: int = 20  # libHandleEvents slice: bounds command latency (idle CPU ~0.7 % at 20 ms)
    keepalive_s: int = 25  # TCP keep-alive on the TLS connection: home NATs drop idle flows
    rx_drop_pct: int = 0  # pjmedia's own loss simulator (diagnostics, tests): drop N% received RTP
    # SIP over loopback TCP to a tls_relay.SipTlsRelay (TLS 1.3 on the system OpenSSL) instead of
    # pjsua2's own TLS 1.2: the one transport is then TCP on 127.0.0.1.
    sip_relay: bool = False


@dataclass
class AccountSpec:
    """Who we are and where we register.

    ``registrar`` empty means no REGISTER (direct mode: the peer calls our TLS listener or
    we only dial out). The password is handed in from the keyring by the caller, never read
    from a file here, and never logged.
    """

    user: str
    domain: str  # SIP domain, e.g. "127.0.0.1:5061" or "center.example.com"
    registrar: str = ""  # e.g. "sip:127.0.0.1:5061;transport=tls"
    password: str | None = None
    password_is_ha1: bool = False  # ``password`` is the digest HA1 (the center's engine)
    display_name: str = ""
    proxy: str = ""  # outbound proxy URI; default: the registrar (with ;lr)
    retry_s: int = 30  # re-register retry after failure (pjsua default is 300 s)
    first_retry_s: int = 10  # first retry after a failed registration (capped at retry_s)
    expires_s: int = 300
    keepalive_s: int = 25  # NAT keep-alive (UDP) and TCP keep-idle for the TLS connection
    # An address of record other than sip:user@domain (the voice engine in direct mode names its
    # TLS transport, so what agents see in From is dialable back over TLS).
    id_uri: str = ""
    # pjsua's NAT helpers: Contact/Via rewrite, RFC 5626 outbound, RTP keep-alive. A softphone
    # behind a home NAT needs them; a center process on a known address turns them off.
    nat_traversal: bool = True
    contact_params: str = ""  # e.g. ";q=0.9": Kamailio forks serially in q order
    session_expires_s: int = 120  # RFC 4028 Session-Expires (pjsua's default is 1,800 s)
    key: str = "main"

    @property
    def uri(self) -> str:
        """Our address of record (``id_uri`` when set)."""
        return self.id_uri or f"sip:{self.user}@{self.domain}"

    def target_uri(self, target: str) -> str:
        """A dialable URI for a number, a colleague's user name or a full SIP URI."""
        target = target.strip()
        if target.startswith(("sip:", "sips:")):
            return target
        if "@" in target:
            return f"sip:{target};transport=tls"
        return f"sip:{target}@{self.domain};transport=tls"
