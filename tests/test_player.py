"""The headless player, `ambience play`, run for real: a subprocess on the null back-end
(real-time paced, no sound card) and, for the `stop` end action, the player loop in-process."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import numpy as np
import pytest

AMBIENCE = str(Path(sys.executable).with_name("ambience"))
PLAY = [AMBIENCE, "play", "--audio", "null", "--layer", "pink=0.5"]
TIMER = ["--timer", "5s", "--fade", "2s"]


def start(args, **kw) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def finish(proc: subprocess.Popen, timeout: float) -> tuple[str, str]:
    out, err = proc.communicate(timeout=timeout)
    return out.decode(), err.decode()


class PtyRun:
    """The player on a pseudo-terminal, as a user would run it: rich draws its live line."""

    def __init__(self, args):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = b""

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    return
                if not chunk:
                    return
                self.output += chunk
            elif self.proc.poll() is not None:
                return

    def wait(self, timeout: float) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump(0.05)
        self.pump(0.2)
        return self.proc.wait(timeout=max(0.1, end - time.monotonic()))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def timed_lines(proc: subprocess.Popen, timeout: float) -> list[tuple[float, str]]:
    """The player's plain output lines with the moment each arrived, until it exits."""
    out: list[tuple[float, str]] = []
    end = time.monotonic() + timeout
    for raw in proc.stdout:
        out.append((time.monotonic(), raw.decode().rstrip("\n")))
        assert time.monotonic() < end, "the player did not end by itself"
    proc.wait(timeout=max(0.1, end - time.monotonic()))
    return out


def wait_for_first_line(proc: subprocess.Popen, timeout: float = 30.0) -> str:
    """The player's first line ("playing ...", printed once its signal handlers are in and
    the sound has started): what the tests below waited a fixed 1.5-2 s for."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the player printed nothing"
    line = proc.stdout.readline()
    line = line.decode() if isinstance(line, bytes) else line
    assert line.startswith("playing"), line
    return line


@pytest.fixture(scope="module")
def timed_run():
    """The player with a 5 s timer and a 2 s fade, run once for the two tests that read it
    (lines with the moment each arrived, the moment it ended, exit status, stderr)."""
    proc = start(PLAY + TIMER)
    lines = timed_lines(proc, timeout=30)
    ended = time.monotonic()
    return lines, ended, proc.returncode, proc.stderr.read()


@pytest.mark.slow  # seconds of wall-clock time
@pytest.mark.xdist_group("player-timer")
def test_timer_ends_the_player_by_itself_on_time(timed_run):
    """Counted from the first line (the sound has started: start-up time, which varies with
    the machine's load, is not the timer's), the player ends at the deadline: never early,
    and not seconds late (the exact deadline is pinned in samples in test_session.py)."""
    lines, ended, status, err = timed_run
    assert status == 0, err
    assert err == b""
    took = ended - lines[0][0]
    assert 4.9 <= took <= 7.0, f"took {took:.2f} s from the first line"


@pytest.mark.slow  # seconds of wall-clock time
@pytest.mark.xdist_group("player-timer")
def test_plain_lines_when_stdout_is_not_a_terminal(timed_run):
    timed, _, status, err = timed_run
    assert status == 0, err
    lines = [line for _, line in timed]
    out = "".join(line + "\n" for line in lines)
    assert lines[0].startswith("playing custom mix: pink 0.50")
    assert "timer 5s, fade 2s, then quit" in lines[0]
    assert any(line.startswith("fading out") for line in lines)
    assert lines[-1] == "timer ended: quitting"
    assert "\x1b" not in out  # no cursor movement, no colour codes in a log


@pytest.mark.slow  # seconds of wall-clock time
def test_sigint_fades_out_and_exits_0_leaving_the_terminal_clean():
    run = PtyRun(PLAY + ["--timer", "1h"])
    try:
        deadline = time.monotonic() + 30.0
        while b"left" not in run.output and time.monotonic() < deadline:
            run.pump(0.05)
        assert run.proc.poll() is None, run.output
        assert b"left" in run.output  # the live status line is drawn
        sent = time.monotonic()
        run.proc.send_signal(signal.SIGINT)
        status = run.wait(timeout=5.0)
        took = time.monotonic() - sent
    finally:
        run.close()
    text = run.output.decode(errors="replace")
    assert status == 0
    assert took < 2.0, f"took {took:.2f} s to stop"
    assert 0.9 < took, "a calm stop fades out over about a second"
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    hidden = text.rfind("\x1b[?25l")
    shown = text.rfind("\x1b[?25h")
    assert shown > hidden, "the cursor is shown again"
    assert "\x1b[?1049h" not in text  # never switched to the alternate screen
    assert text.rstrip(" ").endswith(("\r\n", "\n", "\x1b[?25h"))  # the prompt starts clean


@pytest.mark.slow  # seconds of wall-clock time
def test_sigint_on_a_pipe_exits_0_within_2_seconds_without_a_traceback():
    proc = start(PLAY + ["--timer", "1h"])
    first = wait_for_first_line(proc)
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = finish(proc, timeout=10)
    assert proc.returncode == 0
    assert time.monotonic() - sent < 2.0
    assert "Traceback" not in err and err == ""
    assert "stopping: fading out over 1s" in first + out


@pytest.mark.slow  # seconds of wall-clock time
def test_sigterm_stops_calmly_too():
    proc = start(PLAY)
    wait_for_first_line(proc)
    proc.send_signal(signal.SIGTERM)
    out, err = finish(proc, timeout=10)
    assert proc.returncode == 0
    assert err == ""
    assert "stopping" in out


@pytest.mark.slow  # seconds of wall-clock time
def test_a_second_ctrl_c_exits_at_once():
    proc = start(PLAY)
    wait_for_first_line(proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.1)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = finish(proc, timeout=10)
    took = time.monotonic() - sent
    assert proc.returncode == 0
    assert took < 0.7, f"took {took:.2f} s after the second Ctrl-C"
    assert "Traceback" not in err


@pytest.mark.slow  # seconds of wall-clock time
def test_preset_timer_defaults_apply_when_the_user_gives_none(tmp_path):
    preset = tmp_path / "short.toml"
    preset.write_text(
        'format = 1\nname = "Short nap"\n\n[timer]\nduration = "4s"\nfade = "1s"\n'
        'then = "quit"\n\n[[layers]]\nsound = "pink"\nlevel = 0.4\n'
    )
    proc = start([AMBIENCE, "play", str(preset), "--audio", "null"])
    lines = timed_lines(proc, timeout=30)
    ended = time.monotonic()
    assert proc.returncode == 0, proc.stderr.read()
    assert 3.9 <= ended - lines[0][0] <= 6.0  # from the first line: the sound has started
    assert lines[0][1].startswith("playing Short nap: pink 0.40")
    assert "timer 4s, fade 1s, then quit" in lines[0][1]


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "nothing to play"),
        (["--layer", "pink=0.5", "--fade", "2m"], "--fade needs a timer"),
        (["--layer", "pink=0.5", "--timer", "5m", "--fade", "10m"], "longer than the timer"),
        (["--layer", "pink=0.5", "--timer", "0"], "90s, 45m, 1h30m"),
        (["--layer", "pink=0.5", "--timer", "25h"], "longer than 24h"),
        (["--layer", "pink=0.5", "--timer", "soon"], "not a duration"),
        (["--layer", "nosuchsound=0.5"], "nosuchsound"),
        (["no such preset at all"], "no such preset at all"),
    ],
    ids=["no-layers", "fade-without-timer", "fade-too-long", "zero", "over-a-day", "nonsense",
         "unknown-sound", "unknown-preset"],
)
def test_bad_requests_get_one_clear_line_and_no_audio(args, message):
    proc = start([AMBIENCE, "play", "--audio", "null", *args])
    out, err = finish(proc, timeout=20)
    assert proc.returncode == 2
    assert message in err
    assert "Traceback" not in err
    assert "playing" not in out


@pytest.mark.slow  # seconds of wall-clock time
def test_end_action_stop_stays_open_silent_with_layers_stopped():
    from ambience.cli import player
    from ambience.engine import Engine
    from ambience.core.mix import Mix
    from ambience.core.timer import SleepTimer

    engine = Engine("null", fade_in=0)
    timer = SleepTimer(1.5, 0.5, "stop")
    interrupts = player.Interrupts()  # not installed: signals belong to pytest here
    result = {}

    def body():
        from rich.console import Console

        console = Console(file=open(os.devnull, "w"), force_terminal=False)
        result["status"] = player.play(engine, Mix().with_level("pink", 0.5), timer=timer,
                                       console=console, interrupts=interrupts)

    thread = threading.Thread(target=body)
    thread.start()
    try:
        assert until(lambda: engine.playing() == ["pink"], 10.0), engine.playing()
        assert until(lambda: engine.resting, 10.0), "never came to rest"  # past the deadline
        assert thread.is_alive(), "`stop` keeps the player open"
        assert engine.playing() == []
        assert engine.master_envelope_value() == 0.0
        assert engine.resting  # nothing computed for the rest of the night
        frames = engine.time()
        time.sleep(0.3)
        assert engine.time() == frames
    finally:
        interrupts.stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert result["status"] == 0


@pytest.mark.slow  # seconds of wall-clock time
def test_envelope_is_reanchored_to_the_deadline_when_the_audio_clock_lags(monkeypatch):
    """A sound card's clock drifts from the system's: the player re-issues the plan from the
    current level, so silence still comes on the (monotonic) deadline. Simulated here by a
    system clock that jumps 1 s ahead of the audio."""
    from ambience import session
    from ambience.cli import player
    from ambience.engine import Engine
    from ambience.core.mix import Mix
    from ambience.core.timer import SleepTimer

    monkeypatch.setattr(session, "RESYNC", 0.3)
    t0 = time.monotonic()

    def clock():  # one second ahead of the audio after the first second
        now = time.monotonic()
        return now + (1.0 if now - t0 > 1.0 else 0.0)

    engine = Engine("null", fade_in=0)
    timer = SleepTimer(8.0, 3.0, "stop", clock=clock)
    interrupts = player.Interrupts()
    thread = threading.Thread(target=player.play, args=(engine, Mix().with_level("pink", 0.5)),
                              kwargs=dict(timer=timer, clock=clock, interrupts=interrupts,
                                          console=_quiet_console()))
    thread.start()
    try:
        while not (timer.deadline and timer.remaining(clock()) < 0.5):
            time.sleep(0.01)
        half_a_second_before = engine.master_envelope_value()
        while not timer.expired(clock()):
            time.sleep(0.005)
        at_deadline = engine.master_envelope_value()
    finally:
        interrupts.stop.set()
        thread.join(timeout=5)
    # without re-anchoring the audio would still be a second early in its fade (about -30 dB here)
    assert 20 * np.log10(max(half_a_second_before, 1e-9)) < -45.0
    assert at_deadline < 10 ** (-60 / 20)


def until(check, timeout: float) -> bool:
    """Poll `check` every 10 ms until it holds (True) or `timeout` seconds pass (False)."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def _quiet_console():
    from rich.console import Console

    return Console(file=open(os.devnull, "w"), force_terminal=False)


@pytest.mark.slow  # seconds of wall-clock time
def test_a_file_that_disappears_while_playing_is_named_and_the_rest_plays_on(tmp_path):
    import soundfile

    going = tmp_path / "going.flac"
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(48000 * 20) / 48000)
    soundfile.write(str(going), np.stack([tone, tone], axis=1), 48000)
    proc = start([AMBIENCE, "play", "--audio", "null", "--layer", f"{going}=0.5",
                  "--layer", "pink=0.3"], text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("playing"), first
        going.unlink()
        line = proc.stdout.readline()  # the next line: the loss, named
        assert proc.poll() is None, "the player goes on"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "going.flac" in line and "disappeared" in line and "the rest plays on" in line
    assert proc.returncode == 0 and err == ""
