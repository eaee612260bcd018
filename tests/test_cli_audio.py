"""The first commands on a machine with no sound card: render works, play explains itself."""

from __future__ import annotations

import functools
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile

from tests import analysis as A

AMBIENCE = [sys.executable, "-m", "ambience"]
NOISE_MARKERS = ("ALSA lib", "Traceback", "jack", "JACK server", "Portmidi", "pyo")


def run(args, env_extra=None, timeout=60):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(AMBIENCE + args, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


@functools.lru_cache(maxsize=1)
def output_device_count() -> str:
    """How many audio outputs this machine has, asked once (a process that loads pyo)."""
    probe = subprocess.run(
        [sys.executable, "-c", "from ambience.engine import output_devices as o; print(len(o()))"],
        capture_output=True, text=True, timeout=60,
    )
    return probe.stdout.strip()


def no_sound_card(tmp_path) -> dict:
    """These tests are about a machine without a sound card, like CI's and the build box.
    (A hand-made empty ALSA configuration makes libasound abort, so it cannot be faked.)"""
    if output_device_count() != "0":
        pytest.skip("this machine has an audio output device; CI has none and runs this test")
    return {}


def no_audio_at_all(tmp_path) -> dict:
    """An environment where any use of ALSA fails: its configuration file does not exist."""
    return {"ALSA_CONFIG_PATH": str(tmp_path / "no-such-alsa.conf")}


def test_render_writes_the_mix_to_a_file_without_a_sound_card(tmp_path):
    """On any machine: ALSA is pointed at a configuration that does not exist, so a render that
    so much as listed the audio devices would abort (as `ambience devices` then does)."""
    out = tmp_path / "mix.flac"
    result = run(["render", "--layer", "pink=0.6", "--layer", "brown=0.4", "--duration", "10s",
                  "--output", str(out), "--seed", "3"], no_audio_at_all(tmp_path))
    assert result.returncode == 0, result.stderr
    data, rate = soundfile.read(str(out))
    assert rate == 48000 and data.shape == (10 * 48000, 2)
    assert A.rms_db(data[4 * rate :]) > -40
    assert result.stdout.strip() == "" or "Traceback" not in result.stdout


def test_with_alsa_unconfigured_listing_devices_fails(tmp_path):
    """The premise of the render test above: without a configuration, libasound gives up."""
    result = run(["devices"], no_audio_at_all(tmp_path))
    assert result.returncode != 0


def test_render_is_reproducible_with_a_seed(tmp_path):
    from ambience.cli import main

    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    # one render a process of its own, the other in this one: two processes (their own hash
    # seeds, their own start) and no state shared between the two renders
    assert run(["render", "-l", "pink=0.5", "-d", "3s", "-o", str(a), "--seed", "9"]
               ).returncode == 0
    assert main(["render", "-l", "pink=0.5", "-d", "3s", "-o", str(b), "--seed", "9"]) == 0
    assert np.array_equal(soundfile.read(str(a))[0], soundfile.read(str(b))[0])


def test_render_with_an_unknown_sound_names_it_and_suggests(tmp_path):
    result = run(["render", "-l", "pnik=0.5", "-d", "3s", "-o", str(tmp_path / "x.wav")])
    assert result.returncode == 2
    assert "pnik" in result.stderr and "pink" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.wav").exists()


def test_render_refuses_an_unknown_extension_before_rendering(tmp_path):
    result = run(["render", "-l", "pink=0.5", "-d", "3s", "-o", str(tmp_path / "x.aiff")])
    assert result.returncode == 2 and ".wav, .flac or .ogg" in result.stderr


def test_a_bad_layer_argument_is_explained(tmp_path):
    result = run(["render", "-l", "pink", "-d", "3s", "-o", str(tmp_path / "x.wav")])
    assert result.returncode == 2 and "SOUND=LEVEL" in result.stderr
    result = run(["render", "-l", "pink=2", "-d", "3s", "-o", str(tmp_path / "x.wav")])
    assert result.returncode == 2 and "between 0 and 1" in result.stderr


def test_play_without_any_output_device_says_how_to_go_on_and_exits_2(tmp_path):
    result = run(["play", "--layer", "pink=0.5"], no_sound_card(tmp_path))
    assert result.returncode == 2
    assert "--audio jack" in result.stderr and "--audio null" in result.stderr
    for marker in NOISE_MARKERS:
        assert marker not in result.stdout
    assert "ALSA lib" not in result.stderr and "Traceback" not in result.stderr


def test_devices_lists_outputs_or_says_there_are_none(tmp_path):
    result = run(["devices"], no_sound_card(tmp_path))
    assert result.returncode == 0
    assert "No audio output device" in result.stdout
    assert "ALSA lib" not in result.stdout + result.stderr


def test_play_through_jack_without_a_jack_server_says_so(tmp_path):
    env = {"JACK_DEFAULT_SERVER": "ambience-test-no-such-server"}
    result = run(["play", "--audio", "jack", "--layer", "pink=0.5"], env)
    assert result.returncode == 2
    assert "No JACK server is running" in result.stderr
    assert "Traceback" not in result.stderr and "Cannot connect" not in result.stderr


def test_run_as_the_program_numpy_gets_one_blas_thread_unless_the_user_chose(monkeypatch):
    """OpenBLAS's idle threads spin: one thread halves the CPU of a short render's start."""
    from ambience.cli import main

    # the premise: parsing the command line has not loaded numpy, which reads it at load
    done = subprocess.run([sys.executable, "-c", "import sys, ambience.cli; "
                           "print(sorted(m for m in sys.modules if m.startswith('numpy')))"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
    monkeypatch.setattr(sys, "argv", ["ambience", "presets"])
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    assert main() == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"  # the user's own setting
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    assert main(["presets"]) == 0
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # a caller's environment is its own
    assert main() == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
