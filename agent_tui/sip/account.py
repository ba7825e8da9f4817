"""A SIP account on the owner thread: registration over TLS, SRTP policy, incoming calls.

Everything here runs on the :class:`~agent_tui.sip.engine.SipEngine` owner thread. The
account's pjsua2 configuration comes from :func:`agent_tui.sip.endpoint.account_config`.
"""

from __future__ import annotations

from typing import Any

import pjsua2 as pj

from agent_tui.sip import events as ev
from agent_tui.sip.call import new_call
from agent_tui.sip.config import AccountSpec
from agent_tui.sip.endpoint import account_config
from agent_tui.sip.engine import SipEngine
from agent_tui.sip.sipuri import caller_id, x_headers

__all__ = ["AccountSpec", "SipAccount"]


class SipAccount(pj.Account):
    """pjsua2 Account that reports registration in words and hands incoming calls to the engine."""

    def __init__(self, engine: SipEngine, spec: AccountSpec) -> None:
        pj.Account.__init__(self)
        self.engine = engine
        self.spec = spec
        self.auto_ring = True  # answer incoming INVITEs with 180 Ringing at once

    def build_config(self) -> Any:
        """The pjsua2 AccountConfig for ``spec`` (TLS transport, SRTP mandatory, retries)."""
        return account_config(self.spec, self.engine.config, self.engine.transport_id)

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
        call = new_call(self.engine, self, prm.callId, "in")
        ci = call.getInfo()
        number, display = caller_id(ci.remoteUri)
        try:
            headers = x_headers(str(prm.rdata.wholeMsg))
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
