"""The breathing pacer: the mix swells with each breath, on `core.breathing`'s curve and clock.

Once a buffer (from the engine's per-buffer callback) it sets the master chain's pacer gain
to the swell at that buffer's end, so the gain runs as straight segments one buffer long
along the smooth curve. The gain sits before the master envelope: the sleep timer's fade
takes the swell down with everything else. While the pacer is off nothing runs: no tick,
and the gain is out of the chain (`MasterChain.use_pacer`).

Nothing steps: switching on or off fades the swell's depth in or out over `FADE` seconds; a
new rate keeps the breath's phase (the clock is re-anchored so that `core.breathing` sees the
same phase at the new rate); a new inhale share blends from the old curve to the new over
`BLEND` seconds.

The clock: `breath_time(now)` is the time to hand to `core.breathing.guide` (and
`fullness`) with the mix's `breathing` and `inhale` to get what the sound is doing now; the
engine reports it in `Levels.breath` for the mixer's breath guide.
"""

from __future__ import annotations

import math
import threading

from ambience.core import breathing
from ambience.core.mix import DEFAULT_INHALE

#: seconds to fade the swell in when the pacer starts, and out when it stops
FADE = 4.0
#: seconds to blend from one curve to the next when the inhale share changes
BLEND = 2.0


def _ease(x: float) -> float:
    """0..1 on a raised cosine (no corner at either end)."""
    x = min(1.0, max(0.0, x))
    return 0.5 - 0.5 * math.cos(math.pi * x)


class Pacer:
    """Drives `gain` (a pyo `SigTo` before the master envelope) along the breathing curve."""

    def __init__(self, gain, buffer_seconds: float, use=lambda on: None):
        self.gain = gain
        self._use = use  # puts the gain into the chain (True) or takes it out (False)
        self.step = buffer_seconds
        self.gain.setTime(buffer_seconds)
        self._lock = threading.Lock()
        self.rate = 0.0
        self.inhale = DEFAULT_INHALE
        self.anchor = 0.0  # engine time at which the pacer's clock reads 0
        self._old: tuple[float, float, float] | None = None  # (anchor, rate, inhale)
        self._blend_at = 0.0
        self._depth = (0.0, 0.0, 0.0, 0.0)  # (start, from, to, seconds): 0 off .. 1 on
        self._stopping = False
        self.active = False  # whether ticks are needed

    # ------------------------------------------------------------------ control
    def set(self, rate: float, inhale: float, now: float) -> None:
        """Head for `rate` breaths a minute (0 = off) with `inhale` of each breath in."""
        with self._lock:
            depth = self._depth_at(now)
            if rate <= 0:
                if self.active and not self._stopping:
                    self._depth = (now, depth, 0.0, FADE * depth)
                    self._stopping = True
                return
            if not self.active:
                # a fresh start: the clock starts now, at the bottom of a breath
                self.anchor, self.rate, self.inhale, self._old = now, rate, inhale, None
                self.gain.setTime(0.0)
                self.gain.setValue(1.0)  # where it was left: the depth starts at 0
                self.gain.setTime(self.step)
                self._use(True)
            elif rate != self.rate or inhale != self.inhale:
                old = (self.anchor, self.rate, self.inhale)
                # the same phase of the breath at the new rate
                phase = ((now - self.anchor) / breathing.period(self.rate)) % 1.0
                self.anchor = now - phase * breathing.period(rate)
                if inhale != self.inhale:  # a new shape: blend into it
                    self._old, self._blend_at = old, now
                self.rate, self.inhale = rate, inhale
            if self._stopping or not self.active:
                self._depth = (now, depth, 1.0, FADE * (1.0 - depth))
            self._stopping = False
            self.active = True

    def breath_time(self, now: float) -> float | None:
        """Seconds on `core.breathing`'s clock now (None while the pacer is off)."""
        with self._lock:
            if not self.active or self._stopping:
                return None
            return now - self.anchor

    # ------------------------------------------------------------------ per buffer
    def _depth_at(self, t: float) -> float:
        start, frm, to, seconds = self._depth
        if seconds <= 0:
            return to
        return frm + (to - frm) * _ease((t - start) / seconds)

    def swell_db(self, t: float) -> float:
        """The swell in dB at engine time `t` (0 when off)."""
        depth = self._depth_at(t)
        if depth <= 0 or self.rate <= 0:
            return 0.0
        db = breathing.swell_db(t - self.anchor, self.rate, self.inhale)
        if self._old is not None:
            k = _ease((t - self._blend_at) / BLEND)
            anchor, rate, inhale = self._old
            db = k * db + (1.0 - k) * breathing.swell_db(t - anchor, rate, inhale)
            if k >= 1.0:
                self._old = None
        return depth * db

    def tick(self, now: float) -> None:
        """Set the gain for the buffer starting at `now` (called from the audio thread)."""
        if not self.active:
            return
        with self._lock:
            end = now + self.step
            db = self.swell_db(end)
            self.gain.setValue(10 ** (db / 20))
            if self._stopping and self._depth_at(now) <= 0:
                # faded out (the gain has been at 1 for a buffer): out of the chain
                self.active = False
                self.rate = 0.0
                self._stopping = False
                self._old = None
                self._use(False)
