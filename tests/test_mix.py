"""The mix model and its one slider-to-gain curve."""

from __future__ import annotations

import math

import pytest

from ambience.core.mix import Layer, Mix, gain_to_slider, slider_to_gain


def test_slider_zero_is_silence_and_one_is_unity():
    assert slider_to_gain(0.0) == 0.0
    assert slider_to_gain(1.0) == 1.0


def test_half_slider_sounds_half_as_loud_ten_db_down():
    assert 20 * math.log10(slider_to_gain(0.5)) == pytest.approx(-10.0, abs=0.01)


def test_equal_slider_steps_are_equal_loudness_steps():
    # loudness (sones) doubles per 10 dB: equal steps of the slider, equal steps of sones
    sones = [2 ** (20 * math.log10(slider_to_gain(p)) / 10) for p in (0.2, 0.4, 0.6, 0.8)]
    steps = [b - a for a, b in zip(sones, sones[1:])]
    assert max(steps) == pytest.approx(min(steps), rel=1e-6)


def test_curve_is_monotonic_and_inverse_round_trips():
    positions = [i / 100 for i in range(101)]
    gains = [slider_to_gain(p) for p in positions]
    assert all(b > a for a, b in zip(gains, gains[1:]))
    assert all(gain_to_slider(slider_to_gain(p)) == pytest.approx(p) for p in positions)


def test_muted_layer_has_no_gain_but_keeps_its_position():
    layer = Layer("rain", 0.7, muted=True)
    assert layer.gain == 0.0 and layer.level == 0.7


@pytest.mark.parametrize("level", [-0.1, 1.01, float("nan")])
def test_levels_outside_zero_to_one_are_refused(level):
    with pytest.raises(ValueError):
        Layer("rain", level)
    with pytest.raises(ValueError):
        Mix(master=level)


def test_a_sound_appears_once_per_mix():
    with pytest.raises(ValueError):
        Mix(1.0, (Layer("rain", 0.2), Layer("rain", 0.3)))


def test_mix_edits_return_new_values():
    mix = Mix().with_level("rain", 0.5).with_level("wind", 0.2)
    assert [layer.sound for layer in mix.layers] == ["rain", "wind"]
    assert mix.with_level("rain", 0.9).layer("rain").level == 0.9
    assert mix.with_muted("wind", True).gains()["wind"] == 0.0
    assert mix.without("rain").layer("rain") is None
    assert mix.layer("rain").level == 0.5


def test_layer_shaping_defaults_change_nothing_and_only_changes_are_listed():
    from ambience.core.mix import LAYER_SHAPING

    plain = Layer("rain", 0.5)
    assert {k: getattr(plain, k) for k in LAYER_SHAPING} == LAYER_SHAPING
    assert plain.shaping == {}
    mix = Mix(1.0, (plain,)).with_shaping("rain", drift=0.3, presence=0.5)
    assert mix.layer("rain").shaping == {"drift": 0.3, "presence": 0.5}


@pytest.mark.parametrize("field", ["drift", "intensity", "presence", "motion"])
@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan")])
def test_layer_shaping_outside_zero_to_one_is_refused_with_its_name(field, value):
    with pytest.raises(ValueError, match=field):
        Layer("rain", 0.5, **{field: value})


def test_unknown_layer_setting_is_refused():
    with pytest.raises(ValueError, match="unknown layer setting"):
        Mix(1.0, (Layer("rain", 0.5),)).with_shaping("rain", wobble=1.0)


@pytest.mark.parametrize("breathing", [0, 4, 6, 10])
def test_breathing_is_off_or_within_four_to_ten_a_minute(breathing):
    assert Mix(breathing=breathing).breathing == breathing


@pytest.mark.parametrize("breathing", [2, 3.9, 10.5, -1])
def test_breathing_outside_its_range_is_refused(breathing):
    with pytest.raises(ValueError, match="breathing"):
        Mix(breathing=breathing)


def test_inhale_share_is_bounded_and_headphones_default_off():
    assert Mix().inhale == 0.4 and Mix().headphones is False
    with pytest.raises(ValueError, match="inhale"):
        Mix(inhale=0.95)


def test_a_slider_at_zero_drops_a_plain_layer_but_keeps_one_with_settings_of_its_own():
    mix = Mix(1.0, (Layer("rain", 0.5), Layer("wind", 0.5, drift=0.4)))
    down = mix.with_slider("rain", 0.0).with_slider("wind", 0.0)
    assert down.layer("rain") is None
    assert down.layer("wind") == Layer("wind", 0.0, drift=0.4)
    assert down.gains()["wind"] == 0.0
    assert down.with_slider("wind", 0.6).layer("wind") == Layer("wind", 0.6, drift=0.4)
