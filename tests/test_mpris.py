"""Media keys for real: a private `dbus-daemon --session`, `dbus-send` driving the MPRIS2
player of `ambience play --audio null` and of the mixer (Pilot), signals read back over the
bus with jeepney; and without a session bus, nothing printed and everything else working."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time

import pytest

from ambience.control.server import claim
from tests.players import AMBIENCE, start_player

DEST = "org.mpris.MediaPlayer2.ambience"
PLAYER = "org.mpris.MediaPlayer2.Player"

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None
                                or shutil.which("dbus-send") is None,
                                reason="needs dbus-daemon and dbus-send (Debian: dbus)")


@pytest.fixture
def session_bus(monkeypatch):
    """A private session bus; its address in the environment of this test's subprocesses."""
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, text=True)
    address = proc.stdout.readline().strip()
    assert address.startswith("unix:"), address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    proc.terminate()
    proc.wait(timeout=30)


def dbus_send(*args: str) -> str:
    out = subprocess.run(["dbus-send", "--session", "--print-reply", f"--dest={DEST}",
                          "/org/mpris/MediaPlayer2", *args],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def prop(name: str) -> str:
    return dbus_send("org.freedesktop.DBus.Properties.Get", f"string:{PLAYER}", f"string:{name}")


def playback_status() -> str:
    return re.search(r'string "(\w+)"', prop("PlaybackStatus")).group(1)


def on_bus(timeout: float = 60.0) -> None:
    """Wait until the player has taken its name on the bus."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        out = subprocess.run(["dbus-send", "--session", "--print-reply",
                              "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus.NameHasOwner", f"string:{DEST}"],
                             capture_output=True, text=True, timeout=30)
        if "boolean true" in out.stdout:
            return
        time.sleep(0.1)
    raise AssertionError("the player never appeared on the bus")


def ctl_status() -> dict:
    out = subprocess.run([AMBIENCE, "ctl", "--json", "status"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["status"]


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_media_keys_pause_resume_and_set_the_master_of_the_player(session_bus):
    proc = start_player()
    try:
        on_bus()
        assert playback_status() == "Playing"
        dbus_send(f"{PLAYER}.PlayPause")
        assert ctl_status()["paused"] is True and playback_status() == "Paused"
        dbus_send(f"{PLAYER}.Play")
        assert ctl_status()["paused"] is False
        dbus_send(f"{PLAYER}.Pause")
        assert playback_status() == "Paused"
        dbus_send(f"{PLAYER}.PlayPause")
        assert playback_status() == "Playing"
        dbus_send(f"{PLAYER}.Stop")  # a sleep mixer's stop keeps the mix: a pause
        assert ctl_status()["paused"] is True
        dbus_send("org.freedesktop.DBus.Properties.Set", f"string:{PLAYER}", "string:Volume",
                  "variant:double:0.3")
        assert ctl_status()["master"] == 0.3
        assert "double 0.3" in prop("Volume")
        subprocess.run([AMBIENCE, "ctl", "preset", "rainy study"], check=True, timeout=60,
                       capture_output=True)
        assert 'string "Rainy study"' in prop("Metadata")
        assert 'string "ambience"' in dbus_send("org.freedesktop.DBus.Properties.Get",
                                                "string:org.mpris.MediaPlayer2",
                                                "string:Identity")
        dbus_send("org.mpris.MediaPlayer2.Quit")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate(timeout=30)
    assert err == ""


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_a_change_made_elsewhere_is_announced_on_the_bus(session_bus):
    from jeepney import MatchRule, MessageType
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    proc = start_player()
    try:
        on_bus()
        with open_dbus_connection(bus="SESSION") as conn:
            rule = MatchRule(type="signal", interface="org.freedesktop.DBus.Properties",
                             member="PropertiesChanged", path="/org/mpris/MediaPlayer2")
            conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=30)
            subprocess.run([AMBIENCE, "ctl", "pause"], check=True, timeout=60,
                           capture_output=True)
            end = time.monotonic() + 30
            changed = {}
            while "PlaybackStatus" not in changed and time.monotonic() < end:
                msg = conn.receive(timeout=end - time.monotonic())
                if msg.header.message_type == MessageType.signal:
                    iface, changed, _ = msg.body
        assert iface == PLAYER and changed["PlaybackStatus"] == ("s", "Paused")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_without_a_session_bus_nothing_is_printed_and_ctl_works(monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    proc = start_player()
    try:
        assert ctl_status()["layers"][0]["sound"] == "pink"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and err == ""


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
async def test_media_keys_pause_the_mixer_and_show_it(session_bus):
    from ambience.engine import Engine
    from ambience.tui.app import AmbienceApp

    app = AmbienceApp("manual", engine_factory=lambda: Engine("manual", seed=7),
                      control=claim())
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(500):
            if app.engine is not None:
                break
            await pilot.pause(0.02)
        await asyncio.to_thread(on_bus)
        await asyncio.to_thread(dbus_send, f"{PLAYER}.PlayPause")
        assert app.header.paused
        assert await asyncio.to_thread(playback_status) == "Paused"
        await asyncio.to_thread(dbus_send, "org.freedesktop.DBus.Properties.Set",
                                f"string:{PLAYER}", "string:Volume", "variant:double:0.25")
        assert app.mix.master == pytest.approx(0.25)
        assert app.row("master").slider.value == pytest.approx(0.25)
        title = await asyncio.to_thread(prop, "Metadata")
        assert f'string "{app.preset_name}"' in title
