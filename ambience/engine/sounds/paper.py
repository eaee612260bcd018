"""Paper: crinkling in bursts, and now and then a page turning.

Crinkling is thousands of tiny snaps. They come from the noise itself: only the samples
beyond a threshold get through, as sparse spikes, and lowering the threshold during a
squeeze (0.3-2 s, with a quick flutter) makes them denser. Each snap gets its own place
between the ears and rings for a millisecond at its own pitch. Between squeezes a few faint
ticks remain as the paper relaxes; every 9-30 s a page turns with a soft sweeping whoosh.
One half-rate sample-and-hold noise feeds it all.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_random

# Gain that puts the paper at -23 LUFS at slider 1.0 (measured by the loudness test).
PAPER_GAIN = 28.1
#: fraction of noise samples that become a crackle at the height of a squeeze
PEAK_DENSITY = 0.03
#: the page turn's level, relative to the crackle
WHOOSH_GAIN = 6.0
#: the crackle's ceiling (-8 dBFS): only rare pile-ups of snaps reach it
PEAK = 0.4


class Paper(Source):
    def build(self):
        own = self.own
        raw = table_random(self, 24000, interpolate=False)
        # squeezes: 0.3-2 s of crinkling, 0.3-3 s apart
        tick = own(pyo.Metro(1.0))
        length = own(pyo.TrigRand(tick, 0.3, 2.0, init=1.0))
        period = own(pyo.TrigRand(tick, 0.3, 3.0, init=1.0, add=length))
        tick.setTime(period)
        level = own(pyo.TrigRand(tick, 0.5, 1.0, init=0.8, mul=PEAK_DENSITY))
        shape = own(pyo.CosTable([(0, 0.0), (1500, 1.0), (4000, 0.6), (6000, 0.9), (8191, 0.0)]))
        squeeze = own(pyo.TrigEnv(tick, shape, dur=length, mul=level))
        flutter = own(pyo.Randi(0.45, 1.0, freq=9.0))
        # crackles: only the noise samples beyond a threshold get through, as sparse
        # spikes; the lower the threshold the denser the crackle. A few faint ticks remain
        # between squeezes, as the paper relaxes.
        threshold = own(pyo.Sig(squeeze, mul=flutter))
        upper = own(pyo.Sig(threshold, mul=-1.0, add=0.99985))
        lower = own(pyo.Sig(threshold, add=-0.99985))
        inside = own(pyo.Clip(raw, min=lower, max=upper))
        spikes = own(pyo.Sig(inside, mul=-1.0, add=raw))
        # a spike's size would grow with the density (it is what pokes past the threshold):
        # divide that out, except for the faint ticks between squeezes
        norm = own(pyo.Sig(threshold, add=0.00015 + 0.003))
        even = own(pyo.Div(spikes, norm))
        # each snap lands at its own place between the ears: its pan is a hash of the
        # noise value that made it (the digits far below the threshold are independent of it)
        place = own(pyo.Wrap(own(pyo.Sig(raw, mul=12345.67)), 0.05, 0.95))
        other = own(pyo.Sig(place, mul=-1.0, add=1.0))
        left = own(pyo.Sig(even, mul=place))
        right = own(pyo.Sig(even, mul=other))
        # ...and rings briefly at its own pitch
        tone = own(pyo.Randh(2200.0, 7000.0, freq=140.0))
        crackle = own(pyo.ComplexRes([left, right], freq=tone, decay=0.001, mul=PAPER_GAIN))
        # rare pile-ups of snaps would be the loudest peaks by far: shave them off
        shaved = own(pyo.Clip(crackle, min=-PEAK, max=PEAK))

        # now and then a page turns: a soft whoosh that sweeps up and across
        page_tick = own(pyo.Metro(20.0))
        page_period = own(pyo.TrigRand(page_tick, 9.0, 30.0, init=15.0))
        page_tick.setTime(page_period)
        page_len = own(pyo.TrigRand(page_tick, 0.5, 0.9, init=0.7))
        page_level = own(pyo.TrigRand(page_tick, 0.5, 1.0, init=0.0, mul=WHOOSH_GAIN))
        page_shape = own(pyo.CosTable([(0, 0.0), (4500, 1.0), (6500, 0.5), (8191, 0.0)]))
        page_env = own(pyo.TrigEnv(page_tick, page_shape, dur=page_len, mul=page_level))
        page_ramp_shape = own(pyo.LinTable([(0, 0.0), (8191, 1.0)]))
        page_ramp = own(pyo.TrigEnv(page_tick, page_ramp_shape, dur=page_len))
        page_freq = own(pyo.Sig(page_ramp, mul=1800.0, add=700.0))
        page_pan = own(pyo.Sig(page_ramp, mul=0.5, add=0.25))
        air = own(pyo.ComplexRes(raw, freq=page_freq, decay=0.0006, mul=page_env))
        whoosh = own(pyo.Pan(air, outs=2, pan=page_pan, spread=0.3))
        return own(pyo.Mix([shaved, whoosh], voices=2))


SOUNDS = {"paper": Paper}
