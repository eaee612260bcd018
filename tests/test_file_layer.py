"""Audio files as layers: any format, true pitch, seamless crossfaded loops."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from ambience.engine import Engine, EngineError
from ambience.engine.file_layer import crossfade_for, decode
from ambience.core.mix import Layer, Mix
from tests import analysis as A
from tests.conftest import RATE, write_audio


def play(path: str, seconds: float, rate: int = RATE) -> np.ndarray:
    engine = Engine("manual", rate=rate, seed=1, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(path, 1.0),)), ramp=0.0)
        return engine.render(seconds)
    finally:
        engine.close()


def smooth_mismatched(seconds: float, rate: int, seed: int = 0) -> np.ndarray:
    """Low-passed noise whose end (-0.2) is far from its start (+0.2): a naive loop jumps."""
    rng = np.random.default_rng(seed)
    sos = signal.butter(4, 300, "lowpass", fs=rate, output="sos")
    x = signal.sosfiltfilt(sos, rng.standard_normal(int(seconds * rate)))
    x = 0.05 * x / np.std(x)
    x += np.linspace(0.2, -0.2, len(x))
    return np.stack([x, x[::-1]], axis=1)


def test_a_mismatched_file_loops_with_no_jump_at_the_seam(tmp_path):
    data = smooth_mismatched(6.0, RATE)
    path = write_audio(tmp_path / "seam.wav", data, RATE, subtype="FLOAT")
    own_step = np.max(np.abs(np.diff(data, axis=0)))
    assert abs(data[-1, 0] - data[0, 0]) > 50 * own_step, "the file itself would click"
    period = 6.0 - crossfade_for(6.0)
    out = play(path, 3.0 + 3.5 * period)  # start-up crossfade, then three seams and more
    steps = np.max(np.abs(np.diff(out[int(0.1 * RATE):], axis=0)))
    assert steps <= own_step * 1.05, f"largest step {steps:.5f} vs the file's {own_step:.5f}"


def test_loop_crossfades_keep_short_term_rms_flat_within_1_db(tmp_path):
    rng = np.random.default_rng(3)
    sos = signal.butter(2, [200, 8000], "bandpass", fs=RATE, output="sos")
    noise = signal.sosfilt(sos, rng.standard_normal((8 * RATE, 2)), axis=0)
    noise = 0.1 * noise / np.std(noise)
    path = write_audio(tmp_path / "noise.wav", noise, RATE, subtype="FLOAT")
    xfade = crossfade_for(8.0)
    period = 8.0 - xfade
    out = play(path, xfade + 3 * period + 1.0)
    steady = out[int(xfade * RATE) :]  # after the looper's own start-up fade-in
    rms = A.short_term_rms_db(steady, RATE, 0.05)
    reference = A.rms_db(noise)
    assert np.all(np.abs(rms - reference) <= 1.0), (
        f"RMS from {rms.min() - reference:+.2f} to {rms.max() - reference:+.2f} dB"
    )


def test_a_44_1_khz_file_plays_at_its_true_pitch_on_a_48_khz_server(tmp_path):
    rate = 44100
    t = np.arange(10 * rate) / rate
    path = write_audio(tmp_path / "a1000.wav", 0.3 * np.sin(2 * np.pi * 1000.0 * t), rate)
    out = play(path, 6.0)[: 4 * RATE, 0]
    spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
    freqs = np.fft.rfftfreq(len(out), 1 / RATE)
    assert freqs[np.argmax(spectrum)] == pytest.approx(1000.0, abs=1.0)


@pytest.mark.parametrize(("suffix", "fmt"), [("flac", "FLAC"), ("ogg", "OGG"), ("mp3", "MP3"),
                                             ("wav", "WAV")])
def test_every_supported_format_plays(tmp_path, suffix, fmt):
    rng = np.random.default_rng(5)
    data = 0.2 * rng.uniform(-1, 1, (3 * 44100, 2))
    path = tmp_path / f"clip.{suffix}"
    write_audio(path, data, 44100, format=fmt)
    out = play(str(path), 2.0)
    assert A.rms_db(out[RATE:]) > -30


def test_a_mono_file_sounds_in_both_channels(tmp_path):
    rng = np.random.default_rng(6)
    path = write_audio(tmp_path / "mono.wav", 0.2 * rng.uniform(-1, 1, 4 * RATE), RATE)
    out = play(path, 3.0)[RATE:]
    assert A.rms_db(out[:, 0]) > -30 and A.rms_db(out[:, 1]) > -30


def test_mp3_padding_and_silent_ends_are_trimmed_so_the_loop_has_no_gap(tmp_path):
    rng = np.random.default_rng(7)
    body = 0.2 * rng.uniform(-1, 1, (2 * RATE, 2))
    padded = np.concatenate([np.zeros((1400, 2)), body, np.zeros((1400, 2))])
    path = write_audio(tmp_path / "padded.wav", padded, RATE, subtype="FLOAT")
    data, rate = decode(tmp_path / "padded.wav")
    assert len(data) == len(body) and rate == RATE
    out = play(path, 5.0)[RATE:]
    rms = A.short_term_rms_db(out, RATE, 0.01)
    assert rms.min() > A.rms_db(body) - 6, "a gap at the loop point"


def test_short_files_get_a_shorter_crossfade():
    assert crossfade_for(60.0) == 3.0
    assert crossfade_for(2.0) == 0.5
    assert crossfade_for(60.0, wanted=5.0) == 5.0


def test_a_file_that_cannot_be_decoded_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "broken.flac"
    bad.write_bytes(b"not audio at all" * 100)
    engine = Engine("manual", rate=RATE, fade_in=0.0)
    try:
        with pytest.raises(EngineError, match="broken.flac"):
            engine.apply(Mix(1.0, (Layer(str(bad), 0.5),)))
    finally:
        engine.close()
