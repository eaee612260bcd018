"""File layers stream from disk: bounded memory, clean resampling, files that go away, slow disks.

Real-time behaviour is tested on a manual server paced to the wall clock, with the layer in
real-time mode (its reader thread and the audio-thread watchdog), so that a stalled reader
meets a sound that keeps moving.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy import signal

from ambience.core.mix import Layer, Mix
from ambience.engine import Engine, EngineError
from ambience.engine.file_layer import LOW_SECONDS, FileLayer, decode
from ambience.engine.loop_stream import LoopStream, crossfade_for
from ambience.library.catalog import SoundInfo
from tests import analysis as A
from tests.conftest import RATE


def sine(freq: float, seconds: float, rate: int = RATE, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = amp * np.sin(2 * np.pi * freq * t)
    return np.stack([x, x], axis=1).astype(np.float32)


def write_chunked(path: Path, data: np.ndarray, rate: int, **kw) -> str:
    """soundfile's Vorbis encoder crashes on one large write: write in pieces."""
    with soundfile.SoundFile(str(path), "w", rate, data.shape[1], **kw) as f:
        for i in range(0, len(data), 65536):
            f.write(data[i:i + 65536])
    return str(path)


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def engine_with(rate: int = RATE, **layer_options) -> Engine:
    """A manual engine whose file layers get `layer_options` (ring size, real-time mode...)."""

    def factory(info: SoundInfo, extra: dict):
        return FileLayer(path=info.path, crossfade=info.crossfade, sr=rate,
                         **{**extra, **layer_options})

    return Engine("manual", rate=rate, seed=1, fade_in=0.0, layer_factory=factory)


def render_paced(engine: Engine, seconds: float, step: float = 0.02, on_step=None,
                 until=None):
    """Render `seconds` no faster than real time (as a sound card would pull it), or less
    once `until()` holds."""
    chunks = []
    t0 = time.monotonic()
    done = 0.0
    while done < seconds - 1e-9 and not (until is not None and until()):
        if on_step is not None:
            on_step(done)
        chunks.append(engine.render(step))
        done += len(chunks[-1]) / engine.rate  # whole buffers: a little more than `step`
        delay = t0 + done - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return np.concatenate(chunks)


def largest_step(x: np.ndarray) -> float:
    return float(np.max(np.abs(np.diff(x, axis=0))))


# ------------------------------------------------------------------------------ memory
@pytest.mark.slow  # encodes and streams a 20-minute file
def test_memory_does_not_grow_with_the_length_of_the_file(tmp_path):
    # 20 minutes: decoded whole it would take 20 x 23.4 = 469 MB
    path = tmp_path / "long.flac"
    block = sine(220.0, 60.0, amp=0.1)
    with soundfile.SoundFile(str(path), "w", RATE, 2, format="FLAC") as f:
        for _ in range(20):
            f.write(block)
    before = rss_kib()
    engine = Engine("manual", rate=RATE, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(str(path), 1.0),)), ramp=0.0)
        out = engine.render(3.0)
        grown_mib = (rss_kib() - before) / 1024
        layer = engine._slots[str(path)].layer
        ring_mib = layer.ring * 2 * 4 / 2**20
    finally:
        engine.close()
    assert A.rms_db(out[RATE:]) > -30, "the long file does not sound"
    assert ring_mib < 5.0, f"ring of {ring_mib:.1f} MiB"
    assert grown_mib < 40.0, f"the process grew by {grown_mib:.0f} MiB for a 20-minute file"


@pytest.mark.slow  # encodes 220 s of Vorbis
def test_the_ring_is_the_same_size_for_a_short_and_a_long_file(tmp_path, engine):
    short = write_chunked(tmp_path / "short.ogg", sine(300, 20.0), RATE, format="OGG")
    long = write_chunked(tmp_path / "long.ogg", sine(300, 200.0), RATE, format="OGG")
    sizes = []
    for path in (short, long):
        layer = FileLayer(path=path, sr=RATE)
        sizes.append((layer.ring, layer.stream.frames))
        layer.close()
    assert sizes[0][0] == sizes[1][0]
    assert sizes[1][1] > 9 * sizes[0][1]


# ------------------------------------------------------------------------------ formats
@pytest.mark.parametrize(("suffix", "fmt", "subtype"), [
    ("wav", "WAV", "PCM_16"), ("flac", "FLAC", "PCM_16"), ("ogg", "OGG", "VORBIS"),
    ("opus", "OGG", "OPUS"), ("mp3", "MP3", "MPEG_LAYER_III")])
def test_every_format_streams_through_a_ring_smaller_than_the_file(tmp_path, suffix, fmt,
                                                                   subtype):
    rng = np.random.default_rng(8)
    data = (0.2 * rng.uniform(-1, 1, (6 * RATE, 2))).astype(np.float32)
    path = write_chunked(tmp_path / f"clip.{suffix}", data, RATE, format=fmt, subtype=subtype)
    decoded, rate = decode(Path(path))
    engine = engine_with(ring=1.0)
    try:
        engine.apply(Mix(1.0, (Layer(path, 1.0),)), ramp=0.0)
        out = engine.render(4.0)
    finally:
        engine.close()
    # the output is the file itself, sample for sample, after the master chain's delay and
    # its start (three wraps of the ring)
    lag = int(np.argmax(signal.correlate(out[:RATE, 0], decoded[:RATE // 2, 0], "valid")))
    got = out[lag + RATE // 2:lag + 7 * RATE // 2, 0]
    want = decoded[RATE // 2:7 * RATE // 2, 0]
    scale = float(np.dot(got, want) / np.dot(want, want))
    residual = A.db(np.std(got - scale * want) / np.std(want))
    assert residual < -60, f"{suffix}: the stream differs from the file by {residual:.1f} dB"


def test_a_format_soundfile_cannot_decode_is_named_with_the_file(tmp_path):
    bad = tmp_path / "recording.opus"
    bad.write_bytes(b"OggS" + bytes(range(256)) * 20)
    engine = Engine("manual", rate=RATE, fade_in=0.0)
    try:
        with pytest.raises(EngineError, match=r"recording\.opus: cannot decode this file"):
            engine.apply(Mix(1.0, (Layer(str(bad), 0.5),)))
    finally:
        engine.close()


def test_the_stream_is_the_loop_of_the_file_with_an_equal_power_seam(tmp_path):
    rng = np.random.default_rng(9)
    data = (0.2 * rng.uniform(-1, 1, (2 * RATE, 2))).astype(np.float32)
    path = tmp_path / "loop.wav"
    soundfile.write(str(path), data, RATE, subtype="FLOAT")
    stream = LoopStream(path, RATE)
    out = np.concatenate([stream.next_block() for _ in range(40)])
    stream.close()
    x = int(crossfade_for(2.0) * RATE)
    period = len(data) - x
    t = (np.arange(x) + 0.5) / x
    seam = data[-x:] * np.cos(np.pi / 2 * t)[:, None] + data[:x] * np.sin(np.pi / 2 * t)[:, None]
    np.testing.assert_array_equal(out[:period], data[:period])
    np.testing.assert_allclose(out[period:period + x], seam, atol=1e-6)
    np.testing.assert_array_equal(out[period + x:2 * period], data[x:period])
    np.testing.assert_allclose(out[2 * period:2 * period + x], seam, atol=1e-6)


def test_a_live_engine_streams_a_file_through_its_reader_thread(tmp_path):
    path = write_chunked(tmp_path / "live.ogg", sine(300, 30.0), RATE, format="OGG")
    engine = Engine("null", rate=RATE, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(path, 1.0),)), ramp=0.0)
        layer = engine._slots[path].layer
        assert layer.realtime and layer._thread.is_alive()
        engine.levels()  # meters on
        time.sleep(2.0)
        level = max(engine.levels().layers[path])
        ahead = layer.ahead_seconds()
    finally:
        engine.close()
    assert level > 0.1, f"meter at {level:.3f}"
    assert ahead > 5.0, f"only {ahead:.1f} s decoded ahead"
    assert layer.stalls == 0 and layer.problem is None
    assert not layer._thread.is_alive(), "the reader thread outlived the engine"


# ------------------------------------------------------------------------------ resampling
def test_a_44_1_khz_sweep_is_resampled_with_images_at_least_60_db_down(tmp_path):
    rate = 44100
    sweep_s, total_s = 8.5, 12.0
    t = np.arange(int(total_s * rate)) / rate
    freq = 20.0 + (20000.0 - 20.0) * np.minimum(t / sweep_s, 1.0)
    x = 0.3 * np.sin(2 * np.pi * np.cumsum(freq) / rate)
    path = tmp_path / "sweep.wav"
    soundfile.write(str(path), np.stack([x, x], axis=1), rate, subtype="FLOAT")
    engine = Engine("manual", rate=RATE, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(str(path), 1.0),)), ramp=0.0)
        out = engine.render(8.6)[:, 0]
    finally:
        engine.close()
    nper = 2048
    f, times, z = signal.stft(out, RATE, window=("kaiser", 20), nperseg=nper, noverlap=nper // 2)
    mag = np.abs(z)
    worst = -np.inf
    for j, tj in enumerate(times):
        if not 0.2 < tj < 8.4:
            continue
        k = int(np.argmax(mag[:, j]))
        want = 20.0 + (20000.0 - 20.0) * min(tj / sweep_s, 1.0)
        assert abs(f[k] - want) < 150, f"at {tj:.2f} s the tone is at {f[k]:.0f} Hz"
        away = np.abs(f - f[k]) > 500
        worst = max(worst, A.db(mag[away, j].max() / mag[k, j]))
    assert worst <= -60, f"an image or alias only {-worst:.1f} dB down"


# ------------------------------------------------------------------------------ failures
@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_a_file_that_goes_away_while_playing_fades_out_and_the_rest_plays_on(tmp_path, how):
    going = write_chunked(tmp_path / "going.flac", sine(1000, 30.0), RATE, format="FLAC")
    staying = write_chunked(tmp_path / "staying.flac", sine(200, 30.0), RATE, format="FLAC")
    engine = Engine("manual", rate=RATE, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(going, 1.0), Layer(staying, 1.0))), ramp=0.0)
        before = engine.render(2.0)
        if how == "deleted":
            os.unlink(going)
        else:
            with open(going, "r+b") as f:
                f.truncate(os.path.getsize(going) // 3)
        after = engine.render(4.0)
        problems = dict(engine.problems)
        playing = engine.playing()
        engine.apply(Mix(1.0, (Layer(going, 0.8), Layer(staying, 0.8))))  # a slider move
    finally:
        engine.close()
    word = "disappeared" if how == "deleted" else "cut short"
    assert going in problems and "going.flac" in problems[going] and word in problems[going]
    assert playing == [staying], "the failed layer is stopped once silent"
    out = np.concatenate([before, after])
    own = largest_step(sine(1000, 0.01)) + largest_step(sine(200, 0.01))
    assert largest_step(out[int(0.05 * RATE):]) <= own * 1.05, "a click"

    def level(x, freq):
        spec = np.abs(np.fft.rfft(x[:, 0] * np.hanning(len(x))))
        fr = np.fft.rfftfreq(len(x), 1 / RATE)
        return A.db(spec[np.abs(fr - freq) < 20].max() / len(x))

    last = after[-RATE:]
    assert level(last, 1000) < level(before[RATE:], 1000) - 80, "the gone file still sounds"
    assert abs(level(last, 200) - level(before[RATE:], 200)) < 0.5, "the other layer changed"


# ------------------------------------------------------------------------------ slow disks
class Throttle:
    """An opener whose reads hang while `until` is in the future (a stalled network drive)."""

    def __init__(self):
        self.until = 0.0
        self.reads_during_stall = 0

    def __call__(self, path: Path):
        throttle = self
        inner = soundfile.SoundFile(str(path))

        class Stalling:
            def __getattr__(self, name):
                return getattr(inner, name)

            def read(self, *args, **kwargs):
                wait = throttle.until - time.monotonic()
                if wait > 0:
                    throttle.reads_during_stall += 1
                    time.sleep(wait)
                return inner.read(*args, **kwargs)

        return Stalling()


def play_with_a_stall(tmp_path, stall: float, seconds: float, ring: float = 3.0):
    path = write_chunked(tmp_path / "steady.flac", sine(440, 60.0), RATE, format="FLAC")
    throttle = Throttle()
    engine = engine_with(ring=ring, realtime=True, opener=throttle)
    try:
        engine.apply(Mix(1.0, (Layer(path, 1.0),)), ramp=0.0)
        layer = engine._slots[path].layer
        # the reader fills the ring (in well under `ring` seconds: it decodes ~8x faster
        # than the sound plays); the stall starts from a full ring
        render_paced(engine, ring, until=lambda: layer.ahead_seconds()
                     >= layer.holdout_seconds + LOW_SECONDS)
        assert layer.ahead_seconds() >= layer.holdout_seconds + LOW_SECONDS

        def stall_once(done, started=[]):  # noqa: B006 - once per run
            if not started and done >= 0.5:
                started.append(done)
                throttle.until = time.monotonic() + stall

        out = render_paced(engine, seconds, on_step=stall_once)
        return out, layer.holdout_seconds, layer.stalls, throttle.reads_during_stall
    finally:
        engine.close()


@pytest.mark.slow  # stalls a live engine's reader for seconds of wall-clock time
def test_a_reader_stalled_for_less_than_the_designed_holdout_causes_no_dropout(tmp_path):
    out, holdout, stalls, stalled_reads = play_with_a_stall(tmp_path, stall=1.7, seconds=4.0)
    assert holdout > 2.0, holdout  # a 3 s ring holds out 2.3 s; the default 11 s ring 10.2 s
    assert stalled_reads >= 1, "the stall never reached the reader"
    assert stalls == 0
    rms = A.short_term_rms_db(out, RATE, 0.01)
    assert rms.min() > A.rms_db(sine(440, 1.0)) - 0.5, "a dropout"


@pytest.mark.slow  # stalls a live engine's reader for seconds of wall-clock time
def test_a_reader_stalled_past_the_holdout_fades_out_then_back_in_without_a_click(tmp_path):
    out, holdout, stalls, _ = play_with_a_stall(tmp_path, stall=3.5, seconds=6.0)
    assert stalls == 1
    rms = A.short_term_rms_db(out, RATE, 0.01)
    assert rms.min() < -80, "the layer never went quiet"
    assert rms[-50:].min() > A.rms_db(sine(440, 1.0)) - 0.5, "it did not come back"
    assert largest_step(out) <= largest_step(sine(440, 0.01)) * 1.05, "a click"
