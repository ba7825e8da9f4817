"""Desk memory with 1,000 colleagues and 10,000 messages loaded.

Starts the desk headless (120×40) in this process with the big state, shows a
conversation, and reports resident memory (RSS) next to the same desk with a small
state and a bare Textual app, each in a fresh process.
Run: .venv/bin/python bench/desk_memory.py
"""

from __future__ import annotations

import subprocess
import sys

from desk_common import ROOT, machine

CHILD = f"""
import sys, resource
sys.path.insert(0, {str(ROOT / 'bench')!r})
mode = sys.argv[1]
def rss_mb():
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    import os
    return pages * os.sysconf('SC_PAGE_SIZE') / 1e6
if mode == 'bare':
    from textual.app import App
    from textual.widgets import Static
    class A(App):
        def compose(self):
            yield Static('x')
        def on_mount(self):
            self.call_after_refresh(self.done)
        def done(self):
            self.result = rss_mb(); self.exit()
    a = A(); a.run(headless=True, size=(120, 40)); print(a.result)
else:
    from desk_common import NOW, big_state, seeded_state
    from agent_tui.app import DeskApp
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.core.config import Config
    st = big_state() if mode == 'big' else seeded_state()
    class D(DeskApp):
        def on_mount(self):
            super().on_mount()
            self.set_timer(0.5, self.done)
        def done(self):
            desk = self.desk_screen()
            desk.open_conversation(next(iter(self.state.conversations)))
            desk.refresh_all()
            self.call_after_refresh(self.fin)
        def fin(self):
            self.result = (rss_mb(), len(self.state.presence), sum(len(c.messages) for c in self.state.conversations.values()))
            self.exit()
    d = D(Config(language='en'), state=st, clock=lambda: NOW, status=ConnectionStatus('online', 1.0, '', 0))
    d.run(headless=True, size=(120, 40))
    print(*d.result)
"""


def run(mode: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return out.stdout.split()


def main() -> None:
    bare = float(run("bare")[0])
    small = run("small")
    big = run("big")
    print(f"machine: {machine()}")
    print("resident memory (RSS) after the first screen, headless 120x40:")
    print(f"  bare Textual app:                        {bare:.1f} MB")
    print(f"  desk, small seeded state:                {float(small[0]):.1f} MB")
    print(f"  desk, {big[1]} colleagues + {big[2]} messages: {float(big[0]):.1f} MB "
          f"(+{float(big[0]) - float(small[0]):.1f} MB for the data)")


if __name__ == "__main__":
    main()
