"""How intensity reaches a sound (issue 18): `Engine.apply` builds a layer at the intensity its
mix asks for and glides it when the mix changes it; a sound's knobs follow their curves,
exactly their middle point at 0.5; sounds without intensity ignore it. Short renders only
(the sounds' own figures are in test_sounds_intensity.py)."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.engine.engine import INTENSITY_GLIDE
from ambience.engine.source import _between
from tests.rendering import CATALOG, RATE


@pytest.fixture
def engine():
    e = Engine("manual", rate=RATE, seed=3, fade_in=0.0, catalog=CATALOG)
    yield e
    e.close()


def knob_values(engine, sound):
    return [float(line.get()) for line, _, _ in engine._slots[sound].layer._knobs]


def knob_targets(engine, sound, x):
    return [_between(points, x, log) for _, points, log in engine._slots[sound].layer._knobs]


def test_knob_curve_passes_its_points_and_is_exactly_the_middle_at_one_half():
    assert _between((1.0, 0.3, 7.0), 0.5, False) == 0.3
    assert _between((4.0, 1.0, 0.25), 0.0, True) == 4.0
    assert _between((4.0, 1.0, 0.25), 1.0, True) == 0.25
    assert _between((4.0, 1.0, 0.25), 0.75, True) == pytest.approx(0.5)
    assert _between((0.0, 1.0, 2.0, 3.0, 8.0), 0.875, False) == pytest.approx(5.5)


def test_a_layer_is_built_at_the_intensity_its_mix_asks_for(engine):
    engine.apply(Mix(1.0, (Layer("rain", 1.0, intensity=0.2),)), ramp=0.0)
    engine.render(0.1)
    layer = engine._slots["rain"].layer
    assert layer.intensity == 0.2
    assert knob_values(engine, "rain") == pytest.approx(knob_targets(engine, "rain", 0.2),
                                                        rel=1e-5)


def test_an_intensity_change_glides_over_seconds_then_holds(engine):
    engine.apply(Mix(1.0, (Layer("wind", 1.0, intensity=0.0),)), ramp=0.0)
    engine.render(0.5)
    start = knob_targets(engine, "wind", 0.0)
    end = knob_targets(engine, "wind", 1.0)
    engine.apply(Mix(1.0, (Layer("wind", 1.0, intensity=1.0),)))
    engine.render(INTENSITY_GLIDE / 2)
    # halfway in time, each knob is on its own curve halfway (within a buffer or two)
    half = knob_values(engine, "wind")
    below, above = knob_targets(engine, "wind", 0.48), knob_targets(engine, "wind", 0.52)
    for lo, m, hi in zip(below, half, above):
        assert min(lo, hi) - 1e-6 <= m <= max(lo, hi) + 1e-6
    assert half != pytest.approx(start, rel=1e-3) and half != pytest.approx(end, rel=1e-3)
    engine.render(INTENSITY_GLIDE / 2 + 0.1)
    assert knob_values(engine, "wind") == pytest.approx(end, rel=1e-5)


def test_a_crossfading_apply_glides_the_intensity_over_its_ramp(engine):
    engine.apply(Mix(1.0, (Layer("fire", 1.0, intensity=1.0),)), ramp=0.0)
    engine.render(0.2)
    engine.apply(Mix(1.0, (Layer("fire", 1.0, intensity=0.0),)), ramp=6.0)
    engine.render(4.0)  # past the default glide, not yet past the ramp
    assert knob_values(engine, "fire") != pytest.approx(knob_targets(engine, "fire", 0.0),
                                                        rel=1e-3)
    engine.render(2.2)
    assert knob_values(engine, "fire") == pytest.approx(knob_targets(engine, "fire", 0.0),
                                                        rel=1e-5)


def test_a_glide_changed_midway_carries_on_from_where_it_got_to(engine):
    engine.apply(Mix(1.0, (Layer("rain", 1.0, intensity=0.0),)), ramp=0.0)
    engine.render(0.2)
    engine.apply(Mix(1.0, (Layer("rain", 1.0, intensity=1.0),)))
    engine.render(1.0)
    before = knob_values(engine, "rain")
    engine.apply(Mix(1.0, (Layer("rain", 1.0, intensity=0.5),)))
    engine.render(0.03)  # a few buffers: no knob jumped back to an end
    after = knob_values(engine, "rain")
    zero, one = knob_targets(engine, "rain", 0.0), knob_targets(engine, "rain", 1.0)
    for b, a, lo, hi in zip(before, after, zero, one):
        assert abs(a - b) <= 0.1 * abs(hi - lo) + 1e-9


def test_a_layer_stopped_mid_glide_comes_back_at_its_new_intensity(engine):
    # "now and then" stops a layer while it is away and starts it again when it returns
    engine.apply(Mix(1.0, (Layer("wind", 1.0, intensity=0.0),)), ramp=0.0)
    engine.render(0.2)
    engine.apply(Mix(1.0, (Layer("wind", 1.0, intensity=1.0),)))
    engine.render(0.5)
    layer = engine._slots["wind"].layer
    layer.stop()
    engine.render(0.5)
    layer.play()
    engine.render(0.05)
    assert knob_values(engine, "wind") == pytest.approx(knob_targets(engine, "wind", 1.0),
                                                        rel=1e-5)


def test_a_sound_without_intensity_sounds_the_same_at_any_intensity():
    outs = []
    for x in (0.5, 0.9):
        e = Engine("manual", rate=RATE, seed=4, fade_in=0.0, catalog=CATALOG)
        try:
            e.apply(Mix(1.0, (Layer("pink", 1.0, intensity=0.5),)), ramp=0.0)
            e.render(0.5)
            e.apply(Mix(1.0, (Layer("pink", 1.0, intensity=x),)))
            outs.append(e.render(1.0))
        finally:
            e.close()
    assert np.array_equal(outs[0], outs[1])
