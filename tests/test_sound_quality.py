"""Quality bars for every bundled (synthesized) sound, each rendered alone at slider 1.0.

Loudness -23 LUFS +-1 LU (so one slider position means one loudness on every layer), true
peak <= -1 dBTP (issue 12: the former -3 dBFS sample-peak bar capped snaps near 20 dB over the
average, where real fire, rain, keys and paper go further; the master limiter keeps any mix
safe), no DC, real stereo, nothing that repeats, no isolated steps (clicks).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from ambience.library.catalog import load_catalog
from ambience.engine import Engine
from ambience.engine.sounds import SYNTHS
from ambience.core.mix import Layer, Mix
from tests import analysis as A
from tests.rendering import render_alone

RATE = 48000
CATALOG = load_catalog()
BUNDLED = sorted(info.id for info in CATALOG if info.kind == "synth")
#: sounds that are a steady rhythm by nature: they pass the repetition bar by varying
#: every event instead (tested in their own modules)
RHYTHMIC = {"clock", "heartbeat"}
#: a click is a sample step above this (-54 dBFS) that is more than CLICK_RATIO times the
#: largest step within 32 samples either side of it
CLICK_FLOOR = 0.002
CLICK_RATIO = 8.0


@functools.lru_cache(maxsize=2)
def render(sound: str, seconds: float = 300.0) -> np.ndarray:
    return render_alone(sound, seconds, seed=7)


def test_every_catalog_sound_has_a_synthesizer_and_every_synthesizer_a_manifest():
    assert set(BUNDLED) == set(SYNTHS)


@pytest.mark.parametrize("sound", BUNDLED)
def test_sound_is_at_reference_loudness_with_headroom(sound):
    x = render(sound)[: 60 * RATE]
    lufs = A.integrated_lufs(x, RATE)
    assert -24.0 <= lufs <= -22.0, f"{sound}: {lufs:.2f} LUFS, want -23 +- 1"
    peak = A.true_peak_db(x, RATE)
    assert peak <= -1.0, f"{sound}: true peak {peak:.2f} dBTP, want <= -1"
    assert A.dc_offset(x) < 0.001


@pytest.mark.parametrize("sound", BUNDLED)
def test_sound_has_two_different_channels_unless_centred(sound):
    x = render(sound)[: 60 * RATE]
    left, right = x[:, 0], x[:, 1]
    assert A.rms_db(left) > -60 and A.rms_db(right) > -60, f"{sound}: a silent channel"
    if CATALOG.get(sound).centred:
        return
    assert not np.allclose(left, right), f"{sound}: both channels identical"


@pytest.mark.parametrize("sound", sorted(set(BUNDLED) - RHYTHMIC))
def test_sound_never_repeats_over_five_minutes(sound):
    x = render(sound)
    worst = A.max_autocorrelation(x, RATE, 2.0, 240.0)
    assert worst < 0.2, f"{sound}: autocorrelation {worst:.3f} at some lag in 2 s..4 min"


@pytest.mark.parametrize("sound", BUNDLED)
def test_sound_has_no_isolated_steps(sound):
    x = render(sound)[: 60 * RATE]
    steps = A.isolated_steps(x, ratio=CLICK_RATIO, floor=CLICK_FLOOR)
    assert steps.size == 0, f"{sound}: {steps.size} isolated steps, first at {steps[:5] / RATE} s"


@pytest.mark.parametrize(("sound", "slope"), [("white", 0.0), ("pink", -3.0), ("brown", -6.0)])
def test_noise_colours_have_their_slope(sound, slope):
    x = render(sound)[: 60 * RATE]
    measured = A.octave_slope(x, RATE, 100.0, 10000.0)
    assert abs(measured - slope) <= 1.0, f"{sound}: {measured:.2f} dB/octave, want {slope}"


@pytest.mark.parametrize("sound", BUNDLED)
def test_starting_and_stopping_a_sound_fifty_times_never_crashes(sound):
    engine = Engine("manual", rate=RATE, seed=3, fade_in=0.0, catalog=CATALOG)
    try:
        for i in range(50):
            engine.apply(Mix(1.0, (Layer(sound, 0.8),)), ramp=0.01)
            engine.render(0.03)
            engine.apply(Mix(1.0, ()), ramp=0.01)
            engine.render(0.15)  # past the ramp: the layer is stopped and freed
            assert engine.playing() == []
        x = engine.render(0.1)
        assert np.all(np.isfinite(x))
    finally:
        engine.close()
