"""`--inhibit-sleep`: a logind sleep block held while the sound plays, released on pause, at the
timer's end and on quit. logind is stood in for by a small service on a private bus (a real
`dbus-daemon`, set as the system bus): it hands out one end of a pipe as logind hands out its
inhibitor descriptor, and a block is released exactly when the player closes that end."""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import subprocess
import threading
import time

import pytest

from ambience.control.server import claim
from tests.players import AMBIENCE, start_player

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                                reason="needs dbus-daemon (Debian: dbus)")


class FakeLogind:
    """org.freedesktop.login1.Manager.Inhibit on a private bus: each call gets a pipe's write
    end; the read end tells whether the caller still holds it."""

    def __init__(self, address: str):
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(address, enable_fds=True)
        from jeepney.bus_messages import message_bus

        self.conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.login1"),
                                     timeout=30)
        self.blocks: list[tuple[tuple, int]] = []
        self.taken = threading.Condition()
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return

        while not self._stop:
            try:
                msg = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type != MessageType.method_call:
                continue
            if msg.header.fields.get(HeaderFields.member) != "Inhibit":
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
                continue
            r, w = os.pipe()
            self.conn.send(new_method_return(msg, "h", (w,)))
            os.close(w)
            with self.taken:
                self.blocks.append((tuple(msg.body), r))
                self.taken.notify_all()

    def wait_taken(self, count: int, timeout: float = 60.0) -> None:
        with self.taken:
            assert self.taken.wait_for(lambda: len(self.blocks) >= count, timeout), \
                f"{len(self.blocks)} inhibitors taken, expected {count}"

    def held(self, index: int) -> bool:
        r = self.blocks[index][1]
        ready, _, _ = select.select([r], [], [], 0)
        return not ready  # EOF (readable) once every copy of the write end is closed

    def wait_released(self, index: int, timeout: float = 30.0) -> None:
        r = self.blocks[index][1]
        ready, _, _ = select.select([r], [], [], timeout)
        assert ready and os.read(r, 1) == b"", "the inhibitor was never released"

    def close(self) -> None:
        self._stop = True
        self.thread.join(5)
        self.conn.close()
        for _, r in self.blocks:
            os.close(r)


@pytest.fixture
def logind(monkeypatch):
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
    address = daemon.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
    service = FakeLogind(address)
    yield service
    service.close()
    daemon.terminate()
    daemon.wait(timeout=30)


def ctl(*args: str) -> None:
    subprocess.run([AMBIENCE, "ctl", *args], check=True, capture_output=True, timeout=60)


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_the_player_holds_sleep_off_while_playing_and_lets_go_on_pause_and_quit(logind):
    proc = start_player("--inhibit-sleep")
    try:
        logind.wait_taken(1)
        what, who, _why, mode = logind.blocks[0][0]
        assert (what, who, mode) == ("sleep", "ambience", "block")
        assert logind.held(0)
        ctl("pause")
        logind.wait_released(0)
        ctl("resume")
        logind.wait_taken(2)
        assert logind.held(1)
        ctl("quit")
        assert proc.wait(timeout=60) == 0
        logind.wait_released(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=30)
    assert err == ""


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_the_timers_end_releases_the_block_while_the_player_stays(logind):
    proc = start_player("--inhibit-sleep", "--timer", "3s", "--fade", "1s", "--then", "stop")
    try:
        logind.wait_taken(1)
        logind.wait_released(0)
        assert proc.poll() is None  # still open, silent
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
def test_without_the_option_sleep_is_never_blocked(logind):
    proc = start_player()
    try:
        ctl("pause")
        ctl("resume")  # a full turn of the loop, playing, has passed
        time.sleep(1.0)
        assert logind.blocks == []
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_inhibit_sleep_is_refused_where_it_does_not_apply():
    out = subprocess.run([AMBIENCE, "--inhibit-sleep", "sounds"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and "--inhibit-sleep does not apply" in out.stderr


@pytest.mark.slow  # a real dbus-daemon and a player or mixer: seconds of wall-clock time
async def test_the_mixer_holds_sleep_off_until_space_pauses_it(logind):
    from ambience.engine import Engine
    from ambience.tui.app import AmbienceApp

    app = AmbienceApp("manual", engine_factory=lambda: Engine("manual", seed=7),
                      control=claim(), inhibit_sleep=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await asyncio.to_thread(logind.wait_taken, 1)
        assert logind.held(0)
        await pilot.press("space")
        await asyncio.to_thread(logind.wait_released, 0)
