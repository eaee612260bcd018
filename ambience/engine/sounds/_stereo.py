"""Stereo noise that survives a mono sum.

A bed widened by a delayed copy of one noise combs its mono sum (a 13 ms delay notched rain
by 14-22 dB near 75 Hz). Here the right channel blends the left's noise with a second,
independent one: the channels correlate by exactly `correlation` at every frequency, and a
mono sum loses (1 + correlation) / 2 of the power evenly (-1 dB at 0.6), with no notch.
Natural recordings correlate 0.4-0.97 below 300 Hz and less above; a sound that wants wider
highs blends its highs again (see rain, fire).
"""

from __future__ import annotations

from ambience.engine.source import pyo
from ambience.engine.sounds._tables import table_noise


def noise_pair(layer, correlation: float, amplitude: float = 1.0):
    """(left, right): white full-rate noises of equal power correlating by `correlation`.
    Costs two table noises (about 0.06 % of a core)."""
    left = table_noise(layer, amplitude)
    other = table_noise(layer, amplitude * (1.0 - correlation**2) ** 0.5)
    right = layer.own(pyo.Sig(left, mul=correlation, add=other))
    return left, right
