"""Storage faults keep memory and database in agreement (issue 9 §5), on a real full disk.

The center's directory is on a small tmpfs (8 MiB, mounted for the test as root). The test fills
the disk with a file, keeps posting customer e-mails until the ingress refuses one, then checks
that the center is in read-only mode (ingress 507 with a JSON body, sessions kept and told, reads
work, changes refused with ``storage_full``), that memory agrees with the database, and that after
the space returns nothing acknowledged is lost and routing goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from agent_tui.center.store import conversations as conv_store
from tests.kit.center import CenterHandle
from tests.kit.waiting import until
from tests.kit.wsclient import CmdError, WsClient


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def disk_center(small_disk: Path, center_template: Path) -> Iterator[CenterHandle]:
    d = small_disk / "center"
    shutil.copytree(center_template, d)
    cfg_path = d / "center.yaml"
    cfg = yaml.safe_load(cfg_path.read_text()) or {}
    cfg.update({"demo": False, "port": 0, "ingress_port": 0, "voice": {"enabled": False}})
    cfg_path.write_text(yaml.safe_dump(cfg))
    h = CenterHandle(d)
    h.start()
    try:
        yield h
    finally:
        h.stop()


def fill(path: Path) -> None:
    """Write *path* until the disk is full."""
    chunk = b"x" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                if f.write(chunk) == 0:
                    return
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    # the last partial block too, byte by byte in small steps
    with open(path, "ab", buffering=0) as f, contextlib.suppress(OSError):
        while f.write(b"x" * 512):
            pass


def memory_matches_database(hub) -> tuple[set[str], set[str]]:
    """(waiting in memory, waiting in the database): must be equal."""
    db = {r["id"] for r in conv_store.not_closed(hub.db) if r["status"] in ("queued", "offered")}
    mem = set(hub.routing.queued) | set(hub.routing.offered)
    return mem, db


async def test_full_disk_read_only_mode_then_recovery_loses_nothing(disk_center: CenterHandle):
    center = disk_center
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    await asyncio.to_thread(center.inject, "chat", "web-1", "hallo")
    offer = await a1.wait_event("offer.new")
    conv = (await a1.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    await a1.cmd("conv.send", conversation=conv, text="reply before the disk filled")
    reserve = center.dir / "center.db-reserve"
    await until(lambda: reserve.exists() and reserve.stat().st_size >= 1 << 20, 10, "the reserve file")
    assert reserve.stat().st_mode & 0o077 == 0

    acked: list[str] = []
    for i in range(3):  # stored (201) before the disk fills: these must survive
        await asyncio.to_thread(center.inject, "email", f"early{i}@example.nl", "factuur", queue="email-billing")
        acked.append(f"early{i}@example.nl")
    filler = center.dir.parent / "filler"
    await asyncio.to_thread(fill, filler)
    refused: tuple[int, dict] | None = None
    body = "Mijn factuur klopt niet. " * 1300  # ~32 KB, the largest text the ingress takes
    for i in range(300):
        status, out = await asyncio.to_thread(center._http, "POST", "/v1/messages",
                                              {"channel": "email", "from": f"c{i}@example.nl", "text": body})
        if status != 201:
            refused = (status, out)
            break
        acked.append(f"c{i}@example.nl")
    assert refused is not None, "the disk never filled up"
    status, out = refused
    assert status == 507, refused
    assert out["error"]["code"] == "storage_full"
    assert "cannot store new messages" in out["error"]["message"]

    # Read-only: the session stays, is told, reads work and changes are refused.
    notice = await a1.wait_event("center.storage", lambda d: d["ok"] is False)
    assert "cannot store new messages" in notice["data"]["message"]
    got = await a1.cmd("conv.get", conversation=conv)
    assert any(m["text"] == "reply before the disk filled" for m in got["messages"])
    with pytest.raises(CmdError) as err:
        await a1.cmd("conv.send", conversation=conv, text="typed while full")
    assert err.value.code == "storage_full"
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")  # logging in still works
    assert a2.welcome["storage"]["ok"] is False
    mem, db = await asyncio.to_thread(center.call, memory_matches_database)
    assert mem == db, "the in-memory queue and the database disagree"
    lost = f"c{len(acked) - 3}@example.nl"  # the refused one: not half-stored
    assert await asyncio.to_thread(center.call, lambda h: conv_store.open_of(h.db, lost, "email")) is None

    # Space returns: the center stores again, nothing acknowledged is lost, routing goes on.
    filler.unlink()
    await a1.wait_event("center.storage", lambda d: d["ok"] is True, timeout=15)
    await a1.cmd("conv.send", conversation=conv, text="reply after the space came back")
    stored = await asyncio.to_thread(center.call, lambda h: [conv_store.open_of(h.db, c, "email") for c in acked])
    assert all(r is not None for r in stored), "an acknowledged message was lost"
    outbox = [m["text"] for m in await asyncio.to_thread(center.outbox, "web-1")]
    assert outbox == ["reply before the disk filled", "reply after the space came back"]
    mem, db = await asyncio.to_thread(center.call, memory_matches_database)
    assert mem == db
    await a2.cmd("state.set", state="available")
    await asyncio.to_thread(center.inject, "chat", "web-2", "back?")
    await until(lambda: any(e["kind"] == "offer.new" and e["data"]["conversation"]["customer"]["id"] == "web-2"
                            for c in (a1, a2) for e in c.events), 10, "an offer for a new chat")
    for c in (a1, a2):
        await c.close()
