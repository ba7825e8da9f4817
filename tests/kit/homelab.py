"""Two homes behind NAT routers on one machine: network namespaces, nftables masquerade, tbf, loss.

    test process (root namespace) = the center        home i (i = 1, 2)
    Kamailio, rtpengine, voice engine, customer        router  atuih-<pid>-<n>-r<i>      agent  ...-a<i>
    public address  10.233.x.1 ──veth── 10.233.x.2 wan [nft masquerade fully-random]  lan 192.168.77.1
                    10.233.x.5 ──veth── 10.233.x.6 wan     stateful forward filter      ──veth── 192.168.77.2
                                                            numgen random loss           phone (pjsua2)
                                                            tbf 64 kbit/s up

Both homes use the *same* private network (192.168.77.0/24), as two real homes often do: an SDP
that carries a private address is useless to the other side, and only a relay on the center's
public address (rtpengine) or the engine can carry their media.

The center stays in the root namespace of the test process: the in-process center and the
session keyring (D-Bus on an abstract socket, which belongs to a network namespace) run there.
Its public address is the root-side end of home 1's WAN link; home 2 reaches it through the
root namespace's routing (Linux accepts packets for any local address on any interface).

Each router: ``ip_forward``, an nftables ``masquerade fully-random`` on its WAN side (random source
ports: what carrier-grade and many home NATs do), a stateful forward filter (only replies to what
the home sent may come in), short conntrack timeouts (``compress`` them to test idle periods), a
``numgen random mod 100 < N drop`` rule for UDP in both directions, and tbf on the WAN egress.

Everything carries the prefix ``atuih-<pid>`` / ``ah<pid>`` and is removed by :meth:`HomeLab.close`.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.kit.netlab import NetLabUnavailable

LAN_ROUTER, LAN_AGENT = "192.168.77.1", "192.168.77.2"
_counter = itertools.count(1)


def _run(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=20, input=stdin)


def unavailable_reason() -> str | None:
    """Why a HomeLab cannot be built here, or None (root, iproute2 and nftables present)."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the tests as root)"
    for tool, pkg in (("ip", "iproute2"), ("tc", "iproute2"), ("nft", "nftables")):
        if shutil.which(tool) is None:
            return f"`{tool}` is missing (Debian package {pkg}; ./dev installs it)"
    return None


def _free_block(seed: int) -> int:
    """An index k such that 10.233.(k//32).(k%32*8)/29 is not used by any interface here."""
    used = _run("ip", "-o", "-4", "addr", "show", check=False).stdout
    for j in range(8192):
        k = (seed + j) % 8192
        if f" 10.233.{k // 32}.{(k % 32) * 8 + 1}/" not in used:
            return k
    raise NetLabUnavailable("no free /29 left in 10.233.0.0/16")


def _remove_stale() -> None:
    for line in _run("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        parts = name.split("-")
        if len(parts) == 4 and parts[0] == "atuih" and parts[1].isdigit() and not Path(f"/proc/{parts[1]}").exists():
            _run("ip", "netns", "del", name, check=False)


_NFT = """\
flush ruleset
table ip home {{
    chain loss {{
        type filter hook forward priority -10; policy accept;
        meta l4proto udp numgen random mod 100 < {loss} counter drop
    }}
    chain forward {{
        type filter hook forward priority 0; policy drop;
        ct state established,related accept
        iifname "lan" oifname "wan" accept
        counter drop
    }}
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan" masquerade fully-random
    }}
}}
"""


@dataclass
class Home:
    """One home: a router namespace (NAT) and an agent namespace behind it."""

    name: str  # "home1"
    router: str  # router namespace
    agent: str  # agent namespace
    host_if: str  # root-side end of the WAN link
    host_ip: str  # root-side WAN address (the center's address for home 1)
    wan_ip: str  # the router's public address: what the center sees as the agent's source
    loss_pct: int = 0

    def exec(self, ns: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return _run("ip", "netns", "exec", ns, *args, check=check)

    def set_loss(self, pct: int) -> None:
        """Random loss of UDP (RTP) through the router, both directions."""
        self.loss_pct = pct
        _run("ip", "netns", "exec", self.router, "nft", "-f", "-", stdin=_NFT.format(loss=pct))

    def shape(self, up_kbit: float, down_kbit: float, queue_ms: int = 300) -> None:
        """tbf on the router's WAN egress (the home's uplink) and LAN egress (its downlink)."""
        for iface, kbit in (("wan", up_kbit), ("lan", down_kbit)):
            self.exec(self.router, "tc", "qdisc", "replace", "dev", iface, "root", "tbf", "rate", f"{kbit:g}kbit",
                      "burst", "1600", "latency", f"{queue_ms}ms")

    def conntrack_timeouts(self, udp_s: int, udp_stream_s: int, tcp_established_s: int) -> None:
        """The router forgets idle flows after these many seconds (per-namespace sysctls)."""
        for key, value in (("nf_conntrack_udp_timeout", udp_s), ("nf_conntrack_udp_timeout_stream", udp_stream_s),
                           ("nf_conntrack_tcp_timeout_established", tcp_established_s)):
            self.exec(self.router, "sysctl", "-q", "-w", f"net.netfilter.{key}={value}")

    def nat_counters(self) -> str:
        """`nft list ruleset` with its counters (drops by the loss rule and the filter)."""
        return self.exec(self.router, "nft", "list", "ruleset", check=False).stdout

    def wan_bytes(self) -> tuple[int, int]:
        """(uplink, downlink) bytes on the router's WAN interface so far (whole frames)."""
        out = self.exec(self.router, "cat", "/sys/class/net/wan/statistics/tx_bytes",
                        "/sys/class/net/wan/statistics/rx_bytes").stdout.split()
        return int(out[0]), int(out[1])

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen:
        """Start *args* in the agent namespace (no D-Bus session: see netlab.NetLab.popen)."""
        env = dict(kwargs.pop("env", None) or os.environ)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return subprocess.Popen(["ip", "netns", "exec", self.agent, *args], env=env, **kwargs)

    def argv(self, args: list[str]) -> list[str]:
        """*args* prefixed to run in the agent namespace."""
        return ["ip", "netns", "exec", self.agent, *args]


class HomeLab:
    """The center (this namespace) and two homes behind NAT (see the module docstring)."""

    def __init__(self, *, up_kbit: float = 64, down_kbit: float = 256, loss_pct: int = 0):
        self.n = next(_counter)
        self.pid = os.getpid()
        self.up_kbit, self.down_kbit, self.loss_pct = up_kbit, down_kbit, loss_pct
        self.homes: list[Home] = []
        self.center_ip = ""

    def start(self) -> HomeLab:
        why = unavailable_reason()
        if why:
            raise NetLabUnavailable(why)
        _remove_stale()
        k = _free_block(self.pid * 4 + self.n)
        base = f"10.233.{k // 32}."
        first = (k % 32) * 8
        try:
            for i in (1, 2):
                pre = f"atuih-{self.pid}-{self.n}"
                short = f"ah{self.pid % 100000}{self.n}{i}"
                home = Home(f"home{i}", f"{pre}-r{i}", f"{pre}-a{i}", f"{short}w",
                            base + str(first + 4 * (i - 1) + 1), base + str(first + 4 * (i - 1) + 2))
                self.homes.append(home)
                self._build(home, short)
        except subprocess.CalledProcessError as exc:
            self.close()
            raise NetLabUnavailable(f"{' '.join(exc.cmd)}: {exc.stderr.strip()}") from None
        self.center_ip = self.homes[0].host_ip
        return self

    def _build(self, h: Home, short: str) -> None:
        _run("ip", "netns", "add", h.router)
        _run("ip", "netns", "add", h.agent)
        _run("ip", "link", "add", h.host_if, "type", "veth", "peer", "name", "wan", "netns", h.router)
        _run("ip", "link", "add", f"{short}l", "netns", h.router, "type", "veth", "peer", "name", "eth0",
             "netns", h.agent)
        h.exec(h.router, "ip", "link", "set", f"{short}l", "name", "lan")
        for ns in (h.router, h.agent):
            h.exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", check=False)
            h.exec(ns, "ip", "link", "set", "lo", "up")
        _run("sysctl", "-q", "-w", f"net.ipv6.conf.{h.host_if}.disable_ipv6=1", check=False)
        _run("ip", "addr", "add", f"{h.host_ip}/30", "dev", h.host_if)
        _run("ip", "link", "set", h.host_if, "up")
        h.exec(h.router, "ip", "addr", "add", f"{h.wan_ip}/30", "dev", "wan")
        h.exec(h.router, "ip", "addr", "add", f"{LAN_ROUTER}/24", "dev", "lan")
        h.exec(h.router, "ip", "link", "set", "wan", "up")
        h.exec(h.router, "ip", "link", "set", "lan", "up")
        h.exec(h.router, "ip", "route", "add", "default", "via", h.host_ip)
        h.exec(h.router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        h.exec(h.agent, "ip", "addr", "add", f"{LAN_AGENT}/24", "dev", "eth0")
        h.exec(h.agent, "ip", "link", "set", "eth0", "up")
        h.exec(h.agent, "ip", "route", "add", "default", "via", LAN_ROUTER)
        h.set_loss(self.loss_pct)  # loads nf_conntrack in the router: its sysctls exist from here
        h.conntrack_timeouts(30, 60, 300)
        h.shape(self.up_kbit, self.down_kbit)

    def close(self) -> None:
        """Remove every namespace and link this lab made (idempotent)."""
        for h in self.homes:
            _run("ip", "netns", "del", h.router, check=False)
            _run("ip", "netns", "del", h.agent, check=False)
            if Path(f"/sys/class/net/{h.host_if}").exists():
                _run("ip", "link", "del", h.host_if, check=False)
        self.homes = []

    def __enter__(self) -> HomeLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
