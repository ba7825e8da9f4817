"""Kamailio as the center's SIP registrar and proxy (the full setup).

``write_kamailio_config(center_dir, cfg)`` writes ``DIR/kamailio/``:

* ``kamailio.cfg`` — one TLS listener (no UDP/TCP), registrar + usrloc (memory),
  digest auth against HA1 hashes, NAT/keepalive friendly for agents at home
  (the agent's own TLS connection is reused for calls to it), routing: calls to
  an agent need an authenticated caller; every other number goes to the voice
  engine (user ``voice``), which is how customers reach the queue;
* ``tls.cfg`` — the center's server certificate; as a client Kamailio verifies peers
  against the center CA;
* ``db/`` — a db_text database with ``subscriber`` (HA1 only, never a password;
  0600, in a 0700 directory) and ``version``;
* ``address.json`` — host/port/domain actually used (port 0 = a free port picked here).

``start_kamailio(center_dir)`` runs Kamailio as a non-daemon child (``-DD -E``) with
its runtime dir under DIR and returns a handle with ``.stop()``.

HA1 = md5(user:domain:password). The center only sees a plaintext password at a
password login; :func:`set_sip_password` is called then (and for the demo users at
start-up) and rewrites the subscriber file, which db_text re-reads when it changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_tui.center import auth
from agent_tui.center.children import stop_child
from agent_tui.center.voice import rtpengine
from agent_tui.center.voice import settings as vs

ENGINE_USER = "voice"
_SUB_HEADER = "id(int,auto) username(string) domain(string) password(string,null) ha1(string) ha1b(string,null) \n"
_VERSION = ("id(int,auto) table_name(string) table_version(int) \n"
            "0:version:1\n0:subscriber:7\n0:location:9\n0:location_attrs:1\n")


# pjsip in the pjsua2 wheel drops any message over PJSIP_MAX_PKT_LEN (4,000 bytes). Kamailio
# answers 513 to a request bigger than MAX_SIP_IN: the margin is what it adds on the way (Via with
# branch/received/rport, Record-Route, the contact alias, the X-Agent-Tui headers).
PJSIP_MAX_PKT_LEN = 4000
MAX_SIP_IN = PJSIP_MAX_PKT_LEN - 600


class KamailioError(Exception):
    """Kamailio is missing, its config is bad, or it did not start; the message says which."""


def kam_dir(center_dir: Path) -> Path:
    return Path(center_dir) / "kamailio"


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _modules_dir() -> str:
    for cand in ("/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/aarch64-linux-gnu/kamailio/modules",
                 "/usr/lib64/kamailio/modules", "/usr/lib/kamailio/modules", "/usr/local/lib64/kamailio/modules",
                 "/usr/local/lib/kamailio/modules"):
        if Path(cand, "tls.so").exists():
            return cand
    found = list(Path("/usr").glob("lib*/**/kamailio/modules/tls.so"))
    if found:
        return str(found[0].parent)
    # Not installed (yet): write the Debian path; start_kamailio explains what to install.
    return "/usr/lib/x86_64-linux-gnu/kamailio/modules"


def _settings(cfg: Any) -> vs.VoiceSettings:
    if isinstance(cfg, vs.VoiceSettings):
        return cfg
    return vs.parse_voice_settings(getattr(cfg, "voice", None) or {})


def _write_private(path: Path, text: str) -> None:
    """Atomically replace *path* with *text*, mode 0600 (never readable by others)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with_suppress_unlink(tmp)
        raise


def with_suppress_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def address(center_dir: Path) -> dict[str, Any]:
    """``{host, port, domain}`` of the configured Kamailio (written by write_kamailio_config)."""
    path = kam_dir(center_dir) / "address.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KamailioError(f"{path}: missing — run `agent-tui center init` or enable kamailio "
                            "in center.yaml and start `center serve`") from None


def write_kamailio_config(center_dir: Path, cfg: Any) -> Path:
    """Write DIR/kamailio/{kamailio.cfg,tls.cfg,db/,address.json}; return the kamailio.cfg path.

    *cfg* is the CenterConfig (its ``voice:`` section is read) or VoiceSettings.
    Existing subscriber rows (HA1 hashes) are kept.
    """
    cdir = Path(center_dir).resolve()
    s = _settings(cfg).kamailio
    kdir = kam_dir(cdir)
    kdir.mkdir(parents=True, exist_ok=True)
    os.chmod(kdir, 0o700)
    port = s.port or _free_port(s.host)
    addr: dict[str, Any] = {"host": s.host, "port": port, "domain": s.domain}
    # Media anchor for calls between agents behind NAT (see rtpengine.py): its control port.
    if s.media_relay == "rtpengine":
        addr["rtpengine_ng"] = rtpengine.free_udp_port()
    (kdir / "address.json").write_text(json.dumps(addr), encoding="utf-8")
    tls_dir = cdir / "tls"
    (kdir / "tls.cfg").write_text(_TLS_CFG.format(tls=tls_dir), encoding="utf-8")
    db = kdir / "db"
    db.mkdir(exist_ok=True)
    os.chmod(db, 0o700)
    (db / "version").write_text(_VERSION, encoding="utf-8")
    if not (db / "subscriber").exists():
        _write_private(db / "subscriber", _SUB_HEADER)
    (kdir / "run").mkdir(exist_ok=True)
    text = _KAMAILIO_CFG.format(
        host=s.host, port=port, domain=s.domain, mpath=_modules_dir(), tls_cfg=kdir / "tls.cfg",
        db=db, run=kdir / "run", engine=ENGINE_USER, **_media_parts(addr.get("rtpengine_ng")),
        max_in=MAX_SIP_IN, max_out=PJSIP_MAX_PKT_LEN,
        per_user=s.calls_per_user_s, per_target=s.calls_per_agent_s, per_source=s.calls_per_source_s,
        global_calls=s.customer_calls_s, retry_after=s.retry_after_s, proxy_token=proxy_token(cdir),
    )
    path = kdir / "kamailio.cfg"
    _write_private(path, text)  # it holds the proxy token the engine checks
    engine_credentials(cdir, s.domain)  # the engine's own account exists from the start
    return path


def _media_parts(ng_port: int | None) -> dict[str, str]:
    """The kamailio.cfg pieces that hand every SDP (and BYE/CANCEL) to rtpengine; empty without it."""
    if not ng_port:
        return {"media_modules": "", "media_request": "", "media_reply": ""}
    flags = rtpengine.MANAGE_FLAGS
    return {
        "media_modules": f'loadmodule "rtpengine.so"\nmodparam("rtpengine", "rtpengine_sock", '
                         f'"udp:127.0.0.1:{ng_port}")\n',
        "media_request": f'    if (has_body("application/sdp") || is_method("BYE|CANCEL")) {{\n'
                         f'        rtpengine_manage("{flags}");\n    }}\n',
        "media_reply": f'    if (has_body("application/sdp")) {{\n        rtpengine_manage("{flags}");\n    }}\n',
    }


def ha1(user: str, domain: str, password: str) -> str:
    """The digest HA1 Kamailio checks: md5(user:realm:password), realm = the SIP domain."""
    return hashlib.md5(f"{user}:{domain}:{password}".encode()).hexdigest()


def _read_subscribers(center_dir: Path) -> dict[str, tuple[str, str]]:
    path = kam_dir(center_dir) / "db" / "subscriber"
    rows: dict[str, tuple[str, str]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
    except FileNotFoundError:
        return rows
    for line in lines:
        parts = line.split(":")
        if len(parts) >= 5:
            rows[parts[1]] = (parts[2], parts[4])
    return rows


def set_sip_password(center_dir: Path, user: str, password: str, domain: str | None = None) -> bool:
    """Store the HA1 for *user* (never the password). Returns True when the file changed."""
    if not user or any(ch in user for ch in ":\n\\"):
        raise ValueError(f"user name {user!r} cannot be a SIP user")
    dom = domain or address(center_dir)["domain"]
    return _set_ha1(center_dir, user, dom, ha1(user, dom, password))


def _set_ha1(center_dir: Path, user: str, domain: str, digest: str) -> bool:
    rows = _read_subscribers(center_dir)
    if rows.get(user) == (domain, digest):
        return False
    rows[user] = (domain, digest)
    body = "".join(f"{i}:{u}:{d}::{h}:\n" for i, (u, (d, h)) in enumerate(sorted(rows.items()), start=1))
    path = kam_dir(center_dir) / "db" / "subscriber"
    try:
        before = os.stat(path).st_mtime
    except FileNotFoundError:
        before = 0.0
    _write_private(path, _SUB_HEADER + body)
    # db_text reloads a table when its mtime changes, at one-second resolution: make sure it does.
    stamp = max(time.time(), float(int(before)) + 1.0)
    os.utime(path, (stamp, stamp))
    return True


def proxy_token(center_dir: Path) -> str:
    """The secret Kamailio adds to every request it sends the engine (``X-Agent-Tui-Proxy``).

    Made once and kept in DIR/secrets (0600). The engine in the full setup refuses requests
    without it, so a caller that bypasses Kamailio cannot pose as an agent.
    """
    path = Path(center_dir) / "secrets" / "voice-proxy.token"
    try:
        token = path.read_text(encoding="utf-8").strip()
        if len(token) >= 24:
            return token
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(24)
    _write_private(path, token)
    os.chmod(path.parent, 0o700)
    return token


def engine_credentials(center_dir: Path, domain: str) -> tuple[str, str]:
    """(user, HA1) of the voice engine's account; made once, kept in DIR/secrets (0600)."""
    path = Path(center_dir) / "secrets" / "voice-sip.ha1"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("domain") == domain:
            _set_ha1(center_dir, ENGINE_USER, domain, stored["ha1"])
            return ENGINE_USER, stored["ha1"]
    except (FileNotFoundError, ValueError, KeyError):
        pass
    digest = ha1(ENGINE_USER, domain, secrets.token_urlsafe(24))
    _write_private(path, json.dumps({"user": ENGINE_USER, "domain": domain, "ha1": digest}))
    _set_ha1(center_dir, ENGINE_USER, domain, digest)
    return ENGINE_USER, digest


def sync_users(center_dir: Path, hub: Any, settings: vs.VoiceSettings) -> None:
    """Before Kamailio starts: config present, engine account present, demo users' HA1 known,
    and future password logins update HA1 (when the hub offers ``password_listeners``)."""
    cdir = Path(center_dir)
    # Regenerated at every start from center.yaml (subscriber rows are kept): the file follows
    # the settings, and `port: 0` gets a free port now.
    write_kamailio_config(cdir, settings)
    domain = address(cdir)["domain"]
    engine_credentials(cdir, domain)
    cfg = getattr(hub, "cfg", None)
    if getattr(cfg, "demo", False):
        # Demo agents all use the published demo password; learn their HA1 without a login.
        for user in list(getattr(hub, "agents", {})):
            stored = hub.check_password_row(user)
            if stored and auth.verify_password("demo", stored):
                set_sip_password(cdir, user, "demo", domain)
    listeners = getattr(hub, "password_listeners", None)
    if isinstance(listeners, list):
        listeners.append(lambda user, password: set_sip_password(cdir, user, password, domain))


@dataclass
class KamailioHandle:
    """A running Kamailio child; ``stop()`` ends it (SIGTERM, then SIGKILL)."""

    proc: subprocess.Popen
    host: str
    port: int
    log: Path
    relay: rtpengine.RtpengineHandle | None = None  # the media anchor started with it, if configured

    def stop(self, timeout: float = 5.0) -> None:
        """End Kamailio and every child it forked (its own process group, made at start)."""
        pgid = self.proc.pid  # start_new_session=True: the group is ours alone
        if self.relay is not None:
            self.relay.stop(timeout)
        stop_child(self.proc, timeout)
        # Children forked while the main process was still starting can outlive a SIGTERM.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)  # polling for the group to be gone (no event to wait on)

    def running(self) -> bool:
        return self.proc.poll() is None


def start_kamailio(center_dir: Path, timeout: float = 15.0) -> KamailioHandle:
    """Start Kamailio for DIR (config written beforehand); return once its TLS port accepts.

    Raises KamailioError with the tail of its log when it exits or does not listen in time.
    """
    cdir = Path(center_dir).resolve()
    exe = shutil.which("kamailio") or ("/usr/sbin/kamailio" if Path("/usr/sbin/kamailio").exists() else None)
    if exe is None:
        raise KamailioError("kamailio not found — install the Debian packages `kamailio kamailio-tls-modules`")
    kdir = kam_dir(cdir)
    cfg = kdir / "kamailio.cfg"
    if not cfg.exists():
        raise KamailioError(f"{cfg}: missing — enable kamailio in center.yaml and run `center init` again")
    addr = address(cdir)
    mpath = next((ln.split('"')[1] for ln in cfg.read_text().splitlines() if ln.startswith("mpath=")), "")
    if mpath and not Path(mpath, "tls.so").exists():
        raise KamailioError(f"Kamailio's TLS module is missing in {mpath} — install the Debian packages "
                            "`kamailio kamailio-tls-modules` (./dev does)")
    relay = None
    if addr.get("rtpengine_ng"):
        # The control port was picked when the config was written (maybe days ago): pick a free one
        # now and point Kamailio at it.
        old, new = int(addr["rtpengine_ng"]), rtpengine.free_udp_port()
        cfg.write_text(cfg.read_text().replace(f"udp:127.0.0.1:{old}", f"udp:127.0.0.1:{new}"), encoding="utf-8")
        addr["rtpengine_ng"] = new
        (kdir / "address.json").write_text(json.dumps(addr), encoding="utf-8")
        try:
            relay = rtpengine.start_rtpengine(kdir / "run" / "rtpengine", addr["host"], new)
        except rtpengine.RtpengineError as exc:
            raise KamailioError(str(exc)) from None
    log_path = kdir / "kamailio.log"
    log = open(log_path, "ab")  # noqa: SIM115 — handed to the child, closed right after
    try:
        proc = subprocess.Popen(
            [exe, "-f", str(cfg), "-DD", "-E", "-Y", str(kdir / "run"), "-P", str(kdir / "run" / "kamailio.pid"),
             "-m", "64", "-M", "8"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    finally:
        log.close()
    handle = KamailioHandle(proc, addr["host"], int(addr["port"]), log_path, relay)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise KamailioError(f"kamailio exited with code {proc.returncode}: {_tail(log_path)}")
        try:
            with socket.create_connection((addr["host"], int(addr["port"])), timeout=0.5):
                return handle
        except OSError:
            pass
        if time.monotonic() > deadline:
            handle.stop()
            raise KamailioError(f"kamailio did not listen on {addr['host']}:{addr['port']} in {timeout:.0f}s: "
                                f"{_tail(log_path)}")
        time.sleep(0.1)  # polling a port with a deadline (no event to wait on)


def _tail(path: Path, n: int = 1500) -> str:
    try:
        return path.read_text(errors="replace")[-n:].strip()
    except OSError:
        return "(no log)"


_TLS_CFG = """\
# Written by agent-tui (center voice). Kamailio TLS profiles.
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = {tls}/server.pem
private_key = {tls}/server.key
ca_list = {tls}/ca.pem

[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
ca_list = {tls}/ca.pem
"""

_KAMAILIO_CFG = """\
#!KAMAILIO
# Written by `agent-tui center init` (agent_tui/center/voice/kamailio.py). Regenerated by it; edit there.
# Registrar + proxy for agent-tui: TLS only, digest auth with HA1 hashes (db_text, no passwords).

####### Global parameters #########
debug=2
log_stderror=yes
log_facility=LOG_LOCAL0
log_prefix="{{$mt $hdr(CSeq) $ci}} "
memdbg=5
memlog=5
children=2
tcp_children=2
auto_aliases=no
# Aliases carry the port: on one host every party shares the IP, and a port-less alias would
# make Kamailio take the phones' own contacts for itself (and mis-route in-dialog requests).
alias="{domain}:{port}"
alias="{host}:{port}"
# TLS only: no UDP or plain TCP listener is opened.
listen=tls:{host}:{port}
enable_tls=yes
disable_tcp=no
tcp_accept_no_cl=yes
# Agents at home keep one TLS connection open for hours (keepalives from the phone every 15-90 s).
tcp_connection_lifetime=3605
tcp_keepalive=yes
tcp_keepidle=30
tcp_keepintvl=10
tcp_keepcnt=3
tcp_rd_buf_size=16384
dns=no
rev_dns=no
use_dns_cache=no
server_header="Server: agent-tui center"
user_agent_header="User-Agent: agent-tui center"

####### Modules ########
mpath="{mpath}"
loadmodule "tls.so"
loadmodule "db_text.so"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "nathelper.so"
loadmodule "sdpops.so"
loadmodule "pipelimit.so"

{media_modules}
modparam("tls", "config", "{tls_cfg}")
# Non-caching: db_text re-reads a table file when it changed (new HA1 after a password login).
modparam("db_text", "db_mode", 1)
modparam("tm", "fr_timer", 8000)
modparam("tm", "fr_inv_timer", 40000)
modparam("tm", "contacts_avp", "tm_contacts")
modparam("tm", "contact_flows_avp", "tm_contact_flows")
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 1)
modparam("registrar", "method_filtering", 1)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 30)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("usrloc", "db_mode", 0)
modparam("auth_db", "db_url", "text://{db}")
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "password_column", "ha1")
modparam("auth_db", "load_credentials", "$avp(sub_user)=username")
modparam("auth_db", "use_domain", 0)
modparam("auth", "nonce_expire", 300)
# Flood limits: one-second tail-drop counters, created per key on first use, dropped when idle.
modparam("pipelimit", "timer_interval", 1)
modparam("pipelimit", "clean_unused", 30)
modparam("pipelimit", "hash_size", 8)

####### Routing logic ########
request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (!sanity_check("17895", "7")) {{
        exit;
    }}
    # pjsip (the phones, the engine) drops any message over 4,000 bytes and the rest of it stays
    # on the shared TLS connection, poisoning the next message. Nothing that big goes on: the
    # margin leaves room for what this proxy adds (Via, Record-Route, alias, X- headers).
    if ($ml > {max_in}) {{
        sl_send_reply("513", "Message Too Large");
        exit;
    }}
    force_rport();
    # Keepalive OPTIONS to the proxy itself.
    if (is_method("OPTIONS") && uri == myself && $rU == $null) {{
        sl_send_reply("200", "Keepalive");
        exit;
    }}
    if (has_totag()) {{
        route(WITHINDLG);
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            route(RELAY);
        }}
        exit;
    }}
    if (!is_method("ACK")) {{
        t_check_trans();
    }}
    remove_hf("Route");
    if (is_method("INVITE|SUBSCRIBE|REFER")) {{
        record_route();
    }}
    if (is_method("REGISTER")) {{
        route(REGISTRAR);
        exit;
    }}
    if ($rU == $null) {{
        sl_send_reply("484", "Address Incomplete");
        exit;
    }}
    if (is_method("INVITE")) {{
        route(SRTP_ONLY);
    }}
    if (is_first_hop() && !is_method("REGISTER")) {{
        # Replies and later requests reach this caller over its own TLS connection.
        set_contact_alias();
    }}
    if (is_subscriber("$ru", "subscriber", "0")) {{
        # An agent (or the engine): only authenticated users may ring them directly.
        if (!auth_check("$fd", "subscriber", "1")) {{
            auth_challenge("$fd", "0");
            exit;
        }}
        consume_credentials();
        if ($au != "{engine}") {{
            # A colleague's calls: bounded per caller and per agent rung (the engine is exempt:
            # it rings agents once per offer, and the center already bounds that).
            if (!pl_check("user:$au", "TAILDROP", {per_user})) {{ route(TOO_MANY); }}
            if (!pl_check("to:$rU", "TAILDROP", {per_target})) {{ route(TOO_MANY); }}
            # Only the engine may ask a phone to answer by itself (a lead's monitoring leg,
            # docs/voice.md): a colleague's Call-Info answer-after would open a third-party
            # phone's microphone. Our own phones also demand the one-time token (sip/autoanswer.py).
            if (is_present_hf("Call-Info")) {{
                xlog("L_WARN", "removed Call-Info from $au's $rm to $rU\n");
                remove_hf("Call-Info");
            }}
        }}
        if (!lookup("location")) {{
            t_newtran();
            t_reply("480", "Temporarily Unavailable");
            exit;
        }}
        route(RELAY);
        exit;
    }}
    # Any other number (a queue number, a queue name): the voice engine answers it.
    # An agent (or the engine) calling out must authenticate; the engine learns who it is.
    remove_hf("X-Agent-Tui-Agent");
    remove_hf("X-Agent-Tui-Proxy");
    if (is_subscriber("$fu", "subscriber", "0")) {{
        if (!auth_check("$fd", "subscriber", "1")) {{
            auth_challenge("$fd", "0");
            exit;
        }}
        consume_credentials();
        if ($au != "{engine}" && !pl_check("user:$au", "TAILDROP", {per_user})) {{ route(TOO_MANY); }}
        append_hf("X-Agent-Tui-Agent: $au\\r\\n");
    }} else if (is_method("INVITE")) {{
        # A customer call: bounded per source address and for all sources together.
        if (!pl_check("src:$si", "TAILDROP", {per_source})) {{ route(TOO_MANY); }}
        if (!pl_check("customers", "TAILDROP", {global_calls})) {{ route(TOO_MANY); }}
    }}
    # The engine believes only requests that carry this proxy's secret (it came through here,
    # so X-Agent-Tui-Agent was set by us, not by the caller).
    append_hf("X-Agent-Tui-Proxy: {proxy_token}\\r\\n");
    $ru = "sip:{engine}@{domain}";
    if (!lookup("location")) {{
        sl_send_reply("503", "Voice engine not registered");
        exit;
    }}
    # Engines in q order, one at a time: a full engine answers 486 and the next one gets the call.
    t_load_contacts();
    t_next_contacts();
    t_on_failure("NEXT_ENGINE");
    route(RELAY);
    exit;
}}

failure_route[NEXT_ENGINE] {{
    if (t_is_canceled()) {{
        exit;
    }}
    if (t_check_status("486|503|408|500") && t_next_contacts()) {{
        t_on_failure("NEXT_ENGINE");
        t_on_reply("MANAGE_REPLY");
        t_relay();
    }}
}}

# SRTP is mandatory (docs/voice.md): an offer our phones cannot take -- plain RTP/AVP (with
# or without a=crypto), no a=crypto, or only suites pjmedia lacks (AEAD GCM, F8) -- gets 488
# with a Warning that says what to offer, the same answer for every kind of wrong offer.
route[SRTP_ONLY] {{
    if (!has_body("application/sdp")) {{
        return;
    }}
    if (sdp_with_transport("RTP/AVP") || !sdp_with_transport("RTP/SAVP")
            || !search_body("a=crypto:[0-9]+ +AES_(CM_128|192_CM|256_CM)_HMAC_SHA1_(80|32) ")) {{
        append_to_reply("Warning: 399 {domain} \\"SRTP is mandatory: RTP/SAVP, a=crypto AES_CM_128_HMAC_SHA1_80\\"\\r\\n");
        sl_send_reply("488", "Not Acceptable Here");
        exit;
    }}
}}

route[TOO_MANY] {{
    xlog("L_WARN", "rate limit: 503 to $rm from $si:$sp ($fU -> $rU)\n");
    append_to_reply("Retry-After: {retry_after}\\r\\n");
    sl_send_reply("503", "Too Many Requests");
    exit;
}}

route[RELAY] {{
    xlog("L_INFO", "relay $rm $ru du=$du from $si:$sp\n");
{media_request}    if (is_method("INVITE|BYE|UPDATE|CANCEL|ACK")) {{
        t_on_reply("MANAGE_REPLY");
    }}
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}

route[WITHINDLG] {{
    if (loose_route()) {{
        handle_ruri_alias();
        route(RELAY);
        exit;
    }}
    if (is_method("ACK")) {{
        if (t_check_trans()) {{
            route(RELAY);
        }}
        exit;
    }}
    sl_send_reply("404", "Not here");
    exit;
}}

route[REGISTRAR] {{
    if (!auth_check("$fd", "subscriber", "1")) {{
        auth_challenge("$fd", "0");
        exit;
    }}
    consume_credentials();
    # Store where the REGISTER really came from: calls go back over that TLS connection.
    fix_nated_register();
    xlog("L_INFO", "register $fu from $si:$sp ct=$ct tls=$tls_version\n");
    if ($fU == "{engine}") {{
        # Several voice engines may register (one contact each, distinct q values).
        if (!save("location")) {{
            sl_reply_error();
        }}
        exit;
    }}
    # One device per agent: the newest registration replaces older contacts (e.g. after a restart).
    if (!save("location", "0x04")) {{
        sl_reply_error();
    }}
    exit;
}}

reply_route {{
    # A reply too big for pjsip is never passed on (it would poison the connection it goes on).
    if ($ml > {max_in}) {{
        xlog("L_WARN", "dropped a $ml-byte reply $rs from $si:$sp\n");
        drop;
    }}
}}

onsend_route {{
    # Last line of defence: whatever this proxy made bigger than pjsip's 4,000 bytes stays here.
    if ($snd(len) > {max_out}) {{
        xlog("L_WARN", "not sending a $snd(len)-byte $rm to $sndto(ip):$sndto(port)\n");
        drop;
    }}
}}

onreply_route[MANAGE_REPLY] {{
    xlog("L_INFO", "reply $rs $rm from $si:$sp ct=$ct\n");
{media_reply}    if (status =~ "[12][0-9][0-9]") {{
        set_contact_alias();
    }}
}}
"""
