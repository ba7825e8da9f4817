"""Domain code (protocol, core, secure, center) never imports Textual."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import agent_tui

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("protocol", "core", "secure", "center")


def domain_modules() -> list[str]:
    names = []
    for pkg in DOMAIN:
        path = Path(agent_tui.__file__).parent / pkg
        names.append(f"agent_tui.{pkg}")
        for info in pkgutil.walk_packages([str(path)], prefix=f"agent_tui.{pkg}."):
            names.append(info.name)
    return names


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    res = subprocess.run([exe], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Domain code never imports Textual KEPT" in res.stdout


def test_importing_each_domain_module_loads_no_textual():
    mods = domain_modules()
    assert "agent_tui.core.desk_state" in mods and "agent_tui.secure.text" in mods
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
    res = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
