"""Where a layer sits around the head, rendered: the placement stage in the engine."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.core import head, motion
from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.engine.source import Source, pyo
from tests.rendering import CATALOG, RATE

WHISPER = Mix(1.0, (Layer("whisper", 1.0, motion=1.0),))


class _Steady(Source):
    """A steady mono pink noise (a natural sound's tilt): its level difference between the
    ears is the placement's only."""

    def build(self):
        noise = self.own(pyo.PinkNoise(0.3))
        return self.own(pyo.Sig([noise, noise]))


class _Tone(Source):
    """A 220 Hz sine, different in each ear (a stereo source): any click stands out above
    2 kHz."""

    def build(self):
        return self.own(pyo.Sine([220.0, 220.0], phase=[0.0, 0.25], mul=0.3))


def _engine(seed: int = 3, source=None) -> Engine:
    factory = None if source is None else (lambda info, extra: source(**extra))
    return Engine("manual", rate=RATE, seed=seed, fade_in=0.0, catalog=CATALOG,
                  layer_factory=factory)


def _render(mix: Mix, seconds: float, seed: int = 3, source=None):
    """(output, the path the layer follows)."""
    engine = _engine(seed, source)
    try:
        engine.apply(mix, ramp=0.0)
        layer_seed = engine._slots[mix.layers[0].sound].layer.seed
        return engine.render(seconds), motion.Path(layer_seed)
    finally:
        engine.close()


def _lowpass(x: np.ndarray, hz: float) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    return sosfiltfilt(butter(4, hz, "low", fs=RATE, output="sos"), x, axis=0)


def _highpass(x: np.ndarray, hz: float) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    return sosfiltfilt(butter(4, hz, "high", fs=RATE, output="sos"), x, axis=0)


def right_lag(x: np.ndarray, max_ms: float = 1.2) -> float:
    """Seconds by which the right channel lags the left (cross-correlation below 1.5 kHz)."""
    from scipy.signal import correlate

    lo = _lowpass(x, 1500.0)
    left, right = lo[:, 0], lo[:, 1]
    n = int(max_ms * RATE / 1000)
    scores = correlate(right, left, mode="full", method="fft")  # at lag k: right[i + k] left[i]
    lags = np.arange(-len(left) + 1, len(right))
    near = np.abs(lags) <= n
    return int(lags[near][np.argmax(scores[near])]) / RATE


def _where(path: motion.Path, n: int, test) -> np.ndarray:
    """Samples (of n) at which test(azimuth) holds, the path read every 0.1 s."""
    az = np.array([path.azimuth(i / 10) for i in range(n * 10 // RATE + 1)])
    return np.repeat(test(az), RATE // 10)[:n]


def ild_track(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left minus right in dB per second, and which seconds sound (within 15 dB of the
    median: a whisper's pauses hold only the room's floor)."""
    n = len(x) // RATE
    left = (x[: n * RATE, 0] ** 2).reshape(n, RATE).sum(1)
    right = (x[: n * RATE, 1] ** 2).reshape(n, RATE).sum(1)
    total = 10 * np.log10(left + right)
    return 10 * np.log10(left / right), total > np.median(total) - 15


def _check_level_difference(ild: np.ndarray, sounding: np.ndarray) -> dict:
    kept = np.flatnonzero(sounding)
    change = np.abs(np.diff(ild[kept])) / np.diff(kept)
    span = ild[kept].max() - ild[kept].min()
    mean = ild[kept].mean()
    assert span >= 6.0, span
    assert abs(mean) <= 2.0, mean
    assert change.max() <= 3.0, change.max()
    return {"span": span, "mean": mean, "change": change.max()}


# ------------------------------------------------------------------ what costs nothing
def test_a_still_layer_on_speakers_pays_for_no_placement():
    engine = _engine()
    try:
        engine.apply(Mix(1.0, (Layer("whisper", 1.0),)), ramp=0.0)
        slot = engine._slots["whisper"]
        assert slot.place.output is slot.layer.output  # the gain reads the sound itself
        assert not any(obj.isPlaying() for obj in slot.place.objects()
                       if hasattr(obj, "isPlaying"))
        # headphones change nothing for a still sound that is not a close-up trigger
        engine.apply(Mix(1.0, (Layer("pink", 1.0),), headphones=True), ramp=0.0)
        assert not engine._slots["pink"].place.active
    finally:
        engine.close()


def test_a_stage_that_glided_back_to_still_stops_and_hands_over_the_sound_itself():
    engine = _engine()
    try:
        engine.apply(WHISPER, ramp=0.0)
        engine.render(3.0)
        slot = engine._slots["whisper"]
        assert slot.place.active
        engine.apply(WHISPER.with_shaping("whisper", motion=0.0))
        engine.render(3.0)
        assert slot.place.output is slot.layer.output
        assert not any(obj.isPlaying() for obj in slot.place.objects()
                       if hasattr(obj, "isPlaying"))
    finally:
        engine.close()


# ------------------------------------------------------------------ speakers
def test_speakers_pan_a_moving_layer_with_no_time_difference_between_the_ears():
    x, path = _render(WHISPER, 60.0)
    side = _where(path, len(x), lambda az: np.abs(az) > 30)
    assert side.mean() > 0.05, "the path never went to one side"
    assert right_lag(x[side]) == 0.0
    ild, sounding = ild_track(x)
    assert np.abs(ild[sounding]).max() > 6.0  # it did move


# ------------------------------------------------------------------ headphones
def test_headphones_put_a_close_whisper_to_one_side_with_a_time_difference_of_an_ear():
    x, path = _render(Mix(WHISPER.master, WHISPER.layers, headphones=True), 60.0)
    seen = 0
    for sign in (-1, 1):
        side = _where(path, len(x), lambda az: sign * az > 34)
        if side.mean() < 0.03:
            continue
        lag = right_lag(x[side])
        model = -head.itd(sign * 34, head.CLOSE)
        # on the left (negative azimuth) the left ear hears it first: the right lags
        assert np.sign(lag) == -sign and 0.3e-3 <= abs(lag) <= 0.8e-3, (lag, model)
        seen += 1
    assert seen, "the path never went to one side"


@pytest.mark.slow
def test_a_moving_whisper_in_headphones_swings_its_level_difference_slowly_and_evenly():
    """Two minutes: the level difference below 1 kHz (below the head's shadow: what
    nearness makes, whatever the whisper says) spans >= 6 dB, averages within 2 dB of the
    centre, changes <= 3 dB a second; its time difference at one side is 0.3-0.8 ms."""
    x, path = _render(Mix(WHISPER.master, WHISPER.layers, headphones=True), 120.0)
    ild, sounding = ild_track(_lowpass(x, 1000.0))
    _check_level_difference(ild, sounding)
    for sign in (-1, 1):
        side = _where(path, len(x), lambda az: sign * az > 34)
        assert side.mean() > 0.03
        assert 0.3e-3 <= -sign * right_lag(x[side]) <= 0.8e-3


@pytest.mark.slow
def test_a_steady_sound_at_the_whispers_place_swings_its_whole_level_difference_slowly():
    """The same path with a steady noise for the whisper (whose own spectrum changes from
    syllable to syllable): the broadband level difference is the placement's alone."""
    mix = Mix(WHISPER.master, WHISPER.layers, headphones=True)
    x, _ = _render(mix, 120.0, source=_Steady)
    ild, sounding = ild_track(x)
    assert sounding.all()
    figures = _check_level_difference(ild, sounding)
    assert figures["span"] >= 15.0  # a close sound: far more than a distant one's


# ------------------------------------------------------------------ glides
@pytest.mark.parametrize("change", ["headphones on", "motion on", "motion down", "both off",
                                    "still to moving in headphones"])
def test_switching_headphones_or_motion_while_playing_glides_without_a_click(change):
    start = {
        "headphones on": Mix(1.0, (Layer("whisper", 1.0, motion=1.0),)),
        "motion on": Mix(1.0, (Layer("whisper", 1.0),)),
        "motion down": Mix(1.0, (Layer("whisper", 1.0, motion=1.0),), headphones=True),
        "both off": Mix(1.0, (Layer("whisper", 1.0, motion=0.6),), headphones=True),
        # settled at motion 1 and 0 the stage plays cheaper equivalents; they hand back
        "still to moving in headphones": Mix(1.0, (Layer("whisper", 1.0),), headphones=True),
    }[change]
    end = {
        "headphones on": start.with_headphones(True),
        "motion on": start.with_shaping("whisper", motion=1.0).with_headphones(True),
        "motion down": start.with_shaping("whisper", motion=0.2),
        "both off": start.with_shaping("whisper", motion=0.0).with_headphones(False),
        "still to moving in headphones": start.with_shaping("whisper", motion=0.5),
    }[change]
    engine = _engine(source=_Tone)
    try:
        engine.apply(start, ramp=0.0)
        engine.render(20.0)
        engine.apply(end)
        x = engine.render(4.0)
    finally:
        engine.close()
    # a 220 Hz tone moving slowly has nothing above 2 kHz; a click has
    hf = _highpass(x, 2000.0)
    level = np.sqrt(np.mean(x**2))
    assert np.abs(hf).max() < 0.01 * level * np.sqrt(2), np.abs(hf).max()
