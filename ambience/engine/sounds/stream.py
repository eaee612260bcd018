"""Stream: a babbling brook, running water with bubbles and splashes.

Built from the figures of real running water (issue 12's audit of a river: most energy at
300 Hz-3 kHz, the 4 / 8 / 16 kHz octaves at -8 / -10 / -17 dB re total, 7 splashes a second
4 ms wide, the level modulated mostly at 2-10 Hz, channels correlating 0.8 and 0.97 below
300 Hz). The flow is full-rate noise (no hole: the old source interpolated 6000 values a
second and left nothing above 4 kHz), a broad band plus some of the plain noise for the
highs, gurgling at a few hertz a little differently on each side. On top, bubbles (a short
sine whose pitch rises as it dies, as an air bubble rings) on two voices that take turns,
and splashes (2-5 ms bright clicks, levels exponential in dB).

Stereo: a shared and an independent noise blended (correlation 0.8); bubbles and splashes
placed across the bed of the stream.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks
from ambience.engine.sounds._stereo import noise_pair

#: output gain that puts the stream at -23 LUFS at slider 1.0 (measured by the loudness test)
STREAM_GAIN = 1.78
CORRELATION = 0.8
#: the flow: a broad band (centre Hz, q) plus the noise low-passed high up (its highs)
WATER_HZ, WATER_Q, WATER_LEVEL = 700.0, 0.3, 0.2
HIGHS_HZ, HIGHS_LEVEL = 9000.0, 0.05
#: bubble voices, gaps between bubbles (s), bubble length (s) and resonance (Hz)
VOICES = 2
MIN_GAP, MAX_GAP = 0.032, 0.1
BUBBLE_DUR = (0.016, 0.062)
BUBBLE_FREQ = (380.0, 1900.0)
#: how far a bubble's pitch rises as it dies away (x the starting pitch)
BUBBLE_RISE = 0.45
BUBBLE_LEVEL = 0.3
#: splashes: gaps (s), length (s), band (Hz, q), level spread (dB) and level
SPLASH_GAP = (0.02, 0.3)
SPLASH_DUR = (0.002, 0.005)
SPLASH_HZ, SPLASH_Q = 4000.0, 0.7
SPLASH_RANGE_DB, SPLASH_MEAN_DB = 18.0, 3.5
SPLASH_LEVEL = 1.5

#: intensity (trickle 0, as designed 0.5, torrent 1; points spaced evenly from 0 to 1): the
#: flow's level, its highs and its band's centre (Hz); the gaps between bubbles (x; never
#: shorter: two voices take turns and a bubble rings up to 62 ms) and their level; the gaps
#: between splashes (x) and their level. A torrent is more water, not more hiss: its bed
#: (flow, highs) stays near 0.5's and its band climbs (brighter), while louder bubbles and
#: denser, louder splashes stand over it. (A bed x1.6 with highs x2.5 and bubbles x0.7 had
#: buried the events: 50 ms spread 1.2 dB, 0.2 splashes a second over +10 dB.)
INT_FLOW = (0.6, 1.0, 0.8)
INT_HIGHS = (0.5, 1.0, 1.0)
INT_WATER_HZ = (550.0, WATER_HZ, 2500.0)
INT_BUBBLE_GAPS = (2.5, 1.0, 1.0)
INT_BUBBLES = (1.0, 1.0, 1.7)
INT_SPLASH_GAPS = (3.0, 1.0, 0.3)
INT_SPLASHES = (0.35, 1.0, 1.6)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.82, 1.35, 1.0, 0.8, 0.62)


class Stream(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # running water: fast random swells, a little different per side
        flow = self.knob(*INT_FLOW, log=True)
        highs_level = own(self.knob(*INT_HIGHS, log=True) * HIGHS_LEVEL)
        water_hz = self.knob(*INT_WATER_HZ, log=True)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        gurgle = own(pyo.Randi(0.5 * WATER_LEVEL, WATER_LEVEL, freq=[4.1, 3.3], mul=flow))
        sides = []
        for i, raw in enumerate((left, right)):
            highs = own(pyo.ButLP(raw, freq=HIGHS_HZ, mul=highs_level))
            sides.append(own(pyo.ButBP(raw, freq=water_hz, q=WATER_Q, mul=gurgle[i], add=highs)))

        # bubbles
        self._table = pyo.ExpTable([(0, 0.0), (500, 1.0), (8191, 0.0)], exp=4, inverse=True)
        bubble_gaps = self.knob(*INT_BUBBLE_GAPS, log=True)
        tick = alternating_ticks(self, MIN_GAP, MAX_GAP, VOICES, dist=4, scale=bubble_gaps)
        level = own(pyo.TrigXnoise(tick, dist=1, mul=BUBBLE_LEVEL))
        start = own(pyo.TrigRand(tick, BUBBLE_FREQ[0], BUBBLE_FREQ[1], init=800))
        # a bigger bubble rings lower and longer
        span = (BUBBLE_DUR[1] - BUBBLE_DUR[0]) / (BUBBLE_FREQ[1] - BUBBLE_FREQ[0])
        dur = own(pyo.Sig(start, mul=-span, add=BUBBLE_DUR[1] + span * BUBBLE_FREQ[0]))
        env = own(pyo.TrigEnv(tick, self._table, dur=dur, mul=level))
        glide = own(pyo.Sig(env, mul=-BUBBLE_RISE / BUBBLE_LEVEL, add=1.0 + BUBBLE_RISE))
        pitch = own(start * glide)
        ring = own(pyo.Sine(freq=pitch, mul=own(env * self.knob(*INT_BUBBLES, log=True))))
        pos = own(pyo.TrigRand(tick, 0.15, 0.85, init=0.5))
        bubbles_l = own(pyo.Mix(own(ring * own(pyo.Sig(pos, mul=-1.0, add=1.0))), voices=1))
        bubbles_r = own(pyo.Mix(own(ring * pos), voices=1))

        # splashes
        splash_gaps = self.knob(*INT_SPLASH_GAPS, log=True)
        splash = alternating_ticks(self, SPLASH_GAP[0], SPLASH_GAP[1], 1, dist=4,
                                   scale=splash_gaps)
        db = own(pyo.TrigXnoise(splash, dist=4, x1=SPLASH_RANGE_DB / SPLASH_MEAN_DB,
                                mul=SPLASH_RANGE_DB, add=-SPLASH_RANGE_DB))
        amp = own(pyo.DBToA(db, mul=own(self.knob(*INT_SPLASHES, log=True) * SPLASH_LEVEL)))
        self._click = pyo.ExpTable([(0, 0.0), (200, 1.0), (8191, 0.0)], exp=4, inverse=True)
        sdur = own(pyo.TrigRand(splash, SPLASH_DUR[0], SPLASH_DUR[1], init=SPLASH_DUR[0]))
        senv = own(pyo.TrigEnv(splash, self._click, dur=sdur, mul=amp))
        click = own(pyo.ButBP(own(left * senv), freq=SPLASH_HZ, q=SPLASH_Q))
        where = own(pyo.TrigRand(splash, 0.2, 0.8, init=0.5))
        splashes = own(pyo.SPan(click, outs=2, pan=where))

        left_out = own(pyo.Sig(sides[0], add=bubbles_l))
        right_out = own(pyo.Sig(sides[1], add=bubbles_r))
        return own(pyo.Mix([left_out, right_out, splashes], voices=2,
                           mul=own(loudness * STREAM_GAIN)))


SOUNDS = {"stream": Stream}
