"""The real-time path for real: play through a JACK server (dummy driver), record it back.

`.ci/run` installs jackd2; this test starts its own named JACK server so it never touches a
user's running one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile

from tests import analysis as A
from tests.rendering import PLAYED_ARGS, reference_of_played_mix, stop_player

#: one worker runs the real-time tests one after another: no two audio servers compete
pytestmark = [pytest.mark.realtime, pytest.mark.xdist_group("realtime")]

RATE = 48000
SERVER = f"ambience-test-{os.getpid()}"


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def jack_env(tmp_path):
    jackd = shutil.which("jackd")
    assert jackd, "jackd is not installed: `apt-get install jackd2` (.ci/run does it)"
    env = dict(os.environ, JACK_DEFAULT_SERVER=SERVER, JACK_NO_START_SERVER="1")
    log = open(tmp_path / "jackd.log", "w")
    proc = subprocess.Popen(
        [jackd, "-n", SERVER, "--no-realtime", "-d", "dummy", "-r", str(RATE), "-p", "256"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )

    def ready():
        out = subprocess.run(["jack_lsp"], capture_output=True, text=True, env=env)
        return out.returncode == 0 and "system:playback_1" in out.stdout

    try:
        _wait_for(ready, 15, "the JACK server")
        yield env, tmp_path / "jackd.log"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_a_mix_played_through_jack_is_recorded_back_at_the_expected_level(jack_env, tmp_path):
    env, jack_log = jack_env
    player = subprocess.Popen(
        [sys.executable, "-m", "ambience", "play", "--audio", "jack", *PLAYED_ARGS],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        def ports():
            out = subprocess.run(["jack_lsp"], capture_output=True, text=True, env=env).stdout
            return "ambience:output_2" in out

        _wait_for(ports, 20, "the player's JACK ports")
        time.sleep(3.5)  # past the start-up fade-in
        recording = tmp_path / "played.wav"
        rec = subprocess.run(
            ["jack_rec", "-f", str(recording), "-d", "3", "-b", "24",
             "ambience:output_1", "ambience:output_2"],
            capture_output=True, text=True, env=env, timeout=30,
        )
        assert rec.returncode == 0, rec.stderr
    finally:
        out, err = stop_player(player)
    assert player.returncode == 0, err
    assert "Traceback" not in err and "ALSA lib" not in err

    played, rate = soundfile.read(str(recording))
    assert rate == RATE and len(played) >= int(2.9 * RATE)

    # the reference: the same mix rendered offline by the same engine
    reference = reference_of_played_mix(6.0)

    assert A.rms_db(played) == pytest.approx(A.rms_db(reference), abs=1.0)
    assert A.octave_slope(played, RATE, 200, 8000) == pytest.approx(
        A.octave_slope(reference, RATE, 200, 8000), abs=1.0)
    # no dropouts: every 10 ms of the recording carries the sound, no run of silence
    windows = A.short_term_rms_db(played, RATE, 0.01)
    assert windows.min() > np.median(windows) - 12, f"a dropout: {windows.min():.1f} dB"
    silent = np.abs(played).max(axis=1) == 0.0
    longest = max((len(run) for run in "".join("1" if s else "0" for s in silent).split("0")),
                  default=0)
    assert longest < 16, f"{longest} consecutive silent samples"
