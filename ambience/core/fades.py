"""Fade curves as breakpoints, for the engine's exact long-fade primitive.

Pure maths. A "db" fade moves linearly in decibels (like a hand turning a knob), down to a
floor of -60 dB and then linearly to silence in a short tail; a "linear" fade moves linearly
in amplitude; a "loudness" fade moves linearly in perceived loudness (the slider curve).
Curves are lists of (seconds from now, gain) that the engine plays with one
sample-accurate envelope (pyo's `Linseg`), never as a chain of steps from Python.
"""

from __future__ import annotations

import bisect
import math

FLOOR_DB = -60.0
FLOOR = 10 ** (FLOOR_DB / 20)
#: breakpoints every 0.25 dB: a linear segment that short is within 0.01 dB of the true curve
STEP_DB = 0.25
#: the last stretch below the floor, to true silence
TAIL = 0.5

Points = list[tuple[float, float]]


def to_db(gain: float) -> float:
    return 20 * math.log10(gain) if gain > 0 else -math.inf


def linear_points(start: float, end: float, seconds: float) -> Points:
    return [(0.0, start), (max(seconds, 0.0), end)]


def db_points(start: float, end: float, seconds: float) -> Points:
    """From gain `start` to gain `end` over `seconds`, linear in dB between the floor and the
    louder end; a short linear tail covers the way to or from true silence."""
    seconds = max(float(seconds), 0.0)
    if seconds == 0.0 or start == end:
        return linear_points(start, end, seconds)
    lo_start, lo_end = start <= FLOOR, end <= FLOOR
    if lo_start and lo_end:
        return linear_points(start, end, seconds)
    tail = min(TAIL, seconds * 0.05)
    points: Points = [(0.0, start)]
    t0, t1 = 0.0, seconds
    a, b = start, end
    if lo_start:  # rise from silence to the floor first
        t0 = tail
        a = FLOOR
        points.append((t0, a))
    if lo_end:  # leave room for the tail to silence
        t1 = seconds - tail
        b = FLOOR
    da, db = to_db(a), to_db(b)
    steps = max(1, math.ceil(abs(db - da) / STEP_DB))
    for i in range(1, steps + 1):
        frac = i / steps
        points.append((t0 + frac * (t1 - t0), 10 ** ((da + frac * (db - da)) / 20)))
    if lo_end:
        points.append((seconds, end))
    return points


def loudness_points(start: float, end: float, seconds: float, segments: int = 48) -> Points:
    """Linear in perceived loudness: the slider position moves linearly (see `ambience.core.mix`),
    so a fade-in from silence sounds like a hand pushing the slider up at a steady pace."""
    from ambience.core.mix import gain_to_slider, slider_to_gain

    seconds = max(float(seconds), 0.0)
    if seconds == 0.0 or start == end:
        return linear_points(start, end, seconds)
    a, b = gain_to_slider(start), gain_to_slider(end)
    return [(seconds * i / segments, slider_to_gain(a + (b - a) * i / segments))
            for i in range(segments + 1)]


def crossfade_points(start: float, end: float, seconds: float, segments: int = 16) -> Points:
    """A layer's gain ramp. Appearing layers rise on a sine and vanishing ones fall on a
    cosine, so that a mix crossfading into another keeps its power (uncorrelated layers
    fading linearly would dip 3 dB half-way); level changes stay linear."""
    seconds = max(float(seconds), 0.0)
    if seconds == 0.0 or start == end or (start > 0 and end > 0):
        return linear_points(start, end, seconds)
    if end == 0.0:  # fall from start on a quarter cosine
        shape = [math.cos(0.5 * math.pi * i / segments) for i in range(segments + 1)]
        return [(seconds * i / segments, start * shape[i]) for i in range(segments + 1)]
    shape = [math.sin(0.5 * math.pi * i / segments) for i in range(segments + 1)]
    return [(seconds * i / segments, end * shape[i]) for i in range(segments + 1)]


CURVES = {"db": db_points, "linear": linear_points, "loudness": loudness_points}


def curve_points(start: float, end: float, seconds: float, curve: str = "db") -> Points:
    try:
        return CURVES[curve](start, end, seconds)
    except KeyError:
        raise ValueError(f"unknown fade curve {curve!r} (use {', '.join(CURVES)})") from None


def value_at(points: Points, t: float) -> float:
    """The envelope's gain at `t` seconds (held after the last point). Points in time order
    are searched by halves: a sleep fade has hundreds, and the engine reads its envelope this
    way whenever asked (the mixer ten times a second, renders after every buffer)."""
    if t <= points[0][0]:
        return points[0][1]
    i = bisect.bisect_left(points, t, key=_time)  # the first point at or after `t`
    if i == len(points):
        return points[-1][1]
    (ta, ga), (tb, gb) = points[i - 1], points[i]
    return gb if tb == ta else ga + (gb - ga) * (t - ta) / (tb - ta)


def _time(point: tuple[float, float]) -> float:
    return point[0]


def shifted(points: Points, offset: float) -> Points:
    return [(t + offset, g) for t, g in points]
