"""Drift and "now and then" as pure schedules: their bounds, speeds, shares and glides."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ambience.core import alive
from ambience.core.alive import Drift, Life, Presence


def drift_curve(d: Drift, seconds: float, step: float = 0.5) -> np.ndarray:
    return np.array([d.db(t) for t in np.arange(0.0, seconds, step)])


@pytest.mark.parametrize("amount", [0.1, 0.25, 0.5, 1.0])
def test_drift_stays_within_its_depth_and_never_3_db_above_the_slider(amount):
    low, high = -6.0 * amount, min(6.0 * amount, 3.0)
    for seed in range(4):
        db = drift_curve(Drift(seed, amount), 4 * 3600, step=1.0)
        assert db.min() >= low - 1e-9 and db.max() <= high + 1e-9
        # and it uses its room: a wander, not a wobble
        assert db.min() < 0.8 * low and db.max() > 0.8 * high


def test_drift_wanders_around_the_slider():
    db = np.concatenate([drift_curve(Drift(seed, 0.5), 4 * 3600, step=2.0) for seed in range(6)])
    assert abs(np.median(db)) < 0.3
    assert np.mean(db > 0) == pytest.approx(0.5, abs=0.05)


def test_drift_never_changes_faster_than_half_a_db_a_second_even_while_its_depth_changes():
    step = 0.1
    for seed in range(2):
        d = Drift(seed, 1.0)
        t = np.arange(0.0, 1200.0, step)
        changes = {300.0: 0.0, 400.0: 1.0, 700.0: 0.3, 760.0: 0.9, 1000.0: 0.5}
        db = []
        for x in t:
            if round(x, 6) in changes:
                d.set(x, changes[round(x, 6)])
            db.append(d.db(x))
        speed = np.abs(np.diff(db)) / step
        assert speed.max() <= alive.MAX_SPEED, f"seed {seed}: {speed.max():.3f} dB/s"


def test_drift_moves_take_20_to_120_seconds():
    moves = [m for seed in range(6) for m in Drift(seed, 1.0).moves(0, 4 * 3600)]
    assert min(moves) >= 20.0 and max(moves) <= 120.0
    assert np.percentile(moves, 10) < 40 and np.percentile(moves, 90) > 100


def test_changing_drift_glides_from_where_the_level_is():
    d = Drift(3, 1.0)
    before = d.db(500.0)
    d.set(500.0, 0.2)
    assert d.db(500.0) == pytest.approx(before, abs=1e-12)
    assert d.db(500.01) == pytest.approx(before, abs=0.01)
    # once the glide is over, the wander has the new depth
    glide = alive.drift_glide(1.0, 0.2)
    later = [d.db(t) for t in np.arange(500.0 + glide, 4000.0, 1.0)]
    assert min(later) >= -1.2 - 1e-9 and max(later) <= 1.2 + 1e-9


def test_drift_off_is_exactly_the_slider():
    d = Drift(1, 0.0)
    assert all(d.db(t) == 0.0 for t in range(0, 3600, 7))
    assert d.still_after(0.0)


@pytest.mark.parametrize("share", [0.1, 0.25, 0.5, 0.75, 0.9])
def test_now_and_then_is_there_the_share_asked_for_over_many_hours(share):
    p = Presence(4, share)
    assert p.there_share(0, 100 * 3600, step=5.0) == pytest.approx(share, abs=0.01)


@pytest.mark.parametrize("share", [0.25, 0.5, 0.75])
def test_now_and_then_is_there_about_the_share_asked_for_in_any_hour(share):
    hours = [Presence(seed, share).there_share(h * 3600, (h + 1) * 3600, step=5.0)
             for seed in range(20) for h in range(6)]
    assert min(hours) >= share - 0.12 and max(hours) <= share + 0.12
    assert np.mean(hours) == pytest.approx(share, abs=0.02)


def test_now_and_then_fades_take_minutes_and_spans_alternate():
    p = Presence(9, 0.3)
    points = p.breakpoints(0, 20 * 3600)
    fades = [(b[0] - a[0]) for a, b in zip(points, points[1:]) if a[1] != b[1]]
    assert len(fades) > 40
    assert min(fades) >= 60.0 - 1e-9 and max(fades) <= 180.0 + 1e-9
    levels = [v for _, v in points]
    assert set(levels) == {0.0, 1.0}


def test_a_now_and_then_layer_starts_there_and_a_never_one_starts_silent():
    assert Presence(1, 0.3).level(0.0) == 1.0
    never = Presence(1, 0.0)
    assert never.level(0.0) == 0.0 and never.quiet(0.0) == (0.0, math.inf)


@pytest.mark.parametrize("new", [0.0, 0.2, 0.8, 1.0])
def test_changing_presence_glides_from_where_the_layer_is(new):
    for t in (100.0, 500.0, 1000.0, 1500.0):  # there, fading, or away, by the schedule
        p = Presence(2, 0.3)
        before = p.level(t)
        p.set(t, new)
        assert p.level(t) == pytest.approx(before, abs=1e-12)
        grid = np.arange(t, t + 60.0, 0.1)
        lv = np.array([p.level(x) for x in grid])
        assert np.abs(np.diff(lv)).max() <= 0.1 / alive.CHANGE_FADE + 1e-9
        if new in (0.0, 1.0):
            assert p.level(t + alive.CHANGE_FADE) == new
    assert Presence(2, 0.3).share == 0.3


def test_quiet_stretches_are_where_the_layer_is_silent():
    p = Presence(5, 0.4)
    t = 0.0
    stretches = []
    while t < 6 * 3600:
        a, b = p.quiet(t)
        stretches.append((a, b))
        t = b
    assert len(stretches) > 5
    for a, b in stretches:
        inside = np.linspace(a, b, 50)
        assert all(p.level(x) == 0.0 for x in inside)
        assert p.level(b + 1.0) > 0.0 and p.level(a - 1.0) > 0.0
        # asked from inside, the same stretch
        assert p.quiet((a + b) / 2) == (a, b)
    # and nothing silent between them
    for (_, b), (a, _) in zip(stretches, stretches[1:]):
        assert all(p.level(x) > 0.0 for x in np.linspace(b + 0.01, a - 0.01, 50))
    assert Presence(5, 1.0).quiet(0.0) == (math.inf, math.inf)


def test_the_same_seed_gives_the_same_life_and_another_seed_another():
    def curve(seed):
        life = Life(seed, 0.7, 0.4)
        return [life.gain(t) for t in np.arange(0, 7200, 3.0)]

    assert curve(12) == curve(12)
    assert curve(12) != curve(13)


def test_envelope_breakpoints_follow_the_life_within_a_twentieth_of_a_db_down_to_30_db():
    life = Life(8, 1.0, 0.5)
    points = life.points(1000.0, 1600.0)
    times = [t for t, _ in points]
    assert times[0] == 1000.0 and times[-1] == 1600.0
    assert max(np.diff(times)) <= alive.STEP + 1e-9
    for t in np.arange(1000.0, 1600.0, 0.37):
        want = life.gain(t)
        got = float(np.interp(t, times, [g for _, g in points]))
        if want > 10 ** (-30 / 20):
            assert abs(20 * math.log10(got / want)) < 0.05


def test_a_still_life_needs_two_breakpoints():
    assert Life(1, 0.0, 1.0).points(0.0, 600.0) == [(0.0, 1.0), (600.0, 1.0)]
