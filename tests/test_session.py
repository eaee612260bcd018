"""The session core, once for every front end: a real engine on the manual back-end, advanced
buffer by buffer, and a clock the test moves by hand in step with it."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambience.core.mix import Layer, Mix
from ambience.core.playback import DirectPort, Playback, PlaybackError
from ambience.engine import Engine
from ambience.session import END_FADE, PAUSE_FADE, RESYNC, Session
from tests.conftest import Clock

MIX = Mix(1.0, (Layer("brown", 0.5), Layer("pink", 0.3)))


class Rig:
    """A session on a manual engine whose audio time and the test's clock move together."""

    def __init__(self, mix: Mix = MIX, *, start: bool = True):
        self.clock = Clock(500.0)
        self.engine = Engine("manual", seed=3, fade_in=0)
        self.session = Session(DirectPort(self.engine), mix, clock=self.clock)
        if start:
            self.session.begin()

    def run(self, seconds: float) -> list:
        """Let `seconds` pass; returns the session's events. The envelope is sampled every
        buffer into `self.trace`."""
        events = []
        step = self.engine.buffer / self.engine.rate
        for _ in range(max(1, round(seconds / step))):
            self.engine.render(step, capture=False)
            self.clock.t += step
            events += self.session.tick()
            self.trace.append(self.engine.master_envelope_value())
        return events

    trace: list

    def __enter__(self):
        self.trace = []
        return self

    def __exit__(self, *exc):
        self.engine.close()


def test_the_engine_is_a_playback():
    with Rig() as rig:
        assert isinstance(rig.engine, Playback)
        assert {"brown", "pink", "rain"} <= rig.engine.playable_sounds()


def test_failures_come_back_per_sound_id_as_data():
    with Rig() as rig:
        with pytest.raises(PlaybackError) as caught:
            rig.engine.apply(MIX.with_level("nosuch", 0.5).with_level("rian", 0.2))
        assert set(caught.value.problems) == {"nosuch", "rian"}
        assert sorted(rig.engine.playing()) == ["brown", "pink"]  # the others play on


def test_the_deadline_counts_from_when_the_sound_starts_on_a_slow_back_end():
    with Rig(start=False) as rig:
        rig.session.start_timer(60.0, fade=10.0)
        rig.clock.t += 4.0  # the audio device takes four seconds to open
        rig.session.begin()
        assert rig.session.timer.remaining() == pytest.approx(60.0)
        early = rig.run(59.9)
        assert "ended" not in [e.kind for e in early]  # nothing ends early
        events = rig.run(0.2)
        assert [e.kind for e in events] == ["ended"]


def test_the_timer_end_with_stop_stops_every_layer_and_space_plays_again():
    with Rig() as rig:
        rig.session.start_timer(4.0, fade=2.0, then="stop")
        events = rig.run(4.3)
        assert [(e.kind, e.then) for e in events] == [("fading", ""), ("ended", "stop")]
        rig.run(0.2)
        assert rig.engine.playing() == []  # nothing computed under a silent master
        assert rig.session.silent and rig.session.timer is None
        rig.session.set_mix(MIX.with_level("brown", 0.8))  # kept, not played
        rig.run(0.2)
        assert rig.engine.playing() == []
        rig.session.resume()
        rig.run(PAUSE_FADE + 0.1)
        assert sorted(rig.engine.playing()) == ["brown", "pink"]
        assert rig.engine.mix.layer("brown").level == 0.8
        assert rig.engine.master_envelope_value() == pytest.approx(1.0)


def test_the_timer_end_with_quit_asks_the_front_end_to_quit_once_silent():
    with Rig() as rig:
        rig.session.start_timer(3.0, fade=1.0, then="quit")
        events = rig.run(3.1)
        assert events[-1].kind == "ended" and events[-1].then == "quit"
        assert events[-1].quiet_in == 0.0  # the curve already reached silence
        assert rig.trace[-1] == 0.0


def test_shortening_past_the_end_ends_now_with_a_short_fade_not_a_cut():
    with Rig() as rig:
        rig.session.start_timer(240.0, then="quit")  # under five minutes left
        rig.run(1.0)
        assert rig.session.adjust_timer(-300.0)
        events = rig.run(0.05)
        assert events and events[0].kind == "ended" and events[0].then == "quit"
        assert events[0].quiet_in == pytest.approx(END_FADE, abs=0.06)
        rig.run(END_FADE)
        steps = [abs(b - a) for a, b in zip(rig.trace, rig.trace[1:])]
        assert max(steps) < 0.05  # a fade of a second, no step
        assert rig.trace[-1] == pytest.approx(0.0, abs=1e-3)


def test_pause_fades_out_and_resume_returns_to_where_the_timer_curve_will_be():
    with Rig() as rig:
        timer = rig.session.start_timer(60.0, fade=40.0)
        rig.run(40.0)
        rig.session.pause()
        rig.run(PAUSE_FADE + 0.05)
        assert rig.engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        rig.session.resume()
        rig.run(PAUSE_FADE + 0.05)
        assert rig.engine.master_envelope_value() == pytest.approx(
            timer.gain_at(rig.clock.t), rel=0.05)


def test_the_fade_is_reanchored_to_the_clock_when_the_audio_runs_slow():
    with Rig() as rig:
        timer = rig.session.start_timer(120.0, fade=60.0, then="stop")
        rig.clock.t += 2.0  # the system clock runs ahead of the audio
        rig.run(RESYNC + 1.0)
        rig.run(60.0)
        # the envelope follows the clock's deadline, not the audio's (which lags by 2 s)
        assert rig.engine.master_envelope_value() == pytest.approx(
            timer.gain_at(rig.clock.t), rel=0.02)


def test_cancelling_during_the_fade_brings_the_level_back_and_playback_goes_on():
    with Rig() as rig:
        rig.session.start_timer(20.0, fade=10.0)
        rig.run(15.0)
        assert rig.engine.master_envelope_value() < 0.5
        assert rig.session.cancel_timer()
        rig.run(3.5)
        assert rig.engine.master_envelope_value() == pytest.approx(1.0)
        assert not rig.run(30.0)  # no end any more
        assert sorted(rig.engine.playing()) == ["brown", "pink"]


ACTIONS = st.sampled_from(["set", "extend", "shorten", "cancel", "pause", "resume", "timer",
                           "wait", "wait", "wait"])


@pytest.mark.slow  # minutes of audio, rendered buffer by buffer
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(ACTIONS, st.floats(0.0, 1.0)), min_size=1, max_size=12),
       then=st.sampled_from(["stop", "quit"]))
def test_any_sequence_of_timer_and_pause_actions_keeps_the_envelope_continuous(steps, then):
    """Never an exception, the master never jumps, and a timer that runs out is carried out."""
    with Rig(Mix(1.0, (Layer("brown", 0.4),))) as rig:
        session = rig.session
        session.start_timer(6.0, fade=3.0, then=then)
        shortest = END_FADE  # the shortest dB fade asked for: the end's, or a timer's own
        ended = []
        for action, x in steps:
            if action == "set":
                session.set_mix(Mix(1.0, (Layer("brown", round(0.1 + 0.8 * x, 2)),)))
            elif action == "extend":
                session.adjust_timer(60.0 * x)
            elif action == "shorten":
                session.adjust_timer(-400.0 * x)
            elif action == "cancel":
                session.cancel_timer()
            elif action == "pause":
                session.pause()
            elif action == "resume":
                session.resume()
            elif action == "timer" and session.timer is None:
                session.start_timer(1.0 + 5.0 * x, fade=0.5 + x, then=then)  # 0: a cut, by design
                shortest = min(shortest, 0.5 + x)
            ended += [e for e in rig.run(0.3 + 3.0 * x) if e.kind == "ended"]
        timer = session.timer
        if timer is not None:  # let it run out
            ended += [e for e in rig.run(timer.remaining() + END_FADE + 0.2) if e.kind == "ended"]
            assert ended, "a timer that ran out was carried out"
        steps_ = [abs(b - a) for a, b in zip(rig.trace, rig.trace[1:])]
        # the steepest ramp a session makes: a dB fade of F seconds (60 dB) falls 3 ln 10 / F
        # of full scale a second at its top (6.9 for the end's 1 s); the pause fade 2.5
        slope = max(1.0 / PAUSE_FADE, 3.0 * math.log(10.0) / shortest)
        # (10 % for the breakpoints that approximate the dB curve)
        assert max(steps_) <= slope * rig.engine.buffer / rig.engine.rate * 1.1
        if ended and ended[-1].then == "stop" and session.timer is None and session.ended:
            # the end is told when its last fade starts: silence follows `quiet_in` later
            rig.run(ended[-1].quiet_in + 0.3)
            assert rig.engine.playing() == []
