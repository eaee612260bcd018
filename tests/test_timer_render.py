"""The sleep timer's fade as the engine plays it, measured on rendered audio (manual engine).

Two measurements of the same thing: the master envelope's value sampled after every buffer
(5.3 ms), and the rendered audio compared, 10 ms window by 10 ms window, with an unfaded
render of the very same signal, so the ratio is the applied gain, free of the source's own
fluctuations. The source is a steady noise file at a known level, played as a file layer:
unlike the synthesized noises it renders bit-identically in every engine of one process
(pyo's seeded generators give a different stream in a second server of the same process).
"""

from __future__ import annotations

import numpy as np
import pytest

from ambience.engine import Engine
from ambience.core.mix import Mix
from ambience.core.timer import RESTORE, SleepTimer

#: renders minutes of audio; one worker makes the module's shared renders once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("timer_render")]

RATE = 48000
WINDOW = RATE // 100  # 10 ms
SOURCE_RMS = 0.05  # -26 dBFS before the slider: far below the limiter
FLOOR_DB = -60.0
MAX_STEP_DB = 0.5


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    """Four seconds of stereo white noise at a known level, as a WAV file layer."""
    import soundfile

    rng = np.random.default_rng(7)
    noise = (rng.standard_normal((RATE * 4, 2)) * SOURCE_RMS).astype(np.float32)
    path = tmp_path_factory.mktemp("timer") / "steady.wav"
    soundfile.write(path, noise, RATE, subtype="FLOAT")
    return str(path)


def new_engine(sound: str) -> Engine:
    engine = Engine("manual", seed=1, fade_in=0)
    engine.apply(Mix().with_level(sound, 0.5), ramp=0)
    return engine


class Run:
    """A manual engine rendered buffer by buffer, keeping the audio and the envelope."""

    def __init__(self, sound: str):
        self.sound = sound
        self.engine = new_engine(sound)
        self.chunks: list[np.ndarray] = []
        self.env_t: list[float] = []
        self.env: list[float] = []
        self._levels: tuple[np.ndarray, np.ndarray] | None = None
        # one buffer first: the envelope reports its level only once the server has run
        self.until(self.engine.buffer / self.engine.rate)
        assert self.engine.master_envelope_value() == 1.0

    def now(self) -> float:
        return self.engine.time()

    def until(self, t: float, coarse: bool = False) -> None:
        """Render up to `t` seconds, sampling the envelope after every buffer (or only every
        second with `coarse`, for long stretches where the level holds)."""
        if coarse:
            step = self.engine.buffer / self.engine.rate * 188
            while self.engine.time() < t - 1e-9:
                self.chunks.append(self.engine.render(step))
                self.sample()
            return
        # one render, sampled by the engine's per-buffer hook: at each buffer's start the
        # engine's time is the end of the buffer before (the last one is sampled after it)
        engine, start = self.engine, self.engine.time()
        frames, size, rate = round(start * engine.rate), engine.buffer, engine.rate
        buffers = 0
        while (frames + buffers * size) / rate < t - 1e-9:
            buffers += 1
        if not buffers:
            return
        first = len(self.env_t)
        engine.buffer_hook = lambda: self.sample() if engine.time() > start else None
        try:
            self.chunks.append(engine.render(buffers * size / rate))
        finally:
            engine.buffer_hook = None
        self.sample()
        # sampled at the end of each buffer rendered, as if rendered one by one
        assert self.env_t[first:] == [(frames + k * size) / rate for k in range(1, buffers + 1)]

    def sample(self) -> None:
        self.env_t.append(self.engine.time())
        self.env.append(self.engine.master_envelope_value())

    def set(self, timer: SleepTimer) -> None:
        self.engine.set_master_envelope(
            timer.envelope_points(self.now(), self.engine.master_envelope_value()))

    def audio(self) -> np.ndarray:
        if len(self.chunks) > 1:
            self.chunks = [np.concatenate(self.chunks)]
        return self.chunks[0]

    def levels(self) -> np.ndarray:
        """`window_db` of the audio so far (kept until more is rendered)."""
        audio = self.audio()
        if self._levels is None or self._levels[0] is not audio:
            self._levels = (audio, window_db(audio))
        return self._levels[1]

    def close(self) -> None:
        self.engine.close()


@pytest.fixture(scope="module")
def reference(source) -> np.ndarray:
    """185 s of the same source with no fade at all: its level per 10 ms window."""
    engine = new_engine(source)
    try:
        return window_db(engine.render(185.0))
    finally:
        engine.close()


def window_db(audio: np.ndarray) -> np.ndarray:
    n = len(audio) // WINDOW
    x = audio[: n * WINDOW].astype(np.float64).reshape(n, WINDOW, 2)
    return 10 * np.log10(np.maximum(np.mean(x * x, axis=(1, 2)), 1e-30))


def gain_db(run: Run, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Applied gain per 10 ms window (dB) and each window's start time (s). The first
    windows, where the limiter's look-ahead delay leaves the reference silent, are dropped."""
    ours = run.levels()
    ref = reference[: len(ours)]
    times = np.arange(len(ours)) * WINDOW / RATE
    keep = ref > -60.0
    return (ours - ref)[keep], times[keep]


def env_db(run: Run) -> tuple[np.ndarray, np.ndarray]:
    env = np.asarray(run.env)
    return 20 * np.log10(np.maximum(env, 1e-12)), np.asarray(run.env_t)


def steps_above_floor(levels_db: np.ndarray) -> np.ndarray:
    """Step sizes between consecutive measurements while the level is above -60 dB (below
    it the envelope is a short linear tail to true silence, where dB steps are meaningless)."""
    a, b = levels_db[:-1], levels_db[1:]
    both = (a > FLOOR_DB) & (b > FLOOR_DB)
    return np.abs(b - a)[both]


@pytest.fixture(scope="module")
def plain_fade(source):
    """A 2-minute timer with a 1-minute fade, rendered to 125 s."""
    run = Run(source)
    timer = SleepTimer(120.0, 60.0, "stop", clock=run.now, start=0.0)
    run.set(timer)
    run.until(125.0)
    yield run, timer
    run.close()


def test_full_level_until_the_fade_starts(plain_fade, reference):
    run, timer = plain_fade
    levels, t = env_db(run)
    assert np.all(np.abs(levels[t <= timer.fade_start]) < 0.01)
    g, tw = gain_db(run, reference)
    assert np.all(np.abs(g[tw + 0.01 <= timer.fade_start]) < 0.05)


def test_fade_falls_monotonically(plain_fade, reference):
    run, timer = plain_fade
    levels, t = env_db(run)
    during = levels[(t >= timer.fade_start) & (t <= timer.deadline + 1)]
    assert np.all(np.diff(during) <= 1e-4)
    g, tw = gain_db(run, reference)
    audible = g[(tw >= timer.fade_start) & (g > FLOOR_DB)]
    assert len(audible) > 5000
    assert np.all(np.diff(audible) <= 0.02)


def test_fade_stays_within_1_db_of_the_db_linear_line(plain_fade, reference):
    run, timer = plain_fade

    def line(t):
        return FLOOR_DB * (t - timer.fade_start) / timer.fade

    levels, t = env_db(run)
    sel = (t >= timer.fade_start) & (levels > FLOOR_DB)
    assert sel.sum() > 10000
    assert np.max(np.abs(levels[sel] - line(t[sel]))) < 1.0
    g, tw = gain_db(run, reference)
    centre = tw + WINDOW / RATE / 2
    sel = (centre >= timer.fade_start + 0.02) & (g > FLOOR_DB)
    assert np.max(np.abs(g[sel] - line(centre[sel]))) < 1.0


def test_below_minus_60_db_at_the_deadline(plain_fade, reference):
    run, timer = plain_fade
    levels, t = env_db(run)
    crossing = t[np.argmax(levels < FLOOR_DB)]
    assert abs(crossing - timer.deadline) <= 1.0
    assert np.all(levels[t >= timer.deadline + 1.0] < FLOOR_DB)
    g, tw = gain_db(run, reference)
    assert abs(tw[np.argmax(g < FLOOR_DB)] - timer.deadline) <= 1.0
    after = run.audio()[int((timer.deadline + 1.0) * RATE):]
    assert np.max(np.abs(after)) < 10 ** (FLOOR_DB / 20) * 0.01


def test_no_step_above_half_a_db_per_10_ms(plain_fade, reference):
    run, _ = plain_fade
    levels, _ = env_db(run)  # per 5.3 ms buffer: stricter than 10 ms
    assert np.max(steps_above_floor(levels)) < MAX_STEP_DB
    g, _ = gain_db(run, reference)
    assert np.max(steps_above_floor(g)) < MAX_STEP_DB


def test_extending_during_the_fade_restores_smoothly_and_moves_the_deadline(source, reference):
    run = Run(source)
    try:
        timer = SleepTimer(120.0, 60.0, "stop", clock=run.now, start=0.0)
        run.set(timer)
        run.until(58.0, coarse=True)
        run.until(90.0)
        before = 20 * np.log10(run.engine.master_envelope_value())
        assert -32.0 < before < -28.0  # half way down the fade
        timer.extend(60.0)  # deadline 180 s, fade from 120 s
        run.set(timer)
        run.until(95.0)
        run.until(118.0, coarse=True)
        run.until(182.0)
        levels, t = env_db(run)
        rising = levels[(t > 90.0) & (t <= 90.0 + RESTORE)]
        assert np.all(np.diff(rising) >= -1e-4)
        assert np.all(np.abs(levels[(t >= 90.0 + RESTORE) & (t <= 120.0)]) < 0.01)
        assert np.max(steps_above_floor(levels)) < MAX_STEP_DB
        g, tw = gain_db(run, reference)
        assert np.max(steps_above_floor(g)) < MAX_STEP_DB
        assert np.all(np.abs(g[(tw > 90.0 + RESTORE + 0.02) & (tw + 0.01 < 120.0)]) < 0.05)
        crossing = t[np.argmax(levels < FLOOR_DB)]
        assert abs(crossing - 180.0) <= 1.0
        assert timer.deadline == pytest.approx(180.0)
    finally:
        run.close()


def test_cancelling_during_the_fade_restores_and_keeps_playing(source, reference):
    run = Run(source)
    try:
        timer = SleepTimer(120.0, 60.0, "stop", clock=run.now, start=0.0)
        run.set(timer)
        run.until(58.0, coarse=True)
        run.until(100.0)
        assert 20 * np.log10(run.engine.master_envelope_value()) < -35.0
        timer.cancel()
        run.set(timer)
        run.until(105.0)
        run.until(150.0, coarse=True)  # well past the old deadline
        levels, t = env_db(run)
        assert np.max(steps_above_floor(levels)) < MAX_STEP_DB
        assert np.all(np.abs(levels[t >= 100.0 + RESTORE]) < 0.01)
        g, tw = gain_db(run, reference)
        assert np.max(steps_above_floor(g)) < MAX_STEP_DB
        assert np.all(np.abs(g[tw > 100.0 + RESTORE + 0.02]) < 0.05)
        assert run.engine.playing() == [source]
        assert not timer.expired(run.now())
    finally:
        run.close()
