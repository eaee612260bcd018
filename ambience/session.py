"""One play session: the mix, pause, the sleep timer and its end, written once for every front end.

The mixer and the headless player are thin front ends over a `Session`: they turn keys, flags
and signals into calls here, call `tick()` now and then (and at `next_check()`), and show what
`tick()` reports. The session never touches audio itself: it hands the engine mixes and master
envelopes through a `Port` (at once for the player, on the bridge thread for the mixer). The
clock is injected, so tests walk through hours without waiting.

Rules that live here and nowhere else:
- the timer's deadline counts from when the sound starts (`begin`), not from when it was asked;
- the fade is handed to the engine once, as an exact envelope, and re-anchored to the clock
  every `RESYNC` seconds (a sound card's clock drifts from the system's);
- pausing fades the master out and resuming fades it back to where the timer's curve will be;
- at the timer's end, "stop" stops every layer and then the engine itself (nothing is computed
  for the rest of the night) and "quit" asks the front end to quit; a timer shortened past
  its end ends now, with a short fade;
- playing again after the end brings the mix back with a short fade-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ambience.core.mix import Mix
from ambience.core.playback import Playback, Port
from ambience.core.timer import RESTORE, SleepTimer, TimerState

#: crossfade when another preset is opened (the mixer's `o`, `ambience ctl preset`)
OPEN_RAMP = 3.0
#: pause / resume fade (linear, short)
PAUSE_FADE = 0.4
#: the fade when a timer ends sooner than its curve planned (shortened past its end)
END_FADE = 1.0
#: how often the envelope is re-anchored to the clock's deadline: a sound card's clock
#: drifts from the system's by up to ~100 ppm (0.4 s an hour); re-issuing the plan from the
#: current level keeps the silence on the deadline (a no-op while the level holds)
RESYNC = 30.0
#: the fade-in when the engine comes back after the sound server was lost
RESTORE_FADE = RESTORE
#: after the timer's end, the engine rests this long after the layers' fade (they stop first)
REST_MARGIN = 0.5
#: the longest a front end should wait between two `tick()` calls
POLL = 0.25


def timer_plan(duration: float, fade: float | None = None) -> list[tuple[float, float]]:
    """The master envelope of a session whose timer starts with the sound, from its first
    sample (silence, the start-up fade-in, the hold, the fade to silence): what a render
    plays, so that a rendered night and a played one are the same."""
    timer = SleepTimer(duration, fade, "quit", start=0.0, clock=lambda: 0.0)
    return list(timer.envelope_points(0.0, 0.0))


@dataclass(frozen=True)
class Event:
    """Something a front end shows or acts on: `fading` (the timer's fade began), `ended`
    (the timer ran out; `then` says what the session did or asks for: `stop` or `quit`)."""

    kind: str
    then: str = ""
    #: seconds until the sound is surely silent (a front end quitting waits this long)
    quiet_in: float = 0.0


class Session:
    """The one owner of a play session. Not thread-safe: call it from one thread."""

    def __init__(self, port: Port | None = None, mix: Mix | None = None, *,
                 clock: Callable[[], float] = time.monotonic):
        self.port = port
        self.clock = clock
        self.mix = mix if mix is not None else Mix()
        self.paused = False
        #: the timer ran out with "stop": layers are stopped until the user plays again
        self.ended = False
        self.timer: SleepTimer | None = None
        self.started = False
        self._synced = 0.0
        self._fading_told = False
        self._quiet_at = 0.0

    # ------------------------------------------------------------------ the engine
    def attach(self, port: Port) -> None:
        """The engine is ready: start the sound (see `begin`)."""
        self.port = port
        self.begin()

    def begin(self) -> None:
        """The sound starts now: play the mix, and count a timer's full duration from here."""
        self.started = True
        now = self.clock()
        if self.ended or self.paused:
            self._apply(Mix(master=self.mix.master) if self.ended else self.mix)
            self._call(lambda e: e.fade_master(0.0, PAUSE_FADE, "linear"))
            return
        self._apply(self.mix)
        if self.timer is not None:
            self.timer.restart(now)
            self._follow_timer(now)

    def restore(self) -> None:
        """The engine came back silent (the sound server returned): bring the sound back as
        it should be now, fading in over `RESTORE_FADE` seconds; the timer kept its deadline."""
        if not self.started:
            return
        if self.ended:
            self._apply(Mix(master=self.mix.master), ramp=0.0)
            self._call(lambda e: e.rest())
            return
        self._apply(self.mix, ramp=0.0)
        if self.paused:
            return  # the new engine starts silent: it stays so
        if self.timer is not None:
            self._follow_timer(self.clock())  # from silence to the curve over RESTORE
        else:
            self._call(lambda e: e.fade_master(1.0, RESTORE_FADE, "loudness"))

    def _apply(self, mix: Mix, ramp: float | None = None) -> None:
        if self.port is not None and self.started:
            self.port.apply(mix, ramp=ramp)

    def _call(self, fn: Callable[[Playback], None]) -> None:
        if self.port is not None and self.started:
            self.port.call(fn)

    # ------------------------------------------------------------------ the mix
    def set_mix(self, mix: Mix, ramp: float | None = None) -> None:
        """The user changed the mix. After the timer's end it is kept for when the sound
        plays again; nothing is computed meanwhile."""
        self.mix = mix
        if not self.ended:
            self._apply(mix, ramp)

    # ------------------------------------------------------------------ pause
    def pause(self) -> None:
        if self.paused or self.ended:
            return
        self.paused = True
        self._call(lambda e: e.fade_master(0.0, PAUSE_FADE, "linear"))

    def resume(self) -> None:
        """Play again: after a pause, back to where the timer's curve will be; after the
        timer's end, the mix comes back (no timer) with a short fade-in."""
        if self.ended:
            self.ended = False
            self.paused = False
            self._apply(self.mix, ramp=0.0)
            self._call(lambda e: e.fade_master(1.0, PAUSE_FADE, "linear"))
            return
        if not self.paused:
            return
        self.paused = False
        if self.timer is not None:
            self._follow_timer(self.clock(), lead=PAUSE_FADE)
        else:
            self._call(lambda e: e.fade_master(1.0, PAUSE_FADE, "linear"))

    def toggle_pause(self) -> bool:
        """Pause or play again; returns whether the session is now paused."""
        if self.paused or self.ended:
            self.resume()
        else:
            self.pause()
        return self.paused

    @property
    def silent(self) -> bool:
        """Paused, or stopped by the timer."""
        return self.paused or self.ended

    # ------------------------------------------------------------------ the sleep timer
    def start_timer(self, duration: float, fade: float | None = None,
                    then: str = "stop") -> SleepTimer:
        now = self.clock()
        timer = SleepTimer(duration, fade, then, clock=self.clock, start=now)
        self.timer = timer
        self._fading_told = False
        if self.ended:  # a new timer after the end plays again
            self.resume()
        if not self.paused:
            self._follow_timer(now)
        return timer

    def cancel_timer(self) -> bool:
        """No timer any more; the level comes back up if the fade had begun. False when no
        timer was running."""
        timer, self.timer = self.timer, None
        if timer is None:
            return False
        timer.cancel()
        if not self.silent:
            now = self.clock()
            self._call(lambda e: e.set_master_envelope(
                timer.envelope_points(now, e.master_envelope_value())))
        return True

    def adjust_timer(self, seconds: float) -> bool:
        """Extend (positive) or shorten (negative) the running timer; shortened past its
        end, it ends now with a short fade (see `tick`). False when no timer is running."""
        timer = self.timer
        if timer is None:
            return False
        now = self.clock()
        timer.extend(seconds, now)
        if timer.expired(now):
            self._quiet_at = now + END_FADE
            self._call(lambda e: e.fade_master(0.0, END_FADE, "db"))
        elif not self.paused:
            self._follow_timer(now)
        self._fading_told = self._fading_told and timer.fading(now)
        return True

    def timer_state(self, now: float | None = None) -> TimerState | None:
        return None if self.timer is None else self.timer.state(now)

    def _follow_timer(self, now: float, lead: float = 0.0) -> None:
        """Hand the timer's curve to the engine, from the envelope's value when the engine
        gets to it. With `lead`, first move linearly to where the curve will be `lead`
        seconds from now (playing again after a pause)."""
        timer = self.timer
        if timer is None:
            return
        self._synced = now

        def follow(engine: Playback) -> None:
            current = engine.master_envelope_value()
            if lead <= 0.0:
                engine.set_master_envelope(timer.envelope_points(now, current))
                return
            target = timer.gain_at(now + lead) if not timer.expired(now + lead) else 0.0
            later = timer.envelope_points(now + lead, target)
            engine.set_master_envelope([(0.0, current)] + [(t + lead, g) for t, g in later])

        self._call(follow)

    # ------------------------------------------------------------------ time passing
    def next_check(self, now: float | None = None) -> float:
        """Seconds until `tick()` has something to do (at most `POLL`, never zero)."""
        now = self.clock() if now is None else now
        wait = POLL
        if self.timer is not None:
            wait = min(wait, self.timer.remaining(now))
        return max(0.005, wait)

    def tick(self, now: float | None = None) -> list[Event]:
        """Re-anchor the fade, notice its start and the timer's end, carry the end out."""
        now = self.clock() if now is None else now
        timer = self.timer
        if timer is None or not self.started:
            return []
        events: list[Event] = []
        if timer.expired(now):
            self.timer = None
            quiet_in = max(0.0, self._quiet_at - now)
            if timer.then == "stop":
                self.ended = True
                self.paused = False
                # already silent by the curve; layers fade out with whatever is left
                ramp = max(0.05, quiet_in)
                self._call(lambda e: e.fade_master(0.0, ramp, "db"))
                self._apply(Mix(master=self.mix.master), ramp=ramp)
                self._call(lambda e: e.rest(after=ramp + REST_MARGIN))
            events.append(Event("ended", timer.then, quiet_in))
            return events
        if not self.paused and now - self._synced >= RESYNC and timer.remaining(now) > RESTORE + 1:
            self._follow_timer(now)
        if timer.fading(now) and not self._fading_told:
            self._fading_told = True
            events.append(Event("fading"))
        return events

    # ------------------------------------------------------------------ the end
    def fade_out(self, seconds: float) -> None:
        """The user quits: fade everything out over `seconds` (the front end waits)."""
        if not self.silent:
            self._call(lambda e: e.fade_master(0.0, seconds, "db"))
