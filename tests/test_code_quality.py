"""The tree stays lint-clean and the domain packages type-check (config in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; it is in the `test` extra of pyproject.toml")
    return found


def test_ruff_finds_nothing() -> None:
    run = subprocess.run([_tool("ruff"), "check", "agent_tui", "tests", "bench"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_mypy_is_clean_on_the_domain_packages() -> None:
    run = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_tests_import_shared_helpers_from_the_kit_not_through_sys_path() -> None:
    """Shared helpers live in tests/kit and import as ``tests.kit.…`` (tests/ is a package);
    a ``sys.path`` edit in a test would hide which helper a test really uses."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "sys.path.insert" in line or "sys.path.append" in line
    ]
    offenders = [o for o in offenders if not o.startswith("tests/test_code_quality.py")]
    assert not offenders, offenders
