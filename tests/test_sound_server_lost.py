"""The sound server goes away in the night and comes back: a private PulseAudio with a null
sink is killed and started again under `ambience play` and under the mixer, and the sink is
recorded to prove that sound comes back. Before the engine ran in a child process of its own,
PortAudio aborted the whole program here (exit 134) and wrote over the terminal."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

#: one worker runs the real-time tests one after another (tests/test_realtime_jack.py)
pytestmark = [pytest.mark.realtime, pytest.mark.xdist_group("realtime")]

RATE = 48000
PULSEAUDIO = shutil.which("pulseaudio")


class Pulse:
    """A private PulseAudio server with a null sink, that the test can kill and restart."""

    def __init__(self, tmp_path):
        assert PULSEAUDIO, "pulseaudio is not installed (.ci/run installs it)"
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(tmp_path),
                        PULSE_RUNTIME_PATH=str(runtime / "pulse"))
        self.env.pop("PULSE_SERVER", None)

    def start(self) -> None:
        subprocess.run(
            [PULSEAUDIO, "--daemonize=yes", "--exit-idle-time=-1", "-n", "--disallow-exit",
             "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=nullsink"],
            env=self.env, check=True, capture_output=True, timeout=30)
        deadline = time.monotonic() + 15
        while subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode:
            assert time.monotonic() < deadline, "PulseAudio did not come up"
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run([PULSEAUDIO, "--kill"], env=self.env, capture_output=True, timeout=15)
        deadline = time.monotonic() + 15
        while not subprocess.run(["pactl", "info"], env=self.env,
                                 capture_output=True).returncode:
            assert time.monotonic() < deadline, "PulseAudio did not stop"
            time.sleep(0.1)

    def record_rms(self, seconds: float) -> float:
        """RMS of what the sink plays over `seconds` (raw float samples from its monitor)."""
        rec = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--raw", "--format=float32le",
             f"--rate={RATE}", "--channels=2"], env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(rec.stdout.read()), daemon=True)
        reader.start()
        time.sleep(seconds)
        rec.send_signal(signal.SIGINT)
        rec.wait(10)
        reader.join(10)
        data = np.frombuffer(b"".join(chunks), dtype="<f4")
        return float(np.sqrt(np.mean(data.astype(np.float64) ** 2))) if data.size else 0.0


@pytest.fixture
def pulse(tmp_path):
    server = Pulse(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class Lines:
    """A child's stdout lines as they come, read by a thread."""

    def __init__(self, proc: subprocess.Popen):
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc) -> None:
        for line in proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_for(self, text: str, timeout: float) -> None:
        with self._cond:
            ok = self._cond.wait_for(lambda: any(text in l for l in self.lines), timeout)
        assert ok, f"never printed {text!r}: {self.lines}"


def play(pulse: Pulse, *args: str) -> tuple[subprocess.Popen, Lines]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ambience", "play", "--audio", "auto", "--layer", "pink=0.6",
         *args], env=pulse.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL)
    return proc, Lines(proc)


def test_the_player_outlives_a_restarted_sound_server_and_its_sound_comes_back(pulse):
    proc, out = play(pulse, "--timer", "1h")
    try:
        out.wait_for("playing", 60)
        time.sleep(3.5)  # past the fade-in
        before = pulse.record_rms(2.0)
        pulse.kill()
        out.wait_for("sound server lost, reconnecting", 30)
        assert proc.poll() is None, "the player died with the sound server"
        pulse.start()
        out.wait_for("sound back", 60)
        time.sleep(3.5)  # the 3 s fade-in after the return
        after = pulse.record_rms(2.0)
        proc.send_signal(signal.SIGINT)
        proc.wait(15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read()
    assert proc.returncode == 0, err
    assert err == ""  # nothing from PortAudio or ALSA reaches the terminal
    assert before > 0.01
    assert 20 * np.log10(after / before) == pytest.approx(0.0, abs=3.0)


def test_the_player_ends_at_its_timer_when_the_sound_server_never_returns(pulse):
    proc, out = play(pulse, "--timer", "12s", "--fade", "3s")
    try:
        out.wait_for("playing", 60)
        started = time.monotonic()
        pulse.kill()
        out.wait_for("sound server lost", 30)
        proc.wait(40)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read()
    assert out.lines[-1] == "timer ended: quitting"
    assert took < 20.0


async def test_the_mixer_outlives_a_restarted_sound_server_and_its_sound_comes_back(
        pulse, monkeypatch, tmp_path):
    from ambience.tui.app import AmbienceApp

    for var in ("XDG_RUNTIME_DIR", "HOME", "PULSE_RUNTIME_PATH"):
        monkeypatch.setenv(var, pulse.env[var])
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        (tmp_path / var.lower()).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    from ambience.core.mix import Layer, Mix
    from ambience.library.preset import preset_from_mix
    from ambience.library.presets import save_last_session

    # a steady sound, so that the two recordings compare the output, not the mix's events
    # (the default preset has thunder, whose rolls stand 15 dB over the rain)
    save_last_session(preset_from_mix(Mix(1.0, (Layer("pink", 0.6),)), "Steady"))
    app = AmbienceApp("auto")

    async def until(pilot, check, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, what
            await pilot.pause(0.1)

    def faded_in() -> bool:
        engine = app.engine
        return (engine is not None and not engine.lost and engine.playing() == ["pink"]
                and engine.master_envelope_value() >= 1.0)

    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.engine is not None, 60, "the engine never started")
        # the layer built in the engine's process, then its fade-in (the master envelope
        # back at 1): what a fixed 6 s pause waited for
        await until(pilot, faded_in, 60, "the sound never faded in")
        before = pulse.record_rms(2.0)
        pulse.kill()
        await until(pilot, lambda: "lost" in app.header.output, 30, "the loss was not shown")
        pulse.start()
        await until(pilot, lambda: "lost" not in app.header.output, 60, "never reconnected")
        await until(pilot, faded_in, 60, "the sound never faded in again")  # was 4 s
        after = pulse.record_rms(2.0)
        assert app.is_running
    assert before > 0.001
    assert 20 * np.log10(after / before) == pytest.approx(0.0, abs=3.0)
