"""The doctor's report as text: one line per check, then a summary (what support reads aloud)."""

from __future__ import annotations

from agent_tui.support.doctor_types import FAIL, OK, SKIP, WARN, Check, Report

_LABEL = {OK: " ok ", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def format_check(c: Check) -> str:
    """One check as text: ``[ ok ] name  summary`` and, when useful, a ``fix:`` line."""
    line = f"[{_LABEL.get(c.status, c.status)}] {c.name:<10} {c.summary}"
    if c.hint and c.status in (WARN, FAIL, SKIP):
        line += f"\n{'':18}fix: {c.hint}"
    return line


def format_report(report: Report) -> str:
    """The whole report as text (what support reads on the phone with the agent)."""
    t = report.target
    head = f"agent-tui doctor {report.version} — {t.get('user') or '?'} at {t.get('server') or '?'}"
    counts = report.to_dict()["counts"]
    tail = (
        f"{'all checks passed' if report.ok else 'PROBLEMS FOUND'}: {counts[OK]} ok, {counts[WARN]} warnings, "
        f"{counts[FAIL]} failed, {counts[SKIP]} skipped ({report.duration_ms / 1000:.1f} s)"
    )
    return "\n".join([head, *(format_check(c) for c in report.checks), tail])
