"""Key-to-screen latency while 100 presence updates per second arrive.

The desk runs headless (120×40) with 1,000 colleagues. A task feeds `presence.delta`
events through the same callback the real client uses, 100 per second (one change each).
Meanwhile we type into the composer and time each key from the moment it is posted to
the end of the screen update that shows it (the compositor update rendered to terminal
bytes, which headless mode would otherwise skip). Prints p50/p95/max over N keys.
Run: .venv/bin/python bench/desk_latency.py [N]   (NOFEED=1: the same without presence updates)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time

from desk_common import NOW, big_state, machine
from textual import events

from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config


async def main(n: int) -> None:
    state = big_state(colleagues=1000, messages=2000, conversations=4)
    app = DeskApp(Config(language="en"), state=state, clock=lambda: NOW, cursor_blink=False,
                  status=ConnectionStatus("online", 1.0, "", 0))
    displays: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app._display

        def display(screen, renderable):
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)  # the work a real terminal update does
            original(screen, renderable)
            # When this frame went out, and how much text the composer held at that moment.
            displays.append((time.perf_counter(), len(area.text) if area is not None else -1))

        area = None
        app._display = display  # type: ignore[method-assign]
        await pilot.pause(0.3)
        desk = app.desk_screen()
        desk.open_conversation(next(iter(state.conversations)))
        area = app.screen.query_one("#composer-area")
        area.focus()
        await pilot.pause(0.2)
        users = list(state.presence)
        applied = 0
        stop = asyncio.Event()

        async def feed() -> None:
            nonlocal applied
            seq = 1000
            states = ["available", "on_contact", "break", "acw"]
            next_at = time.perf_counter()
            while not stop.is_set():
                seq += 1
                user = users[seq % len(users)]
                app._on_event({"seq": seq, "ts": NOW, "kind": "presence.delta",
                               "data": {"changes": [{"user": user, "state": states[seq % 4], "since": NOW}]}})
                applied += 1
                next_at += 0.01
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

        feeder = asyncio.create_task(feed() if not os.environ.get("NOFEED") else stop.wait())
        await pilot.pause(1.0)
        latencies = []
        t_start = time.perf_counter()
        for _ in range(n):
            before = len(area.text)
            t0 = time.perf_counter()
            # Post the key as the terminal driver does (pilot.press would also wait for idle).
            app.post_message(events.Key("x", "x"))
            mark = len(displays)
            deadline = t0 + 5.0
            shown = None
            while shown is None and time.perf_counter() < deadline:
                shown = next((t for t, length in displays[mark:] if length > before), None)
                await asyncio.sleep(0.0005)
            if shown is None:
                raise SystemExit("a key never reached the screen within 5 s")
            latencies.append(shown - t0)
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - t_start
        stop.set()
        await feeder
    latencies.sort()

    def p(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    print(f"machine: {machine()}")
    print(f"desk with {len(state.presence)} colleagues, presence updates applied: {applied} "
          f"in {elapsed + 1.0:.1f} s ({applied / (elapsed + 1.0):.0f}/s)")
    print(f"key-to-screen latency over {n} keys: p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms (mean {statistics.mean(latencies) * 1000:.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
