"""Desk start-up time next to a bare Textual app, same machine, same way of measuring.

Each run is a fresh process (interpreter start + imports + first full screen drawn,
headless, 120×40), then exits. Prints the median and min of N runs.

The desk's sources are byte-compiled first, as ``pip install`` does for a user: with
PYTHONDONTWRITEBYTECODE set (as in some shells and CI) every run would otherwise compile agent-tui
from source while Textual's own modules load compiled, which once doubled the desk's figure.
At its first full screen the desk is sent ctrl+k (knowledge base) and must show that tab and
focus its search box before it exits: a key pressed at that moment must work.
Run: .venv/bin/python bench/desk_startup.py [N]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from desk_common import ROOT, machine

BARE = """
from textual.app import App
from textual.widgets import Footer, Static
class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(120, 40))
"""

DESK = """
from tests.kit.desk_seed import NOW, seeded_state
from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config
class Desk(DeskApp):
    def on_mount(self):
        # no super().on_mount(): Textual calls DeskApp's own handler too (calling it
        # here pushed a second desk screen and measured the start-up twice)
        self.call_after_refresh(lambda: self.call_after_refresh(self.first_screen))
    def first_screen(self):
        self.simulate_key("ctrl+k")
        self.tries = 0
        self.call_after_refresh(self.check)
    def check(self):
        # the tab switch and the focus each take a refresh: look again for up to 20 of them
        ok = self.screen.query_one("#right").active == "tab-kb"
        ok = ok and self.focused is not None and self.focused.id == "kb-input"
        self.tries += 1
        if ok or self.tries > 20:
            self.exit(return_code=0 if ok else 3)
        else:
            self.call_after_refresh(self.check)
app = Desk(Config(language="en"), state=seeded_state(), clock=lambda: NOW,
           status=ConnectionStatus("online", 1.0, "", 0))
app.run(headless=True, size=(120, 40))
raise SystemExit(app.return_code or 0)
"""


def measure(code: str, n: int) -> list[tuple[float, float]]:
    """(wall s, CPU s) of ``n`` fresh processes; CPU is user + system time of the child, which a
    loaded machine inflates far less than wall time."""
    times = []
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime))
    return times


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    subprocess.run([sys.executable, "-m", "compileall", "-q", "agent_tui", "tests/kit"], check=True, cwd=ROOT)
    measure(BARE, 1)  # warm the file cache for both
    measure(DESK, 1)
    bare: list[tuple[float, float]] = []
    desk: list[tuple[float, float]] = []
    for _ in range(n):  # alternately, so a change of load touches both alike
        bare += measure(BARE, 1)
        desk += measure(DESK, 1)
    print(f"machine: {machine()}")
    print(f"start-up to first full screen (headless 120x40, fresh process, {n} runs each, alternately):")
    for name, runs in (("bare Textual app", bare), ("agent-tui desk", desk)):
        wall = [w for w, _c in runs]
        cpu = [c for _w, c in runs]
        print(f"  {name + ':':<18} wall median {statistics.median(wall) * 1000:.0f} ms, min {min(wall) * 1000:.0f} ms;"
              f" CPU median {statistics.median(cpu) * 1000:.0f} ms, min {min(cpu) * 1000:.0f} ms")
    ratio_wall = statistics.median(w for w, _c in desk) / statistics.median(w for w, _c in bare)
    ratio_cpu = statistics.median(c for _w, c in desk) / statistics.median(c for _w, c in bare)
    print(f"  desk / bare:      wall {ratio_wall:.1f}x, CPU {ratio_cpu:.1f}x")
    print(f"  load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
