"""Tapping: fingertips and nails on wood and plastic, in slow irregular patterns.

A tap is a knock, not a struck bar: a few milliseconds of noise (the contact: longer for a
soft fingertip) ringing four inharmonic modes of the surface (wood: low-mid; plastic: higher)
that are damped within 10-30 ms, as knocks on real objects are (the audit: two modes ringing
81 ms read as a struck bar), and a bright nail click. Taps come in groups of 0.5-2.5 s on one
surface at one place, at uneven intervals, with 0.8-3.5 s of rest between groups; each tap
varies in pitch, weight and place. Under it, the quiet of the room. One full-rate table
noise feeds everything.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

# Gain that puts the tapping at -23 LUFS at slider 1.0 (measured by the loudness test).
TAPPING_GAIN = 13.4
#: input scale of the tanh that rounds off the first millisecond of the hardest taps
SOFT_CLIP = 20.0
#: the first mode of each surface (Hz): four woods, three plastics
SURFACES = [260.0, 330.0, 420.0, 560.0, 1250.0, 1700.0, 2300.0]
#: time to the next tap (s): quick finger rolls to slow single taps
TAP_INTERVALS = [0.09, 0.13, 0.18, 0.24, 0.3, 0.4, 0.55]
#: the room's floor (RMS)
ROOM_TONE = 0.0004


class Tapping(Source):
    def build(self):
        own = self.own
        raw = table_noise(self, 3.0)
        # groups: 0.5-2.5 s of tapping on one surface at one place, then 0.8-3.5 s of rest
        group_tick = own(pyo.Metro(2.0))
        group_len = own(pyo.TrigRand(group_tick, 0.5, 2.5, init=1.5))
        group_period = own(pyo.TrigRand(group_tick, 0.8, 3.5, init=2.0, add=group_len))
        group_tick.setTime(group_period)
        group_level = own(pyo.TrigRand(group_tick, 0.7, 1.0, init=0.8))
        gate_shape = own(pyo.LinTable([(0, 0.0), (300, 1.0), (7890, 1.0), (8191, 0.0)]))
        gate = own(pyo.TrigEnv(group_tick, gate_shape, dur=group_len, mul=group_level))
        # the surface: wood has low-mid modes, plastic higher ones; higher ring shorter
        surface = own(pyo.TrigChoice(group_tick, SURFACES, init=330.0))
        decay = own(pyo.Sig(surface, mul=-0.0000025, add=0.009))
        ratio2 = own(pyo.TrigRand(group_tick, 1.45, 1.9, init=1.6))
        ratio3 = own(pyo.TrigRand(group_tick, 2.3, 3.1, init=2.6))
        ratio4 = own(pyo.TrigRand(group_tick, 3.6, 4.7, init=4.1))
        place = own(pyo.TrigRand(group_tick, 0.2, 0.8, init=0.5))
        # taps: uneven intervals, each a little different in pitch, weight and place
        tap_tick = own(pyo.Metro(0.2))
        interval = own(pyo.TrigChoice(tap_tick, TAP_INTERVALS, init=0.2))
        tap_tick.setTime(interval)
        weight = own(pyo.TrigRand(tap_tick, 0.5, 1.0, init=0.7, mul=gate))
        contact = own(pyo.TrigRand(tap_tick, 0.003, 0.008, init=0.005))
        touch_shape = own(pyo.CosTable([(0, 0.0), (1200, 1.0), (8191, 0.0)]))
        touch = own(pyo.TrigEnv(tap_tick, touch_shape, dur=contact, mul=weight))
        excite = own(pyo.Sig(raw, mul=touch))
        jitter = own(pyo.TrigRand(tap_tick, 0.94, 1.06, init=1.0))
        f1 = own(pyo.Sig(surface, mul=jitter))
        f2 = own(pyo.Sig(f1, mul=ratio2))
        f3 = own(pyo.Sig(f1, mul=ratio3))
        f4 = own(pyo.Sig(f1, mul=ratio4))
        decay2 = own(pyo.Sig(decay, mul=0.7))
        decay3 = own(pyo.Sig(decay, mul=0.45))
        decay4 = own(pyo.Sig(decay, mul=0.3))
        nail = own(pyo.TrigChoice(tap_tick, [0.03, 0.06, 0.1, 0.2, 0.5], init=0.1))
        click_freq = own(pyo.TrigRand(tap_tick, 3500.0, 7000.0, init=5000.0))
        modes = [
            own(pyo.ComplexRes(excite, freq=f1, decay=decay)),
            own(pyo.ComplexRes(excite, freq=f2, decay=decay2, mul=0.8)),
            own(pyo.ComplexRes(excite, freq=f3, decay=decay3, mul=0.7)),
            own(pyo.ComplexRes(excite, freq=f4, decay=decay4, mul=0.6)),
            own(pyo.ComplexRes(excite, freq=click_freq, decay=0.002, mul=nail)),
        ]
        tap = own(pyo.Mix(modes, voices=1, mul=SOFT_CLIP))
        # the first millisecond of the hardest taps would set the peak level: round it off
        rounded = own(pyo.Tanh(tap, mul=TAPPING_GAIN / SOFT_CLIP))
        nudge = own(pyo.TrigRand(tap_tick, -0.06, 0.06, init=0.0, port=0.005, add=place))
        taps = own(pyo.Pan(rounded, outs=2, pan=nudge, spread=0.2))
        room = floor(self, ROOM_TONE, high=3000.0, noise=raw)
        return own(pyo.Mix([taps, room], voices=2))


SOUNDS = {"tapping": Tapping}
