"""Quality bars for every bundled (synthesized) sound, each rendered alone at slider 1.0.

Loudness -23 LUFS +-1 LU (so one slider position means one loudness on every layer), true
peak <= -1 dBTP (issue 12: the former -3 dBFS sample-peak bar capped snaps near 20 dB over the
average, where real fire, rain, keys and paper go further; the master limiter keeps any mix
safe), no DC, real stereo, nothing that repeats, no isolated steps (clicks).

Each sound is rendered once per session (five minutes of it, a few seconds of CPU): the
`rendered` fixture is module-scoped and each sound is an xdist group, so one worker renders
it and runs all its tests one after another (tests/conftest.py keeps a group together).
"""

from __future__ import annotations

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
SECONDS = 300.0
#: dB per octave of the noise colours
SLOPES = {"white": 0.0, "pink": -3.0, "brown": -6.0}


def each(sounds) -> list:
    """`sounds` as slow parameters, each in its own xdist group (one worker renders it)."""
    return [pytest.param(s, id=s, marks=[pytest.mark.slow, pytest.mark.xdist_group(f"sound-{s}")])
            for s in sounds]


@pytest.fixture(scope="module")
def rendered(request) -> tuple[str, np.ndarray]:
    """(sound, five minutes of it alone), rendered once per sound and worker."""
    return request.param, render_alone(request.param, SECONDS, seed=7)


def test_every_catalog_sound_has_a_synthesizer_and_every_synthesizer_a_manifest():
    assert set(BUNDLED) == set(SYNTHS)


@pytest.mark.parametrize("rendered", each(BUNDLED), indirect=True)
def test_sound_is_at_reference_loudness_with_headroom(rendered):
    sound, x = rendered
    x = x[: 60 * RATE]  # the first minute
    lufs = A.integrated_lufs(x, RATE)
    assert -24.0 <= lufs <= -22.0, f"{sound}: {lufs:.2f} LUFS, want -23 +- 1"
    peak = A.true_peak_db(x, RATE)
    assert peak <= -1.0, f"{sound}: true peak {peak:.2f} dBTP, want <= -1"
    assert A.dc_offset(x) < 0.001


@pytest.mark.parametrize("rendered", each(BUNDLED), indirect=True)
def test_sound_has_two_different_channels_unless_centred(rendered):
    sound, x = rendered
    x = x[: 60 * RATE]  # the first minute
    left, right = x[:, 0], x[:, 1]
    assert A.rms_db(left) > -60 and A.rms_db(right) > -60, f"{sound}: a silent channel"
    if CATALOG.get(sound).centred:
        return
    assert not np.allclose(left, right), f"{sound}: both channels identical"


@pytest.mark.parametrize("rendered", each(sorted(set(BUNDLED) - RHYTHMIC)), indirect=True)
def test_sound_never_repeats_over_five_minutes(rendered):
    sound, x = rendered
    worst = A.max_autocorrelation(x, RATE, 2.0, 240.0)
    assert worst < 0.2, f"{sound}: autocorrelation {worst:.3f} at some lag in 2 s..4 min"


@pytest.mark.parametrize("rendered", each(BUNDLED), indirect=True)
def test_sound_has_no_isolated_steps(rendered):
    sound, x = rendered
    x = x[: 60 * RATE]  # the first minute
    steps = A.isolated_steps(x, ratio=CLICK_RATIO, floor=CLICK_FLOOR)
    assert steps.size == 0, f"{sound}: {steps.size} isolated steps, first at {steps[:5] / RATE} s"


@pytest.mark.parametrize("rendered", each(SLOPES), indirect=True)
def test_noise_colours_have_their_slope(rendered):
    sound, x = rendered
    x = x[: 60 * RATE]  # the first minute
    slope = SLOPES[sound]
    measured = A.octave_slope(x, RATE, 100.0, 10000.0)
    assert abs(measured - slope) <= 1.0, f"{sound}: {measured:.2f} dB/octave, want {slope}"


def start_and_stop(sound: str, times: int) -> None:
    engine = Engine("manual", rate=RATE, seed=3, fade_in=0.0, catalog=CATALOG)
    try:
        for i in range(times):
            engine.apply(Mix(1.0, (Layer(sound, 0.8),)), ramp=0.01)
            engine.render(0.03)
            engine.apply(Mix(1.0, ()), ramp=0.01)
            engine.render(0.15)  # past the ramp: the layer is stopped and freed
            assert engine.playing() == []
        x = engine.render(0.1)
        assert np.all(np.isfinite(x))
    finally:
        engine.close()


@pytest.mark.parametrize("sound", BUNDLED)
def test_starting_and_stopping_a_sound_ten_times_never_crashes(sound):
    start_and_stop(sound, 10)


@pytest.mark.slow  # the soak: 50 starts and stops a sound, some 3 minutes of audio over all
@pytest.mark.parametrize("sound", BUNDLED)
def test_starting_and_stopping_a_sound_fifty_times_never_crashes(sound):
    start_and_stop(sound, 50)
