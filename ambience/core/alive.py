"""Layers that live: a slow drift of the level, and "now and then" comings and goings.

Pure maths (no pyo): seeded schedules that the engine plays as one gain envelope per layer,
on top of the slider (the slider stays the volume control and the centre of the drift) and
under the master and its sleep fade. Everything is a function of schedule time (seconds
since the layer started) and of the seed, so the same seed and the same changes at the same
times give the same curve, sample for sample.

Drift: a unit wander u(t) in -1..1 moves from one random target to the next on raised
cosines lasting 20-120 s. The level offset is u x 6 dB x drift below the slider and
u x min(6 dB x drift, 3 dB) above it. A move is slow enough that the wander alone never
changes faster than `DRIFT_SPEED`; a change of the drift amount glides the depth at
`GLIDE_SPEED`, so the two together stay under `MAX_SPEED` (0.5 dB a second).

Presence ("now and then", the share of time a layer is there): spans present and absent
alternate, each joined by a fade of 1-3 minutes, linear in loudness (the slider's curve), so
that the fade's mid-point (-10 dB) is where the layer counts as come or gone. Span lengths
are random; the longer kind of span (absent when the share is under a half) also pays back
what the cycles before owe the share asked for, so the share holds over any long stretch
instead of wandering like a random walk.
"""

from __future__ import annotations

import bisect
import math
import random

from ambience.core.mix import slider_to_gain

#: drift at 1 wanders this far below (and, up to the ceiling, above) the slider
DRIFT_DEPTH_DB = 6.0
#: drift never lifts a layer more than this above its slider
DRIFT_CEILING_DB = 3.0
#: shortest and longest wander from one target to the next, seconds
DRIFT_MOVE = (20.0, 120.0)
#: the issue's limit, dB a second, and the shares of it the wander and a change of depth use
MAX_SPEED = 0.5
DRIFT_SPEED = 0.4
GLIDE_SPEED = 0.1

#: mean length of the rarer of the two spans (present or absent), seconds
MINORITY_SPAN = 240.0
#: each span is its mean times a factor in this range (before paying back the share's debt)
SPAN_JITTER = (0.6, 1.4)
#: the first span of a schedule is this part of a whole one
FIRST_PART = (0.2, 1.0)
#: no span is shorter than this (a fade must fit in it), seconds
MIN_SPAN = 60.0
#: fades between present and absent, seconds (shortened only where a span is shorter)
FADE = (60.0, 180.0)
#: a change of the presence setting glides the loudness this fast (full scale, seconds)
CHANGE_FADE = 20.0
#: presence counts as "there" at or above this slider-scale level (mid-fade, -10 dB)
THERE = 0.5

#: spacing of the envelope's breakpoints where it curves, seconds
STEP = 2.0

Points = list[tuple[float, float]]


def drift_offset_db(u: float, amount: float) -> float:
    """The level offset (dB) of the unit wander `u` (-1..1) at drift `amount` (0..1)."""
    if u < 0:
        return u * DRIFT_DEPTH_DB * amount
    return u * min(DRIFT_DEPTH_DB * amount, DRIFT_CEILING_DB)


def drift_glide(old: float, new: float) -> float:
    """Seconds a change of drift from `old` to `new` takes (the depth moves at GLIDE_SPEED)."""
    return DRIFT_DEPTH_DB * abs(new - old) / GLIDE_SPEED


def _rng(seed: int | None, what: str, n: int = 0) -> random.Random:
    # a string seed is hashed the same way in every process (unlike hash())
    return random.Random(f"ambience-alive:{what}:{seed}:{n}")


def _linear(points: Points, t: float) -> float:
    """Piecewise-linear value of `points` (sorted by time) at `t`, held at both ends."""
    i = bisect.bisect_right(points, (t, math.inf))
    if i == 0:
        return points[0][1]
    if i == len(points):
        return points[-1][1]
    (ta, va), (tb, vb) = points[i - 1], points[i]
    return vb if tb <= ta else va + (vb - va) * (t - ta) / (tb - ta)


def _cut(points: Points, t: float) -> Points:
    """`points` up to `t`, ending with the value at `t` (the start of a new plan)."""
    value = _linear(points, t)
    kept = [p for p in points if p[0] < t]
    return kept + [(t, value)]


class Drift:
    """The level's slow wander in dB around the slider (seed, amount 0..1)."""

    def __init__(self, seed: int | None, amount: float = 0.0):
        self._rng = _rng(seed, "drift")
        #: the wander's moves: (start time, start u, end time, end u)
        self._moves: list[tuple[float, float, float, float]] = []
        self._starts: list[float] = []
        self._amount: Points = [(0.0, float(amount))]

    def _extend(self, t: float) -> None:
        while not self._moves or self._moves[-1][2] <= t:
            start, u0 = (0.0, 0.0) if not self._moves else self._moves[-1][2:]
            u1 = self._rng.uniform(-1.0, 1.0)
            # a raised cosine's steepest slope is pi/2 times its mean slope
            slowest = math.pi / 2 * abs(u1 - u0) * DRIFT_DEPTH_DB / DRIFT_SPEED
            seconds = max(self._rng.uniform(*DRIFT_MOVE), slowest)
            self._moves.append((start, u0, start + seconds, u1))
            self._starts.append(start)

    def unit(self, t: float) -> float:
        """The unit wander u(t), -1..1."""
        self._extend(t)
        i = max(0, bisect.bisect_right(self._starts, t) - 1)
        t0, u0, t1, u1 = self._moves[i]
        x = min(1.0, max(0.0, (t - t0) / (t1 - t0)))
        return u0 + (u1 - u0) * 0.5 * (1.0 - math.cos(math.pi * x))

    def amount(self, t: float) -> float:
        return _linear(self._amount, t)

    def db(self, t: float) -> float:
        """The level offset in dB at `t`."""
        amount = self.amount(t)
        return 0.0 if amount <= 0.0 else drift_offset_db(self.unit(t), amount)

    def set(self, t: float, amount: float) -> None:
        """From `t` on, glide the depth to `amount` (see `drift_glide`)."""
        points = _cut(self._amount, t)
        now = points[-1][1]
        if float(amount) != now:
            points.append((t + drift_glide(now, amount), float(amount)))
        self._amount = points

    def still_after(self, t: float) -> bool:
        """True when the drift is 0 from `t` on."""
        return all(v <= 0.0 for time, v in self._amount if time >= t) and self.amount(t) <= 0.0

    def moves(self, t0: float, t1: float) -> list[float]:
        """The seconds each move of the wander between t0 and t1 lasts."""
        self._extend(t1)
        return [m[2] - m[0] for m in self._moves if m[2] > t0 and m[0] < t1]


class Presence:
    """When a "now and then" layer is there: a loudness (slider-scale, 0..1) over time."""

    def __init__(self, seed: int | None, share: float = 1.0):
        self._seed = seed
        self._plans = 0
        # a layer that is never there starts silent; any other starts there
        self._points: Points = [(0.0, 0.0 if share <= 0.0 else 1.0)]
        self._start(0.0, float(share))

    # ---------------------------------------------------------------- planning
    def _start(self, t: float, share: float) -> None:
        """A new plan from `t`, starting at the present loudness (a glide, never a step)."""
        self._share = share
        self._rng = _rng(self._seed, "presence", self._plans)
        self._plans += 1
        points = _cut(self._points, t)
        now = points[-1][1]
        if share >= 1.0 or share <= 0.0:
            level = 1.0 if share >= 1.0 else 0.0
            if level != now:
                points.append((t + CHANGE_FADE * abs(level - now), level))
            self._points, self._end = points, math.inf
            return
        self._there = now >= THERE
        level = 1.0 if self._there else 0.0
        if level != now:
            points.append((t + CHANGE_FADE * abs(level - now), level))
        self._points = points
        # spans are measured mid-fade to mid-fade: the first starts at the glide's end
        self._owed = 0.0  # seconds present the plan owes its share (negative: too many)
        self._debt = 0.0  # what was owed when the current cycle began, not yet paid
        self._mark = points[-1][0]  # where the current span began
        # joined part-way through its first span, as if the schedule had been running: an
        # hour from the start is then there about the share asked, not more
        self._span = self._draw(self._there, self._rng.uniform(*FIRST_PART))
        self._end = self._mark  # planned up to here

    def _mean(self, there: bool) -> float:
        p = self._share
        if p <= 0.5:
            present, absent = MINORITY_SPAN, MINORITY_SPAN * (1 - p) / p
        else:
            present, absent = MINORITY_SPAN * p / (1 - p), MINORITY_SPAN
        return present if there else absent

    def _draw(self, there: bool, part: float = 1.0) -> float:
        """The next span's length: a random share of its mean (times `part`), and for the
        longer kind of span (absent when the share is under a half) also what the cycles so
        far owe."""
        p = self._share
        if there:  # a cycle (present, then absent) starts: what do the cycles before owe?
            self._debt = self._owed
        span = self._mean(there) * self._rng.uniform(*SPAN_JITTER)
        if there == (p >= 0.5):
            # present seconds earn (1-p) each, absent ones cost p each
            span += self._debt / (1 - p) if there else -self._debt / p
            self._debt = 0.0
        span = max(MIN_SPAN, span)
        # a part of a span is accounted as the whole: its other part lies before the start
        self._owed += -(1 - p) * span if there else p * span
        return max(MIN_SPAN, span * part)

    def _extend(self, t: float) -> None:
        while self._end <= t and self._end != math.inf:
            nxt = self._draw(not self._there)
            fade = min(self._rng.uniform(*FADE), self._span, nxt)
            boundary = self._mark + self._span
            a, b = (1.0, 0.0) if self._there else (0.0, 1.0)
            if boundary - fade / 2 > self._points[-1][0]:
                self._points.append((boundary - fade / 2, a))
            self._points.append((boundary + fade / 2, b))
            self._mark, self._span, self._there = boundary, nxt, not self._there
            self._end = boundary + fade / 2

    # ---------------------------------------------------------------- reading
    def set(self, t: float, share: float) -> None:
        """From `t` on, come and go with `share` (the current loudness glides, no step)."""
        self._extend(t)
        if float(share) != self._share:
            self._start(t, float(share))

    @property
    def share(self) -> float:
        return self._share

    def level(self, t: float) -> float:
        """Loudness on the slider's scale (0 gone .. 1 there) at `t`."""
        self._extend(t)
        return _linear(self._points, t)

    def gain(self, t: float) -> float:
        return slider_to_gain(self.level(t))

    def breakpoints(self, t0: float, t1: float) -> Points:
        """The loudness breakpoints inside (t0, t1)."""
        self._extend(t1)
        return [p for p in self._points if t0 < p[0] < t1]

    def quiet(self, t: float) -> tuple[float, float]:
        """The stretch where the layer is silent throughout that holds `t` (start <= t <
        end) or, if none does, the first one after it: (start, end); `end` is infinite when
        it never comes back, and (inf, inf) means it is never silent again."""
        self._extend(t)
        points = self._points
        i = max(0, bisect.bisect_right(points, (t, math.inf)) - 1)
        while i + 1 >= len(points) and self._end != math.inf:
            self._extend(self._end)
        # a silent stretch holding t may have begun several points earlier
        if points[i][1] <= 0.0 and (i + 1 == len(points) or points[i + 1][1] <= 0.0):
            while i > 0 and points[i - 1][1] <= 0.0:
                i -= 1
        start = None
        while True:
            while i + 1 >= len(points) and self._end != math.inf:
                self._extend(self._end)
            ta, va = points[i]
            if i + 1 == len(points):  # held from here on
                if va <= 0.0:
                    return (ta if start is None else start), math.inf
                return math.inf, math.inf
            vb = points[i + 1][1]
            if va <= 0.0 and vb <= 0.0:
                if start is None:
                    start = ta
            elif start is not None:
                return start, ta
            i += 1

    def steady_after(self, t: float) -> bool:
        """True when the layer is fully there from `t` on."""
        self._extend(t)
        return self._end == math.inf and all(v >= 1.0 for time, v in self._points
                                             if time >= t) and self.level(t) >= 1.0

    def there_share(self, t0: float, t1: float, step: float = 1.0) -> float:
        """The share of time from t0 to t1 the layer is there (sampled every `step`)."""
        n = max(1, int((t1 - t0) / step))
        return sum(self.level(t0 + (i + 0.5) * step) >= THERE for i in range(n)) / n


class Life:
    """One layer's drift and presence together: the gain envelope the engine plays."""

    def __init__(self, seed: int | None, drift: float = 0.0, presence: float = 1.0):
        self.drift = Drift(seed, drift)
        self.presence = Presence(seed, presence)

    def set(self, t: float, drift: float, presence: float) -> None:
        self.drift.set(t, drift)
        self.presence.set(t, presence)

    def gain(self, t: float) -> float:
        return 10 ** (self.drift.db(t) / 20) * self.presence.gain(t)

    def still_after(self, t: float) -> bool:
        """True when the envelope stays at 1 from `t` on (nothing to play)."""
        return self.drift.still_after(t) and self.presence.steady_after(t)

    def points(self, t0: float, t1: float) -> Points:
        """Breakpoints (schedule seconds, gain) of the envelope from t0 to t1: every `STEP`
        where it curves, at the presence's turns, and at both ends."""
        times = {t0, t1}
        times.update(t for t, _ in self.presence.breakpoints(t0, t1))
        wander = not self.drift.still_after(t0)
        t = t0
        while t < t1:
            if wander or not self._flat(t, min(t + STEP, t1)):
                times.add(t)
            t += STEP
        return [(t, self.gain(t)) for t in sorted(times) if t0 <= t <= t1]

    def _flat(self, a: float, b: float) -> bool:
        return self.presence.level(a) == self.presence.level(b) and not self.presence.breakpoints(a, b)

