"""The sleep timer: a deadline, a slow perceptual fade before it, and what happens at the end.

Pure logic with an injected clock (any `() -> seconds`, monotonic in real use), so tests can
walk through hours without waiting. The timer never touches audio itself: it describes the
master envelope as breakpoints, (seconds from now, gain), for `Engine.set_master_envelope`,
which plays them with one exact long envelope. The curve is `ambience.core.fades`' dB fade: the
level moves linearly in decibels from full down to -60 dB, then to silence just before the
deadline, like a hand turning a knob down, whatever the length.

Every call that takes `now` uses the clock when `now` is not given.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ambience.core import fades
from ambience.core.durations import EXAMPLES, MAX_SECONDS, DurationError, parse_duration

#: the default fade: the last 10 minutes, or the last third of a shorter timer
DEFAULT_FADE = 600.0
#: how long the level takes to come back (or settle) when the curve jumps: extend, cancel
RESTORE = 3.0
#: below this difference the envelope simply follows the curve (no restore segment)
SETTLE_DB = 0.05
END_ACTIONS = ("stop", "quit")
#: shorter fades are treated as none (a cut at the deadline)
MIN_FADE = 0.01

Points = fades.Points


def default_fade(duration: float) -> float:
    return min(DEFAULT_FADE, duration / 3.0)


def parse_adjustment(text: str) -> float:
    """`+5m` -> 300.0, `-5m` -> -300.0 (a bare `5m` extends): a change to a running timer."""
    shown = str(text).strip()
    sign = 1.0
    if shown[:1] in "+-" and shown:
        sign = -1.0 if shown[0] == "-" else 1.0
        shown = shown[1:].strip()
    try:
        return sign * parse_duration(shown)
    except DurationError:
        raise DurationError(
            f"not a timer change: {text!r} (try +5m, -5m, +1h; durations like {EXAMPLES})"
        ) from None


def parse_then(text: str) -> str:
    value = str(text).strip().lower()
    if value not in END_ACTIONS:
        raise ValueError(f"unknown end action {text!r} (use 'stop' or 'quit')")
    return value


@dataclass(frozen=True)
class TimerState:
    """A snapshot for displays: phase is `running`, `fading`, `ended` or `cancelled`."""

    phase: str
    remaining: float
    fade_progress: float  # 0 before the fade, 1 at the deadline


class SleepTimer:
    """Counts down to a deadline; the last `fade` seconds fade the master to silence."""

    def __init__(
        self,
        duration: float,
        fade: float | None = None,
        then: str = "stop",
        *,
        clock: Callable[[], float] = time.monotonic,
        start: float | None = None,
    ):
        duration = float(duration)
        if not (duration > 0.0) or math.isinf(duration):
            raise ValueError(f"a timer needs a positive duration, got {duration!r}")
        if fade is None:
            fade = default_fade(duration)
        fade = float(fade)
        if not (fade >= 0.0) or math.isinf(fade):
            raise ValueError(f"a fade cannot be negative, got {fade!r}")
        self.clock = clock
        self.duration = duration
        #: a fade longer than the timer starts right away
        self.fade = min(fade, duration) if fade >= MIN_FADE else 0.0
        self.then = parse_then(then)
        self.started = clock() if start is None else float(start)
        self.deadline = self.started + duration
        self.cancelled = False

    # ----------------------------------------------------------------- time
    def _now(self, now: float | None) -> float:
        return self.clock() if now is None else float(now)

    @property
    def fade_start(self) -> float:
        return self.deadline - self.fade

    def remaining(self, now: float | None = None) -> float:
        """Seconds until the deadline (0 once it has passed); infinite once cancelled."""
        if self.cancelled:
            return math.inf
        return max(0.0, self.deadline - self._now(now))

    def expired(self, now: float | None = None) -> bool:
        return not self.cancelled and self._now(now) >= self.deadline

    def fading(self, now: float | None = None) -> bool:
        now = self._now(now)
        return not self.cancelled and self.fade_start <= now < self.deadline

    def fade_progress(self, now: float | None = None) -> float:
        """0 before the fade starts, rising to 1 at the deadline."""
        if self.cancelled:
            return 0.0
        now = self._now(now)
        if self.fade <= 0.0:
            return 1.0 if now >= self.deadline else 0.0
        return min(1.0, max(0.0, (now - self.fade_start) / self.fade))

    def state(self, now: float | None = None) -> TimerState:
        now = self._now(now)
        if self.cancelled:
            phase = "cancelled"
        elif now >= self.deadline:
            phase = "ended"
        elif now >= self.fade_start:
            phase = "fading"
        else:
            phase = "running"
        return TimerState(phase, self.remaining(now), self.fade_progress(now))

    # ----------------------------------------------------------------- changes
    def restart(self, now: float | None = None) -> None:
        """Start counting the full duration from `now` (when the sound actually starts)."""
        self.started = self._now(now)
        self.deadline = self.started + self.duration
        self.cancelled = False

    def extend(self, seconds: float, now: float | None = None) -> None:
        """Move the deadline by `seconds` (negative shortens). The fade keeps its length;
        the result is clamped between now (ends at once) and 24 h from now."""
        now = self._now(now)
        base = max(self.deadline, now) if seconds > 0 else self.deadline
        self.deadline = min(max(base + float(seconds), now), now + MAX_SECONDS)

    def shorten(self, seconds: float, now: float | None = None) -> None:
        self.extend(-abs(float(seconds)), now)

    def cancel(self) -> None:
        """No deadline any more: the level comes back up and playback goes on."""
        self.cancelled = True

    # ----------------------------------------------------------------- the curve
    def curve(self) -> Points:
        """The planned master gain in absolute clock time: full until the fade starts, then
        the dB fade to silence at the deadline."""
        if self.cancelled:
            return [(self.started, 1.0)]
        if self.fade <= 0.0:
            return [(self.deadline, 1.0), (self.deadline, 0.0)]
        return fades.shifted(fades.curve_points(1.0, 0.0, self.fade, "db"), self.fade_start)

    def gain_at(self, t: float) -> float:
        """The planned gain at clock time `t` (before any restore segment)."""
        pts = self.curve()
        if not self.cancelled and t >= self.deadline:
            return 0.0
        if t < pts[0][0]:
            return pts[0][1]
        if len(pts) == 2 and pts[0][0] == pts[1][0]:  # no fade: a cut at the deadline
            return 1.0 if t < pts[0][0] else 0.0
        return fades.value_at(pts, t)

    def envelope_points(self, now: float | None = None, current_gain: float = 1.0) -> Points:
        """Breakpoints (seconds from now, gain) for `Engine.set_master_envelope`.

        They start at `current_gain` (where the engine's envelope is). When that is not where
        the plan says the level should be (start-up, an extended or cancelled fade, a
        shortened timer) the first segment moves there in dB over `RESTORE` seconds, aiming
        at the plan's value at the end of that segment; then the points follow the plan:
        hold, dB fade to -60 dB, silence at the deadline.
        """
        now = self._now(now)
        current = max(0.0, float(current_gain))
        if not self.cancelled and now >= self.deadline:
            # past the end: silence (quickly, if something is still sounding)
            if current <= 0.0:
                return [(0.0, 0.0)]
            return fades.curve_points(current, 0.0, 1.0, "db")
        if self.cancelled:
            if _close(current, 1.0):
                return [(0.0, current), (0.001, 1.0)]
            return fades.curve_points(current, 1.0, RESTORE, _rise_curve(current, 1.0))
        plan = self.curve()
        rest = self.deadline - now
        settle = 0.0
        if not _close(current, self.gain_at(now)):
            settle = min(RESTORE, rest)
        join = now + settle
        points: Points = [(0.0, current)]
        if settle > 0.0:
            target = self.gain_at(join)
            points = fades.curve_points(current, target, settle, _rise_curve(current, target))
        else:
            target = current
        if not (len(plan) == 2 and plan[0][0] == plan[1][0]):
            points += [(t - now, g) for t, g in plan if t > join]
        else:  # a cut at the deadline (fade 0): hold, then silence within 10 ms
            if plan[0][0] > join:
                points.append((plan[0][0] - now, target))
            points.append((max(plan[0][0] - now, settle) + 0.01, 0.0))
        points = _tidy(points)
        if points[-1][1] != 0.0:  # whatever happened above, the deadline means silence
            points.append((max(self.deadline - now, points[-1][0]) + 0.01, 0.0))
        return points


def _rise_curve(start: float, end: float) -> str:
    """From true silence, the engine's own start-up fade-in curve (steady loudness);
    otherwise linear in dB, like every other level change here."""
    if start == 0.0 and end > 0.0:
        return "loudness"
    return "db"


def _close(a: float, b: float) -> bool:
    if a <= 0.0 or b <= 0.0:
        return a == b or max(a, b) < fades.FLOOR * 0.01
    return abs(fades.to_db(a) - fades.to_db(b)) < SETTLE_DB


def _tidy(points: Points) -> Points:
    """Drop repeated times so the envelope never gets a zero-length segment."""
    out: Points = [points[0]]
    for t, g in points[1:]:
        if t <= out[-1][0] + 1e-9:
            out[-1] = (out[-1][0], g) if len(out) > 1 else out[-1]
            continue
        out.append((t, g))
    return out
