"""Stream: a babbling brook, dense small bubbles over running water.

The water is band-passed noise swelling and ebbing a few times a second (left and right
independently), which gives the never-still rush of a brook. On top, twenty-odd
bubbles a second: each a short sine whose pitch rises as it dies away (a small air bubble
ringing at its resonance), with its own random time, pitch, level and position. Bubbles
run on two voices that take turns so none is cut short. One cheap band-limited random
source (`Randi` at 6 kHz) feeds the water.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks

#: output gain that puts the stream at -23 LUFS at slider 1.0 (measured by the loudness test)
STREAM_GAIN = 1.04
#: bubble voices, gaps between bubbles (s), bubble length (s) and resonance (Hz)
VOICES = 2
MIN_GAP, MAX_GAP = 0.032, 0.1
BUBBLE_DUR = (0.016, 0.062)
BUBBLE_FREQ = (380.0, 1900.0)
#: how far a bubble's pitch rises as it dies away (x the starting pitch)
BUBBLE_RISE = 0.45
BUBBLE_LEVEL = 0.42
WATER_LEVEL = 0.16
#: centre of the water's band (Hz)
WATER_HZ = 950.0


class Stream(Source):
    def build(self):
        own = self.own
        src = own(pyo.Randi(-1.0, 1.0, freq=6000))

        # running water: a broad band whose centre wanders, a little differently per side
        late = own(pyo.Delay(src, delay=0.0093, maxdelay=0.02))
        # the gurgle: fast random swells, different on each side (a filter whose centre
        # moved would cost three times as much: pyo recomputes it every sample)
        gurgle = own(pyo.Randi(0.45 * WATER_LEVEL, WATER_LEVEL, freq=[4.1, 3.3]))
        water = own(pyo.Reson([src, late], freq=WATER_HZ, q=0.8, mul=gurgle))

        # bubbles
        self._table = pyo.ExpTable([(0, 0.0), (500, 1.0), (8191, 0.0)], exp=4, inverse=True)
        tick = alternating_ticks(self, MIN_GAP, MAX_GAP, VOICES, dist=4)
        # more soft bubbles than loud ones
        level = own(pyo.TrigXnoise(tick, dist=1, mul=BUBBLE_LEVEL))
        start = own(pyo.TrigRand(tick, BUBBLE_FREQ[0], BUBBLE_FREQ[1], init=800))
        # a bigger bubble rings lower and longer
        span = (BUBBLE_DUR[1] - BUBBLE_DUR[0]) / (BUBBLE_FREQ[1] - BUBBLE_FREQ[0])
        dur = own(pyo.Sig(start, mul=-span, add=BUBBLE_DUR[1] + span * BUBBLE_FREQ[0]))
        env = own(pyo.TrigEnv(tick, self._table, dur=dur, mul=level))
        # the pitch rises as the bubble dies away: by up to BUBBLE_RISE for the loudest
        # bubbles, less for soft ones
        glide = own(pyo.Sig(env, mul=-BUBBLE_RISE / BUBBLE_LEVEL, add=1.0 + BUBBLE_RISE))
        pitch = own(start * glide)
        ring = own(pyo.Sine(freq=pitch, mul=env))
        # position (0 left, 1 right), panned with plain products: a panner object costs
        # ten times more
        pos = own(pyo.TrigRand(tick, 0.15, 0.85, init=0.5))
        left = own(ring * own(pyo.Sig(pos, mul=-1.0, add=1.0)))
        right = own(ring * pos)
        bubbles_l = own(pyo.Mix(left, voices=1))
        bubbles_r = own(pyo.Mix(right, voices=1))

        # water: (left, right)
        return own(pyo.Mix([water, bubbles_l, bubbles_r], voices=2, mul=STREAM_GAIN))


SOUNDS = {"stream": Stream}
