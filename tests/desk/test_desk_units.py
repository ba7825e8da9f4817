"""Fast checks of the desk's pure parts: config, state model, SMS counting, i18n, cache, keymap."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from agent_tui.core.config import Config, ConfigError, load_config, parse_config
from agent_tui.core.desk_state import PendingSend, fmt_duration, sla_level
from agent_tui.core.sms import count_sms
from agent_tui.core.store import ArticleCache
from agent_tui.i18n import EN, NL
from tests.kit.desk_helpers import wait_for
from tests.kit.desk_seed import NOW, seeded_state

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_documents_and_parses_every_field():
    example = ROOT / "config.example.yaml"
    # Documents every field: each setting of Config is a top-level key of the example.
    raw = yaml.safe_load(example.read_text())
    assert set(raw) == {f.name for f in dataclasses.fields(Config)} - {"path", "key_lines"}
    assert set(raw["softphone"]) == {"devices", "profile"}
    assert set(raw["softphone"]["devices"]) == {"input", "output", "ring"}
    # Parses: the real loader gives the values the example's comments promise.
    cfg = load_config(example)
    assert cfg.server == "wss://127.0.0.1:8443"
    assert cfg.ca_file == Path("~/agent-tui/ca.pem").expanduser()
    assert cfg.user == "agent1"
    assert (cfg.language, cfg.theme, cfg.bell) == ("en", "default", True)
    assert cfg.keys == {"desk.accept": "f8", "desk.decline": "f9", "desk.knowledge": "ctrl+k",
                        "desk.state": "f7"}
    phone = cfg.softphone
    assert (phone.input_device, phone.output_device, phone.ring_device) == (None, None, None)
    assert phone.profile == "low" and phone.options == {}


@pytest.mark.parametrize("text,line,field", [
    ("server: wss://h:1\nlanguage: fr\n", 2, "language"),
    ("server: http://h:1\n", 1, "server"),
    ("user: a\npassword: secret\n", 2, "password"),
    ("keys:\n  desk.accept: 7\n", 2, "keys.desk.accept"),
    ("softphone:\n  devices:\n    speaker: x\n", 3, "softphone.devices.speaker"),
    ("user: a\nthem: dark\n", 2, "them"),
])
def test_config_errors_name_file_line_and_field(tmp_path, text, line, field):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    msg = str(err.value)
    assert str(path) in msg and f"line {line}" in msg and field in msg


def test_config_yaml_syntax_error_has_line(tmp_path):
    with pytest.raises(ConfigError) as err:
        parse_config("server: wss://x\nkeys: [\n", tmp_path / "c.yaml")
    assert "line" in str(err.value)


def test_explicit_missing_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError):
        load_config(tmp_path / "nope.yaml")


def test_default_language_follows_locale(monkeypatch, tmp_path):
    monkeypatch.setenv("AGENT_TUI_CONFIG", str(tmp_path / "c.yaml"))
    (tmp_path / "c.yaml").write_text("user: a\n")
    monkeypatch.setenv("LC_ALL", "nl_NL.UTF-8")
    assert load_config().language == "nl"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert load_config().language == "en"


def test_sms_segments_gsm_and_ucs2():
    assert (count_sms("a" * 160).segments, count_sms("a" * 161).segments) == (1, 2)
    assert count_sms("€" * 80).units == 160  # extension table: two septets each
    ucs = count_sms("Groetjes 😀")
    assert ucs.encoding == "UCS-2" and ucs.units == 11
    assert count_sms("é" * 70).encoding == "GSM-7"  # é is in GSM-7
    assert count_sms("ë" * 71).segments == 2 and count_sms("ë" * 71).encoding == "UCS-2"


def test_i18n_tables_have_the_same_keys():
    assert set(EN) == set(NL)
    assert all(NL[k] or not EN[k] for k in NL)


def test_state_applies_events_and_counts_unread():
    st = seeded_state()
    assert st.user == "agent1" and len(st.conversations) == 3 and st.offers
    before = st.unread_total()
    st.apply_event({"seq": 11, "ts": NOW, "kind": "conv.message",
                    "data": {"conversation": "c2", "message": {"id": "x1", "seq": 9, "direction": "in",
                                                               "text": "hi", "at": NOW}}})
    st.apply_event({"seq": 12, "ts": NOW, "kind": "conv.message",  # duplicate: ignored
                    "data": {"conversation": "c2", "message": {"id": "x1", "seq": 9, "direction": "in",
                                                               "text": "hi", "at": NOW}}})
    assert sum(m["id"] == "x1" for m in st.conversations["c2"].messages) == 1
    st.apply_event({"seq": 13, "ts": NOW, "kind": "presence.delta",
                    "data": {"changes": [{"user": "agent2", "state": "break", "since": NOW}]}})
    assert st.presence["agent2"]["state"] == "break" and "presence" in st.take_dirty()
    st.apply_event({"seq": 14, "ts": NOW, "kind": "offer.revoked", "data": {"offer": "o1", "reason": "timeout"}})
    assert not st.offers
    st.apply_event({"seq": 15, "ts": NOW, "kind": "conv.closed", "data": {"conversation": "c3",
                                                                          "reason": "transferred"}})
    assert "c3" not in st.conversations and st.last_seq == 15
    st.apply_event({"seq": 16, "ts": NOW, "kind": "team.message",
                    "data": {"room": "team:care", "message": {"id": "t9", "from": {"user": "agent4"},
                                                              "text": "hoi", "at": NOW}}})
    assert st.rooms["team:care"]["unread"] == 3
    assert before >= 1


def test_pending_sends_are_queued_then_resolved_once():
    st = seeded_state()
    p = PendingSend("L1", "c1", "tekst", "out", NOW, queued=True)
    st.add_pending(p)
    st.set_queued(False)
    assert not st.pending["L1"].queued
    st.resolve_pending("L1", message={"id": "srv1", "seq": 50, "direction": "out", "text": "tekst", "at": NOW})
    st.apply_event({"seq": 20, "ts": NOW, "kind": "conv.message",
                    "data": {"conversation": "c1", "message": {"id": "srv1", "seq": 50, "direction": "out",
                                                               "text": "tekst", "at": NOW}}})
    assert not st.pending
    assert sum(m["id"] == "srv1" for m in st.conversations["c1"].messages) == 1


def test_presence_filter_and_grouping():
    st = seeded_state(colleagues=8)
    groups = st.presence_by_team("")
    assert groups[0][0] == "Customer care"  # own team first
    only = st.presence_by_team("beschik") or st.presence_by_team("avail")
    assert all(m["state"] == "available" for _, ms in only for m in ms)


def test_sla_and_durations():
    s = {"created_at": NOW - 100, "sla_s": 120}
    assert sla_level(s, NOW) == "warn" and sla_level(s, NOW + 30) == "breach"
    assert sla_level(s, NOW - 90) == "ok"
    assert (fmt_duration(5), fmt_duration(65), fmt_duration(3700)) == ("5s", "1:05", "1h01")


def test_article_cache_searches_offline_and_persists(tmp_path):
    path = tmp_path / "kb.json"
    cache = ArticleCache(path)
    cache.add_article({"id": "a1", "lang": "nl", "title": "Wachtwoord vergeten?",
                       "body": "Kies 'wachtwoord vergeten' op de inlogpagina."})
    cache.add_hit({"id": "a2", "lang": "en", "title": "Modem lights", "snippet": "a red «modem» light"})
    hits = cache.search("wachtwoord")
    assert hits and hits[0]["id"] == "a1" and "«" in hits[0]["snippet"]
    cache.save()
    again = ArticleCache(path)
    assert again.search("modem")[0]["id"] == "a2"


async def test_keymap_from_config_remaps_bindings():
    from agent_tui.app import DeskApp
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.core.config import Config

    cfg = Config(language="en", keys={"desk.accept": "ctrl+o"})
    app = DeskApp(cfg, state=seeded_state(), clock=lambda: NOW, cursor_blink=False,
                  status=ConnectionStatus("online", 1.0, "", 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.key_for("desk.accept") == "ctrl+o"
        banner = app.screen.query_one("#offer")
        assert "CTRL+O" in banner.content.plain
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one("#help-keys")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["ctrl+o", "Accept offer", "desk.accept"] in [list(map(str, r)) for r in rows]


async def test_command_palette_lists_desk_actions():
    from agent_tui.app import DeskApp, DeskCommands
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.core.config import Config
    from agent_tui.screens.desk import ACTIONS

    app = DeskApp(Config(language="nl"), state=seeded_state(), clock=lambda: NOW, cursor_blink=False,
                  status=ConnectionStatus("online", 1.0, "", 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        provider = DeskCommands(app.screen)
        titles = [c[0] for c in provider._commands()]
        assert len(titles) >= len(ACTIONS) and "Aanbod aannemen" in titles
        assert any(t.endswith("Beschikbaar") for t in titles)


async def test_viewing_a_team_room_marks_it_read():
    from agent_tui.app import DeskApp
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.core.config import Config

    app = DeskApp(Config(language="en"), state=seeded_state(), clock=lambda: NOW, cursor_blink=False,
                  status=ConnectionStatus("online", 1.0, "", 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.state.rooms["team:care"]["unread"] == 2
        await pilot.press("f4")
        await wait_for(pilot, lambda: not app.state.rooms["team:care"]["unread"], timeout=2.0,
                       what="the room marked read")
        status = app.screen.query_one("#status")
        # The status bar follows; the SMS conversation is still unread.
        await wait_for(pilot, lambda: "Unread 1" in status.content.plain, timeout=2.0, what="status unread count")
