"""Team chat: team rooms, direct messages, unread counts and supervisor announcements.

Part of :class:`agent_tui.center.hub.Hub` (a mixin).
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from agent_tui.center.model import DomainError
from agent_tui.center.store import dumps, loads

if TYPE_CHECKING:  # the hub's other parts, for mypy; at run time the base is object
    from agent_tui.center.hub_base import HubBase
else:
    HubBase = object


class TeamChatMixin(HubBase):
    """Rooms are ``team:<team>`` and ``dm:<user>`` (stored as ``dm:<a>|<b>``, sorted)."""

    def rooms_of(self, user: str) -> list[str]:
        a = self.agents[user]
        teams = list(a.teams)
        return [f"team:{t}" for t in teams if t in self.teams]

    @staticmethod
    def _dm_key(a: str, b: str) -> str:
        x, y = sorted((a, b))
        return f"dm:{x}|{y}"

    def _room_key(self, user: str, room: str) -> tuple[str, list[str]]:
        """Canonical storage key and the members of *room* as *user* names it."""
        if room.startswith("team:"):
            team = room[5:]
            if team not in self.teams:
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
            return self._dm_key(user, other), [user, other]
        raise DomainError("bad_args", "room must be team:<team> or dm:<user>")

    @staticmethod
    def _room_for(reader: str, key: str) -> str:
        if key.startswith("dm:"):
            x, y = key[3:].split("|", 1)
            return f"dm:{y if x == reader else x}"
        return key

    def _team_msg(self, r: sqlite3.Row, reader: str) -> dict:
        frm = self.agents.get(r["from_user"])
        return {"id": r["id"], "room": self._room_for(reader, r["room"]), "at": r["at"],
                "from": {"user": r["from_user"], "name": frm.name if frm else r["from_user"]},
                "text": r["text"], "mentions": loads(r["mentions"], [])}

    def team_send(self, user: str, room: str, text: str) -> dict:
        """Post *text* in a team room or a DM (also used by simulated colleagues)."""
        key, members = self._room_key(user, room)
        mentions = sorted({w for w in re.findall(r"@([A-Za-z0-9_.-]+)", text) if w in self.agents})
        with self.tx():
            cur = self.db.execute("INSERT INTO team_messages(room, at, from_user, text, mentions) VALUES (?,?,?,?,?)",
                                  (key, self.clock(), user, text, dumps(mentions)))
            r = self.db.execute("SELECT * FROM team_messages WHERE id = ?", (cur.lastrowid,)).fetchone()
            self.db.execute("INSERT OR REPLACE INTO room_reads(user, room, last_id) VALUES (?,?,?)",
                            (user, key, r["id"]))
            for member in members:
                msg = self._team_msg(r, member)
                if self.agents[member].present:
                    self.emit(member, "team.message", {"room": msg["room"], "message": msg})
            mine = self._team_msg(r, user)
            self.after_commit(lambda: self._notify(self.team_listeners, key, {**mine, "members": members}))
        return {"message": mine}

    def team_rooms(self, user: str) -> list[dict]:
        out = []
        keys = [(r, r) for r in self.rooms_of(user)]
        for row in self.db.execute("SELECT DISTINCT room FROM team_messages WHERE room LIKE 'dm:%' AND"
                                   " (room LIKE ? OR room LIKE ?)", (f"dm:{user}|%", f"dm:%|{user}")):
            # LIKE only narrows the search: "_" and "%" in a user name are wildcards there, so
            # "dm:a_1|%" also matches other people's "dm:ab1|…". Keep the user's own pairs only.
            if user not in row["room"][3:].split("|", 1):
                continue
            keys.append((self._room_for(user, row["room"]), row["room"]))
        for name, key in keys:
            last = self.db.execute("SELECT MAX(id) AS id, MAX(at) AS at FROM team_messages WHERE room = ?",
                                   (key,)).fetchone()
            read = self.db.execute("SELECT last_id FROM room_reads WHERE user = ? AND room = ?",
                                   (user, key)).fetchone()
            unread = self.db.execute("SELECT COUNT(*) FROM team_messages WHERE room = ? AND id > ? AND from_user != ?",
                                     (key, read["last_id"] if read else 0, user)).fetchone()[0]
            if key.startswith("team:"):
                label = self.teams[key[5:]]["name"]
                kind = "team"
            else:
                other = self.agents.get(name[3:])
                label = other.name if other else name[3:]
                kind = "dm"
            room = {"room": name, "name": label, "kind": kind, "unread": unread}
            if last["at"] is not None:
                room["last_message_at"] = last["at"]
            out.append(room)
        return out

    def team_history(self, user: str, room: str, limit: int = 50, before: int | None = None) -> dict:
        key, _ = self._room_key(user, room)
        rows = self.db.execute(
            "SELECT * FROM team_messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (key, before if before is not None else 2**62, limit)).fetchall()
        rows.reverse()
        if rows and before is None:
            with self.tx():
                self.db.execute("INSERT OR REPLACE INTO room_reads(user, room, last_id) VALUES (?,?,?)",
                                (user, key, rows[-1]["id"]))
        return {"messages": [self._team_msg(r, user) for r in rows]}

    def announce(self, user: str, text: str, team: str | None) -> dict:
        if team is not None and team not in self.teams:
            raise DomainError("not_found", f"no team {team!r}")
        now = self.clock()
        with self.tx():
            cur = self.db.execute("INSERT INTO announcements(team, from_user, text, at) VALUES (?,?,?,?)",
                                  (team, user, text, now))
            ann = {"id": cur.lastrowid, "team": team, "from": {"user": user, "name": self.agents[user].name},
                   "text": text, "at": now}
            targets = [u for u, a in self.agents.items() if team is None or team in a.teams]
            self.emit_present("team.announcement", ann, targets)
        return {"announcement": ann}

    def announcements_for(self, user: str, limit: int = 10) -> list[dict]:
        a = self.agents[user]
        out = []
        for r in self.db.execute("SELECT * FROM announcements ORDER BY id DESC LIMIT 50"):
            if r["team"] is None or r["team"] in a.teams:
                frm = self.agents.get(r["from_user"])
                out.append({"id": r["id"], "team": r["team"],
                            "from": {"user": r["from_user"], "name": frm.name if frm else r["from_user"]},
                            "text": r["text"], "at": r["at"]})
            if len(out) >= limit:
                break
        out.reverse()
        return out
