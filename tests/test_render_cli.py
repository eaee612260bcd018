"""`ambience render` with the sleep timer, its progress bar, and Ctrl-C leaving nothing behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

AMBIENCE = str(Path(sys.executable).with_name("ambience"))


def run(*args, timeout=60) -> subprocess.CompletedProcess:
    """`ambience render` as a process: for its exit status, signals and terminal."""
    return subprocess.run([AMBIENCE, "render", *args], capture_output=True, text=True,
                          timeout=timeout)


def render(*args) -> int:
    """`ambience render` called in this process (its status), where what is tested is the
    file it writes, not the process: a process adds 0.3-0.5 CPU-s of start-up."""
    from ambience.cli import main

    return main(["render", *args])


def second_db(audio: np.ndarray, rate: int) -> np.ndarray:
    """RMS level of every whole second, in dB."""
    n = len(audio) // rate
    x = audio[: n * rate].astype(np.float64).reshape(n, rate, -1)
    return 10 * np.log10(np.maximum(np.mean(x * x, axis=(1, 2)), 1e-30))


def test_render_with_a_timer_fades_to_silence_at_the_deadline(tmp_path):
    import soundfile

    out = tmp_path / "sleep.wav"
    assert render("--layer", "pink=0.5", "--duration", "24s", "--timer", "20s", "--fade", "10s",
                  "--seed", "1", "--output", str(out)) == 0
    audio, rate = soundfile.read(out)
    assert len(audio) == 24 * rate
    level = second_db(audio, rate)
    full = np.mean(level[4:10])
    assert np.all(np.abs(level[4:10] - full) < 1.0)  # holding at full level
    # half way through the fade: -30 dB on the dB-linear line (window 15..16 s, centre 15.5)
    assert level[15] - full == pytest.approx(-33.0, abs=2.0)
    assert np.all(np.diff(level[10:20]) < 0)  # falling all along the fade
    tail = audio[int(20.0 * rate):]
    assert np.max(np.abs(tail)) < 1e-6  # silent from the deadline on


def test_render_length_defaults_to_the_timer(tmp_path, capsys):
    import soundfile

    out = tmp_path / "nap.flac"
    assert render("--layer", "pink=0.5", "--timer", "6s", "--fade", "2s", "--output",
                  str(out)) == 0
    info = soundfile.info(out)
    assert info.frames == 6 * info.samplerate
    assert capsys.readouterr().out.strip() == f"wrote {out} (6s)"


def test_render_without_a_timer_does_not_fade(tmp_path):
    import soundfile

    out = tmp_path / "plain.wav"
    assert render("--layer", "pink=0.5", "--duration", "8s", "--output", str(out)) == 0
    audio, rate = soundfile.read(out)
    level = second_db(audio, rate)
    assert level[-1] > level[4] - 1.5


def test_preset_timer_is_used_once_a_timer_is_asked_for(tmp_path):
    import soundfile

    preset = tmp_path / "nap.toml"
    preset.write_text('format = 1\nname = "Nap"\n\n[timer]\nduration = "10s"\nfade = "4s"\n\n'
                      '[[layers]]\nsound = "pink"\nlevel = 0.5\n')
    faded = tmp_path / "faded.wav"
    assert render(str(preset), "--fade", "4s", "--output", str(faded)) == 0
    audio, rate = soundfile.read(faded)
    assert len(audio) == 10 * rate  # the preset's duration
    level = second_db(audio, rate)
    end = audio[-rate // 10:]
    assert 10 * np.log10(np.mean(end * end)) < level[4] - 60.0  # below -60 dB at the end
    plain = tmp_path / "plain.wav"
    assert render(str(preset), "--duration", "10s", "--output", str(plain)) == 0
    audio, rate = soundfile.read(plain)
    assert np.max(np.abs(audio[-rate // 4:])) > 1e-3  # no timer asked for: no fade


@pytest.mark.parametrize(
    "args,message",
    [
        (["--layer", "pink=0.5"], "add --duration"),
        (["--layer", "pink=0.5", "--timer", "1m", "--fade", "2m"], "longer than the timer"),
        (["--layer", "pink=0.5", "--duration", "1m", "--fade", "2m"], "--fade needs a timer"),
        (["--duration", "1m"], "nothing to render"),
    ],
    ids=["no-length", "fade-too-long", "fade-without-timer", "no-layers"],
)
def test_bad_render_requests_get_one_line(tmp_path, args, message):
    out = tmp_path / "x.wav"
    done = run(*args, "--output", str(out))
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_render_refuses_to_replace_a_file_without_force(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "sleep.wav"
    out.write_bytes(b"last night's render")
    done = run("--layer", "pink=0.5", "--duration", "2s", "--output", str(out))
    assert done.returncode == 2
    assert f"{out} already exists; add --force" in done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_bytes() == b"last night's render"
    assert [p.name for p in tmp_path.iterdir()] == ["sleep.wav"]  # no temporary file left
    assert render("--layer", "pink=0.5", "--duration", "2s", "--output", str(out),
                  "--force") == 0
    import soundfile

    assert soundfile.info(out).duration == pytest.approx(2.0)


def test_render_keeps_a_file_that_appears_while_rendering(tmp_path):
    from ambience.core.mix import Layer, Mix
    from ambience.render.offline import render_to_file
    from ambience.render.segment import RenderError

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "late.wav"

    def someone_else_writes(done: float) -> None:
        if not out.exists():
            out.write_bytes(b"theirs")

    with pytest.raises(RenderError, match="appeared while rendering"):
        render_to_file(Mix(1.0, (Layer("pink", 0.5),)), out, 1.0, workers=1, force=False,
                       progress=someone_else_writes)
    assert out.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["late.wav"]


def test_render_refuses_a_missing_folder_instead_of_creating_it(tmp_path):
    out = tmp_path / "no-such-folder" / "x.wav"
    done = run("--layer", "pink=0.5", "--duration", "2s", "--output", str(out))
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert not out.parent.exists()


@pytest.mark.parametrize("rate", ["1000", "8000", "384000", "48001", "fast"])
def test_render_refuses_a_rate_no_sound_card_uses(tmp_path, rate):
    out = tmp_path / "x.wav"
    done = run("--layer", "pink=0.5", "--duration", "2s", "--rate", rate, "--output", str(out))
    assert done.returncode == 2
    assert "22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_render_at_the_lowest_and_highest_rates_keeps_the_level(tmp_path):
    import soundfile

    levels = {}
    for rate in ("22050", "48k", "192000"):
        out = tmp_path / f"pink-{rate}.wav"
        assert render("--layer", "pink=0.5", "--duration", "4s", "--seed", "2", "--rate", rate,
                      "--output", str(out)) == 0
        audio, got = soundfile.read(out)
        assert got == (48000 if rate == "48k" else int(rate))
        levels[rate] = second_db(audio, got)[3]  # after the 3 s fade-in
    # at 1000 Hz the noise came out 27 dB too loud; pink noise is flat at every real rate
    assert abs(levels["22050"] - levels["48k"]) < 1.5
    assert abs(levels["192000"] - levels["48k"]) < 1.5


@pytest.mark.parametrize(
    "args,message",
    [
        (["--audio", "null"], "--audio does not apply to `ambience render` (a render writes a "
                              "file and uses no sound card)"),
        (["--device", "pulse"], "--device does not apply to `ambience render`"),
        (["--then", "stop"], "--then does not apply to `ambience render`; it is an option of "
                             "`ambience play`"),
        (["--volume", "3"], "unknown option --volume for `ambience render`"),
    ],
    ids=["audio", "device", "then", "unknown"],
)
def test_options_render_does_not_take_are_refused(tmp_path, args, message):
    out = tmp_path / "x.wav"
    done = run("--layer", "pink=0.5", "--duration", "2s", *args, "--output", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    # given before the command, where the mixer takes them, they are refused just the same
    if args[0] in ("--audio", "--device"):
        done = subprocess.run([AMBIENCE, *args, "render", "--layer", "pink=0.5", "--duration",
                               "2s", "--output", str(out)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2 and message in done.stderr and not out.exists()


def start_long_render(out: Path, *more: str) -> subprocess.Popen:
    return subprocess.Popen(
        [AMBIENCE, "render", "--layer", "pink=0.5", "--duration", "3h", "--timer", "3h",
         "--output", str(out), *more],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_temp_file(folder: Path, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(p.stat().st_size > 100_000 for p in folder.glob(".*")):
            return
        time.sleep(0.05)
    raise AssertionError("the render never started writing")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_render_leaves_no_file_behind(tmp_path, sig):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "sleep.flac"
    proc = start_long_render(out)
    wait_for_temp_file(folder)
    proc.send_signal(sig)
    # three hours take minutes to render: ending within the timeout means it stopped (how
    # soon is a figure for a benchmark, not for a test sharing the machine)
    stdout, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "render interrupted" in stderr and "was not written" in stderr
    assert list(folder.iterdir()) == []


def test_interrupted_render_keeps_an_existing_file_untouched(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "sleep.wav"
    out.write_bytes(b"an older render")
    proc = start_long_render(out, "--force")
    wait_for_temp_file(folder)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert out.read_bytes() == b"an older render"
    assert [p.name for p in folder.iterdir()] == ["sleep.wav"]


def test_progress_bar_on_a_terminal(tmp_path):
    import os
    import pty

    out = tmp_path / "bar.wav"
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    proc = subprocess.Popen([AMBIENCE, "render", "--layer", "pink=0.5", "--duration", "40s",
                             "--output", str(out)], stdin=slave, stdout=slave, stderr=slave,
                            env=env)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    proc.wait(timeout=60)
    os.close(master)
    text = data.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "rendering" in text
    assert "40s/40s" in text and "100%" in text
    assert "real time" in text
    assert "Traceback" not in text
    assert out.exists()
