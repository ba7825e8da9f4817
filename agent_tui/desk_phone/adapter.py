"""The desk's side of ``agent_tui.sip``: when the softphone may start, how it is built from the
config and the desk's session, and how its events become inputs of the call board.

No Textual here: the controller (``desk_phone/controller.py``) calls these on the UI loop or in a
thread worker. Only :func:`build_softphone` loads pjsua2, and only when the phone starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from agent_tui.core import credentials
from agent_tui.core.call_state import (
    CallQualityView,
    HeadsetFailed,
    SipCallState,
    SipCommandFailed,
    SipInput,
    SipMedia,
    SipQuality,
    SipRinging,
    SipTransfer,
)
from agent_tui.core.config import Config
from agent_tui.sip import events as ev
from agent_tui.sip.profiles import PROFILES, profile_name

# SIP headers of the center's INVITE (its voice engine): the conversation and the customer's number.
CONVERSATION_HEADER = "X-Agent-Tui-Conversation"
CALLER_HEADER = "X-Agent-Tui-Caller"


def phone_off_by_env() -> bool:
    return os.environ.get("AGENT_TUI_SOFTPHONE", "").strip().lower() in ("0", "off", "no", "false")


def start_policy(config: Config) -> str:
    """``auto`` (start when needed), ``always`` (at once) or ``never`` (env or ``softphone.start``)."""
    if phone_off_by_env():
        return "never"
    opt = str((config.softphone.options or {}).get("start", "auto")).lower()
    return opt if opt in ("auto", "always", "never") else "auto"


def sip_settings(welcome_voice: dict[str, Any], config: Config) -> dict[str, Any]:
    """SIP settings: the welcome frame's ``voice`` mapping, overridden by the config's
    ``softphone: {registrar, domain, proxy}`` (for a center that does not publish them)."""
    info = dict(welcome_voice)
    options = config.softphone.options or {}
    for key in ("registrar", "domain", "proxy"):
        value = options.get(key)
        if value:
            info[key] = str(value)
    return info


def keyring_password(server: str, user: str) -> str | None:
    """The agent's password from the OS keyring (blocking: D-Bus), or None."""
    try:
        return credentials.get_password(server, user)
    except Exception:  # noqa: BLE001 - no keyring: register without (the registrar says no)
        return None


def build_softphone(config: Config, settings: dict[str, Any], server: str, ca: str, user: str,
                    password: str | None, on_event: Callable[[object], None]) -> Any:
    """A ``Softphone`` (not started yet) for the desk's session. Thread: loads pjsua2."""
    # deferred: these load pjsua2 (heavy), needed only once the phone starts
    from agent_tui.sip import tls_relay  # deferred: with the pjsua2 modules below
    from agent_tui.sip.account import AccountSpec
    from agent_tui.sip.engine import EngineConfig  # deferred: with the pjsua2 modules above
    from agent_tui.sip.phone import HeadsetSpec, Softphone  # deferred: loads pjsua2

    sp = config.softphone
    profile = profile_name(sp.profile) if profile_name(sp.profile) in PROFILES else "low"
    host = urlsplit(server).hostname or "127.0.0.1"
    registrar = str(settings.get("registrar") or "")
    proxy = str(settings.get("proxy") or "")
    if registrar and not proxy:
        # Calls we place (consult, dial) go through the registrar too; the domain alone has no port.
        proxy = registrar if ";lr" in registrar else registrar + ";lr"
    account = AccountSpec(user=user, domain=str(settings.get("domain") or host), registrar=registrar,
                          proxy=proxy, password=password)
    log_file = (sp.options or {}).get("log_file")
    # Signalling over TLS 1.3 on the system OpenSSL (sip/tls_relay.py) instead of pjsua2's own TLS 1.2:
    # the default with a TLS registrar (the full setup); softphone: {tls13: false} turns it off.
    tls13 = tls_relay.wanted((sp.options or {}).get("tls13"), registrar)
    engine = EngineConfig(ca_file=ca, profile=profile, log_file=log_file, log_level=4 if log_file else 0,
                          sip_relay=tls13)
    media = HeadsetSpec(input_device=sp.input_device, output_device=sp.output_device,
                        ring_device=sp.ring_device)
    return Softphone(engine, account, on_event=on_event, media=media, level_interval=0.25)


def call_input(e: object) -> SipInput | None:
    """The call board's input for phone event ``e`` (None: the event does not concern the bar)."""
    if isinstance(e, ev.IncomingCall):
        headers = e.headers or {}
        return SipRinging(e.call, e.caller_id, e.display_name, headers.get(CONVERSATION_HEADER, ""),
                          headers.get(CALLER_HEADER, ""), monitor_token=e.monitor_token)
    if isinstance(e, ev.CallState):
        return SipCallState(e.call, e.state, e.status_code, e.reason)
    if isinstance(e, ev.CallMedia):
        return SipMedia(e.call, e.status, e.codec, e.profile, e.srtp_suite, e.muted)
    if isinstance(e, ev.CallQuality):
        return SipQuality(e.call, CallQualityView(rtt_ms=e.rtt_ms, jitter_ms=e.jitter_ms,
                                                  loss_pct=e.loss_pct, mos=e.mos, degraded=e.degraded,
                                                  warning=e.warning, no_audio=e.no_audio))
    if isinstance(e, ev.TransferStatus):
        return SipTransfer(e.call, e.status_code, e.reason, e.final)
    if isinstance(e, ev.CommandFailed):
        return SipCommandFailed(e.command, e.message, e.call)
    if isinstance(e, ev.AudioDeviceError):
        return HeadsetFailed(e.message)
    return None
