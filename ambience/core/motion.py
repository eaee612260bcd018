"""Where a moving layer is: a seeded, slow, smooth path around the listener's head.

Pure (no pyo): the engine plays `path_points` as a looping breakpoint envelope scaled by the
layer's `motion`, and the tests read `Path.azimuth` to know where the sound should be.

The path lives in a "level" coordinate W (`level_of`) rather than in degrees: W grows with
the level difference between the ears of a close-up sound (`head.close_ild_db`, up to about
0.45 dB a degree across the front, almost flat beside the ear), and at least by
LEVEL_RATE / MAX_SPEED a degree. Moves are raised cosines in W (no speed at either end, so
no jerk) peaking at 0.75-1 x LEVEL_RATE a second, so a whisper's level difference never
changes faster than LEVEL_RATE dB a second and nothing turns faster than MAX_SPEED degrees a
second (about 5 degrees a second across the front). `motion` scales W: at 0.5 the sound
goes half as far in level, no faster than half those rates; the engine ramps the scale, so
changing it while playing glides.

As much left as right: the path is a chain of excursions, each heard as much on the left
as on the right and followed by its mirror image, and one side never leads by more than
BALANCE dB x seconds (so two minutes from an excursion's start average within about 2.5 dB
of the centre); the second half-cycle is the first mirrored and played backwards
(U(T - t) = -U(t)), so the whole cycle is exactly even and loops seamlessly from the front.
Why not further or faster: a close sound's level difference reaches 14 dB at 35 degrees, so
at LEVEL_RATE an ear-to-ear sweep takes half a minute, and long stays at an ear would leave
minutes heard mostly on one side.

Azimuth is in degrees: 0 in front, +90 at the right ear, -90 at the left.
"""

from __future__ import annotations

import bisect
import functools
import math
import random

from ambience.core import head

#: the fastest a move goes at motion 1 (degrees a second, a slow hand)
MAX_SPEED = 30.0
#: how far the path reaches at motion 1 (degrees either side: a sphere without outer ears
#: sounds the same at 80 and 100 degrees, and 80 is at the ear for a close sound)
REACH = 80.0
#: the fastest a close-up sound's level difference between the ears may change (dB a second)
LEVEL_RATE = 2.2
#: how far one side may lead the other at any moment (level difference x seconds)
BALANCE = 300.0
#: breakpoints every STEP seconds: linear between them, so no faster than the curve itself
STEP = 0.25
#: the path repeats after CYCLE seconds (its second half mirrors the first)
CYCLE = 600.0
#: pauses between moves (seconds): mostly short, now and then a long stay
PAUSES = ((1.0, 3.0), (3.0, 6.0))


#: the least "level" per degree: where the level difference hardly changes (beside the ear)
#: a move at LEVEL_RATE still goes no faster than MAX_SPEED
_FLAT = LEVEL_RATE / MAX_SPEED
_GRID = 0.1  # degrees


@functools.lru_cache(maxsize=1)
def _warp() -> tuple[list[float], list[float]]:
    """(azimuths 0..180 every _GRID degrees, their "level" W): W grows by the close-up level
    difference's slope (dB a degree), at least by _FLAT a degree. The path lives in W, so
    a move at a given rate in W changes the level difference at most at that rate, and turns
    no faster than MAX_SPEED where the level difference is flat."""
    n = round(180 / _GRID)
    az = [k * _GRID for k in range(n + 1)]
    ild = [head.close_ild_db(-a) for a in az]  # left of the head: positive, growing at first
    w = [0.0]
    for k in range(n):
        w.append(w[-1] + max(abs(ild[k + 1] - ild[k]), _FLAT * _GRID))
    return az, w


def level_of(azimuth: float) -> float:
    """The path coordinate W of an azimuth (odd: negative on the left)."""
    az, w = _warp()
    x = min(abs(azimuth), 180.0) / _GRID
    i = min(int(x), len(az) - 2)
    f = x - i
    return math.copysign(w[i] * (1 - f) + w[i + 1] * f, azimuth)


def azimuth_of(level: float) -> float:
    """The azimuth at path coordinate `level` (inverse of `level_of`, clamped to +-180)."""
    az, w = _warp()
    x = abs(level)
    if x >= w[-1]:
        return math.copysign(180.0, level)
    i = max(0, bisect.bisect_right(w, x) - 1)
    f = (x - w[i]) / (w[i + 1] - w[i])
    return math.copysign(az[i] + f * _GRID, level)


def w_max() -> float:
    """W at 180 degrees: the path coordinate's range is -w_max..w_max."""
    return _warp()[1][-1]


def move_time(a: float, b: float, rate: float) -> float:
    """Seconds for a raised-cosine move from `a` to `b` (path coordinates) peaking at
    `rate` units a second."""
    return math.pi / 2 * abs(b - a) / rate


def _heard(a: float, b: float, d: float) -> float:
    """The close-up level difference (dB) integrated over a raised-cosine move from `a` to
    `b` (path coordinates) lasting `d` seconds, or over a stay (a == b)."""
    if d <= 0:
        return 0.0
    n = 24
    return d / n * sum(
        head.close_ild_db(azimuth_of(a + (b - a) * (0.5 - 0.5 * math.cos(math.pi * (k + 0.5) / n))))
        for k in range(n))


def _moves(seed: int, length: float) -> list[tuple[float, float, float, float]]:
    """(start time, duration, from, to) of every segment of one half-cycle in path
    coordinates; stays are segments with from == to. Starts and ends at 0 (in front) and
    lasts exactly `length`.

    The path is a chain of excursions from the front: out to one side, a stay, a swing to
    the same place on the other side, an equal stay, back to the front, a rest; then the
    same excursion mirrored. An excursion is heard exactly as much on the left as on the
    right (its swing is a mirror image, its stays are equal, its ways out and back mirror
    each other), and how much one side leads at any moment (level difference x seconds) is
    kept under BALANCE: from the start of any excursion, a stretch of two minutes averages
    within BALANCE / 120 s dB of the centre, any stretch within twice that."""
    rng = random.Random(f"ambience-motion-{seed}")
    segments: list[tuple[float, float, float, float]] = []
    t = 0.0
    top = level_of(REACH)

    def add(d: float, a: float, b: float) -> None:
        nonlocal t
        segments.append((t, d, a, b))
        t += d

    while True:
        reach = rng.uniform(0.4, 1.0) * top
        rate = rng.uniform(0.75, 1.0) * LEVEL_RATE
        stay = rng.uniform(*(PAUSES[0] if rng.random() < 0.85 else PAUSES[1]))
        rest = rng.uniform(*PAUSES[0])
        side = rng.choice((-1.0, 1.0))
        while True:
            out = move_time(0.0, reach, rate)
            lead = 2 * abs(_heard(0.0, reach, out)) + stay * abs(head.close_ild_db(
                azimuth_of(reach)))
            once = 2 * out + move_time(reach, -reach, rate) + 2 * stay + rest
            if (lead <= BALANCE and t + 2 * once <= length) or reach < 0.1 * top:
                break
            reach *= 0.9
            stay = max(PAUSES[0][0], stay * 0.9)
        if t + 2 * once > length:
            break
        across = move_time(reach, -reach, rate)
        # the excursion, then its mirror image: what one ear heard, the other hears next
        for start in (side, -side):
            here = start * reach
            add(out, 0.0, here)
            add(stay, here, here)
            add(across, here, -here)
            add(stay, -here, -here)
            add(out, -here, 0.0)
            add(rest, 0.0, 0.0)
    if t < length:
        add(length - t, 0.0, 0.0)
    return segments


def _at(segments, t: float) -> float:
    for start, dur, a, b in segments:
        if t <= start + dur:
            if a == b or dur <= 0:
                return b
            x = min(1.0, max(0.0, (t - start) / dur))
            return a + (b - a) * (0.5 - 0.5 * math.cos(math.pi * x))
    return segments[-1][3]


@functools.lru_cache(maxsize=32)
def path_points(seed: int) -> list[tuple[float, float]]:
    """One cycle of the path at motion 1 as (seconds, W) breakpoints every STEP, from
    (0, 0) to (CYCLE, 0), for a looping linear envelope (W: see `level_of`)."""
    half = CYCLE / 2
    segments = _moves(seed, half)
    n = round(half / STEP)
    first = [_at(segments, i * STEP) for i in range(n)]
    # the second half is the first one mirrored and played backwards: it leaves the front
    # to the side the first half came back from, so the ends of the halves balance as well
    values = first + [0.0] + [-v for v in reversed(first[1:])] + [0.0]
    return [(i * STEP, v) for i, v in enumerate(values)]


class Path:
    """The path of one seed, evaluated like the engine plays it (linear between points)."""

    def __init__(self, seed: int):
        self.points = path_points(seed)
        self._values = [v for _, v in self.points]

    def level(self, t: float, motion: float = 1.0) -> float:
        """The path coordinate W at `t` seconds after the layer started moving."""
        x = (t % CYCLE) / STEP
        i = min(int(x), len(self._values) - 2)
        f = x - i
        return motion * (self._values[i] * (1 - f) + self._values[i + 1] * f)

    def azimuth(self, t: float, motion: float = 1.0) -> float:
        """Degrees at `t` seconds after the layer started moving, at `motion` (0..1)."""
        return azimuth_of(self.level(t, motion))


def azimuth(t: float, seed: int, motion: float = 1.0) -> float:
    """Degrees at `t` for `seed` and `motion` (see `Path` to evaluate many times)."""
    return Path(seed).azimuth(t, motion)
