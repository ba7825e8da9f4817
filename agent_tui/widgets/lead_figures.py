"""The lead view's figures: the team totals (today against the same weekday last week), the
per-queue table, and two pictures per 15 minutes today (incoming and handled; service level)
drawn with textual-plotext, which give way to numbers where there is no room for a plot."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual_plotext.plot import Plot

from agent_tui.i18n import t
from agent_tui.secure.text import one_line
from agent_tui.widgets.lead_tables import KeyedTable, dur

PLOT_MIN_HEIGHT = 8  # below this a plot is unreadable: show the numbers instead
PLOT_MIN_WIDTH = 36
# A plot is rebuilt at most this often for new data (a size change redraws at once): it shows
# quarters of an hour, and plotext's build (pure Python, hundreds of ms) competes with the keys.
PLOT_EVERY_S = 30.0
QUEUE_COLUMNS = ("fig.queue", "fig.channel", "fig.in", "fig.handled", "fig.waiting", "fig.abandoned",
                 "fig.longest", "fig.sl", "fig.aht", "fig.fcr")


def pct(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}%"


def totals_line(today: dict, last_week: dict) -> Text:
    """The team totals in words, last week's figure in brackets."""
    def pair(key: str, fmt: Any = str) -> str:
        now, then = today.get(key), last_week.get(key)
        return f"{fmt(now) if now is not None else '–'} ({fmt(then) if then is not None else '–'})"
    parts = [t("fig.t.in", v=pair("incoming")), t("fig.t.handled", v=pair("handled")),
             t("fig.t.waiting", v=today.get("waiting", 0)), t("fig.t.abandoned", v=pair("abandoned")),
             t("fig.t.longest", v=dur(today.get("longest_wait_s"))), t("fig.t.sl", v=pair("service_level", pct)),
             t("fig.t.aht", v=pair("aht_s", dur)), t("fig.t.fcr", v=pair("fcr", pct))]
    out = Text(t("fig.today_vs"), style="bold")
    out.append("  " + " · ".join(parts))
    return out


def bucket_labels(start: float, size: int, n: int) -> list[str]:
    return [time.strftime("%H:%M", time.localtime(start + i * size)) for i in range(n)]


def build_plot(kind: str, labels: list[str], series: list[list[float]], width: int, height: int) -> Text:
    """The picture as text (plotext through textual-plotext's ``Plot``). Pure: safe in a thread.

    plotext's build is the costly part (hundreds of ms for a 120-column plot on a busy machine), so
    the chart runs it in a worker thread and the keys stay quick."""
    plt = Plot()
    plt.plotsize(width, height)
    plt._set_size(width, height)
    plt.theme("clear")  # the terminal's own colours: readable on every desk theme
    xs = list(range(len(labels)))
    ticks = max(2, (width - 8) // 12)  # few enough time labels that none overlap
    step = max(1, -(-len(xs) // ticks))
    if kind == "volume":
        plt.title(t("fig.chart.volume"))
        plt.plot(xs or [0], series[0] or [0], marker="braille", color="blue")
        plt.plot(xs or [0], series[1] or [0], marker="braille", color="green")
    else:
        plt.title(t("fig.chart.sl"))
        plt.ylim(0, 100)
        plt.plot(xs or [0], series[0] or [0], marker="braille", color="blue")
    if xs:
        plt.xticks(xs[::step], labels[::step])
    return Text.from_ansi(plt.build())


class LeadChart(Vertical):
    """One picture: a plot when there is room, else the last buckets as numbers."""

    DEFAULT_CSS = """
    LeadChart { height: 1fr; min-height: 2; }
    LeadChart > .plot { height: 1fr; }
    LeadChart > .numbers { height: auto; padding: 0 1; }
    LeadChart.-numbers > .plot { display: none; }
    LeadChart.-plot > .numbers { display: none; }
    """

    def __init__(self, kind: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.kind = kind  # "volume" (incoming + handled) or "sl" (service level)
        self.data: dict[str, Any] = {}
        self.pending = False  # a plot is being built
        self._drawn: tuple[Any, ...] = ()
        self._built_at = 0.0  # monotonic time of the last build
        self._later: Any = None  # the timer of a rebuild held back by PLOT_EVERY_S

    def compose(self) -> ComposeResult:
        yield Static("", classes="plot")
        yield Static("", classes="numbers")

    def on_resize(self, event: Any) -> None:
        self._draw()

    def _mode(self) -> bool:
        room = self.size.height >= PLOT_MIN_HEIGHT and self.size.width >= PLOT_MIN_WIDTH
        self.set_class(room, "-plot")
        self.set_class(not room, "-numbers")
        return room

    def show(self, buckets: dict[str, Any], day_start: float) -> None:
        self.data = {"buckets": buckets, "start": day_start}
        self._draw()

    def _draw(self) -> None:
        room = self._mode()
        if not self.data:
            return
        buckets, day_start = self.data["buckets"], self.data["start"]
        size = int(buckets.get("size_s") or 900)
        inc, han = list(buckets.get("incoming") or []), list(buckets.get("handled") or [])
        sl = list(buckets.get("service_level") or [])
        labels = bucket_labels(day_start, size, max(len(inc), len(sl)))
        self._numbers(labels, inc, han, sl)
        series = [inc, han] if self.kind == "volume" else [[v if v is not None else 0 for v in sl]]
        plot = self.query_one(".plot", Static)
        width, height = plot.size.width or self.size.width, plot.size.height or self.size.height
        key = (labels, series, width, height)
        if not room or key == self._drawn or width < PLOT_MIN_WIDTH or not self.is_on_screen:
            return
        wait = self._built_at + PLOT_EVERY_S - time.monotonic()
        if self._drawn and self._drawn[2:] == (width, height) and wait > 0:
            if self._later is None:  # new data only: draw it when the interval is over
                self._later = self.set_timer(wait, self._draw_later)
            return
        self._drawn = key
        self._built_at = time.monotonic()
        self.pending = True
        self._build(labels, series, width, height)

    def _draw_later(self) -> None:
        self._later = None
        self._draw()

    @work(thread=True, exclusive=True, group="plot")
    def _build(self, labels: list[str], series: list[list[float]], width: int, height: int) -> None:
        picture = build_plot(self.kind, labels, series, width, height)
        self.app.call_from_thread(self._built, picture)

    def _built(self, picture: Text) -> None:
        self.query_one(".plot", Static).update(picture)
        self.pending = False

    def _numbers(self, labels: list[str], inc: list[int], han: list[int], sl: list[Any]) -> None:
        last = max(1, min(8, len(labels)))
        cells = []
        for i in range(len(labels) - last, len(labels)):
            if self.kind == "volume":
                cells.append(f"{labels[i]} {inc[i] if i < len(inc) else 0}/{han[i] if i < len(han) else 0}")
            else:
                cells.append(f"{labels[i]} {pct(sl[i] if i < len(sl) else None)}")
        head = t("fig.numbers.volume") if self.kind == "volume" else t("fig.numbers.sl")
        self.query_one(".numbers", Static).update(Text(head + ": " + " · ".join(cells)))

class QueuesTable(KeyedTable):
    """The figures per queue and channel, updated cell by cell."""

    def on_mount(self) -> None:
        self.add_columns(*[t(c) for c in QUEUE_COLUMNS])

    def show(self, queues: list[dict[str, Any]]) -> None:
        self.fill([(str(q.get("queue")), q, (
            Text(one_line(q.get("name") or q.get("queue"), 24)), Text(str(q.get("channel"))),
            str(q.get("incoming", 0)), str(q.get("handled", 0)), str(q.get("waiting", 0)),
            str(q.get("abandoned", 0)), dur(q.get("longest_wait_s")), pct(q.get("service_level")),
            dur(q.get("aht_s")), pct(q.get("fcr")))) for q in queues])


class FiguresPanel(Vertical):
    """Totals line, per-queue table and the two pictures."""

    DEFAULT_CSS = """
    FiguresPanel { height: 1fr; }
    FiguresPanel #fig-total { height: auto; padding: 0 1; }
    FiguresPanel #fig-queues { height: auto; max-height: 12; }
    FiguresPanel #fig-charts { height: 1fr; }
    FiguresPanel LeadChart { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("lead.loading"), id="fig-total")
        yield QueuesTable(id="fig-queues")
        with Horizontal(id="fig-charts"):
            yield LeadChart("volume", id="chart-volume")
            yield LeadChart("sl", id="chart-sl")

    def show(self, figs: dict[str, Any]) -> None:
        today = figs.get("today") or {}
        self.query_one("#fig-total", Static).update(totals_line(today.get("total") or {}, figs.get("last_week") or {}))
        self.query_one(QueuesTable).show(today.get("queues") or [])
        buckets = figs.get("buckets") or {}
        for chart in self.query(LeadChart):
            chart.show(buckets, float(figs.get("day_start") or 0))
