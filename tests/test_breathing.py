"""The breathing pacer's curve: its rate, depth, smoothness and the guide the mixer draws."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.core import breathing as b


def test_six_breaths_a_minute_take_four_seconds_in_and_six_out():
    g_in = b.guide(1.0, 6, 0.4)
    g_out = b.guide(5.0, 6, 0.4)
    assert (g_in.word, round(g_in.seconds_left, 6)) == ("in", 3.0)
    assert (g_out.word, round(g_out.seconds_left, 6)) == ("out", 5.0)
    assert b.fullness(4.0, 6, 0.4) == pytest.approx(1.0)
    assert b.fullness(0.0, 6, 0.4) == pytest.approx(0.0)
    assert b.fullness(10.0, 6, 0.4) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("rate,inhale", [(4, 0.4), (6, 0.4), (10, 0.5), (8, 0.3)])
def test_swell_spans_its_depth_below_the_slider_without_corners(rate, inhale):
    t = np.arange(0, 120, 0.01)
    db = np.array([b.swell_db(x, rate, inhale) for x in t])
    assert db.max() == pytest.approx(0.0, abs=1e-3)
    assert db.min() == pytest.approx(-b.SWELL_DB, abs=1e-3)
    slope = np.diff(db) / 0.01
    # a smooth curve: the slope changes little from one 10 ms step to the next (no corner)
    assert np.abs(np.diff(slope)).max() < 0.05
    # the level's strongest rhythm is the breathing rate
    spectrum = np.abs(np.fft.rfft(db - db.mean()))
    freqs = np.fft.rfftfreq(len(db), 0.01)
    assert freqs[spectrum.argmax()] == pytest.approx(rate / 60, abs=1 / 120)


def test_pacer_off_is_silent_and_has_no_guide():
    assert b.swell_db(3.0, 0, 0.4) == 0.0
    assert b.guide(3.0, 0, 0.4).word == ""
