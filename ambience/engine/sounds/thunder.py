"""Thunder: a storm far away, rolling now and then over a soft continuous rumble.

Distant thunder has lost its highs on the way, so everything here is noise band-passed
below a few hundred hertz. Each roll swells in slowly (two to four seconds: never sudden),
grumbles through a random flutter and fades over ten to twenty seconds; rolls come 12-34 s
apart (drawn at each roll) with their own level, length, distance (brightness) and
position, on two alternating voices so that a roll still fading is never cut off by the
next. Between rolls a quiet rumble keeps going, so the sound never falls silent. The random
source interpolates only 1200 values a second (all thunder needs): next to no CPU.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks

#: output gain that puts thunder at -23 LUFS at slider 1.0 (measured by the loudness test)
THUNDER_GAIN = 0.495
#: seconds between two rolls, and each roll's length (at most twice the shortest gap)
GAP = (12.0, 34.0)
LENGTH = (10.0, 24.0)
#: how much brighter rumble a roll carries: more is nearer
NEAR = (0.2, 1.3)
#: how often the grumble inside a roll changes direction (Hz)
GRUMBLE_HZ = 2.3
BED_LEVEL = 0.45


class Thunder(Source):
    def build(self):
        own = self.own
        src = own(pyo.Randi(-1.0, 1.0, freq=1200))

        # the far-off rumble that never stops, breathing very slowly
        breath = own(pyo.Randi(0.85 * BED_LEVEL, BED_LEVEL, freq=0.05))
        # band-passes (not low-passes): nothing below ~30 Hz, which would carry DC and eat
        # headroom for nothing audible
        dark = own(pyo.Reson(src, freq=75, q=0.7))
        nearer = own(pyo.Reson(src, freq=200, q=0.6))
        bed = own(dark * breath)
        # the two sides hear the rumble at different delays (at these frequencies 24 ms is a
        # few periods, enough to make them differ); both are delayed, because an undelayed
        # side would add up in phase with the rolls and sound louder than the other
        beds = own(pyo.Delay(bed, delay=[0.013, 0.037], maxdelay=0.05))

        # rolls: slow swell in, a peak, a long uneven fade
        self._roll = pyo.CosTable([(0, 0.0), (700, 0.25), (1500, 1.0), (2400, 0.65),
                                   (3300, 0.8), (4800, 0.38), (6400, 0.14), (8191, 0.0)])
        tick = alternating_ticks(self, GAP[0], GAP[1], 2)
        length = own(pyo.TrigRand(tick, LENGTH[0], LENGTH[1], init=LENGTH[0]))
        size = own(pyo.TrigRand(tick, 0.4, 0.62, init=0.5))
        env = own(pyo.TrigEnv(tick, self._roll, dur=length, mul=size))
        # the grumble inside a roll: a random flutter
        grumble = own(pyo.Randi(0.25, 1.0, freq=GRUMBLE_HZ))
        amp = own(env * grumble)
        # distance: how much of the brighter band a roll carries (fixed filters blended per
        # roll: a filter whose frequency moved would be recomputed every sample)
        near = own(pyo.TrigRand(tick, NEAR[0], NEAR[1], init=0.5))
        colour = own(dark + own(nearer * near))
        roll = own(colour * amp)
        at = own(pyo.TrigRand(tick, 0.25, 0.75, init=0.5))
        placed = own(pyo.SPan(roll, outs=2, pan=at))

        # streams alternate left, right: bed, then 2 voices x (left, right)
        return own(pyo.Mix([beds, placed], voices=2, mul=THUNDER_GAIN))


SOUNDS = {"thunder": Thunder}
