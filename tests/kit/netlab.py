"""A shaped home link on one machine: a network namespace for the agent, a veth pair to the center.

    host (root namespace)                      agent namespace  atui-<pid>-<n>
    center, voice engine, customer  10.231.x.1 ──veth── 10.231.x.2  desk client, headless phone
                                   egress: tbf DOWN           egress: tbf UP (e.g. 64 kbit/s)

Used by tests/net (functional) and bench/low_bandwidth.py (figures). Everything it creates carries the
prefix ``atui-<pid>`` / ``atui<pid>`` and is removed by :meth:`NetLab.close` (a namespace deletion also
removes its veth end, which takes the peer with it). It only ever routes between addresses it made.

Byte counts come from the host-side veth's kernel counters: its ``rx`` is what the agent sent (uplink),
its ``tx`` what the agent received (downlink). A veth counts whole Ethernet frames, so the IP-layer
figure is ``bytes - 14 * packets``.

Why not netem: this kernel has no sch_netem; ``tbf`` (rate + queue) is the only shaping used, and
"the link drops" is done for real by taking the veth down (:meth:`NetLab.link`).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ETH_HEADER = 14  # veth counters include the Ethernet header; IP-layer bytes do not
_counter = itertools.count(1)


class NetLabUnavailable(Exception):
    """No root, no `ip`, or the kernel refused a namespace/veth/tbf: the reason in words."""


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=20)


def unavailable_reason() -> str | None:
    """Why a NetLab cannot be built here, or None when it can (root and iproute2 present)."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the tests as root)"
    if shutil.which("ip") is None or shutil.which("tc") is None:
        return "iproute2 (`ip`, `tc`) is not installed"
    return None


def _free_subnet(seed: int) -> tuple[str, str]:
    """(host, agent) addresses of a /30 in 10.231.0.0/16 that no interface here uses yet."""
    used = _run("ip", "-o", "-4", "addr", "show", check=False).stdout
    for k in range(16384):
        idx = (seed + k) % 16384  # spread by pid so parallel test workers start far apart
        base = f"10.231.{idx // 64}."
        host, agent = base + str((idx % 64) * 4 + 1), base + str((idx % 64) * 4 + 2)
        if f" {host}/" not in used:
            return host, agent
    raise NetLabUnavailable("no free /30 left in 10.231.0.0/16")


def _remove_stale() -> None:
    """Delete lab namespaces left behind by a test process that died (its pid is gone)."""
    for line in _run("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "atui" and parts[1].isdigit() and not Path(f"/proc/{parts[1]}").exists():
            _run("ip", "netns", "del", name, check=False)


@dataclass
class LinkCounters:
    """Kernel counters of the link at one moment (whole frames)."""

    up_bytes: int
    up_packets: int
    down_bytes: int
    down_packets: int

    def __sub__(self, other: LinkCounters) -> LinkCounters:
        return LinkCounters(self.up_bytes - other.up_bytes, self.up_packets - other.up_packets,
                            self.down_bytes - other.down_bytes, self.down_packets - other.down_packets)

    @property
    def up_ip_bytes(self) -> int:
        return self.up_bytes - ETH_HEADER * self.up_packets

    @property
    def down_ip_bytes(self) -> int:
        return self.down_bytes - ETH_HEADER * self.down_packets


class NetLab:
    """One agent namespace behind a shaped veth link (see the module docstring)."""

    def __init__(self, up_kbit: float = 64, down_kbit: float = 256, *, queue_ms: int = 300):
        n = next(_counter)
        pid = os.getpid()
        self.ns = f"atui-{pid}-{n}"
        short = f"atui{pid % 100000}{n}"
        self.host_if, self.ns_if = f"{short}h", f"{short}a"
        self.host_ip, self.ns_ip = _free_subnet(pid * 8 + n)
        self.up_kbit, self.down_kbit, self.queue_ms = up_kbit, down_kbit, queue_ms
        self._made = False

    # ---- life cycle

    def start(self) -> NetLab:
        why = unavailable_reason()
        if why:
            raise NetLabUnavailable(why)
        _remove_stale()
        try:
            _run("ip", "netns", "add", self.ns)
            self._made = True
            _run("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if,
                 "netns", self.ns)
            # No IPv6 on the lab link: router solicitations would only add noise to the byte counts.
            for iface, pre in ((self.host_if, ()), (self.ns_if, ("ip", "netns", "exec", self.ns))):
                _run(*pre, "sysctl", "-q", "-w", f"net.ipv6.conf.{iface}.disable_ipv6=1", check=False)
            _run("ip", "addr", "add", f"{self.host_ip}/30", "dev", self.host_if)
            _run("ip", "link", "set", self.host_if, "up")
            self.ns_exec_check("ip", "addr", "add", f"{self.ns_ip}/30", "dev", self.ns_if)
            self.ns_exec_check("ip", "link", "set", self.ns_if, "up")
            self.ns_exec_check("ip", "link", "set", "lo", "up")
            self.shape(self.up_kbit, self.down_kbit)
        except subprocess.CalledProcessError as exc:
            self.close()
            raise NetLabUnavailable(f"{' '.join(exc.cmd)}: {exc.stderr.strip()}") from None
        return self

    def close(self) -> None:
        """Remove the namespace and the veth pair (idempotent)."""
        if not self._made:
            return
        _run("ip", "netns", "del", self.ns, check=False)
        # Deleting the namespace destroys its veth end and with it the host end; make sure anyway.
        if Path(f"/sys/class/net/{self.host_if}").exists():
            _run("ip", "link", "del", self.host_if, check=False)
        self._made = False

    def __enter__(self) -> NetLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- shaping and cutting

    def _tbf(self, pre: tuple[str, ...], iface: str, kbit: float) -> None:
        # burst ≥ one full frame (tbf drops bigger packets); the queue holds queue_ms of traffic,
        # like the buffer of a home modem.
        _run(*pre, "tc", "qdisc", "replace", "dev", iface, "root", "tbf", "rate", f"{kbit:g}kbit",
             "burst", "1600", "latency", f"{self.queue_ms}ms")

    def shape(self, up_kbit: float, down_kbit: float) -> None:
        """(Re)shape the link: agent uplink and downlink rates in kbit/s."""
        self._tbf(("ip", "netns", "exec", self.ns), self.ns_if, up_kbit)
        self._tbf((), self.host_if, down_kbit)
        self.up_kbit, self.down_kbit = up_kbit, down_kbit

    def link(self, up: bool) -> None:
        """Take the link down (both ends lose carrier: packets go nowhere) or bring it back."""
        _run("ip", "link", "set", self.host_if, "up" if up else "down")

    def qdisc_stats(self) -> str:
        """`tc -s qdisc` of both ends (drops/overlimits), for reports."""
        host = _run("tc", "-s", "qdisc", "show", "dev", self.host_if, check=False).stdout
        agent = self.ns_exec("tc", "-s", "qdisc", "show", "dev", self.ns_if).stdout
        return f"downlink ({self.host_if}):\n{host}uplink ({self.ns_if}):\n{agent}"

    def counters(self) -> LinkCounters:
        stats = Path(f"/sys/class/net/{self.host_if}/statistics")

        def read(name: str) -> int:
            return int((stats / name).read_text())

        return LinkCounters(read("rx_bytes"), read("rx_packets"), read("tx_bytes"), read("tx_packets"))

    # ---- running things inside the agent namespace

    def ns_exec(self, *args: str) -> subprocess.CompletedProcess:
        return _run("ip", "netns", "exec", self.ns, *args, check=False)

    def ns_exec_check(self, *args: str) -> subprocess.CompletedProcess:
        return _run("ip", "netns", "exec", self.ns, *args)

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen:
        """Start *args* inside the agent namespace.

        The D-Bus session bus is left out of its environment: its abstract socket belongs to the
        host's network namespace, and the processes here get their password on stdin anyway.
        """
        env = dict(kwargs.pop("env", None) or os.environ)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return subprocess.Popen(["ip", "netns", "exec", self.ns, *args], env=env, **kwargs)
