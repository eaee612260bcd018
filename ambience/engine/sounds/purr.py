"""A cat purring close by: a low buzz of about 25 pulses a second, breathing in and out.

A purr is the larynx opening and closing ~25 times a second on the way out (exhale) and on
the way in (inhale, a little softer, a little faster and breathier), with a short pause at
each turn of the breath. Here a slow phasor runs one breath cycle (2-2.5 s, wandering) and
reads the breath's loudness and the pulse-rate lift from two small tables; a pulse-shaped
oscillator at ~25 Hz both gates a low band of noise (the air) and, through a zero-mean
copy of the same pulse, adds the buzz's harmonics (the tone).

The noise is two `Randi` drawing 1800 values a second (already a low band, and cheap next to
an audio-rate `Noise`): one common to both ears, one added to the left and taken from the
right, so the cat is a little wide but stays in front of you.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
PURR_GAIN = 0.53

#: pulses per second (wanders between these) and the lift while breathing in
RATE = (23.5, 26.5)
INHALE_LIFT = 1.8
#: breaths per second (wanders between these)
BREATHS = (0.38, 0.5)
#: loudness of the tone (buzz) against the air (noise), and of the side noise
BUZZ = 0.35
SIDE = 0.45
#: the purr's band: centre (Hz) and Q of a gentle band-pass (no DC, no hiss)
BAND = (210.0, 0.55)


def _table(fn, size=1024):
    return [float(fn(i / size)) for i in range(size)]


def _smooth(x, a, b):
    """0 outside [a, b], a raised-cosine hump inside."""
    if x <= a or x >= b:
        return 0.0
    return math.sin(math.pi * (x - a) / (b - a)) ** 2


def _breath(x):
    # exhale 0-0.54 (full), pause, inhale 0.6-0.94 (softer), pause
    return _smooth(x, 0.0, 0.54) ** 0.35 + 0.62 * _smooth(x, 0.6, 0.94) ** 0.35


def _inhale(x):
    return _smooth(x, 0.58, 0.96)


def _pulse(x):
    # the glottis: a fast opening, a slower close, then shut for 40 % of the cycle
    if x < 0.15:
        return math.sin(math.pi / 2 * x / 0.15) ** 2
    if x < 0.6:
        return math.cos(math.pi / 2 * (x - 0.15) / 0.45) ** 2
    return 0.0


class Purr(Source):
    def build(self):
        pulse = _table(_pulse)
        mean = sum(pulse) / len(pulse)
        self._tables = [
            pyo.DataTable(size=1024, init=_table(_breath)),
            pyo.DataTable(size=1024, init=_table(_inhale)),
            pyo.DataTable(size=1024, init=pulse),
            pyo.DataTable(size=1024, init=[BUZZ * (v - mean) for v in pulse]),
        ]
        breath_t, inhale_t, pulse_t, buzz_t = self._tables
        pace = self.own(pyo.Randi(min=BREATHS[0], max=BREATHS[1], freq=0.07))
        # start at the top of an exhale: the breath table is silent there, so no click
        cycle = self.own(pyo.Phasor(freq=pace, phase=0.0))
        loud = self.own(pyo.Randi(min=0.85, max=1.0, freq=0.1))
        breath = self.own(pyo.Pointer(breath_t, cycle, mul=loud))
        base = self.own(pyo.Randi(min=RATE[0], max=RATE[1], freq=0.11))
        rate = self.own(pyo.Pointer(inhale_t, cycle, mul=INHALE_LIFT, add=base))
        gate = self.own(pyo.Osc(pulse_t, freq=rate, mul=breath))
        buzz = self.own(pyo.Osc(buzz_t, freq=rate, mul=breath))
        air = self.own(pyo.Randi(min=-1.0, max=1.0, freq=1800, mul=gate))
        side = self.own(pyo.Randi(min=-SIDE, max=SIDE, freq=1800, mul=gate))
        sides = self.own(pyo.Sig(side, mul=[1.0, -1.0]))
        both = self.own(pyo.Mix([air, air, buzz, buzz, sides], voices=2))
        return self.own(pyo.Biquad(both, freq=BAND[0], q=BAND[1], type=2, mul=PURR_GAIN))


SOUNDS = {"purr": Purr}
