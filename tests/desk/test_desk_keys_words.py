"""Issue 8, small things without a center: the keys: section checked at start, Dutch words for
wrap-up codes / the keyring toast / "(none)", and one "Theme" in the command palette."""

from __future__ import annotations

import pytest
from textual.keys import Keys, _character_to_key

from agent_tui.app import DeskApp, DeskCommands, check_keys
from agent_tui.core.config import ConfigError, parse_config
from agent_tui.core.desk_state import DeskState
from agent_tui.core.keynames import NAMED, key_problem
from agent_tui.core.language import guess_language
from agent_tui.i18n import set_language, t
from agent_tui.protocol.kbtext import join_body, split_body
from agent_tui.screens.wrapup import code_label


def test_an_invalid_key_is_an_error_naming_its_line():
    text = "language: en\nkeys:\n  desk.state: f7\n  desk.accept: f13x\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert err.value.line == 4 and err.value.field == "keys.desk.accept"
    assert "f13x" in str(err.value) and "line 4" in str(err.value)


def test_an_unknown_action_id_is_an_error_naming_its_line():
    cfg = parse_config("keys:\n  desk.acept: f11\n")
    with pytest.raises(ConfigError) as err:
        check_keys(cfg)
    assert err.value.line == 2 and "unknown action id" in str(err.value) and "desk.accept" in str(err.value)


def test_a_key_bound_twice_is_reported_with_both_bindings():
    cfg = parse_config("keys:\n  desk.state: f1\n")  # F1 is already help
    with pytest.raises(ConfigError) as err:
        check_keys(cfg)
    assert err.value.line == 2 and "desk.help" in str(err.value) and "bound twice" in str(err.value)
    check_keys(parse_config("keys:\n  desk.state: f11\n  desk.accept: ctrl+shift+a, f8\n"))  # fine


def test_the_key_names_we_accept_are_textual_key_names():
    # Every name we accept is one Textual knows: a Keys value, or the name of a printable character.
    textual_names = {k.value for k in Keys} | {_character_to_key(chr(c)) for c in range(32, 127)}
    assert set(NAMED) <= textual_names, set(NAMED) - textual_names
    for good in ("f8", "ctrl+o", "alt+shift+t", "escape", "space", "a", "ctrl+full_stop", "f8,ctrl+a"):
        assert key_problem(good) is None, good
    for bad in ("f13x", "ctl+o", "ctrl+", "", "f8,,f9"):
        assert key_problem(bad) is not None, bad


def test_dutch_words_for_wrap_up_codes_the_keyring_and_none():
    try:
        set_language("nl")
        assert code_label({"code": "solved", "label": "Solved in first contact"}) == "Opgelost in eerste contact"
        assert code_label({"code": "custom", "label": "Own code"}) == "Own code"  # unknown: the center's label
        assert t("common.none") == "(geen)"
        assert "sleutelbos" in t("keyring.unavailable", why="x").lower()
    finally:
        set_language("en")
    assert code_label({"code": "solved", "label": "Solved (our center's words)"}) == "Solved (our center's words)"


async def test_one_theme_entry_in_the_palette():
    state = DeskState()
    state.me = {"user": "agent1", "name": "Anna"}  # preset: no login, no center
    app = DeskApp(state=state, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" not in titles
        desk_titles = [title for title, _help, _fn in DeskCommands(app.screen)._commands()]
        assert desk_titles.count(t("act.theme")) == 1


def test_the_customers_language_is_guessed_from_their_words():
    assert guess_language(["Hallo, ik heb mijn factuur niet ontvangen"]) == "nl"
    assert guess_language(["Hello, I did not get my invoice this month"]) == "en"
    assert guess_language(["+31 6 1234", "ok"]) is None


def test_an_article_body_splits_into_customer_and_agent_parts():
    body = join_body("Check your spam folder.", "Create a billing ticket.")
    assert split_body(body) == ("Check your spam folder.", "Create a billing ticket.")
    assert split_body("Only for customers.") == ("Only for customers.", "")
    assert join_body("Only for customers.", "") == "Only for customers."
