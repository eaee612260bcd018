"""`ambience ctl` (a real subprocess) steering the mixer run by Pilot on a manual engine:
changes show in the rows and header at once, and the last session is saved as usual."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ambience.control.server import claim, probe, socket_path
from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.library.preset import preset_from_mix
from ambience.library.presets import load_last_session, save_last_session
from ambience.tui.app import AmbienceApp
from tests.conftest import Clock

AMBIENCE = str(Path(sys.executable).with_name("ambience"))
SIZE = (100, 32)
START = Mix(0.8, (Layer("brown", 0.5), Layer("pink", 0.2)))


def make_app() -> AmbienceApp:
    save_last_session(preset_from_mix(START, "Test mix"))
    return AmbienceApp("manual", engine_factory=lambda: Engine("manual", seed=7),
                       clock=Clock(), control=claim())


async def ctl(*args: str) -> subprocess.CompletedProcess:
    """`ambience ctl ...` in a subprocess; the mixer's loop runs while we wait."""
    return await asyncio.to_thread(subprocess.run, [AMBIENCE, "ctl", *args],
                                   capture_output=True, text=True, timeout=60)


async def ready(pilot) -> None:
    for _ in range(500):
        if pilot.app.engine is not None or pilot.app.no_sound_reason:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the engine never reported back")


async def test_ctl_changes_show_in_the_mixer_at_once_and_are_saved():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        out = await ctl("set", "rain", "0.4")
        assert out.returncode == 0, out.stderr
        assert app.mix.layer("rain").level == pytest.approx(0.4)
        assert app.row("rain").slider.value == pytest.approx(0.4)  # the row moved
        assert app.header.dirty
        assert (await ctl("mute", "brown")).returncode == 0
        assert app.mix.layer("brown").muted
        assert (await ctl("master", "0.5")).returncode == 0
        assert app.row("master").slider.value == pytest.approx(0.5)
        app.bridge.wait_idle()
        assert app.engine.mix == app.mix  # and the engine plays it
        status = json.loads((await ctl("--json", "status")).stdout)["status"]
        assert status["preset"] == "Test mix" and status["master"] == 0.5
        assert {"sound": "rain", "level": 0.4, "muted": False} in status["layers"]
        out = await ctl("quit")
        assert out.returncode == 0
        for _ in range(300):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert app.return_value == 0
    saved = load_last_session()
    levels = {layer.sound: layer.level for layer in saved.layers}
    assert levels["rain"] == pytest.approx(0.4) and saved.master == pytest.approx(0.5)
    assert not socket_path().exists()  # released on the way out


@pytest.mark.slow
async def test_ctl_timer_pause_and_preset_show_in_the_header():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert (await ctl("timer", "45m", "--then", "quit")).returncode == 0
        assert app.sleep is not None and app.sleep.then == "quit"
        assert app.header.countdown == "45:00"
        assert (await ctl("shorten", "15m")).returncode == 0
        assert app.header.countdown == "30:00"
        assert (await ctl("pause")).returncode == 0
        assert app.header.paused
        assert (await ctl("toggle")).stdout.strip() == "playing"
        assert not app.header.paused
        assert (await ctl("cancel-timer")).returncode == 0
        assert app.sleep is None and app.header.countdown == ""
        out = await ctl("preset", "rainy study")
        assert out.returncode == 0, out.stderr
        assert app.preset_name == "Rainy study" and app.header.preset == "Rainy study"
        out = await ctl("set", "rian", "0.5")
        assert out.returncode == 2 and "did you mean `rain`" in out.stderr
        assert app.is_running


@pytest.mark.slow
async def test_ctl_shortening_past_the_end_with_quit_closes_the_mixer():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert (await ctl("timer", "10m", "--then", "quit")).returncode == 0
        assert (await ctl("shorten", "1h")).returncode == 0
        for _ in range(300):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running


@pytest.mark.slow
async def test_the_mixer_answers_while_a_client_stays_silent():
    import socket

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        silent.connect(str(socket_path()))
        try:
            assert (await ctl("status")).returncode == 0
            await pilot.press("down")  # the interface is not held up either
        finally:
            silent.close()
        assert probe(socket_path()) is not None
