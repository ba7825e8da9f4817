"""Team chat: team rooms, direct messages, unread counts and supervisor announcements.

Rooms are named ``team:<team>`` and ``dm:<user>`` as the reader sees them; a direct-message
room is stored as ``dm:<a>|<b>`` (the two users sorted), see :mod:`agent_tui.center.store.teamchat`.
"""

from __future__ import annotations

import re
import sqlite3

from agent_tui.center.events import Events, Listeners, notify
from agent_tui.center.model import DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.store import lead as lead_store
from agent_tui.center.store import loads
from agent_tui.center.store import teamchat as chat_store
from agent_tui.center.tasks import lead_teams

MENTION = re.compile(r"@([A-Za-z0-9_.-]+)")


def dm_key(a: str, b: str) -> str:
    """The stored key of the direct-message room of *a* and *b*."""
    x, y = sorted((a, b))
    return f"dm:{x}|{y}"


def room_for(reader: str, key: str) -> str:
    """The name *reader* sees for the stored room *key* (``dm:<the other one>``)."""
    if key.startswith("dm:"):
        x, y = key[3:].split("|", 1)
        return f"dm:{y if x == reader else x}"
    return key


class TeamChat:
    """Team rooms, direct messages and announcements (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection, events: Events, presence: Presence, listeners: Listeners):
        self.db = db
        self.events = events
        self.clock = events.clock
        self.presence = presence
        self.agents = presence.agents
        self.listeners = listeners

    def rooms_of(self, user: str) -> list[str]:
        a = self.agents[user]
        return [f"team:{t}" for t in a.teams if t in self.presence.teams]

    def _room_key(self, user: str, room: str) -> tuple[str, list[str]]:
        """Canonical storage key and the members of *room* as *user* names it."""
        if room.startswith("team:"):
            team = room[5:]
            if team not in self.presence.teams:
                raise DomainError("not_found", f"no team {team!r}")
            a = self.agents[user]
            if team not in a.teams and a.role != "supervisor":
                raise DomainError("forbidden", f"you are not in team {team}")
            members = [u.user for u in self.agents.values() if team in u.teams]
            return room, members
        if room.startswith("dm:"):
            other = room[3:]
            if other not in self.agents or other == user:
                raise DomainError("not_found", f"no colleague {other!r}")
            return dm_key(user, other), [user, other]
        raise DomainError("bad_args", "room must be team:<team> or dm:<user>")

    def _message(self, r: sqlite3.Row, reader: str) -> dict:
        frm = self.agents.get(r["from_user"])
        return {"id": r["id"], "room": room_for(reader, r["room"]), "at": r["at"],
                "from": {"user": r["from_user"], "name": frm.name if frm else r["from_user"]},
                "text": r["text"], "mentions": loads(r["mentions"], [])}

    def send(self, user: str, room: str, text: str) -> dict:
        """Post *text* in a team room or a DM (also used by simulated colleagues)."""
        key, members = self._room_key(user, room)
        mentions = sorted({w for w in MENTION.findall(text) if w in self.agents})
        with self.events.tx():
            r = chat_store.insert_message(self.db, key, self.clock(), user, text, mentions)
            chat_store.mark_read(self.db, user, key, r["id"])
            for member in members:
                msg = self._message(r, member)
                if self.agents[member].present:
                    self.events.emit(member, "team.message", {"room": msg["room"], "message": msg})
            mine = self._message(r, user)
            self.events.after_commit(lambda: notify(self.listeners.team, key, {**mine, "members": members}))
        return {"message": mine}

    def rooms(self, user: str) -> list[dict]:
        """*user*'s rooms (their teams, then their direct messages) with unread counts."""
        out = []
        keys = [(r, r) for r in self.rooms_of(user)]
        keys += [(room_for(user, key), key) for key in chat_store.dm_rooms_of(self.db, user)]
        for name, key in keys:
            last_at = chat_store.last_message_at(self.db, key)
            unread = chat_store.unread_count(self.db, user, key)
            if key.startswith("team:"):
                label = self.presence.teams[key[5:]]["name"]
                kind = "team"
            else:
                other = self.agents.get(name[3:])
                label = other.name if other else name[3:]
                kind = "dm"
            room = {"room": name, "name": label, "kind": kind, "unread": unread}
            if last_at is not None:
                room["last_message_at"] = last_at
            out.append(room)
        return out

    def history(self, user: str, room: str, limit: int = 50, before: int | None = None,
                peek: bool = False) -> dict:
        """Messages of *room*, newest *limit* before *before*; reading the newest marks them read
        (unless *peek*: the desk loads what came while the agent was away, still unread)."""
        key, _ = self._room_key(user, room)
        rows = chat_store.messages_before(self.db, key, before, limit)
        if rows and before is None and not peek:
            with self.events.tx():
                self._move_read_mark(user, key, int(rows[-1]["id"]))
        return {"messages": [self._message(r, user) for r in rows]}

    def read(self, user: str, room: str, upto: int) -> dict:
        """*user* has read *room* up to message id *upto*: the read mark only moves forward and
        every session of *user* hears it (``team.read``), so two devices show the same unread."""
        key, _ = self._room_key(user, room)
        with self.events.tx():
            return self._move_read_mark(user, key, upto)

    def _move_read_mark(self, user: str, key: str, upto: int) -> dict:
        mark = max(chat_store.read_mark(self.db, user, key), min(upto, chat_store.last_message_id(self.db, key)))
        chat_store.mark_read(self.db, user, key, mark)
        data = {"room": room_for(user, key), "upto": mark, "unread": chat_store.unread_count(self.db, user, key)}
        self.events.emit(user, "team.read", data)
        return data

    def announce(self, user: str, text: str, team: str | None) -> dict:
        """A lead's announcement to *team*, one of the teams they lead; without a team, to each
        team they lead (one announcement per team, each with its own read receipts) — never to
        everyone. Pushed to who is logged in."""
        led = lead_teams(self.presence, user)
        if team is not None and team not in self.presence.teams:
            raise DomainError("not_found", f"no team {team!r}")
        if team is not None and team not in led:
            raise DomainError("forbidden", f"you do not lead team {team!r}")
        now = self.clock()
        made = []
        with self.events.tx():
            for to in [team] if team is not None else led:
                ann_id = chat_store.insert_announcement(self.db, to, user, text, now)
                ann = {"id": ann_id, "team": to, "from": {"user": user, "name": self.agents[user].name},
                       "text": text, "at": now}
                targets = [u for u, a in self.agents.items() if to in a.teams or u == user]
                self.events.emit_present("team.announcement", ann, targets)
                made.append(ann)
        return {"announcement": made[0], "announcements": made}

    def announcements_for(self, user: str, limit: int = 10) -> list[dict]:
        """The last *limit* announcements *user* was meant to see, oldest first."""
        a = self.agents[user]
        out = []
        read = lead_store.announcements_read_by(self.db, user)  # read receipts (the lead's desk)
        for r in chat_store.recent_announcements(self.db):
            if r["team"] is None or r["team"] in a.teams:
                frm = self.agents.get(r["from_user"])
                out.append({"id": r["id"], "team": r["team"],
                            "from": {"user": r["from_user"], "name": frm.name if frm else r["from_user"]},
                            "text": r["text"], "at": r["at"], "read": r["id"] in read})
            if len(out) >= limit:
                break
        out.reverse()
        return out

    # ------------------------------------------------------------------ read receipts (the lead's desk)

    def announcement_read(self, user: str, ann_id: int) -> dict:
        """``team.announcement_read``: *user* has read announcement *ann_id*; its author is told."""
        r = lead_store.announcement(self.db, ann_id)
        if r is None or (r["team"] is not None and r["team"] not in self.agents[user].teams):
            raise DomainError("not_found", f"no announcement {ann_id}")
        with self.events.tx():
            if lead_store.mark_announcement_read(self.db, ann_id, user, self.clock()):
                self.events.emit_present("team.announcement_read", {"id": ann_id, "user": user},
                                         [r["from_user"]])
        return {}

    def announcement_receipts(self, lead: str, limit: int = 10) -> dict:
        """``team.announcement_reads``: the lead's recent announcements, who read them and who did not."""
        out = []
        for r in lead_store.recent_announcements(self.db, 50):
            if r["from_user"] != lead:
                continue
            meant = [u for u, a in self.agents.items() if not a.simulated and u != lead
                     and (r["team"] is None or r["team"] in a.teams)]
            reads = {x["user"]: x["at"] for x in lead_store.announcement_reads(self.db, r["id"])}
            out.append({"id": r["id"], "team": r["team"], "text": r["text"], "at": r["at"],
                        "read": [{"user": u, "name": self.agents[u].name, "at": reads[u]} for u in meant if u in reads],
                        "unread": [{"user": u, "name": self.agents[u].name} for u in meant if u not in reads]})
            if len(out) >= limit:
                break
        return {"announcements": out}
