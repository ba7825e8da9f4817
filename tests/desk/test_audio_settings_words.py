"""The audio settings screen speaks the desk's language: every word comes from ``i18n.py``.

The controller and its running phone are named fakes (``Fake…``): they only give the screen
default devices so it opens no audio stream. The real phone behind the real screen is
exercised in ``tests/desk/test_call_bar.py``.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button, Static

from agent_tui.core.config import Config
from agent_tui.i18n import EN, NL, language, set_language
from agent_tui.screens.audio_settings import AudioSettingsScreen, phone_device
from tests.kit.desk_helpers import wait_for


@dataclass
class _Headset:  # the shape of sip.phone.HeadsetSpec, without loading pjsua2
    input_device: str | int | None = None
    output_device: str | int | None = None
    ring_device: str | int | None = None


@dataclass
class _Files:  # the shape of sip.phone.FileMediaSpec: no devices
    play: str | None = None
    record: str | None = None


@dataclass
class FakeRunningPhone:
    media_spec: object = field(default_factory=_Headset)
    tones: list[float] = field(default_factory=list)

    def test_tone(self, seconds: float = 2.0) -> concurrent.futures.Future[Any]:
        self.tones.append(seconds)
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()
        done.set_result(None)
        return done

    def set_profile(self, name: str) -> concurrent.futures.Future[Any]:
        return self.test_tone(0.0)


@dataclass
class FakeController:
    """A ``SettingsPhone``: the running phone uses the default devices, so the screen opens none."""

    phone: FakeRunningPhone | None = field(default_factory=FakeRunningPhone)
    config: Config = field(default_factory=Config)
    level_listener: Callable[[float, float], None] | None = None
    restarts: int = 0

    def restart_when_idle(self) -> None:
        self.restarts += 1


@pytest.fixture
def lang() -> Iterator[Callable[[str], None]]:
    before = language()
    yield set_language
    set_language(before)


def _words(screen: AudioSettingsScreen) -> str:
    texts = [str(w.render()) for w in screen.query(Static)]
    texts += [str(b.label) for b in screen.query(Button)]
    return "\n".join(texts)


@pytest.mark.parametrize("lang_code", ["en", "nl"])
async def test_the_screen_shows_its_words_in_the_chosen_language(lang, lang_code):
    lang(lang_code)
    words = {"en": EN, "nl": NL}[lang_code]
    other = {"en": NL, "nl": EN}[lang_code]
    controller = FakeController()
    app: App[None] = App()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = AudioSettingsScreen(controller)
        await app.push_screen(screen)
        await pilot.pause()
        shown = _words(screen)
        for key in ("audio.title", "audio.mic", "audio.headset", "audio.ring_on", "audio.profile",
                    "audio.tone", "audio.ring_test", "audio.save", "audio.close",
                    "audio.profile_low"):
            assert words[key] in shown, (key, shown)
        assert other["audio.title"] not in shown and other["audio.ring_test"] not in shown
        # The test tone goes through the running phone (same output) and says so.
        await pilot.click("#as-tone")
        await wait_for(pilot, lambda: controller.phone is not None and controller.phone.tones == [2.0],
                       what="test tone through the phone")
        await wait_for(pilot, lambda: words["audio.tone_phone"] in _words(screen), what="tone status")
        # Save: the status line in words, the YAML with the config file's own keys.
        await pilot.click("#as-save")
        await wait_for(pilot, lambda: screen.snippet != "", what="snippet")
        shown = _words(screen)
        assert words["audio.kept"] in shown
        assert "softphone:" in screen.snippet and "profile: low" in screen.snippet
        assert controller.restarts == 0  # the devices did not change
        binding = screen._bindings.key_to_bindings["ctrl+t"][0]
        assert binding.description == words["audio.tone"]


def test_english_words_are_the_ones_the_screen_always_showed():
    assert EN["audio.tone_phone"] == "Test tone: 2 s at 1 kHz in the headset (through the phone)."
    assert EN["audio.kept"] == "Kept for this session. To keep it, put this in your config file:"
    assert NL["audio.tone_phone"] != EN["audio.tone_phone"]


def test_phone_devices_come_from_a_headset_spec_only():
    assert phone_device(FakeRunningPhone(_Headset("mic", "ears")), "input") == "mic"
    assert phone_device(FakeRunningPhone(_Headset("mic", "ears")), "output") == "ears"
    assert phone_device(FakeRunningPhone(_Files("in.wav")), "input") is None
    assert phone_device(FakeRunningPhone(_Files("in.wav")), "output") is None
