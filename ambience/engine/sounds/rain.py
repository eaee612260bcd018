"""Rain: a steady hiss with individual drops on top.

One band-limited random source (12000 values a second joined by straight lines, like a
`Randi`, from `_tables`: no random draw in the audio loop; the lines roll off the harshest
highs) feeds both the bed and the drops. The right channel of the bed is a delayed,
all-passed copy of the left. Drops are short noise bursts through a resonator, each with its
own random time, pitch, length, level and pan;
the gap before the next drop is never shorter than the longest drop, so one voice is enough
and no drop is cut short.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks
from ambience.engine.sounds._tables import table_random

#: output gain that puts rain at -23 LUFS at slider 1.0 (measured by the loudness test)
RAIN_GAIN = 0.353
#: drop voices (the metro hands ticks to them in turn); one suffices while MIN_GAP is
#: longer than the longest drop
VOICES = 1
#: mean gap between two drops, seconds (shortest MIN_GAP): about eight drops a second
MIN_GAP, MAX_GAP = 0.055, 0.32
#: a drop's length (s), resonance (Hz) and level range
DROP_DUR = (0.012, 0.05)
DROP_FREQ = (1400.0, 6500.0)
DROP_LEVEL = 3.6
BED_LEVEL = 0.28


class Rain(Source):
    def build(self):
        own = self.own
        src = table_random(self, 12000, interpolate=True)

        # the bed: rain on everything around, a hiss that breathes very slowly
        swell = own(pyo.Randi(0.75, 1.0, freq=0.04))
        bed = own(pyo.Atone(src, freq=350, mul=swell))
        late = own(pyo.Delay(bed, delay=0.0131, maxdelay=0.02))
        ap2 = own(pyo.Allpass(late, delay=0.0067, feedback=0.5, maxdelay=0.01))

        # the drops
        self._table = pyo.ExpTable([(0, 0.0), (120, 1.0), (8191, 0.0)], exp=5, inverse=True)
        # exponential-ish gaps: mostly short, now and then a pause
        tick = alternating_ticks(self, MIN_GAP, MAX_GAP, VOICES, dist=4)
        # more small drops than big ones
        level = own(pyo.TrigXnoise(tick, dist=1, mul=DROP_LEVEL))
        dur = own(pyo.TrigRand(tick, DROP_DUR[0], DROP_DUR[1], init=0.02))
        # the tiny offset keeps the resonator out of denormal numbers between drops
        env = own(pyo.TrigEnv(tick, self._table, dur=dur, mul=level, add=1e-6))
        burst = own(src * env)
        pitch = own(pyo.TrigRand(tick, DROP_FREQ[0], DROP_FREQ[1], init=3000))
        ring = own(pyo.Reson(burst, freq=pitch, q=5))
        pos = own(pyo.TrigRand(tick, 0.1, 0.9, init=0.5))
        placed = own(pyo.SPan(ring, outs=2, pan=pos))
        drops = own(pyo.Mix(placed, voices=2))

        return own(pyo.Mix([own(bed * BED_LEVEL), own(ap2 * BED_LEVEL), drops], voices=2,
                           mul=RAIN_GAIN))


SOUNDS = {"rain": Rain}
