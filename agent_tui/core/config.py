"""The desk's own configuration file (YAML), read into a typed :class:`Config`.

Where: ``--config PATH``, else ``$AGENT_TUI_CONFIG``, else the platform config dir
(``~/.config/agent-tui/config.yaml`` on Linux). A missing default file is not an error
(the desk then asks for the server on its login screen); a broken file is, and the
:class:`ConfigError` names the file, the line and the field so the agent (or the person
helping them) can fix it. Secrets never live here: passwords and tokens go to the OS
keyring, and a ``password`` key is refused.

Domain code: must not import textual.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import yaml

from agent_tui.core.keynames import key_problem

LANGUAGES = ("en", "nl")
THEMES = ("default", "high-contrast", "light")
ENV_CONFIG = "AGENT_TUI_CONFIG"


class ConfigError(Exception):
    """A config file problem. ``str(err)`` is one line: ``FILE line N: field: what is wrong``."""

    def __init__(self, path: Path | str | None, line: int | None, field_name: str, problem: str):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field_name
        self.problem = problem
        where = str(self.path) if self.path else "<config>"
        if line is not None:
            where += f" line {line}"
        super().__init__(f"{where}: {field_name}: {problem}" if field_name else f"{where}: {problem}")


@dataclass
class SoftphoneConfig:
    """The ``softphone:`` section. Devices are names or indexes as the audio layer lists them.

    Keys this module does not know are kept in ``options`` for the softphone code to read,
    so the softphone can grow settings without a change here.
    """

    input_device: str | None = None
    output_device: str | None = None
    ring_device: str | None = None
    profile: str = "auto"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    """Typed client settings. ``path`` is the file they came from (None: defaults only)."""

    server: str | None = None
    ca_file: Path | None = None
    user: str | None = None
    language: str = "en"
    theme: str = "default"
    keys: dict[str, str] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # binding id -> its line in the file
    bell: bool = True
    softphone: SoftphoneConfig = field(default_factory=SoftphoneConfig)
    path: Path | None = None


# low/normal are the softphone's bandwidth profiles (agent_tui.sip.profiles); auto = low,
# because a home uplink of 64 kbit/s is the normal case. narrowband/wideband are accepted aliases.
SOFTPHONE_PROFILES = ("auto", "low", "normal", "narrowband", "wideband")


def default_language() -> str:
    """``nl`` when the locale says Dutch, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:  # pragma: no cover - odd locale settings
        loc = ""
    return "nl" if loc.lower().startswith("nl") else "en"


def default_config_path() -> Path:
    """``$AGENT_TUI_CONFIG`` if set, else ``<platform config dir>/agent-tui/config.yaml``."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("agent-tui", appauthor=False)) / "config.yaml"


_OPENERS = {"while scanning a quoted scalar": "a quote opened on this line is not closed",
            "while parsing a flow sequence": "a [ opened on this line is not closed",
            "while parsing a flow mapping": "a { opened on this line is not closed"}


def _yaml_error(err: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to fix and the problem in words. PyYAML marks where it *noticed* the
    error; an unclosed quote or bracket is noticed lines later (often at the end of the
    file), so name the line where it was opened, and never a line past the last one."""
    problem = str(err.problem or err)
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark is not None else None
    opener = _OPENERS.get(str(err.context or ""))
    if opener and err.context_mark is not None and err.context_mark.line + 1 != line:
        noticed = f"line {line}" if line is not None else "the end"
        return err.context_mark.line + 1, f"{opener} ({problem} on {noticed})"
    lines = text.splitlines()
    last = max((i + 1 for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")),
               default=None)
    if line is not None and last is not None and line > last:
        return last, f"{problem} (the file ends before this line is complete)"
    return line, problem


def _line_index(node: yaml.Node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """Map each key path (``("softphone", "profile")``) to its 1-based line in the file."""
    lines: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = prefix + (key,)
            lines[path] = key_node.start_mark.line + 1
            lines.update(_line_index(value_node, path))
    return lines


def _first_duplicate(node: yaml.Node | None, prefix: tuple[str, ...] = ()) -> tuple[tuple[str, ...], int, int] | None:
    """(key path, first line, repeated line) of a key given twice in one mapping, or None.
    YAML would silently keep the last one; the agent meant one of them."""
    if not isinstance(node, yaml.MappingNode):
        return None
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen:
            return prefix + (key,), seen[key], line
        seen[key] = line
        found = _first_duplicate(value_node, prefix + (key,))
        if found is not None:
            return found
    return None


class _Reader:
    """Validates one parsed document, raising ConfigError with the right line."""

    def __init__(self, path: Path | None, lines: dict[tuple[str, ...], int]):
        self.path = path
        self.lines = lines

    def fail(self, keypath: tuple[str, ...], problem: str) -> ConfigError:
        return ConfigError(self.path, self.lines.get(keypath), ".".join(keypath), problem)

    def string(self, data: dict, keypath: tuple[str, ...], default: str | None = None) -> str | None:
        value = data.get(keypath[-1], default)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(keypath, f"expected text, got {type(value).__name__}")
        return value

    def mapping(self, data: dict, keypath: tuple[str, ...]) -> dict:
        value = data.get(keypath[-1])
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(keypath, f"expected a mapping (key: value lines), got {type(value).__name__}")
        return value


_TOP_KEYS = {"server", "ca_file", "user", "language", "theme", "keys", "bell", "softphone"}
_SECRET_KEYS = {"password", "token", "secret"}


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse config ``text`` (the contents of ``path``). Raises :class:`ConfigError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        line, problem = _yaml_error(err, text)
        raise ConfigError(path, line, "", f"not valid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise ConfigError(path, None, "", f"not valid YAML: {err}") from None
    if data is None:
        return Config(path=path, language=default_language())
    if not isinstance(data, dict):
        raise ConfigError(path, 1, "", "the file must be a mapping of settings (key: value lines)")
    dup = _first_duplicate(root)
    if dup is not None:
        keypath, first, again = dup
        raise ConfigError(path, again, ".".join(keypath), f"set twice (first on line {first}); "
                                                          "only one of them can count, so neither is used")
    r = _Reader(path, _line_index(root) if root is not None else {})
    for key in data:
        k = str(key)
        if k in _SECRET_KEYS:
            raise r.fail((k,), "secrets do not belong in the config file; use `agent-tui login` "
                               "(the password goes to the OS keyring)")
        if k not in _TOP_KEYS:
            raise r.fail((k,), f"unknown setting (known: {', '.join(sorted(_TOP_KEYS))})")

    cfg = Config(path=path)
    server = r.string(data, ("server",))
    if server is not None:
        if not server.startswith("wss://"):
            raise r.fail(("server",), f"must start with wss:// (TLS is always on), got {server!r}")
        cfg.server = server.rstrip("/")
    ca = r.string(data, ("ca_file",))
    if ca is not None:
        ca_path = Path(ca).expanduser()
        if not ca_path.is_absolute() and path is not None:
            ca_path = path.parent / ca_path  # relative to the config file, not the cwd
        cfg.ca_file = ca_path
    cfg.user = r.string(data, ("user",))
    lang = r.string(data, ("language",))
    if lang is None:
        cfg.language = default_language()
    elif lang not in LANGUAGES:
        raise r.fail(("language",), f"must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    else:
        cfg.language = lang
    theme = r.string(data, ("theme",), "default")
    if theme not in THEMES:
        raise r.fail(("theme",), f"must be one of {', '.join(THEMES)}, got {theme!r}")
    cfg.theme = theme or "default"
    bell = data.get("bell", True)
    if not isinstance(bell, bool):
        raise r.fail(("bell",), "must be true or false")
    cfg.bell = bell

    keys = r.mapping(data, ("keys",))
    for binding_id, key in keys.items():
        kp = ("keys", str(binding_id))
        if not isinstance(key, str) or not key.strip():
            raise r.fail(kp, "expected a key name such as f8 or ctrl+o")
        key_error = key_problem(key)
        if key_error is not None:
            raise r.fail(kp, key_error)
        cfg.keys[str(binding_id)] = key.strip()
        if kp in r.lines:
            cfg.key_lines[str(binding_id)] = r.lines[kp]

    sp = r.mapping(data, ("softphone",))
    soft = SoftphoneConfig()
    for key, value in sp.items():
        k = str(key)
        if k == "devices":
            devices = r.mapping(sp, ("softphone", "devices"))
            for dk, dv in devices.items():
                dkp = ("softphone", "devices", str(dk))
                if dk not in ("input", "output", "ring"):
                    raise r.fail(dkp, "unknown device (known: input, output, ring)")
                if dv is not None and not isinstance(dv, (str, int)):
                    raise r.fail(dkp, "expected a device name or number")
                setattr(soft, f"{dk}_device", None if dv is None else str(dv))
        elif k == "profile":
            profile = r.string(sp, ("softphone", "profile"), "auto") or "auto"
            if profile not in SOFTPHONE_PROFILES:
                raise r.fail(("softphone", "profile"),
                             f"must be one of {', '.join(SOFTPHONE_PROFILES)}, got {profile!r}")
            soft.profile = profile
        else:
            soft.options[k] = value
    cfg.softphone = soft
    return cfg


def load_config(path: Path | None = None) -> Config:
    """Load the config from ``path`` (or the default location).

    A missing *default* file gives the defaults; a missing *explicit* file is an error.
    """
    explicit = path is not None or bool(os.environ.get(ENV_CONFIG))
    p = Path(path).expanduser() if path is not None else default_config_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(p, None, "", "file not found") from None
        return Config(path=None, language=default_language())
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(p, None, "", f"cannot read: {err}") from None
    return parse_config(text, p)


def save_login(path: Path, server: str, ca_file: Path, user: str) -> None:
    """Write (or update) ``server``, ``ca_file`` and ``user`` in the config at ``path``.

    Used after a successful login, so the next start goes straight to the desk. Never
    writes a secret. Only those three values change: comments, order, layout and every
    other setting of an existing file stay as the agent wrote them. The file is replaced
    atomically (a crash leaves the old or the new one). A file that is not valid YAML
    raises :class:`ConfigError` (with its line) rather than being overwritten.
    """
    text = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
    new = set_top_level(text, {"server": server, "ca_file": str(ca_file), "user": user}, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    if path.exists():
        os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)


def _scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def set_top_level(text: str, values: dict[str, str], path: Path | None = None) -> str:
    """*text* with the top-level keys in *values* set: an existing value is replaced where
    it stands, a missing key is added at the end; nothing else in the text changes."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    except yaml.MarkedYAMLError as err:
        line, problem = _yaml_error(err, text)
        raise ConfigError(path, line, "", f"not valid YAML, not changed: {problem}") from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise ConfigError(path, 1, "", "the file must be a mapping of settings (key: value lines)")
    edits: list[tuple[int, int, str]] = []
    missing = dict(values)
    for key_node, value_node in (root.value if root is not None else []):
        key = str(key_node.value)
        if key not in missing:
            continue
        start, end = value_node.start_mark.index, value_node.end_mark.index
        new = _scalar(missing.pop(key))
        if start == end and text[start - 1:start] == ":":
            new = " " + new  # ``user:`` with no value
        edits.append((start, end, new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    if missing:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "".join(f"{k}: {_scalar(v)}\n" for k, v in missing.items())
    return text
