"""The breathing pacer in the engine: the mix swells with each breath, rendered."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.core import breathing
from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from tests.rendering import CATALOG, RATE

STEADY = Mix(1.0, (Layer("pink", 0.7),))
HOP = RATE // 100  # 10 ms


def _render(steps, seed: int = 1):
    """Render a sequence of (mix or None, seconds); returns the output and the engine's
    breath clock after each step."""
    engine = Engine("manual", rate=RATE, seed=seed, fade_in=0.0, catalog=CATALOG)
    clocks, out = [], []
    try:
        for i, (mix, seconds) in enumerate(steps):
            if mix is not None:
                engine.apply(mix, ramp=0.0 if i == 0 else None)
            out.append(engine.render(seconds))
            clocks.append(engine.levels().breath)
        return np.concatenate(out), clocks
    finally:
        engine.close()


def _gain_db(with_pacer: np.ndarray, without: np.ndarray) -> np.ndarray:
    """The pacer's gain in 10 ms steps: the same noise (same seed) with and without it."""
    n = min(len(with_pacer), len(without)) // HOP
    a = (with_pacer[: n * HOP] ** 2).sum(1).reshape(n, HOP).sum(1)
    b = (without[: n * HOP] ** 2).sum(1).reshape(n, HOP).sum(1)
    return 10 * np.log10(a / b)


def test_six_breaths_a_minute_swell_the_mix_at_a_tenth_of_a_hertz_by_three_db_without_a_step():
    seconds = 60.0
    paced, clocks = _render([(STEADY.with_breathing(6), seconds)])
    plain, _ = _render([(STEADY, seconds)])
    gain = _gain_db(paced, plain)
    settled = gain[int(breathing.period(6) * 100):]  # after the first breath's fade-in
    assert 2.0 <= settled.max() - settled.min() <= 4.0
    assert settled.max() == pytest.approx(0.0, abs=0.05)  # never above the slider's level
    spectrum = np.abs(np.fft.rfft(settled - settled.mean()))
    freqs = np.fft.rfftfreq(len(settled), 0.01)
    peak = freqs[1 + int(np.argmax(spectrum[1:]))]
    assert peak == pytest.approx(0.1, abs=0.01)
    assert spectrum[1:].max() > 5 * np.median(spectrum[1:])  # a clear peak
    assert np.abs(np.diff(gain)).max() < 0.05  # no step anywhere, fade-in included
    # the sound follows core.breathing's curve on the clock the engine reports
    t = np.arange(len(gain)) * 0.01 + 0.005
    expected = [breathing.swell_db(x, 6, 0.4) for x in t[-1000:]]
    np.testing.assert_allclose(gain[-1000:], expected, atol=0.1)
    assert clocks[0] == pytest.approx(seconds, abs=0.01)


def test_switching_the_pacer_on_off_and_changing_its_rate_and_shape_glide():
    mix = STEADY.with_breathing(6)
    steps = [(STEADY, 5.0), (mix, 25.0), (mix.with_breathing(10), 20.0),
             (mix.with_breathing(10, 0.6), 20.0), (STEADY, 10.0)]
    paced, clocks = _render(steps)
    plain, _ = _render([(STEADY, 80.0)])
    gain = _gain_db(paced, plain)
    assert np.abs(np.diff(gain)).max() < 0.05
    assert np.abs(gain[-300:]).max() < 0.01  # off again: the slider's level exactly
    assert clocks[0] is None and clocks[-1] is None
    # a new rate keeps the breath's phase: the clock jumps so that the guide's fill doesn't
    at_change = clocks[1]
    before = breathing.fullness(at_change, 6, 0.4)
    after = breathing.fullness(clocks[2] - 20.0, 10, 0.4)
    assert after == pytest.approx(before, abs=0.02)


def test_the_sleep_timers_fade_takes_the_swell_down_with_the_rest():
    engine = Engine("manual", rate=RATE, seed=1, fade_in=0.0, catalog=CATALOG)
    try:
        engine.apply(STEADY.with_breathing(6), ramp=0.0)
        engine.render(5.0)
        engine.fade_master(0.0, 2.0)
        tail = engine.render(4.0)[-RATE:]
    finally:
        engine.close()
    assert np.abs(tail).max() == 0.0
