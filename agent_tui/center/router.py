"""Routing decisions: which agent gets which waiting conversation.

Pure logic over plain data, channel-agnostic (voice is a channel like any
other): the routing service (:mod:`agent_tui.center.routing`) keeps the live
picture and calls :func:`plan` to decide; it never touches the database or
the network here, which keeps routing easy to test and to reason about.

Rules:
- an agent is eligible when their state is ``available`` or ``on_contact``,
  they are logged in (a session or within the grace period), they have the
  queue's skill, and their load on the channel (active + wrap-up + offered)
  is below their capacity for that channel;
- the most urgent conversation first (priority, then the longest waiting);
- among eligible agents, the **longest idle** one (oldest ``idle_since``);
- an agent who declined the conversation or let its offer time out is
  skipped for it until the exclusion ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROUTABLE_STATES = frozenset({"available", "on_contact"})


@dataclass
class AgentSlot:
    """The routing view of one agent."""

    user: str
    skills: frozenset[str]
    capacity: dict[str, int]
    load: dict[str, int] = field(default_factory=dict)
    idle_since: float = 0.0
    state: str = "offline"
    present: bool = False

    def free(self, channel: str) -> int:
        return self.capacity.get(channel, 0) - self.load.get(channel, 0)

    def routable(self) -> bool:
        return self.present and self.state in ROUTABLE_STATES


@dataclass
class Waiting:
    """The routing view of one queued conversation."""

    conversation: str
    channel: str
    skill: str
    priority: int
    queued_at: float
    excluded: frozenset[str] = frozenset()


def plan(waiting: list[Waiting], agents: list[AgentSlot], now: float, limit: int | None = None
         ) -> list[tuple[str, str]]:
    """Return ``[(conversation, user), …]`` offers to make now, the most urgent first, at most *limit*.

    Loads in *agents* are updated as offers are planned, so one call can hand
    out several conversations without overfilling anyone.
    """
    pool = [a for a in agents if a.routable()]
    if not pool:
        return []
    # Cheap early exit per channel: a burst of thousands of waiting contacts
    # must not cost thousands × agents when nobody has room.
    room: dict[str, int] = {}
    for a in pool:
        for ch, cap in a.capacity.items():
            room[ch] = room.get(ch, 0) + max(0, cap - a.load.get(ch, 0))
    out: list[tuple[str, str]] = []
    for w in sorted(waiting, key=lambda w: (-w.priority, w.queued_at, w.conversation)):
        if room.get(w.channel, 0) <= 0:
            continue
        best: AgentSlot | None = None
        for a in pool:
            if a.user in w.excluded or w.skill not in a.skills or a.free(w.channel) <= 0:
                continue
            if best is None or (a.idle_since, a.user) < (best.idle_since, best.user):
                best = a
        if best is None:
            continue
        best.load[w.channel] = best.load.get(w.channel, 0) + 1
        # Just got work: no longer idle, so the next contact goes to someone else.
        now += 1e-6
        best.idle_since = now
        room[w.channel] -= 1
        out.append((w.conversation, best.user))
        if limit is not None and len(out) >= limit:
            break
    return out
