"""A SIP account on the owner thread: registration over TLS, SRTP policy, incoming calls.

Everything here runs on the :class:`~agent_tui.sip.engine.SipEngine` owner thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent_tui.sip import events as ev

if TYPE_CHECKING:  # pragma: no cover
    from agent_tui.sip.engine import SipEngine

import pjsua2 as pj


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
    display_name: str = ""
    proxy: str = ""  # outbound proxy URI; default: the registrar (with ;lr)
    retry_s: int = 30  # re-register retry after failure (pjsua default is 300 s)
    expires_s: int = 300
    keepalive_s: int = 25  # NAT keep-alive (UDP) and TCP keep-idle for the TLS connection
    key: str = "main"

    @property
    def uri(self) -> str:
        """Our address of record."""
        return f"sip:{self.user}@{self.domain}"

    def target_uri(self, target: str) -> str:
        """A dialable URI for a number, a colleague's user name or a full SIP URI."""
        target = target.strip()
        if target.startswith(("sip:", "sips:")):
            return target
        if "@" in target:
            return f"sip:{target};transport=tls"
        return f"sip:{target}@{self.domain};transport=tls"


def _rx_headers(whole_msg: str) -> dict[str, str]:
    """X- headers of an incoming INVITE (the center passes the conversation id this way)."""
    headers: dict[str, str] = {}
    head = whole_msg.split("\r\n\r\n", 1)[0]
    for line in head.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower().startswith("x-"):
            headers[name.strip()] = value.strip()
    return headers


_URI_USER = re.compile(r"sips?:([^@;>]+)@")
_DISPLAY = re.compile(r'^\s*"?([^"<]*?)"?\s*<')


def caller_id(remote_uri: str) -> tuple[str, str]:
    """(number-or-user, display name) from a remote URI like '"Ann" <sip:+3120@host>'."""
    m = _URI_USER.search(remote_uri)
    user = m.group(1) if m else remote_uri
    d = _DISPLAY.match(remote_uri)
    return user, (d.group(1).strip() if d else "")


class SipAccount(pj.Account):
    """pjsua2 Account that reports registration in words and hands incoming calls to the engine."""

    def __init__(self, engine: SipEngine, spec: AccountSpec) -> None:
        pj.Account.__init__(self)
        self.engine = engine
        self.spec = spec
        self.auto_ring = True  # answer incoming INVITEs with 180 Ringing at once

    def build_config(self) -> Any:
        """The pjsua2 AccountConfig for ``spec`` (TLS transport, SRTP mandatory, retries)."""
        spec = self.spec
        cfg = pj.AccountConfig()
        cfg.idUri = f'"{spec.display_name}" <{spec.uri}>' if spec.display_name else spec.uri
        reg = cfg.regConfig
        reg.registrarUri = spec.registrar
        reg.registerOnAdd = bool(spec.registrar)
        reg.timeoutSec = spec.expires_s
        reg.retryIntervalSec = spec.retry_s
        reg.firstRetryIntervalSec = min(spec.retry_s, 10)
        reg.randomRetryIntervalSec = min(10, spec.retry_s // 3)
        reg.dropCallsOnFail = False  # a registrar hiccup must not cut a customer off
        reg.unregWaitMsec = 1000
        sip = cfg.sipConfig
        sip.transportId = self.engine.transport_id
        # The registrar doubles as the outbound proxy unless told otherwise: a call to
        # sip:agent2@<domain> must go through it (the domain alone may name no SIP server).
        proxy = spec.proxy or (f"{spec.registrar};lr" if spec.registrar else "")
        if proxy:
            sip.proxies.append(proxy)
        if spec.password is not None:
            sip.authCreds.append(pj.AuthCredInfo("digest", "*", spec.user, 0, spec.password))
        nat = cfg.natConfig
        nat.udpKaIntervalSec = spec.keepalive_s
        nat.iceEnabled = False
        med = cfg.mediaConfig
        med.srtpUse = pj.PJMEDIA_SRTP_MANDATORY
        med.srtpSecureSignaling = 1  # SDES keys only over TLS (at least the first hop)
        med.streamKaEnabled = True  # keep the NAT pinhole open while VAD sends nothing
        tcfg = med.transportConfig
        tcfg.port = self.engine.config.rtp_port
        if self.engine.config.bind_address:
            tcfg.boundAddress = self.engine.config.bind_address
        if self.engine.config.public_address:
            tcfg.publicAddress = self.engine.config.public_address
        return cfg

    def start(self) -> None:
        """Create the account in pjsua (REGISTER goes out at once when a registrar is set)."""
        self.create(self.build_config(), True)
        self.engine.accounts[self.spec.key] = self

    # -------------------------------------------------------------- pjsua2 callbacks
    def onRegState(self, prm: Any) -> None:
        ai = self.getInfo()
        code = int(prm.code)
        if 200 <= code < 300 and ai.regIsActive:
            self.engine.emit(
                ev.Registered(
                    account=self.spec.key, uri=self.spec.uri, expires_s=int(ai.regExpiresSec)
                )
            )
            return
        if 200 <= code < 300:
            self.engine.emit(ev.Unregistered(account=self.spec.key))
            return
        self.engine.emit(
            ev.RegistrationFailed(
                account=self.spec.key,
                status_code=code,
                reason=str(prm.reason),
                message=self._explain(code, str(prm.reason)),
                retry_s=self.spec.retry_s,
            )
        )

    def _explain(self, code: int, reason: str) -> str:
        if code in (401, 403, 407):
            return f"registration refused ({code} {reason}): wrong user or password for {self.spec.user}"
        tls = self.engine.last_tls_failure
        if tls:
            return f"registration to {self.spec.registrar} refused: {tls}"
        if code in (408, 503) or code >= 700 or code == 0:
            return (
                f"registrar {self.spec.registrar} not reachable ({code} {reason});"
                f" retrying every {self.spec.retry_s} s"
            )
        return f"registration failed: {code} {reason}"

    def onIncomingCall(self, prm: Any) -> None:
        call = self.engine.call_factory(self, prm.callId, "in")
        ci = call.getInfo()
        number, display = caller_id(ci.remoteUri)
        try:
            headers = _rx_headers(str(prm.rdata.wholeMsg))
        except Exception:  # noqa: BLE001 - headers are a convenience
            headers = {}
        call.remote_uri = ci.remoteUri
        if self.auto_ring:
            # 180 first: a listener may answer (auto-answer) from inside the event it gets next.
            op = pj.CallOpParam()
            op.statusCode = 180
            call.answer(op)
        self.engine.emit(
            ev.IncomingCall(
                call=call.key,
                account=self.spec.key,
                remote_uri=ci.remoteUri,
                caller_id=number,
                display_name=display,
                headers=headers,
            )
        )
