"""The lead view's tables: agents (sortable, filter by typing), urgent items, tasks, knowledge
upkeep (proposals with their diff, articles past review) and announcements with read receipts.

Every cell from the center is shown literally (``rich.text.Text``, never markup): names,
notes and titles may hold anything an agent or a customer typed.
"""

from __future__ import annotations

import time
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from agent_tui.i18n import state_word, t
from agent_tui.secure.text import one_line

ROWS_DRAWN_MAX = 4000  # rendered rows kept (a few renderings of each of 200 agents' rows)
REBUILD_SHARE = 0.5  # more than this share of the rows gone or new: rebuild instead of row by row
CHANNEL_SHORT = {"email": "mail", "social": "soc"}
AGENT_SORTS = ("name", "state", "since", "hours", "handled", "aht_s", "conversations")


def dur(seconds: Any) -> str:
    """Seconds as ``m:ss`` / ``h:mm:ss``; ``–`` for none."""
    if seconds is None:
        return "–"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def clock(at: Any) -> str:
    return "–" if not at else time.strftime("%H:%M", time.localtime(float(at)))


def minutes(seconds: float) -> str:
    """Time in a state, to the minute (``7 m``, ``1 h 05``): a table of 200 agents is not redrawn
    every second for a ticking seconds column."""
    m = int(max(0.0, seconds) // 60)
    return f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} m"


def lit(value: Any, limit: int = 40) -> Text:
    return Text(one_line("" if value is None else value, limit))


class KeyedTable(DataTable):
    """A row-cursor table that keeps the cursor on the same key across refreshes, and whose cell
    updates draw only their row again.

    ``DataTable.update_cell`` counts an update for the whole table, which throws away every
    rendered cell: with 200 agents and a few presence changes a second, every frame rendered
    every visible cell again (about 0.5 ms each on a loaded machine) and the keys waited. Here an
    update forgets only the rendering of its row (Textual's render caches are keyed by row key;
    see ``_forget_rows``) and refreshes only that row's region."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.items: dict[str, dict[str, Any]] = {}
        self._cells: dict[str, tuple[Any, ...]] = {}  # what each row shows now
        self._dirty_rows: set[RowKey] = set()  # rows whose cached rendering is stale
        self._rows_drawn: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}  # see _render_line_in_row

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, *,
                    update_width: bool = False) -> None:
        """``DataTable.update_cell`` that redraws only the row (fixed column widths: no re-measure)."""
        row = RowKey(row_key) if isinstance(row_key, str) else row_key
        col = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        if update_width or row not in self._row_locations or col not in self._column_locations:
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        self._data[row][col] = value
        self._dirty_rows.add(row)
        self.refresh_row(self._row_locations.get(row))

    def _forget_rows(self) -> None:
        """Drop the cached rendering of the rows updated since the last frame (Textual 8's
        DataTable caches: cells and row lines are keyed by row key, row renderables by index)."""
        dirty, self._dirty_rows = self._dirty_rows, set()
        for cache in (self._cell_render_cache, self._row_render_cache):
            for key in [k for k in cache.keys() if k[0] in dirty]:  # noqa: SIM118 - LRUCache has no __iter__
                cache.discard(key)
        for row in dirty:
            index = self._row_locations.get(row)
            if index is not None:
                self._row_renderable_cache.discard((self._update_count, index))
        self._line_cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._dirty_rows:
            self._forget_rows()
        return super().render_lines(crop)

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style, cursor_location: Coordinate,
                            hover_location: Coordinate) -> tuple[Any, Any]:
        """DataTable's row rendering, kept per row for as long as the row's cells are the same objects.

        DataTable keys its row cache by a counter that every update, sort and cursor move of the
        whole table bumps, so a scroll, a tab switch back to the table or a presence change of
        one agent rendered every visible row again (~0.5 ms each). Here a row is rendered again
        only when its cells, its place (the row index is in the mouse metadata), cursor, hover,
        focus or widths change. Cells are never changed in place (``update_cell`` puts a new object)."""
        found = None if row_key is self._header_row_key else self._row_locations.get(row_key)
        index = -1 if found is None else found
        cells = tuple(c.label for c in self.ordered_columns) if index == -1 else \
            tuple(self._data.get(row_key, {}).values())
        key = (row_key, line_no, index, base_style, cursor_location.row == index, hover_location.row == index,
               self.cursor_type, self.show_cursor, self._show_hover_cursor, self._pseudo_class_state,
               self.size.width, tuple(c.get_render_width(self) for c in self.ordered_columns))
        hit = self._rows_drawn.get(key)
        if hit is not None and len(hit[0]) == len(cells) and all(a is b for a, b in zip(hit[0], cells)):
            return hit[1]
        drawn = super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        if len(self._rows_drawn) > ROWS_DRAWN_MAX:
            self._rows_drawn.clear()
        self._rows_drawn[key] = (cells, drawn)
        return drawn

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001 - an empty or refreshing table has no current row
            return None

    def current(self) -> dict[str, Any] | None:
        key = self.current_key()
        return self.items.get(key) if key is not None else None

    def fill(self, rows: list[tuple[str, dict[str, Any], tuple[Any, ...]]]) -> None:
        """Replace the rows: ``(key, item, cells)``; the cursor stays on its key if it is still there.

        Rows are kept by key: a row still there only has its changed cells updated, rows gone or
        new are removed or added one by one, and a new order is a re-sort of the rows in place.
        Rebuilding a 200-row table (every cell measured again) held up the keys for hundreds of ms.
        """
        keys = [k for k, _, _ in rows]
        wanted, have = set(keys), set(self._cells)
        churn = len(wanted ^ have)
        if self.columns and have and churn <= REBUILD_SHARE * max(len(have), len(wanted)):
            self._patch(rows, keys, wanted, have)
            return
        keep = self.current_key()
        self.clear()
        self.items, self._cells = {}, {}
        for key, item, cells in rows:
            self.items[key] = item
            self._cells[key] = cells
            self.add_row(*cells, key=key)
        if keep in keys:
            self.move_cursor(row=keys.index(keep))

    def _patch(self, rows: list[tuple[str, dict[str, Any], tuple[Any, ...]]], keys: list[str],
               wanted: set[str], have: set[str]) -> None:
        keep = self.current_key()
        for key in have - wanted:
            self.remove_row(key)
            del self._cells[key]
            self.items.pop(key, None)
        cols = list(self.columns)
        for key, item, cells in rows:
            self.items[key] = item
            old = self._cells.get(key)
            if old is None:
                self.add_row(*cells, key=key)
            else:
                for col, was, new in zip(cols, old, cells, strict=True):
                    if was is not new and was != new:
                        self.update_cell(key, col, new)  # marks the table for one redraw, however many
                # what the table holds: the old object where equal (the re-sort below finds rows by it)
                cells = tuple(new if was is not new and was != new else was for was, new in zip(old, cells, strict=True))
            self._cells[key] = cells
        if list(self._cells) != keys:  # a new order (sorting, or rows added): re-sort in place
            # DataTable.sort hands the key function a row's cells, not its key: rank rows by the
            # identity of their cell objects (each row holds at least one Text of its own).
            rank = {tuple(map(id, self._cells[key])): i for i, key in enumerate(keys)}
            self._cells = {key: self._cells[key] for key in keys}
            self.sort(key=lambda row: rank[tuple(map(id, row))])
            if keep in self._cells:
                self.move_cursor(row=keys.index(keep))


AGENT_WIDTHS = (18, 8, 18, 6, 5, 7, 6, 18)  # name, team, state, in state, hours, handled, AHT, now/max
GAP = "  "


def fixed_row(fields: tuple[Any, ...]) -> Text:
    """Fields (str or Text) cut or padded to :data:`AGENT_WIDTHS` terminal cells, as one line."""
    out = Text(no_wrap=True, overflow="crop")
    for i, (field, width) in enumerate(zip(fields, AGENT_WIDTHS, strict=True)):
        cell = field.copy() if isinstance(field, Text) else Text(str(field))
        cell.truncate(width, overflow="crop", pad=True)
        if i:
            out.append(GAP)
        out.append_text(cell)
    return out


class AgentsTable(KeyedTable):
    """State and time in state, hours today, handled, AHT, conversations now against the limit.

    Each row is one cell holding the whole line in fixed-width fields. A DataTable renders every
    visible cell again whenever the table gains focus or changes (a tab switch to it): with
    eight columns that was ~290 cells, hundreds of ms on a loaded machine; one cell per row is
    ~36 and cheap."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.agents: list[dict[str, Any]] = []
        self.sort_by = "name"
        self.text_filter = ""
        self.now = time.time
        self._made: dict[str, tuple[tuple[Any, ...], Text]] = {}  # user -> (fields, their line)

    def on_mount(self) -> None:
        labels = (t("ag.name"), t("ag.team"), t("ag.state"), t("ag.in_state"), t("ag.hours"), t("ag.handled"),
                  t("ag.aht"), t("ag.convs"))
        width = sum(AGENT_WIDTHS) + len(GAP) * (len(AGENT_WIDTHS) - 1)
        self.col = self.add_column(fixed_row(labels), width=width)

    def set_agents(self, agents: list[dict[str, Any]]) -> None:
        self.agents = agents
        self.redraw()

    def patch_state(self, change: dict[str, Any]) -> bool:
        """A presence change: update that agent's row in place (no full redraw)."""
        for a in self.agents:
            if a.get("user") == change.get("user"):
                a.update({k: change[k] for k in ("state", "reason", "since") if k in change})
                key = str(a["user"])
                if key in self._cells:
                    row = self._row(a, self.now())
                    if row != self._cells[key][0]:
                        self.update_cell(key, self.col, row)
                        self._cells[key] = (row,)
                return True
        return False

    @staticmethod
    def _state_text(a: dict[str, Any]) -> str:
        state = state_word(str(a.get("state", "")))
        if a.get("reason") and a.get("state") not in ("available", "on_contact"):
            state += f" ({one_line(a['reason'], 16)})"
        return state

    def _row(self, a: dict[str, Any], now: float) -> Text:
        """The agent's line; the same Text as last time when nothing in it changed (an answer
        every 10 s changes few agents: the rest are neither rebuilt nor redrawn)."""
        fields = (a.get("name"), a.get("team"), self._state_text(a), minutes(now - float(a.get("since") or now)),
                  f"{a.get('hours', 0):.1f}", str(a.get("handled", 0)), dur(a.get("aht_s")), now_and_limit(a))
        key = str(a.get("user"))
        made = self._made.get(key)
        if made is not None and made[0] == fields:
            return made[1]
        row = fixed_row((lit(fields[0], 24), lit(fields[1], 12), Text(fields[2]), *fields[3:]))
        self._made[key] = (fields, row)
        return row

    def cycle_sort(self) -> str:
        self.sort_by = AGENT_SORTS[(AGENT_SORTS.index(self.sort_by) + 1) % len(AGENT_SORTS)]
        self.redraw()
        return self.sort_by

    def _sort_key(self, a: dict[str, Any]) -> Any:
        v = a.get(self.sort_by)
        if self.sort_by in ("hours", "handled", "aht_s", "conversations"):
            return -(v or 0)  # the most first
        return (v is None, v if v is not None else "")

    def redraw(self) -> None:
        needle = self.text_filter.lower()
        now = self.now()
        rows = []
        for a in sorted(self.agents, key=self._sort_key):
            words = f"{a.get('name', '')} {a.get('user', '')} {a.get('team', '')} {state_word(a.get('state', ''))}"
            if needle and needle not in words.lower():
                continue
            rows.append((str(a["user"]), a, (self._row(a, now),)))
        self.fill(rows)


def now_and_limit(a: dict[str, Any]) -> str:
    """Conversations now against the limit, per channel the agent is busy on (``chat 2/3 mail 1/5``);
    ``0`` when free. A sum over all channels ("0/17") says nothing: an agent's limit is per channel."""
    load, limits = a.get("load"), a.get("limits") or {}
    if load is None:  # an older center: only the sums
        return f"{a.get('conversations', 0)}/{a.get('capacity', 0)}"
    return " ".join(f"{CHANNEL_SHORT.get(ch, ch)} {n}/{limits.get(ch, '?')}" for ch, n in sorted(load.items())
                    if n) or "0"


def urgent_what(item: dict[str, Any]) -> tuple[str, Text]:
    """(kind in words, what it is about) of one urgent item."""
    kind = item.get("kind")
    if kind in ("sla", "priority"):
        c = item.get("conversation") or {}
        who = (c.get("customer") or {}).get("name") or (c.get("customer") or {}).get("id")
        return t(f"urg.{kind}"), lit(f"{c.get('channel')} · {who} · {c.get('subject') or c.get('queue')}", 48)
    if kind == "agent":
        return t("urg.agent"), lit((item.get("agent") or {}).get("name"), 48)
    task = item.get("task") or {}
    return t("urg.escalation"), lit(f"{task.get('title')} — {task.get('note')}", 48)


class UrgentTable(KeyedTable):
    """Conversations past or near their SLA, priority customers, agents missed or long on
    break, escalations — each with the lead's actions (the screen's keys)."""

    def on_mount(self) -> None:
        self.add_columns(t("urg.kind"), t("urg.what"), t("urg.level"), t("urg.since"), t("urg.prio"))

    def show(self, items: list[dict[str, Any]], now: float) -> None:
        rows = []
        for i, item in enumerate(items):
            kind, what = urgent_what(item)
            key = str((item.get("conversation") or {}).get("id") or (item.get("task") or {}).get("id")
                      or (item.get("agent") or {}).get("user") or i)
            level = item.get("level") or ""
            level_word = state_word(level) if item.get("kind") == "agent" else t(f"urg.level.{level}")
            rows.append((key, item, (Text(kind), what, Text(level_word),
                                     dur(max(0.0, now - float(item.get("since") or now))),
                                     str(item.get("priority", 0)))))
        self.fill(rows)


class TasksTable(KeyedTable):
    def on_mount(self) -> None:
        self.add_columns(t("task.kind"), t("task.title"), t("task.assignee"), t("task.due"), t("task.status"))

    def show(self, tasks: list[dict[str, Any]]) -> None:
        rows = []
        for task in tasks:
            assignee = (task.get("assignee") or {}).get("name") or t("task.nobody")
            rows.append((str(task["id"]), task, (
                Text(t(f"task.kind.{task.get('kind', 'task')}")), lit(task.get("title"), 40), lit(assignee, 20),
                clock(task.get("due_at")), Text(t(f"task.status.{task.get('status', 'open')}")))))
        self.fill(rows)


class ProposalsTable(KeyedTable):
    def on_mount(self) -> None:
        self.add_columns(t("kbq.id"), t("kbq.article"), t("kbq.title"), t("kbq.by"), t("kbq.at"))

    def show(self, proposals: list[dict[str, Any]]) -> None:
        self.fill([(str(p["id"]), p, (Text(str(p["id"])), lit(p.get("article") or t("kbq.new"), 14),
                                      lit(p.get("title"), 36), lit(p.get("user_name") or p.get("user"), 20),
                                      clock(p.get("created_at")))) for p in proposals])


class StaleTable(KeyedTable):
    def on_mount(self) -> None:
        self.add_columns(t("kbq.article"), t("kbq.title"), t("kbq.days"))

    def show(self, articles: list[dict[str, Any]]) -> None:
        self.fill([(str(a["id"]), a, (Text(str(a["id"])), lit(a.get("title"), 50),
                                      str(a.get("days_since_review") if a.get("days_since_review") is not None
                                          else "–"))) for a in articles])


class AnnouncementsTable(KeyedTable):
    def on_mount(self) -> None:
        self.add_columns(t("ann.at"), t("ag.team"), t("ann.text"), t("ann.read"))

    def show(self, announcements: list[dict[str, Any]]) -> None:
        rows = []
        for a in announcements:
            n_read, n_all = len(a.get("read") or []), len(a.get("read") or []) + len(a.get("unread") or [])
            # One announcement per team the lead leads: the team tells the rows apart.
            rows.append((str(a["id"]), a, (clock(a.get("at")), lit(a.get("team") or "–", 12), lit(a.get("text"), 60),
                                           t("ann.read_of", n=n_read, of=n_all))))
        self.fill(rows)


def diff_text(diff: str) -> Text:
    """A unified diff, literally, with added and removed lines in words and colour."""
    out = Text()
    for line in (diff or "").splitlines():
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim" if line.startswith(
            "@@") else ""
        out.append(one_line(line, 200) + "\n", style=style)
    return out
