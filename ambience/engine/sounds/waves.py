"""Waves on a shore: uneven surges every few seconds, each breaking bright and leaving a fizz of
foam, over the never-silent roar of the surf further out.

Built from the figures of real beach recordings (issue 12; the shared waves recording): a
microphone on a beach hears 18-22 surges a minute (several break lines, swash and backwash
overlapping, not the 8-15 s swell period), uneven in size, rising in about 0.8 s and falling
in 1.2 s, with the level swinging 11-12 dB; after each break, foam fizzes: 2-5 ms clicks
centred at 3-4 kHz, a few a second. Little below 60 Hz.

Surges come 1.4-4.6 s apart (drawn per surge) on three voices that take turns, each with its
own size; a slow "set" swell makes some minutes rougher. A surge is the same full-rate noise
in two colours: a warm band that follows the surge, and a bright hiss that follows its
square (only the top of a surge breaks bright). The fizz comes from a fast metronome thinned
by a chance that follows the foam of every surge, 0.3-1 s after its break.

Stereo: a shared and an independent noise blended (correlation 0.65 in every band, like the
recordings); each surge breaks a little to one side; the fizz scattered across the beach.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks
from ambience.engine.sounds._stereo import noise_pair

#: output gain that puts waves at -23 LUFS at slider 1.0 (measured by the loudness test)
WAVES_GAIN = 1.01
CORRELATION = 0.65
#: seconds between two surges, the surge's length (at most VOICES x the shortest gap)
GAP = (1.4, 4.6)
LENGTH = 4.0
VOICES = 3
#: the colours: the water's band and the break's hiss (centre Hz, q)
BODY_HZ, BODY_Q = 400.0, 0.35
HISS_HZ, HISS_Q, HISS_LEVEL = 2000.0, 0.5, 0.5
#: the far surf that never stops, relative to a full surge
FAR_LEVEL = 0.3
#: fizz: chance (%) per 4 ms tick at full foam; click length (s), band (Hz, q), level
FIZZ_CHANCE = 6.0
FIZZ_DUR = (0.002, 0.005)
FIZZ_HZ, FIZZ_Q = 3500.0, 0.8
FIZZ_RANGE_DB, FIZZ_MEAN_DB = 18.0, 4.0
FIZZ_LEVEL = 3.2

#: intensity (calm 0, as designed 0.5, surf 1; points spaced evenly from 0 to 1): the gaps
#: between surges and their length (x; a surge never outlasts VOICES gaps), their size, the
#: brightness of their break and how much foam fizzes after it
INT_GAPS = (1.6, 1.0, 0.7)
INT_LENGTH = (1.3, 1.0, 0.72)
INT_SIZE = (0.6, 1.0, 1.2)
INT_HISS = (0.3, 1.0, 1.6)
INT_FIZZ = (0.3, 1.0, 2.0)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.921, 1.421, 1.0, 0.815, 0.585)


class Waves(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # surges: rise 0.8 s, break, fall about 1.2 s, a long low wash after
        self._surge = pyo.CosTable([(0, 0.0), (1650, 1.0), (2600, 0.55), (4300, 0.2),
                                    (8191, 0.0)])
        # the foam: 0.3-1 s after the break, lasting 2-3 s
        self._foam = pyo.CosTable([(0, 0.0), (2000, 0.0), (2900, 1.0), (5200, 0.4),
                                   (8191, 0.0)])
        gaps = self.knob(*INT_GAPS, log=True)
        length = own(self.knob(*INT_LENGTH, log=True) * LENGTH)
        sizing = self.knob(*INT_SIZE, log=True)
        hissing = self.knob(*INT_HISS, log=True)
        fizzing = self.knob(*INT_FIZZ, log=True)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        tick = alternating_ticks(self, GAP[0], GAP[1], VOICES, scale=gaps)
        size = own(pyo.TrigRand(tick, 0.5, 1.0, init=0.75, mul=sizing))
        env = own(pyo.TrigEnv(tick, self._surge, dur=length, mul=size))
        foam = own(pyo.TrigEnv(tick, self._foam, dur=length, mul=size))
        # each surge breaks somewhere along the beach: more in one ear than the other
        at = own(pyo.TrigRand(tick, 0.25, 0.75, init=0.5))
        swell_l = own(pyo.Mix(own(env * own(pyo.Sig(at, mul=-2.0, add=2.0))), voices=1))
        swell_r = own(pyo.Mix(own(env * own(at * 2.0)), voices=1))
        foam_all = own(pyo.Mix(foam, voices=1))

        sides = []
        for raw, swell in ((left, swell_l), (right, swell_r)):
            level = own(pyo.Sig(swell, add=FAR_LEVEL))
            hiss_level = own(swell * own(swell * own(hissing * HISS_LEVEL)))
            body = own(pyo.ButBP(raw, freq=BODY_HZ, q=BODY_Q, mul=level))
            sides.append(own(pyo.ButBP(raw, freq=HISS_HZ, q=HISS_Q, mul=hiss_level, add=body)))

        # fizz of the foam
        beat = own(pyo.Metro(time=0.004))
        chance = own(foam_all * own(fizzing * FIZZ_CHANCE))
        hits = own(pyo.Percent(beat, percent=chance))
        db = own(pyo.TrigXnoise(hits, dist=4, x1=FIZZ_RANGE_DB / FIZZ_MEAN_DB,
                                mul=FIZZ_RANGE_DB, add=-FIZZ_RANGE_DB))
        # (where the gain that holds the loudness lifts a calm sea, a click keeps its level)
        held = own(pyo.Min(own(pyo.Pow(loudness, -1.0)), 1.0, mul=FIZZ_LEVEL))
        amp = own(pyo.DBToA(db, mul=held))
        self._click = pyo.ExpTable([(0, 0.0), (150, 1.0), (8191, 0.0)], exp=4, inverse=True)
        dur = own(pyo.TrigRand(hits, FIZZ_DUR[0], FIZZ_DUR[1], init=FIZZ_DUR[0]))
        cenv = own(pyo.TrigEnv(hits, self._click, dur=dur, mul=amp))
        fizz = own(pyo.ButBP(own(right * cenv), freq=FIZZ_HZ, q=FIZZ_Q))
        where = own(pyo.TrigRand(hits, 0.1, 0.9, init=0.5))
        fizzed = own(pyo.SPan(fizz, outs=2, pan=where))

        return own(pyo.Mix([sides[0], sides[1], fizzed], voices=2,
                           mul=own(loudness * WAVES_GAIN)))


SOUNDS = {"waves": Waves}
