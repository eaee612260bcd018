"""The installed `ambience --audio null` in a real terminal (tmux): it draws the mixer, a key
moves a slider and the screen shows the new percentage, ctrl+s saves a preset, `q` quits with
status 0, and nothing else (no traceback, no ALSA or JACK chatter) ever reaches the screen."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
NOISE = re.compile(r"(?i)traceback|exception|alsa|jack|portaudio|portmidi|wxpython|pyo ")
#: one worker runs the real-time tests one after another (tests/test_realtime_jack.py)
pytestmark = [pytest.mark.realtime, pytest.mark.xdist_group("realtime"),
              pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]


def ambience_command() -> str:
    beside = Path(sys.executable).parent / "ambience"
    found = str(beside) if beside.exists() else shutil.which("ambience")
    if found is None:
        pytest.skip("the `ambience` command is not installed")
    return found


class Pane:
    """A detached tmux session on a private server; every capture is kept."""

    def __init__(self, tmp: Path, command: str, size=(100, 32)) -> None:
        self.socket = f"ambience-test-{os.getpid()}-{time.monotonic_ns()}"
        self.captures: list[str] = []
        self.tmux("new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]),
                  "sh", "-c", "sleep 0.3; " + command)
        self.tmux("set-option", "-t", "t", "remain-on-exit", "on")
        self.tmux("resize-window", "-t", "t", "-x", str(size[0]), "-y", str(size[1]))

    def tmux(self, *args: str) -> str:
        done = subprocess.run([TMUX, "-L", self.socket, "-f", os.devnull, *args], capture_output=True, text=True,
                              timeout=10)
        return done.stdout

    def capture(self) -> str:
        text = self.tmux("capture-pane", "-p", "-t", "t", "-S", "-200")
        self.captures.append(text)
        return text

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, predicate, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.capture()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError("the screen never showed what was expected:\n" + self.capture())

    def close(self) -> None:
        self.tmux("kill-server")


def row_percent(screen: str, title: str) -> int | None:
    for line in screen.splitlines():
        if line.strip().startswith(title):
            found = re.search(r"(\d+) %", line)
            return int(found.group(1)) if found else None
    return None


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
def test_ambience_runs_in_a_real_terminal(tmp_path, size):
    from ambience.library.catalog import load_catalog

    env = {var: tmp_path / var.lower() for var in
           ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}
    for folder in env.values():
        folder.mkdir(exist_ok=True)
    status = tmp_path / "status"
    assigns = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items())
    command = (f"env {assigns} {shlex.quote(ambience_command())} --audio null; "
               f"echo EXIT=$? > {shlex.quote(str(status))}")
    first = next(iter(load_catalog().by_category().values()))[0]  # the row focused at start
    pane = Pane(tmp_path, command, size)
    try:
        pane.wait_for(lambda s: "Master" in s and first.name in s and "palette" in s)
        screen = pane.wait_for(lambda s: "f1 Help" in s and "q Quit" in s)  # at any size
        screen = pane.wait_for(lambda s: "no sound (null output)" in s)  # the engine is up
        before = row_percent(screen, first.name)
        assert before is not None
        pane.keys("l")
        expected = min(100, before + 5)
        screen = pane.wait_for(lambda s: row_percent(s, first.name) == expected)

        pane.keys("C-s")
        pane.wait_for(lambda s: "Save preset" in s)
        time.sleep(0.3)
        pane.keys("C-u")
        pane.wait_for(lambda s: "Rainy study" not in s.split("Save preset", 1)[-1])
        pane.keys("-l", "Tmux test")
        pane.wait_for(lambda s: "Tmux test" in s)
        pane.keys("Enter")
        pane.wait_for(lambda s: "Tmux test" in s.splitlines()[0] and "Save preset" not in s)
        saved = env["XDG_CONFIG_HOME"] / "ambience" / "presets" / "tmux-test.toml"
        assert saved.is_file()
        assert f"level = {expected / 100}" in saved.read_text()

        pane.keys("q")
        end = time.monotonic() + 15
        while not status.exists() and time.monotonic() < end:
            pane.capture()
            time.sleep(0.1)
        after = pane.capture()
        assert status.read_text().strip() == "EXIT=0", after
    finally:
        pane.close()
    for screen in pane.captures:
        assert not NOISE.search(screen), screen
