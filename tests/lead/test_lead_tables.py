"""The agents table updates by key: a presence change or a new answer changes only its cells on
screen, sorting re-orders the rows in place with the cursor on the same agent, filtering removes
and restores rows, and capacity reads per channel."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from agent_tui.widgets.lead_tables import AgentsTable, now_and_limit
from tests.kit.desk_helpers import wait_for
from tests.kit.lead_seed import LIMITS, NOW


def _agents(n: int) -> list[dict[str, Any]]:
    return [{"user": f"a{i:03d}", "name": f"Agent {i:03d}", "team": "care", "state": "available", "reason": "",
             "since": NOW - 60, "hours": 1.0, "handled": i, "aht_s": 100.0, "conversations": 0, "capacity": 17,
             "load": {}, "limits": LIMITS} for i in range(n)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AgentsTable(id="agents-table")

    def on_mount(self) -> None:
        table = self.query_one(AgentsTable)
        table.now = lambda: NOW
        table.set_agents(_agents(200))
        table.focus()


def shown(table: AgentsTable) -> str:
    """The lines the table renders now (through its render caches), as text."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_agents_table_updates_rows_in_place_and_sorts_by_key() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(AgentsTable)
        await wait_for(pilot, lambda: "Agent 000" in shown(table), what="rows drawn")
        first_row_key = table.coordinate_to_cell_key((0, 0)).row_key
        # a presence change: that row shows the new state, the rows stay the same objects
        assert table.patch_state({"user": "a001", "state": "lunch", "reason": "", "since": NOW})
        await wait_for(pilot, lambda: "Lunch" in shown(table), what="the patched state on screen")
        assert table.coordinate_to_cell_key((0, 0)).row_key == first_row_key
        # a new answer with one changed agent: only that cell changes (no rebuild: same row keys)
        agents = _agents(200)
        agents[2]["load"] = {"chat": 2, "email": 1}
        table.set_agents(agents)
        await wait_for(pilot, lambda: "chat 2/3 mail 1/5" in shown(table), what="the new load")
        # sorting by handled (most first) re-orders in place; the cursor stays on its agent
        await pilot.press("down", "down")
        assert table.current_key() == "a002"
        while table.sort_by != "handled":
            table.cycle_sort()
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == "a199"
        assert table.current_key() == "a002"
        def order() -> list[str]:
            return [w[1] for w in map(str.split, shown(table).splitlines()) if w[:1] == ["Agent"] and w[1].isdigit()]
        def sorted_with_cursor_row() -> bool:
            nums = [int(x) for x in order()]
            return 2 in nums and nums == list(range(nums[0], nums[0] - len(nums), -1))
        await wait_for(pilot, sorted_with_cursor_row, what="sorted on screen, the cursor's row shown")
        # filtering removes rows and brings them back
        table.text_filter = "agent 19"
        table.redraw()
        assert table.row_count == 10 and set(table.items) == {f"a19{i}" for i in range(10)}
        table.text_filter = ""
        table.redraw()
        assert table.row_count == 200


def test_capacity_reads_per_channel_against_its_limit() -> None:
    assert now_and_limit({"load": {"chat": 2, "email": 1}, "limits": LIMITS}) == "chat 2/3 mail 1/5"
    assert now_and_limit({"load": {}, "limits": LIMITS}) == "0"
    assert now_and_limit({"conversations": 1, "capacity": 4}) == "1/4"  # an older center: the sums
