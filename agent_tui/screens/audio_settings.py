"""Audio settings: choose the headset (input, output) and ring device, check them, pick a profile.

An agent checks their headset before the shift: the level meter moves when they speak, the
test tone plays in the chosen output, the ring test plays on the ring device. While the phone
runs on the same devices, the meter and the tone go through the phone itself (one stream per
device); otherwise the screen opens the device on its own for the check.

"Save" keeps the choice for this session at once and shows the config file's ``softphone``
section as YAML to paste (the config module does not write files). The phone picks up new devices
when it (re)starts — right away if no call is up. Every word on the screen comes from ``i18n.py``
(``audio.*``); the YAML's keys stay as the config file spells them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, runtime_checkable

import yaml
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from agent_tui.core.config import Config
from agent_tui.i18n import t
from agent_tui.secure.text import one_line
from agent_tui.sip.profiles import profile_name

PROFILES = ("low", "normal")  # the bandwidth profiles the screen offers (sip/profiles.py)
METER_WIDTH = 30
METER_FLOOR_DB = -60.0


def meter(dbfs: float, width: int = METER_WIDTH) -> str:
    """A text level meter: ``[████████░░░░] -23 dBFS`` (words too, not only the bar)."""
    frac = 0.0 if dbfs <= METER_FLOOR_DB else min(1.0, (dbfs - METER_FLOOR_DB) / -METER_FLOOR_DB)
    n = round(frac * width)
    label = t("audio.silence") if dbfs <= -99 else f"{dbfs:.0f} dBFS"
    return f"[{'█' * n}{'░' * (width - n)}] {label}"


def yaml_snippet(input_device: str | None, output_device: str | None, ring_device: str | None,
                 profile: str) -> str:
    """The ``softphone:`` section for the config file."""
    devices = {k: v for k, v in (("input", input_device), ("output", output_device),
                                 ("ring", ring_device)) if v}
    body: dict[str, Any] = {"profile": profile}
    if devices:
        body = {"devices": devices, **body}
    return yaml.safe_dump({"softphone": body}, sort_keys=False, allow_unicode=True)


class _DeviceCheck:
    """The screen's own input stream for the meter when the phone does not use the device."""

    def __init__(self, device: str | None) -> None:
        self.device = device
        self.level = -100.0
        self.error = ""
        self._stream: Any = None
        self._lock = threading.Lock()

    def open(self) -> None:
        try:
            import sounddevice as sd  # deferred: PortAudio, only for the device check

            from agent_tui.sip.audio import dbfs, resolve_device  # deferred: loads numpy

            dev = resolve_device(self.device, "input")

            def cb(indata: Any, _frames: int, _t: Any, _status: Any) -> None:
                self.level = dbfs(bytes(indata))

            stream = sd.RawInputStream(device=dev, samplerate=16000, channels=1, dtype="int16",
                                       blocksize=1600, callback=cb)
            stream.start()
            with self._lock:
                self._stream = stream
        except Exception as exc:  # noqa: BLE001 - shown in words on the screen
            self.error = str(exc)

    def close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001, S110 - a broken device must not stop the screen
                pass


def play_on(device: str | None, freq: float, seconds: float, ring: bool = False) -> None:
    """Blocking: play a tone (or the ring cadence's first burst) on ``device``; raises AudioError."""
    # deferred: numpy and PortAudio are heavy; only a test tone needs them
    import numpy as np
    import sounddevice as sd  # deferred: PortAudio, see above

    from agent_tui.sip.audio import AudioError, resolve_device, tone  # deferred: loads numpy

    dev = resolve_device(device, "output")
    pcm = np.frombuffer(tone(freq, seconds, 16000, 0.25 if ring else 0.3), "<i2")
    try:
        sd.play(pcm, 16000, device=dev, blocking=True)
    except Exception as exc:
        raise AudioError(t("audio.cannot_play", device=device or t("audio.default_device"),
                           why=exc)) from exc


@runtime_checkable
class HeadsetDevices(Protocol):
    """A media spec with headset devices: ``sip.phone.HeadsetSpec`` (``FileMediaSpec`` has none).

    A Protocol, not ``isinstance(spec, HeadsetSpec)``: importing ``sip.phone`` loads pjsua2.
    """

    input_device: str | int | None
    output_device: str | int | None


class RunningPhone(Protocol):
    """What the screen uses of the running softphone (``sip.phone.Softphone``)."""

    @property
    def media_spec(self) -> object:
        """``HeadsetSpec`` or ``FileMediaSpec``: only a ``HeadsetDevices`` spec names devices."""
        ...

    def test_tone(self, seconds: float = 2.0) -> concurrent.futures.Future[Any]: ...

    def set_profile(self, name: str) -> concurrent.futures.Future[Any]: ...


def phone_device(phone: RunningPhone, kind: str) -> str | int | None:
    """The ``input`` or ``output`` device the running phone uses (None: default, or no headset)."""
    spec = phone.media_spec
    if not isinstance(spec, HeadsetDevices):
        return None
    return spec.input_device if kind == "input" else spec.output_device


class SettingsPhone(Protocol):
    """What the screen needs from the desk's softphone controller (``DeskPhone``)."""

    level_listener: Callable[[float, float], None] | None

    @property
    def phone(self) -> RunningPhone | None:
        """The running ``Softphone``, or None."""
        ...

    @property
    def config(self) -> Config: ...

    def restart_when_idle(self) -> None: ...


class AudioSettingsScreen(ModalScreen[None]):
    """Device choice, level meter, test tone and ring test, profile; Save or Esc."""

    DEFAULT_CSS = """
    AudioSettingsScreen { align: center middle; }
    AudioSettingsScreen > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                     border: thick $primary; background: $surface; padding: 0 1; }
    AudioSettingsScreen .title { text-style: bold; }
    AudioSettingsScreen Select { width: 1fr; }
    AudioSettingsScreen .row { height: auto; }
    AudioSettingsScreen .row Label { width: 9; }
    AudioSettingsScreen #as-buttons { height: auto; }
    AudioSettingsScreen Button { min-width: 10; margin-right: 1; }
    AudioSettingsScreen #as-snippet { color: $text; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
                Binding("escape", "close", "Close", show=False),
                Binding("ctrl+s", "save", "Save", show=False),
                Binding("ctrl+t", "test_tone", "Test tone", show=False, priority=True)]

    def __init__(self, phone: SettingsPhone) -> None:
        super().__init__()
        # In the language chosen at start-up (class BINDINGS were made at import).
        words = {"close": t("audio.close"), "save": t("audio.save"), "test_tone": t("audio.tone")}
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, description=words.get(b.action, b.description)) for b in bindings]
        self.controller = phone
        sp = phone.config.softphone
        self.input_device: str | None = sp.input_device
        self.output_device: str | None = sp.output_device
        self.ring_device: str | None = sp.ring_device
        self.profile = profile_name(sp.profile) if profile_name(sp.profile) in ("low", "normal") else "low"
        self.devices: list[Any] = []
        self.device_error = ""
        self._check: _DeviceCheck | None = None
        self._levels = (-100.0, -100.0)
        self.snippet = ""

    # --- layout -------------------------------------------------------------------------
    def _choices(self, kind: str) -> list[tuple[str, str]]:
        out = [(t("audio.system_default"), "")]
        for d in self.devices:
            if (d.inputs if kind == "input" else d.outputs) > 0:
                out.append((one_line(f"#{d.index} {d.name}", 60), d.name))
        return out

    def compose(self) -> ComposeResult:
        try:
            from agent_tui.sip.audio import list_devices  # deferred: loads numpy and PortAudio

            self.devices = list_devices()
        except Exception as exc:  # noqa: BLE001 - no PortAudio: say so, keep the screen usable
            self.device_error = str(exc)
        with Vertical():
            yield Label(t("audio.title"), classes="title")
            if self.device_error:
                yield Static(t("audio.device_error", why=self.device_error), markup=False)
            for kind, label, value in (("input", t("audio.mic"), self.input_device),
                                       ("output", t("audio.headset"), self.output_device),
                                       ("ring", t("audio.ring_on"), self.ring_device)):
                choices = self._choices("input" if kind == "input" else "output")
                known = {v for _l, v in choices}
                if value and value not in known:
                    choices.append((one_line(t("audio.not_found", device=value), 60), value))
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Select(choices, value=value or "", allow_blank=False, compact=True,
                                 id=f"as-{kind}")
            with Horizontal(classes="row"):
                yield Label(t("audio.profile"))
                yield Select([(t(f"audio.profile_{p}"), p) for p in PROFILES], value=self.profile, allow_blank=False, compact=True,
                             id="as-profile")
            yield Static(meter(-100.0), id="as-mic", markup=False)
            yield Static("", id="as-status", markup=False)
            with Horizontal(id="as-buttons"):
                yield Button(t("audio.tone"), id="as-tone")
                yield Button(t("audio.ring_test"), id="as-ring")
                yield Button(t("audio.save"), id="as-save", variant="primary")
                yield Button(t("audio.close"), id="as-close")
            yield Static("", id="as-snippet", markup=False)

    def on_mount(self) -> None:
        self.controller.level_listener = self._on_levels
        self._reopen_check()
        self.set_interval(0.2, self._show_level)

    def on_unmount(self) -> None:
        if self.controller.level_listener == self._on_levels:
            self.controller.level_listener = None
        self._close_check()

    # --- level meter --------------------------------------------------------------------------
    def _phone_uses_input(self) -> bool:
        phone = self.controller.phone
        return phone is not None and (phone_device(phone, "input") or "") == (self.input_device or "")

    def _reopen_check(self) -> None:
        self._close_check()
        if self._phone_uses_input() or self.device_error:
            return
        check = _DeviceCheck(self.input_device)
        self._check = check
        self.run_worker(asyncio.to_thread(check.open), group="as-open")

    def _close_check(self) -> None:
        check, self._check = self._check, None
        if check is not None:
            threading.Thread(target=check.close, daemon=True).start()

    def _on_levels(self, mic: float, speaker: float) -> None:
        self._levels = (mic, speaker)

    def _show_level(self) -> None:
        if self._check is not None:
            if self._check.error:
                self.query_one("#as-mic", Static).update(
                    t("audio.mic_error", why=one_line(self._check.error, 60)))
                return
            level = self._check.level
        else:
            level = self._levels[0]
        self.query_one("#as-mic", Static).update(t("audio.mic_meter", meter=meter(level)))

    # --- changes --------------------------------------------------------------------------------
    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        sid = event.select.id or ""
        if sid == "as-input" and (value or None) != self.input_device:
            self.input_device = value or None
            self._reopen_check()
        elif sid == "as-output":
            self.output_device = value or None
        elif sid == "as-ring":
            self.ring_device = value or None
        elif sid == "as-profile" and value and value != self.profile:
            self.profile = value
            phone = self.controller.phone
            if phone is not None:
                phone.set_profile(value)  # next calls use it
            self._status(t("audio.profile_changed", profile=value))

    def _status(self, text: str) -> None:
        self.query_one("#as-status", Static).update(text)

    # --- buttons ------------------------------------------------------------------------------------
    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "as-tone":
            self.action_test_tone()
        elif bid == "as-ring":
            self._play(self.ring_device or self.output_device, 425.0, 1.0, t("audio.ring_test"), ring=True)
        elif bid == "as-save":
            self.action_save()
        elif bid == "as-close":
            self.action_close()

    def action_test_tone(self) -> None:
        phone = self.controller.phone
        if phone is not None and (phone_device(phone, "output") or "") == (self.output_device or ""):
            phone.test_tone(2.0)
            self._status(t("audio.tone_phone"))
            return
        self._play(self.output_device, 1000.0, 2.0, t("audio.tone"))

    def _play(self, device: str | None, freq: float, seconds: float, what: str, ring: bool = False) -> None:
        name = device or t("audio.default_device")
        self._status(t("audio.playing", what=what, device=name))

        async def run() -> None:
            try:
                await asyncio.to_thread(play_on, device, freq, seconds, ring)
                self._status(t("audio.played", what=what, device=name))
            except Exception as exc:  # noqa: BLE001 - in words
                self._status(t("audio.play_failed", what=what, why=exc))

        self.run_worker(run(), group="as-play")

    def action_save(self) -> None:
        config = self.controller.config
        sp = config.softphone
        changed = (sp.input_device, sp.output_device, sp.ring_device) != (
            self.input_device, self.output_device, self.ring_device)
        sp.input_device, sp.output_device, sp.ring_device = (
            self.input_device, self.output_device, self.ring_device)
        sp.profile = self.profile
        self.snippet = yaml_snippet(self.input_device, self.output_device, self.ring_device, self.profile)
        self._status(t("audio.kept"))
        self.query_one("#as-snippet", Static).update(self.snippet)
        if changed:
            self.controller.restart_when_idle()

    def action_close(self) -> None:
        self.dismiss(None)
