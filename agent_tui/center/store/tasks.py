"""SQL of the team lead's tasks: escalations from agents and tasks a lead creates."""

from __future__ import annotations

import sqlite3

COLUMNS = ("id", "team", "kind", "title", "note", "conversation", "created_by", "created_at", "assignee",
           "due_at", "status", "closed_at", "closed_by", "updated_at")


def insert(db: sqlite3.Connection, task: dict) -> None:
    """Store a new task (*task* holds every column of :data:`COLUMNS` it sets)."""
    cols = [c for c in COLUMNS if c in task]
    db.execute(f"INSERT INTO tasks({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
               tuple(task[c] for c in cols))


def get(db: sqlite3.Connection, task_id: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()


def assign(db: sqlite3.Connection, task_id: str, assignee: str | None, due_at: float | None, now: float) -> None:
    db.execute("UPDATE tasks SET assignee = ?, due_at = COALESCE(?, due_at), updated_at = ? WHERE id = ?",
               (assignee, due_at, now, task_id))


def close(db: sqlite3.Connection, task_id: str, user: str, now: float) -> None:
    db.execute("UPDATE tasks SET status = 'closed', closed_at = ?, closed_by = ?, updated_at = ? WHERE id = ?",
               (now, user, now, task_id))


def of_teams(db: sqlite3.Connection, teams: list[str], closed_since: float) -> list[sqlite3.Row]:
    """Open tasks of *teams* and those closed since *closed_since*, escalations and the oldest first."""
    marks = ", ".join("?" for _ in teams)
    return db.execute(
        f"SELECT * FROM tasks WHERE team IN ({marks}) AND (status = 'open' OR closed_at >= ?)"
        " ORDER BY status DESC, kind = 'escalation' DESC, COALESCE(due_at, 1e18), created_at",
        (*teams, closed_since)).fetchall()


def assigned_to(db: sqlite3.Connection, user: str) -> list[sqlite3.Row]:
    """The open tasks assigned to *user*, the soonest due first."""
    return db.execute("SELECT * FROM tasks WHERE assignee = ? AND status = 'open'"
                      " ORDER BY COALESCE(due_at, 1e18), created_at", (user,)).fetchall()


def open_escalations(db: sqlite3.Connection, teams: list[str]) -> list[sqlite3.Row]:
    marks = ", ".join("?" for _ in teams)
    return db.execute(f"SELECT * FROM tasks WHERE kind = 'escalation' AND status = 'open' AND team IN ({marks})"
                      " ORDER BY created_at", tuple(teams)).fetchall()
