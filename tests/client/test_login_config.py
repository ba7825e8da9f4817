"""Issue 8, principle 7 and §8: `login --password-stdin` from a script (no terminal at all) keeps
the config file's comments and layout and changes only its own fields; a YAML error names the
line to fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent_tui.core import credentials
from agent_tui.core.config import ConfigError, parse_config, save_login, set_top_level

CONFIG = """\
# My desk at home (do not lose these notes)
server: wss://old.example:8443   # the office center before the move
# CA from IT, see the wiki
ca_file: old-ca.pem
language: nl   # Dutch please

softphone:
  profile: low  # 4G at home
  devices:
    input: 2
"""


def test_login_from_a_script_without_a_terminal_keeps_the_config_layout(center, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    proc = subprocess.run(
        [sys.executable, "-m", "agent_tui", "--config", str(config), "login", "--server", center.url,
         "--ca", str(center.ca_file), "--user", "agent5", "--password-stdin"],
        input="demo\n", capture_output=True, text=True, timeout=60,
        start_new_session=True)  # no controlling terminal: nothing could be prompted
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["user"]["user"] == "agent5"
    assert proc.stderr == ""  # no prompt was written
    text = config.read_text()
    expected = (CONFIG.replace("wss://old.example:8443", center.url)
                .replace("old-ca.pem", str(Path(center.ca_file).resolve())) + "user: agent5\n")
    assert text == expected
    cfg = parse_config(text)
    assert cfg.language == "nl" and cfg.softphone.profile == "low" and cfg.user == "agent5"
    assert credentials.get_password(center.url, "agent5") == "demo"


def test_save_login_replaces_values_in_place_and_keeps_the_file_mode(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("user:   # who logs in\nserver: 'wss://a:1'\n")
    os.chmod(config, 0o640)
    save_login(config, "wss://b:2", Path("/etc/ca.pem"), "agent1")
    assert config.read_text() == "user: agent1   # who logs in\nserver: wss://b:2\nca_file: /etc/ca.pem\n"
    assert config.stat().st_mode & 0o777 == 0o640
    assert set_top_level("", {"user": "a: b"}) == "user: 'a: b'\n"


def test_save_login_refuses_to_overwrite_a_broken_file(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    broken = "server: wss://a:1\nkeys: [f8\nuser: x\n"
    config.write_text(broken)
    with pytest.raises(ConfigError) as err:
        save_login(config, "wss://b:2", Path("/ca.pem"), "agent1")
    assert err.value.line == 2
    assert config.read_text() == broken


@pytest.mark.parametrize(("text", "line", "words"), [
    ("server: wss://a:1\nuser: [agent1\nlanguage: en\ntheme: light\n", 2, "[ opened on this line"),
    ("server: \"wss://a:1\nuser: agent1\nlanguage: en\n", 1, "quote opened on this line"),
    ("server: wss://a:1\nsoftphone: {profile: low\nuser: x\n", 2, "{ opened on this line"),
    ("server: wss://a:1\nkeys:\n  desk.accept: f8\n  desk.x: [\n\n# end\n", 4, "ends before"),
    ("server: wss://a:1\nuser: a: b\n", 2, "mapping values"),
    ("server: wss://a:1\nuser: agent1\n\tlanguage: en\n", 3, "'\\t'"),
])
def test_a_yaml_error_names_the_line_to_fix(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text, tmp_path / "config.yaml")
    assert err.value.line == line, str(err.value)
    assert words in str(err.value) and f"config.yaml line {line}:" in str(err.value)


def test_a_setting_given_twice_is_named_with_both_lines(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config("language: en\nsoftphone:\n  profile: low\n  profile: normal\n", tmp_path / "config.yaml")
    assert err.value.line == 4 and err.value.field == "softphone.profile" and "first on line 3" in str(err.value)
