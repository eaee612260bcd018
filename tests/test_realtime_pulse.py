"""The default back-end for real: `--audio auto` reaches PulseAudio through the system's ALSA
(the pyo wheel's own libasound cannot), plays into a null sink, and we record it back."""

from __future__ import annotations

import os
import select
import shutil
import signal
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


@pytest.fixture
def pulse_env(tmp_path):
    pulseaudio = shutil.which("pulseaudio")
    assert pulseaudio, "pulseaudio is not installed: `apt-get install pulseaudio " \
        "pulseaudio-utils libasound2-plugins` (.ci/run does it)"
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PULSE_RUNTIME_PATH=str(runtime / "pulse"),
               HOME=str(tmp_path))
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        [pulseaudio, "--daemonize=yes", "--exit-idle-time=-1", "-n", "--disallow-exit",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=nullsink",
         "--log-target=stderr"],
        env=env, check=True, capture_output=True, timeout=30,
    )
    deadline = time.monotonic() + 15
    while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "PulseAudio did not come up"
        time.sleep(0.1)
    try:
        yield env
    finally:
        subprocess.run([pulseaudio, "--kill"], env=env, capture_output=True, timeout=15)


def test_auto_output_plays_through_pulseaudio_and_is_recorded_back(pulse_env, tmp_path):
    devices = subprocess.run([sys.executable, "-m", "ambience", "devices"], env=pulse_env,
                             capture_output=True, text=True, timeout=60)
    assert "pulse" in devices.stdout and "used by --audio auto" in devices.stdout
    player = subprocess.Popen(
        [sys.executable, "-m", "ambience", "play", *PLAYED_ARGS],
        env=pulse_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )
    recording = tmp_path / "played.wav"
    try:
        # the player prints its status once the engine is playing; then the 3 s fade-in
        ready, _, _ = select.select([player.stdout], [], [], 30)
        assert ready, "the player never started"
        assert "playing" in player.stdout.readline()
        time.sleep(4.5)
        rec = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--file-format=wav", "--format=float32le",
             f"--rate={RATE}", "--channels=2", str(recording)],
            env=pulse_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        time.sleep(6.0)
        rec.send_signal(signal.SIGINT)
        rec.wait(10)
    finally:
        out, err = stop_player(player)
    assert player.returncode == 0, err
    assert "Traceback" not in err and "ALSA lib" not in err + out

    played, rate = soundfile.read(str(recording))
    # parec pads what it had not yet received when it was stopped with zeros: drop them
    sounding = np.flatnonzero(np.abs(played).max(axis=1) > 0)
    played = played[: sounding[-1] + 1] if sounding.size else played[:0]
    assert rate == RATE and len(played) > 2 * RATE
    profile = A.short_term_rms_db(played, RATE, 0.25)
    # the null sink delivers late and in bursts when the machine is busy, so the recording
    # may still hold part of the fade-in: judge its loudest second, the steady state
    loudest = int(np.argmax(np.convolve(profile, np.ones(4), "valid")))
    played = played[loudest * RATE // 4 : loudest * RATE // 4 + RATE]
    profile = np.round(profile, 1)

    reference = reference_of_played_mix(5.0)
    assert A.rms_db(played) == pytest.approx(A.rms_db(reference), abs=1.0), (
        f"recorded level per 250 ms: {profile}")
    windows = A.short_term_rms_db(played, RATE, 0.01)
    assert windows.min() > np.median(windows) - 12, f"a dropout: {windows.min():.1f} dB"
