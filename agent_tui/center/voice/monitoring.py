"""Call monitoring, the center's side (issue 11): who may listen to which call, and telling them.

A lead (role ``supervisor``) listens silently, whispers to the agent, or barges in on a live
voice conversation of an agent in one of the lead's teams. The ops (``voice.monitor``,
``voice.monitor.stop``; listed in :data:`agent_tui.center.commands.OPS`) are bound here by the
voice bridge; the engine bridges the lead's softphone into the call
(:mod:`agent_tui.center.voice.monitor`):

* direct mode: the op answers with a one-time ``monitor-…`` URI that the lead's phone dials;
* with Kamailio: the engine rings the lead's softphone at ``sip:LEAD@DOMAIN``, marked to be
  answered at once; the lead's phone believes the mark only with the one-time ``token`` its desk
  sent in ``voice.monitor`` (or that the answer returns), see :mod:`agent_tui.sip.autoanswer`.

When the lead's leg is connected, changes mode or leaves, the agent and the lead get a
``voice.monitor`` event and the center log says who listens to which conversation.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_tui.center.model import DomainError
from agent_tui.sip.autoanswer import new_token, valid_token

# Who listens to whom is an audit trail: `center serve` logs this logger at INFO even when the
# rest of the center logs warnings only (center/cli.py).
AUDIT_LOGGER = "agent_tui.center.voice.monitoring"
log = logging.getLogger(AUDIT_LOGGER)

MODES = ("listen", "whisper", "barge")


@dataclass
class Session:
    """One lead monitoring one call."""

    lead: str
    mode: str
    agent: str
    active: bool = False


class Monitoring:
    """The monitoring ops and events of one voice bridge.

    *calls_by_conv* maps a conversation to the bridge's live call (with ``.call``, ``.conv``,
    ``.agent``), *calls_by_agent* an agent to their connected call; *send* sends an engine command; *engine_addr* gives the engine address of a
    call (direct mode); *ring_uri* is the lead's SIP URI through Kamailio, or None in direct mode.
    """

    def __init__(self, hub: Any, *, calls_by_conv: Callable[[str], Any], send: Callable[[dict], None],
                 engine_addr: Callable[[str], dict], ring_uri: Callable[[str], str | None],
                 calls_by_agent: Callable[[str], Any] | None = None) -> None:
        self.hub = hub
        self.calls_by_agent = calls_by_agent
        self.calls_by_conv = calls_by_conv
        self.send = send
        self.engine_addr = engine_addr
        self.ring_uri = ring_uri
        self.sessions: dict[str, Session] = {}  # engine call id -> who monitors it

    def register(self) -> None:
        self.hub.register_op("voice.monitor", self.op_monitor, role="supervisor")
        self.hub.register_op("voice.monitor.stop", self.op_stop, role="supervisor")

    # --- ops -------------------------------------------------------------------------------
    def _live_call(self, lead: str, args: dict) -> Any:
        conv, agent = args.get("conversation"), args.get("agent")
        if isinstance(conv, str) and conv:
            c = self.calls_by_conv(conv)
        elif isinstance(agent, str) and agent and self.calls_by_agent is not None:
            # The lead view picks an agent, not a conversation: that agent's connected call.
            c = self.calls_by_agent(agent)
            if c is None or not c.agent:
                raise DomainError("conflict", f"{agent} is not on a connected voice call")
        else:
            raise DomainError("bad_args", "conversation (or agent) is required")
        if c is None or not c.agent:
            raise DomainError("conflict", f"{conv} is not a connected voice call")
        agents = getattr(self.hub, "agents", {})
        me, them = agents.get(lead), agents.get(c.agent)
        if me is None or them is None or them.team not in (me.teams or [me.team]):
            # Scoped to the lead's own teams; the same answer as for a call that does not exist
            # would hide nothing useful, so say plainly why.
            raise DomainError("forbidden", f"{c.agent} is not in your team")
        return c

    def op_monitor(self, conn: Any, args: dict) -> dict:
        """``voice.monitor`` {conversation | agent, mode?, token?}: start monitoring, or change the mode."""
        lead = conn.user
        mode = str(args.get("mode") or "listen")
        if mode not in MODES:
            raise DomainError("bad_args", f"mode must be one of {', '.join(MODES)}")
        token = args.get("token") or new_token()
        if not valid_token(token):
            raise DomainError("bad_args", "token must be 16-64 letters, digits, '-' or '_'")
        c = self._live_call(lead, args)
        s = self.sessions.get(c.call)
        if s is not None and s.lead != lead:
            raise DomainError("conflict", f"{s.lead} is already monitoring this call")
        if s is not None:
            s.mode = mode
            self.send({"cmd": "monitor_mode", "call": c.call, "mode": mode})
            return {"conversation": c.conv, "mode": mode, "agent": c.agent, "joined": s.active}
        self.sessions[c.call] = Session(lead=lead, mode=mode, agent=c.agent)
        out = {"conversation": c.conv, "mode": mode, "agent": c.agent, "joined": False}
        uri = self.ring_uri(lead)
        if uri is not None:
            # The lead's phone answers the engine's INVITE by itself only if it carries this token
            # (sip/autoanswer.py): the lead's desk arms its phone with a token and sends it here;
            # a client without a phone of its own (ctl) gets one back to arm a phone with.
            self.send({"cmd": "monitor", "call": c.call, "lead": lead, "mode": mode, "uri": uri,
                       "token": token})
            out["ringing"], out["token"] = uri, token
        else:
            token = secrets.token_urlsafe(18)
            addr = self.engine_addr(c.call)
            self.send({"cmd": "monitor", "call": c.call, "lead": lead, "mode": mode, "token": token})
            out["pickup"] = f"sip:monitor-{token}@{addr.get('host')}:{addr.get('port')};transport=tls"
        log.info("voice: %s asked to monitor %s (%s, agent %s)", lead, c.conv, mode, c.agent)
        return out

    def op_stop(self, conn: Any, args: dict) -> dict:
        """``voice.monitor.stop`` {conversation}: the lead leaves the call."""
        c = self._live_call(conn.user, args)
        s = self.sessions.get(c.call)
        if s is None or s.lead != conn.user:
            raise DomainError("conflict", "you are not monitoring this call")
        self.send({"cmd": "monitor_stop", "call": c.call})
        if not s.active:  # never joined: nothing will report the end
            self.sessions.pop(c.call, None)
        return {"conversation": c.conv, "stopped": True}

    # --- engine events -------------------------------------------------------------------------
    def on_engine(self, c: Any, ev: dict) -> None:
        """``monitor_started`` / ``monitor_mode`` / ``monitor_ended`` / ``monitor_failed`` for call *c*."""
        kind = ev.get("ev")
        s = self.sessions.get(c.call)
        if s is None:
            return
        if kind in ("monitor_started", "monitor_mode"):
            s.active, s.mode = True, str(ev.get("mode") or s.mode)
            log.info("voice: lead %s is monitoring %s (%s), agent %s", s.lead, c.conv, s.mode, c.agent)
            self._tell(c, s, active=True)
        elif kind in ("monitor_ended", "monitor_failed"):
            self.sessions.pop(c.call, None)
            if s.active:
                log.info("voice: lead %s stopped monitoring %s", s.lead, c.conv)
                self._tell(c, s, active=False)
            else:
                log.info("voice: lead %s could not join %s: %s %s", s.lead, c.conv, ev.get("code"),
                         ev.get("reason"))
                # Only the lead: their desk shows the request as failed instead of waiting for a leg.
                self._tell(c, s, active=False, agent=False, reason=f"{ev.get('code')} {ev.get('reason')}")

    def call_ended(self, c: Any) -> None:
        """The call ended: a lead who was listening is told."""
        s = self.sessions.pop(c.call, None)
        if s is not None and s.active:
            log.info("voice: lead %s stopped monitoring %s (call ended)", s.lead, c.conv)
            self._tell(c, s, active=False, agent=False)

    def _tell(self, c: Any, s: Session, *, active: bool, agent: bool = True, reason: str = "") -> None:
        agents = getattr(self.hub, "agents", {})
        who = agents.get(s.lead)
        data = {"conversation": c.conv, "lead": s.lead, "lead_name": who.name if who else s.lead,
                "mode": s.mode, "active": active, "agent": s.agent}
        if reason:
            data["failed"] = reason[:200]
        for user in ([s.agent] if agent and s.agent else []) + [s.lead]:
            try:
                self.hub.emit_voice(user, "voice.monitor", data)
            except Exception:  # a user gone from the center must not keep the other uninformed
                log.exception("voice.monitor to %s failed", user)
