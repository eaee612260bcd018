"""The installed mixer in a real terminal (tmux) steered by `ambience ctl`: the screen shows the
change, a second player is told how to steer it, and `ambience play --replace` takes over
(the mixer fades out and exits 0, leaving nothing on the screen)."""

from __future__ import annotations

import shlex
import subprocess
import time

import pytest

from ambience.control.server import probe, socket_path
from tests.test_tui_terminal import NOISE, TMUX, Pane, ambience_command, row_percent

pytestmark = [pytest.mark.realtime, pytest.mark.xdist_group("realtime"),
              pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]


def test_ctl_steers_the_mixer_in_a_terminal_and_play_replace_takes_over(tmp_path):
    from ambience.library.catalog import load_catalog

    amb = ambience_command()
    status = tmp_path / "status"
    command = f"{shlex.quote(amb)} --audio null; echo EXIT=$? > {shlex.quote(str(status))}"
    first = next(iter(load_catalog().by_category().values()))[0]
    pane = Pane(tmp_path, command)
    player = None
    try:
        pane.wait_for(lambda s: "no sound (null output)" in s, timeout=60)
        done = subprocess.run([amb, "ctl", "set", first.id, "0.7"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        pane.wait_for(lambda s: row_percent(s, first.name) == 70, timeout=30)

        second = subprocess.run([amb, "play", "--audio", "null", "--layer", "pink=0.5"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and "ambience ctl" in second.stderr

        player = subprocess.Popen([amb, "play", "--audio", "null", "--layer", "pink=0.5",
                                   "--replace"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        end = time.monotonic() + 60
        while not status.exists() and time.monotonic() < end:
            pane.capture()
            time.sleep(0.1)
        assert status.read_text().strip() == "EXIT=0", pane.capture()
        while probe(socket_path()) != player.pid:
            assert player.poll() is None and time.monotonic() < end, player.communicate()
            time.sleep(0.1)
    finally:
        pane.close()
        if player is not None:
            player.terminate()
            player.communicate(timeout=30)
    for screen in pane.captures:
        assert not NOISE.search(screen), screen
