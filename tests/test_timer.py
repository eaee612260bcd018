"""The sleep timer's logic, on an injected clock (no waiting, no audio)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambience.core import fades
from ambience.core.timer import RESTORE, SleepTimer, default_fade


class Clock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def db(gain: float) -> float:
    return fades.to_db(gain)


def make(duration=120.0, fade=60.0, then="stop", start=1000.0):
    clock = Clock(start)
    return SleepTimer(duration, fade, then, clock=clock), clock


def test_default_fade_is_the_last_ten_minutes_of_a_long_timer():
    assert default_fade(45 * 60) == 600.0
    assert SleepTimer(45 * 60, clock=Clock()).fade == 600.0


def test_default_fade_is_the_last_third_of_a_short_timer():
    assert default_fade(12 * 60) == 240.0
    assert SleepTimer(90, clock=Clock()).fade == 30.0


def test_remaining_counts_down_on_the_injected_clock():
    timer, clock = make()
    assert timer.remaining() == 120.0
    clock.t += 45
    assert timer.remaining() == 75.0
    clock.t += 500
    assert timer.remaining() == 0.0


def test_expires_exactly_at_the_deadline():
    timer, clock = make()
    clock.t += 119.999
    assert not timer.expired()
    clock.t = 1120.0
    assert timer.expired()


def test_phases_run_then_fade_then_end():
    timer, clock = make()
    assert timer.state().phase == "running"
    clock.t += 60
    assert timer.state().phase == "fading"
    assert timer.fade_progress() == 0.0
    clock.t += 30
    assert timer.fade_progress() == pytest.approx(0.5)
    clock.t += 30
    assert timer.state().phase == "ended"
    assert timer.fade_progress() == 1.0


def test_extend_moves_the_deadline_and_keeps_the_fade_length():
    timer, clock = make()
    clock.t += 90
    timer.extend(300)
    assert timer.remaining() == 330.0
    assert timer.fade == 60.0
    assert not timer.fading()


def test_shorten_moves_the_deadline_earlier():
    timer, clock = make()
    timer.shorten(30)
    assert timer.remaining() == 90.0


def test_shorten_past_now_ends_at_once_not_in_the_past():
    timer, clock = make()
    clock.t += 10
    timer.shorten(3600)
    assert timer.remaining() == 0.0
    assert timer.deadline == clock.t
    assert timer.expired()


def test_extend_after_the_end_counts_from_now():
    timer, clock = make()
    clock.t += 500
    timer.extend(60)
    assert timer.remaining() == 60.0


def test_cancel_never_expires_and_has_no_remaining_time():
    timer, clock = make()
    clock.t += 90
    timer.cancel()
    clock.t += 10_000
    assert not timer.expired()
    assert math.isinf(timer.remaining())
    assert timer.state().phase == "cancelled"


def test_fade_longer_than_the_timer_starts_at_once():
    timer, _ = make(duration=60, fade=600)
    assert timer.fade == 60.0
    assert timer.fading()


def test_refuses_a_zero_duration_and_an_unknown_end_action():
    with pytest.raises(ValueError):
        SleepTimer(0, clock=Clock())
    with pytest.raises(ValueError, match="stop"):
        SleepTimer(60, then="sleep", clock=Clock())


def test_envelope_holds_full_level_until_the_fade_starts():
    timer, clock = make()
    pts = timer.envelope_points(clock.t, 1.0)
    assert pts[0] == (0.0, 1.0)
    assert pts[1] == pytest.approx((60.0, 1.0))
    assert fades.value_at(pts, 59.9) == 1.0


def test_envelope_is_linear_in_db_during_the_fade():
    timer, clock = make()
    pts = timer.envelope_points(clock.t, 1.0)
    for t in (65.0, 75.0, 90.0, 110.0, 119.0):
        expected = -60.0 * (t - 60.0) / (60.0 - fades.TAIL)
        assert db(fades.value_at(pts, t)) == pytest.approx(expected, abs=0.02)


def test_envelope_reaches_silence_at_the_deadline_and_stays_there():
    timer, clock = make()
    pts = timer.envelope_points(clock.t, 1.0)
    assert pts[-1] == pytest.approx((120.0, 0.0))
    assert db(fades.value_at(pts, 119.0)) > -60.0
    assert fades.value_at(pts, 120.0) == 0.0
    assert fades.value_at(pts, 500.0) == 0.0


def test_envelope_from_silence_rises_like_a_fade_in_first():
    timer, clock = make()
    pts = timer.envelope_points(clock.t, 0.0)
    assert pts[0] == (0.0, 0.0)
    assert fades.value_at(pts, RESTORE) == pytest.approx(1.0)
    values = [fades.value_at(pts, i * 0.01) for i in range(int(RESTORE * 100) + 1)]
    assert values == sorted(values)


def test_envelope_after_extending_during_the_fade_comes_back_up_over_a_few_seconds():
    timer, clock = make()
    clock.t += 90
    here = SleepTimer(120, 60, clock=Clock(1000.0)).gain_at(1090.0)
    timer.extend(60)
    pts = timer.envelope_points(clock.t, here)
    assert pts[0] == (0.0, here)
    assert fades.value_at(pts, RESTORE) == pytest.approx(1.0)
    steps = [db(fades.value_at(pts, (i + 1) * 0.01)) - db(fades.value_at(pts, i * 0.01))
             for i in range(int(RESTORE * 100))]
    assert 0.0 <= min(steps) and max(steps) < 0.5
    assert pts[-1] == pytest.approx((90.0, 0.0))  # the new deadline, 90 s from now


def test_envelope_after_cancelling_rises_to_full_and_holds():
    timer, clock = make()
    clock.t += 100
    here = timer.gain_at(clock.t)
    timer.cancel()
    pts = timer.envelope_points(clock.t, here)
    assert fades.value_at(pts, RESTORE) == pytest.approx(1.0)
    assert pts[-1][1] == pytest.approx(1.0)


def test_envelope_past_the_deadline_goes_silent_within_a_second():
    timer, clock = make()
    clock.t += 200
    pts = timer.envelope_points(clock.t, 0.5)
    assert pts[-1][0] <= 1.0 and pts[-1][1] == 0.0


def test_envelope_without_a_fade_cuts_at_the_deadline():
    timer, clock = make(fade=0)
    pts = timer.envelope_points(clock.t, 1.0)
    assert fades.value_at(pts, 119.99) == 1.0
    assert fades.value_at(pts, 120.01) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    duration=st.floats(1.0, 86400.0),
    fade_part=st.floats(0.0, 1.0),
    elapsed_part=st.floats(0.0, 1.2),
    current=st.floats(0.0, 1.0),
)
def test_envelope_points_always_end_silent_near_the_deadline(duration, fade_part, elapsed_part,
                                                             current):
    timer, clock = make(duration=duration, fade=duration * fade_part, start=0.0)
    clock.t = duration * elapsed_part
    pts = timer.envelope_points(clock.t, current)
    times = [t for t, _ in pts]
    assert pts[0] == (0.0, current)
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(0.0 <= g <= 1.0 for _, g in pts)
    assert pts[-1][1] == 0.0
    end = max(timer.deadline - clock.t, 0.0)
    assert pts[-1][0] <= max(end, RESTORE) + 1.0
