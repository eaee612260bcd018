"""The breathing pacer's one curve: where in the breath we are, and how much the mix swells.

Pure (no pyo, no Textual): the engine plays `swell_db` as a gain curve on the mix, the mixer
draws `guide` as a bar that fills while breathing in and empties while breathing out, and both
read the same function of time so that the picture and the sound agree.

The swell rises on a raised cosine while breathing in and falls on one while breathing out:
its slope is zero at both turns, so the level never has a corner (no pump), and its trough
is the slider's level (the pacer never makes the mix louder than the slider says).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: trough-to-crest depth of the swell in dB (the issue allows 2-4)
SWELL_DB = 3.0


def period(breathing: float) -> float:
    """Seconds per breath at `breathing` breaths a minute."""
    if breathing <= 0:
        raise ValueError("the pacer is off (0 breaths a minute) and has no period")
    return 60.0 / breathing


def fullness(t: float, breathing: float, inhale: float) -> float:
    """How full the breath is at `t` seconds after the pacer started: 0 (empty) .. 1 (full).

    Breathing in takes `inhale` of each breath, breathing out the rest; both follow a
    raised cosine.
    """
    if breathing <= 0:
        return 0.0
    phase = (t / period(breathing)) % 1.0
    if phase < inhale:
        x = phase / inhale
        return 0.5 - 0.5 * math.cos(math.pi * x)
    x = (phase - inhale) / (1.0 - inhale)
    return 0.5 + 0.5 * math.cos(math.pi * x)


def swell_db(t: float, breathing: float, inhale: float, depth: float = SWELL_DB) -> float:
    """Gain of the mix in dB at `t`: 0 at the top of the breath, -`depth` at its bottom
    (0 throughout when the pacer is off)."""
    if breathing <= 0:
        return 0.0
    return -depth * (1.0 - fullness(t, breathing, inhale))


@dataclass(frozen=True)
class Guide:
    """What the mixer's breath guide shows: how full the bar is and which way it moves."""

    fill: float
    word: str  # "in" or "out"
    seconds_left: float  # until the turn


def guide(t: float, breathing: float, inhale: float) -> Guide:
    """The breath guide at `t` seconds after the pacer started."""
    if breathing <= 0:
        return Guide(0.0, "", 0.0)
    p = period(breathing)
    phase = (t / p) % 1.0
    if phase < inhale:
        return Guide(fullness(t, breathing, inhale), "in", (inhale - phase) * p)
    return Guide(fullness(t, breathing, inhale), "out", (1.0 - phase) * p)
