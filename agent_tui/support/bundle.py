"""``agent-tui doctor --bundle FILE.zip``: what support needs, without the secrets.

The zip holds:

* ``report.txt`` / ``report.json`` — the doctor run;
* ``versions.json`` — Python, agent-tui, textual, pjsua2 (package and library), websockets,
  keyring, cryptography, PortAudio, OpenSSL, the OS;
* ``config.yaml`` — the client config, redacted (line numbers kept, so a ConfigError's
  "line N" still points at the right line);
* ``logs/…`` — the tail of recent log files: the softphone's pjsua log (``softphone.log_file``
  in the config), the demo center's logs under the platform state dir, and every ``--log FILE``;
* ``MANIFEST.txt`` — what was included, what was left out and why.

Every text goes through :func:`scrub` before it is written: passwords and ``password=``
style pairs, session tokens (the center's format: 43 URL-safe characters, see
``agent_tui.center.auth.new_token``), ``Authorization`` headers, SIP digest responses and
nonces, SRTP keys (``inline:``), private keys — and, literally, the password and token
stored in the keyring for this login (read only to blank them out).
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import ssl
import sys
import time
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import platformdirs

from agent_tui import __version__
from agent_tui.core import credentials
from agent_tui.core.config import default_config_path, load_config
from agent_tui.support.doctor_report import format_report
from agent_tui.support.doctor_types import Options, Report

LOG_TAIL_BYTES = 512 * 1024  # the end of each log is what matters for a fresh problem
MAX_LOGS = 12  # newest first
LOG_MAX_AGE_S = 7 * 86400  # older logs say nothing about today's problem
MIN_LITERAL_SECRET = 6  # shorter secrets ("demo") are only scrubbed by pattern, not everywhere

REDACTED = "<redacted>"

# --- scrubbing ---------------------------------------------------------------------------------

_KEYWORDS = r"(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|ingress[_-]?key|ha1b?|auth[_-]?key)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # PEM private keys, whole blocks.
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL
        ),
        "-----PRIVATE KEY " + REDACTED + "-----",
    ),
    # HTTP/SIP Authorization headers: the scheme stays (support wants to see "Digest"/"Bearer"),
    # the credentials go. A digest header keeps username/realm/uri but loses response/nonce/cnonce.
    (
        re.compile(r"(?im)^(\s*(?:proxy-)?authorization\s*:\s*)(bearer|basic)\s+\S+"),
        r"\1\2 " + REDACTED,
    ),
    (re.compile(r'(?i)\b(response|cnonce|nonce)\s*=\s*"[^"]*"'), r'\1="' + REDACTED + '"'),
    (re.compile(r"(?i)\b(response|cnonce|nonce)\s*=\s*[^\s\",]+"), r"\1=" + REDACTED),
    # SDES SRTP master keys in SDP (a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^31).
    (re.compile(r"(?i)(inline:)[A-Za-z0-9+/=]+"), r"\1" + REDACTED),
    # JSON / Python dict style: "password": "x", 'token': 'x'
    (
        re.compile(
            r"(?i)([\"']"
            + r"[\w.-]*"
            + _KEYWORDS
            + r"[\w.-]*[\"']\s*:\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^,}\s]+)"
        ),
        r'\1"' + REDACTED + '"',
    ),
    # key=value / key: value (logs, YAML, command lines, URLs)
    (
        re.compile(
            r"(?i)(\b[\w.-]*" + _KEYWORDS + r"[\w.-]*\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;]+)"
        ),
        r"\1" + REDACTED,
    ),
    # --password VALUE on a command line
    (re.compile(r"(?i)(--[\w-]*" + _KEYWORDS + r"[\w-]*[ =])(?!-)(\S+)"), r"\1" + REDACTED),
    # URLs with user:password@
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@"), r"\1" + REDACTED + "@"),
    # The center's session token: secrets.token_urlsafe(32) = 43 URL-safe characters. Anything
    # that long and that random-looking goes (over-redaction is the safe side).
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"), "<token>"),
]


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without passwords, tokens, auth headers, digest responses or keys.

    ``secrets``: known secret values (the stored password and token) to remove literally
    wherever they appear; values shorter than MIN_LITERAL_SECRET are skipped there (a
    password like "demo" would blank every "demo" in a path) but patterns still catch them.
    """
    for value in sorted(
        {s for s in secrets if s and len(s) >= MIN_LITERAL_SECRET}, key=len, reverse=True
    ):
        text = text.replace(value, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def redact_config(text: str, secrets: Iterable[str] = ()) -> str:
    """The config file with secrets blanked, line for line (line numbers stay valid)."""
    out = []
    for line in text.splitlines():
        out.append(scrub(line, secrets))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


# --- what goes in -----------------------------------------------------------------------------


def versions(report: Report | None = None) -> dict[str, Any]:
    """Versions of everything involved (no module is imported that is not loaded already,
    except sounddevice for the PortAudio version)."""

    def dist(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    info: dict[str, Any] = {
        "agent-tui": __version__,
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "os": platform.platform(),
        "machine": platform.machine(),
        "openssl": ssl.OPENSSL_VERSION,
        "textual": dist("textual"),
        "pjsua2-python": dist("pjsua2-python"),
        "websockets": dist("websockets"),
        "keyring": dist("keyring"),
        "cryptography": dist("cryptography"),
        "sounddevice": dist("sounddevice"),
        "pyyaml": dist("PyYAML") or dist("pyyaml"),
    }
    sip = report.get("sip") if report is not None else None
    if sip is not None and sip.figures.get("pjsua2"):
        info["pjsip_library"] = sip.figures["pjsua2"]
    try:
        # deferred: sounddevice loads PortAudio, needed only for this one version string
        import sounddevice

        info["portaudio"] = sounddevice.get_portaudio_version()[1]
    except Exception:  # noqa: BLE001 - PortAudio missing is itself a finding
        info["portaudio"] = None
    return info


def candidate_logs(cfg: Any, extra: Iterable[str | Path] = ()) -> list[Path]:
    """Log files worth sending, newest first: ``--log`` files, the softphone's pjsua log,
    and the logs of demo centers under the platform state dir."""
    found: list[Path] = [Path(p).expanduser() for p in extra]
    sp = getattr(cfg, "softphone", None)
    opts = getattr(sp, "options", None) or {}
    for key in ("log_file", "sip_log"):
        if opts.get(key):
            found.append(Path(str(opts[key])).expanduser())
    try:
        state = Path(platformdirs.user_state_dir("agent-tui", appauthor=False))
        log_dir = Path(platformdirs.user_log_dir("agent-tui", appauthor=False))
        for base in (state, log_dir):
            if base.is_dir():
                found.extend(p for p in base.rglob("*.log") if p.is_file())
    except Exception:  # noqa: BLE001, S110 - an unreadable state/log dir: only the explicit logs
        pass
    now = time.time()
    seen: set[Path] = set()
    out: list[Path] = []
    explicit = {Path(p).expanduser().resolve() for p in extra}
    for p in found:
        try:
            rp = p.resolve()
            mtime = p.stat().st_mtime
        except OSError:
            if p.resolve() in explicit:
                out.append(p)  # reported as missing in the manifest
            continue
        if rp in seen or (rp not in explicit and now - mtime > LOG_MAX_AGE_S):
            continue
        seen.add(rp)
        out.append(p)

    def mtime_of(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    explicit_first = sorted(out, key=lambda p: (p.resolve() not in explicit, -mtime_of(p)))
    return explicit_first[:MAX_LOGS]


def _tail(path: Path, limit: int = LOG_TAIL_BYTES) -> tuple[str, bool]:
    """The last ``limit`` bytes of a file as text (cut at a line start), and whether it was cut."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size > limit:
            fh.seek(size - limit)
            data = fh.read()
            nl = data.find(b"\n")
            data = data[nl + 1 :] if nl >= 0 else data
            return data.decode("utf-8", "replace"), True
        return fh.read().decode("utf-8", "replace"), False


def _known_secrets(opts: Options, stored: dict[str, object] | None = None) -> list[str]:
    """The password and token of this login, read from the keyring only to blank them out.
    *stored* (if given) gets ``password_stored``/``token_stored``: true/false, or None when
    no keyring or no login could be asked (never the values)."""
    values: list[str] = []
    if stored is not None:
        stored.update(password_stored=None, token_stored=None)
    if opts.password:
        values.append(opts.password)
    try:
        cfg = None
        try:
            cfg = load_config(opts.config)
        except Exception:  # noqa: BLE001, S110 - a broken config: use the command line only
            pass
        server = opts.server or (cfg.server if cfg else None)
        user = opts.user or (cfg.user if cfg else None)
        if server and user:
            password = credentials.get_password(server, user)
            token = credentials.get_token(server, user)
            if stored is not None:
                stored.update(password_stored=bool(password), token_stored=bool(token))
            for value in (password, token):
                if value:
                    values.append(value)
    except Exception as exc:  # noqa: BLE001 - no keyring: the patterns still apply
        if stored is not None:
            stored["keyring"] = f"unavailable: {type(exc).__name__}"
    return values


def _yes_no(value: object) -> str:
    return "unknown (no keyring or no login configured)" if value is None else str(value).lower()


def _safe_name(path: Path, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(path.parts[-3:]).lstrip("_")) or "log"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{n}-{base}"
    used.add(name)
    return name


def write_bundle(path: Path, report: Report, opts: Options, extra_logs: Iterable[str | Path] = ()) -> Path:
    """Write the support bundle zip to ``path`` (created 0600) and return its path."""
    stored: dict[str, object] = {}
    secrets = _known_secrets(opts, stored)
    manifest: list[str] = [
        f"agent-tui support bundle, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        (
            "Secrets were removed from every file (passwords, tokens, auth headers, "
            "SIP digests, SRTP keys, private keys)."
        ),
        "",
    ]
    files: dict[str, str] = {}
    # Whether the keyring holds this login's password: the first question when a desk
    # asks for the password at every start.
    stored_lines = "".join(f"{k}: {_yes_no(v)}\n" for k, v in stored.items() if k.endswith("_stored"))
    # (Added after scrubbing: true/false only, and the scrubber blanks any "password…" key.)
    files["report.txt"] = scrub(format_report(report) + "\n", secrets) + "\n" + stored_lines
    report_json = scrub(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", secrets)
    try:
        report_json = json.dumps({**json.loads(report_json), **stored}, indent=2, ensure_ascii=False) + "\n"
    except ValueError:
        pass  # a scrubbed value broke the JSON: keep it as scrubbed, the text report has the flags
    files["report.json"] = report_json
    files["versions.json"] = json.dumps(versions(report), indent=2) + "\n"

    config_path = Path(opts.config).expanduser() if opts.config else default_config_path()
    cfg = None
    try:
        files["config.yaml"] = redact_config(
            config_path.read_text(encoding="utf-8", errors="replace"), secrets
        )
        manifest.append(f"config.yaml      {config_path} (redacted)")
    except OSError as exc:
        manifest.append(f"config.yaml      not included: {config_path}: {exc.strerror or exc}")
    try:
        cfg = load_config(Path(opts.config) if opts.config else None)
    except Exception:  # noqa: BLE001 - a broken config is in the report; logs from --log still come
        cfg = None

    used: set[str] = set()
    extra = list(extra_logs)
    if opts.sip_log:
        extra.append(opts.sip_log)  # the pjsua log this doctor run just wrote (--sip-log)
    logs = candidate_logs(cfg, extra)
    if not logs:
        manifest.append(
            "logs/            none found (the desk writes no log file; set softphone.log_file "
            "in the config for a SIP log, or pass --log FILE)"
        )
    for log in logs:
        try:
            text, cut = _tail(log)
        except OSError as exc:
            manifest.append(f"logs/            not included: {log}: {exc.strerror or exc}")
            continue
        name = "logs/" + _safe_name(log, used)
        files[name] = scrub(text, secrets)
        manifest.append(
            f"{name:<16} {log}" + (f" (last {LOG_TAIL_BYTES // 1024} KiB)" if cut else "")
        )
    files["MANIFEST.txt"] = "\n".join(manifest) + "\n"

    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    # 0600: even scrubbed, a bundle holds names and addresses of the agent's setup.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(buf.getvalue())
    return path
