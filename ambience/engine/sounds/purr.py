"""A cat purring close by: about 25 sharp pulses a second, breathing out and in without a gap.

A purr is the larynx snapping the airflow shut about 25 times a second, on the way out and
on the way in (Sissom, Rice & Peters 1991: 26.3 +- 2 Hz, the exhale 2-3 Hz faster than the
inhale). Measured on a recorded purr (issue 12's notes): 27.4 Hz in the loud phases and 24.7 Hz
in the quiet ones, the loud phase 9 dB louder and longer (about 1.0 s against 0.7 s), noise
above 4 kHz following the breath, and most of the energy at 80-320 Hz (the fundamental weak:
we hear the harmonics).

Here each pulse is one sharp, asymmetric impulse with a short ring (a one-cycle table read
at the pulse rate), plus a puff of air noise gated by the same pulse, through a broad body
band around 250 Hz; breath noise high-passed at 3.5 kHz rides on top. A slow phasor runs the
breath (2.2-2.8 s a cycle, wandering) and reads the loudness and the pulse-rate lift from
two tables that cross-fade at each turn of the breath: the purr never stops, it only dips.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_noise

#: calibrates the layer to about -23 LUFS at slider 1.0
PURR_GAIN = 0.76

#: pulses per second on the inhale (wanders between these) and the exhale's lift
RATE = (24.0, 25.2)
EXHALE_LIFT = 2.6
#: pulse-to-pulse jitter (Hz)
JITTER = 0.5
#: breath cycles per second (wanders between these)
BREATHS = (0.36, 0.45)
#: the inhale's level against the exhale's (the loud phase is about 9 dB louder), and how
#: far the level dips at a turn of the breath
INHALE = 0.38
DIP = 0.3
#: the air puff against the pulse, and the breath hiss against the pulse
AIR = 0.5
HISS = 0.018
#: the purr's body: centre (Hz) and Q of a broad band-pass
BAND = (170.0, 0.8)


def _table(fn, size=1024):
    return [float(fn(i / size)) for i in range(size)]


def _smooth(x, a, b):
    """0 outside [a, b], a raised-cosine hump inside."""
    if x <= a or x >= b:
        return 0.0
    return math.sin(math.pi * (x - a) / (b - a)) ** 2


def _exhale(x):
    """How much of the exhale is sounding: 1 over 0.05-0.5 of the cycle, cross-fading
    into the inhale around 0.58 and back around 0.97."""
    if x < 0.05:
        return 0.5 + 0.5 * math.cos(math.pi * (0.05 - x) / 0.1)
    if x < 0.5:
        return 1.0
    if x < 0.62:
        return 0.5 + 0.5 * math.cos(math.pi * (x - 0.5) / 0.12)
    if x < 0.92:
        return 0.0
    return 0.5 - 0.5 * math.cos(math.pi * (x - 0.92) / 0.1)


def _breath(x):
    """Loudness over one breath: the exhale full, the inhale softer, and a short dip (never
    silence) at each turn."""
    e = _exhale(x)
    turn = max(_smooth(x, 0.5, 0.62), _smooth(x, 0.92, 1.02), _smooth(x + 1.0, 0.92, 1.02))
    return (e + INHALE * (1.0 - e)) * (1.0 - DIP * turn)


def _pulse(x):
    """One glottal snap: a sharp negative spike (2 % of the cycle) and a short decaying
    ring after it, then rest; zero-mean."""
    if x < 0.02:
        return -math.sin(math.pi * x / 0.02)
    t = x - 0.02
    return 0.6 * math.exp(-t / 0.08) * math.sin(2 * math.pi * t / 0.16)


def _gate(x):
    """The air puff around the snap: quick open, slower close."""
    if x < 0.04:
        return math.sin(math.pi / 2 * x / 0.04) ** 2
    if x < 0.45:
        return math.cos(math.pi / 2 * (x - 0.04) / 0.41) ** 2
    return 0.0


class Purr(Source):
    def build(self):
        pulse = _table(_pulse)
        mean = sum(pulse) / len(pulse)
        self._tables = [
            pyo.DataTable(size=1024, init=_table(_breath)),
            pyo.DataTable(size=1024, init=_table(_exhale)),
            pyo.DataTable(size=1024, init=[v - mean for v in pulse]),
            pyo.DataTable(size=1024, init=_table(_gate)),
        ]
        breath_t, exhale_t, pulse_t, gate_t = self._tables
        own = self.own
        pace = own(pyo.Randi(min=BREATHS[0], max=BREATHS[1], freq=0.07))
        cycle = own(pyo.Phasor(freq=pace, phase=0.3))
        loud = own(pyo.Randi(min=0.85, max=1.0, freq=0.1))
        breath = own(pyo.Pointer(breath_t, cycle, mul=loud))
        base = own(pyo.Randi(min=RATE[0], max=RATE[1], freq=0.11))
        jitter = own(pyo.Randi(min=-JITTER, max=JITTER, freq=7.0, add=base))
        rate = own(pyo.Pointer(exhale_t, cycle, mul=EXHALE_LIFT, add=jitter))
        snap = own(pyo.Osc(pulse_t, freq=rate, mul=breath))
        gate = own(pyo.Osc(gate_t, freq=rate, mul=breath))
        noise = table_noise(self, 3.0)
        air = own(pyo.Sig(noise, mul=gate))
        source = own(pyo.Mix([snap, own(pyo.Sig(air, mul=AIR))], voices=1))
        body = own(pyo.Biquad(source, freq=BAND[0], q=BAND[1], type=2))
        # breath hiss, one noise per ear (the cat is close and a little wide)
        hiss_noise = [noise, table_noise(self, 3.0)]
        hiss = own(pyo.ButHP(hiss_noise, 3500.0, mul=breath))
        hiss_level = own(pyo.Sig(hiss, mul=HISS))
        return own(pyo.Mix([body, body, hiss_level], voices=2, mul=PURR_GAIN))


SOUNDS = {"purr": Purr}
