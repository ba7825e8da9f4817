"""The layout rules of docs/architecture.md, checked on every run of the suite.

- the layer table and the forbidden lines are import-linter contracts (pyproject.toml);
- no import circles between modules (an import-linter ``acyclic_siblings`` contract);
- a function-local import is a deliberate deferral of a heavy import and says so in a
  ``# deferred: …`` comment on the line or the line above (never a way to hide a circle);
- no module in agent_tui/ is longer than 600 lines of code.
"""

from __future__ import annotations

import ast
import io
import os
import pkgutil
import shutil
import subprocess
import sys
import tokenize

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (tomli comes with import-linter there)
    import tomli as tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "agent_tui"
MAX_CODE_LINES = 600


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _contract_names() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return [c["name"] for c in data["tool"]["importlinter"]["contracts"]]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    # PYTHONPATH: check this tree even when the installed package points at another checkout.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([exe, "--no-cache"], check=False, cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


def test_every_import_linter_contract_is_kept() -> None:
    names = _contract_names()
    # The table is the contract: a layers contract, the forbidden lines and the no-cycles rule.
    assert any("layer" in n.lower() for n in names), names
    assert any("circle" in n.lower() for n in names), names
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    for name in names:
        assert f"{name} KEPT" in run.stdout, f"contract {name!r} not reported as kept:\n{run.stdout[-3000:]}"


def _local_imports(path: Path) -> list[tuple[int, int, str]]:
    """(first line of its run of imports, line, module) of every import inside a function body.

    A run is a sequence of import statements one after the other: one comment above the run
    covers all of it (``import numpy`` and ``import sounddevice`` deferred together).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, int, str]] = []

    def module_of(node: ast.Import | ast.ImportFrom) -> str:
        if isinstance(node, ast.Import):
            return ", ".join(a.name for a in node.names)
        return "." * node.level + (node.module or "")

    def scan(body: list[ast.stmt], in_function: bool) -> None:
        run_start = None
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                run_start = run_start or stmt.lineno
                if in_function:
                    found.append((run_start, stmt.lineno, module_of(stmt)))
                continue
            run_start = None
            inner = in_function or isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody"):
                scan(getattr(stmt, field, None) or [], inner)
            for handler in getattr(stmt, "handlers", None) or []:
                scan(handler.body, inner)
            for case in getattr(stmt, "cases", None) or []:
                scan(case.body, inner)

    scan(tree.body, False)
    return found


def _comments_by_line(path: Path) -> dict[int, str]:
    comments: dict[int, str] = {}
    with path.open("rb") as fh:
        for tok in tokenize.tokenize(fh.readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string
    return comments


def test_function_local_imports_are_only_deliberate_deferrals() -> None:
    undeclared = []
    for path in _sources():
        local = _local_imports(path)
        if not local:
            continue
        comments = _comments_by_line(path)
        for first, line, module in local:
            said = " ".join(comments.get(n, "") for n in (first - 2, first - 1, first, line))
            if "deferred" not in said.lower():
                undeclared.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not undeclared, (
        "function-local imports without a '# deferred: why' comment (move them to the top of the "
        "module, or say which heavy import they defer):\n" + "\n".join(undeclared)
    )


def _code_lines(path: Path) -> int:
    """Lines that hold code: not blank, not comments, not docstrings."""
    source = path.read_text(encoding="utf-8")
    doc_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc_lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    code: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                        tokenize.ENDMARKER):
            continue
        for n in range(tok.start[0], tok.end[0] + 1):
            if n not in doc_lines:
                code.add(n)
    return len(code)


def test_no_module_is_longer_than_600_lines_of_code() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _sources() if (n := _code_lines(p)) > MAX_CODE_LINES}
    assert not long, f"split these (lines of code > {MAX_CODE_LINES}): {long}"


@pytest.mark.parametrize("bad_import", [
    "from agent_tui.sip import profiles  # a deliberate layer violation",
    "import textual  # a deliberate layer violation",
])
def test_a_forbidden_import_breaks_the_contracts(tmp_path: Path, bad_import: str) -> None:
    """The contracts can fail: a copy of the tree with one forbidden import in core/ is refused."""
    copy = tmp_path / "tree"
    shutil.copytree(PACKAGE, copy / "agent_tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "agent_tui" / "core" / "config.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n" + bad_import + "\n", encoding="utf-8")
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    run = subprocess.run([exe, "--no-cache"], check=False, cwd=copy, capture_output=True, text=True,
                         timeout=300, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert run.returncode != 0, run.stdout[-3000:]
    assert "BROKEN" in run.stdout
    assert "agent_tui.core.config" in run.stdout


DOMAIN_PACKAGES = ("protocol", "secure", "core", "sip", "center", "ctl", "support")


def _domain_modules() -> list[str]:
    names = []
    for pkg in DOMAIN_PACKAGES:
        names.append(f"agent_tui.{pkg}")
        for info in pkgutil.walk_packages([str(PACKAGE / pkg)], prefix=f"agent_tui.{pkg}."):
            names.append(info.name)
    return names


def test_importing_each_domain_module_loads_no_textual() -> None:
    """Beyond the static contracts: importing every non-UI module for real never loads Textual."""
    mods = _domain_modules()
    assert "agent_tui.core.desk_state" in mods and "agent_tui.center.hub" in mods
    code = (
        "import importlib, sys\n"
        f"mods = {mods!r}\n"
        "bad = []\n"
        "for m in mods:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except ImportError as e:\n"
        "        if 'textual' in str(e): bad.append(m)\n"
        "    if 'textual' in sys.modules:\n"
        "        bad.append(m); break\n"
        "print('BAD', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
