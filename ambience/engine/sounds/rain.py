"""Rain: a steady downpour on everything around, with near drops clicking on top.

Built from the figures of real rain (the shared reference recording and the audit of issue
12): a full-band hiss, nearly flat in 1/3 octaves up to 16 kHz (no hole: full-rate table
noise, never an interpolated one), whose level drifts slowly by a few dB; and near drops,
1-2 ms broadband clicks with no resonance, about two a second standing 10 dB over the hiss
at full intensity and few much louder (levels exponential in dB: energies follow a power
law with the exponent of real rain, about 2.5). One slow "intensity" moves the hiss and the
number of drops together, as a shower thickens and thins.

Stereo: the channels blend a shared and an independent noise (correlation 0.6 at every
frequency; a mono sum loses 1 dB, evenly); drops land near the centre (real |L-R| ~ 1 dB).
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks
from ambience.engine.sounds._stereo import noise_pair

#: output gain that puts rain at -23 LUFS at slider 1.0 (measured by the loudness test)
RAIN_GAIN = 0.16
#: correlation of the two channels' hiss
CORRELATION = 0.6
#: the hiss: white noise (the highs) plus a low-passed part (the body), low-passed at the top
BODY_HZ, BODY_LEVEL = 600.0, 2.2
TOP_HZ = 12500.0
#: drops: gaps (s, exponential), length (s), level spread (dB below the loudest, mean)
GAP = (0.004, 0.12)
DROP_DUR = (0.0012, 0.0025)
DROP_RANGE_DB, DROP_MEAN_DB = 15.0, 2.5
DROP_LEVEL = 32.0
DROP_HP_HZ = 1500.0
#: a drop's largest sample in the output
DROP_PEAK = 0.52

#: intensity (drizzle 0, as designed 0.5, downpour 1; points spaced evenly from 0 to 1):
#: gaps between drops (x), the hiss's level and its top (Hz), the warm body's level
INT_GAPS = (3.0, 1.0, 0.33)
INT_HISS = (0.3, 1.0, 1.7)
INT_TOP_HZ = (8000.0, TOP_HZ, 16000.0)
INT_BODY = (3.0, BODY_LEVEL, 1.6)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (3.0, 1.74, 1.0, 0.684, 0.473)
#: the drops' level (drizzle's drops stand out because the hiss is low, not louder)
INT_DROPS = (0.7, 1.0, 1.0)


class Rain(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # the intensity of the shower: slow swells (tens of seconds) with a livelier ripple
        slow = own(pyo.Randi(0.55, 1.0, freq=0.1))
        ripple = own(pyo.Randi(0.8, 1.0, freq=0.3))
        intensity = own(slow * ripple)
        gaps = self.knob(*INT_GAPS, log=True)
        hiss = self.knob(*INT_HISS, log=True)
        top = self.knob(*INT_TOP_HZ, log=True)
        body = self.knob(*INT_BODY, log=True)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        hiss_level = own(intensity * hiss)

        # the hiss: flat highs plus a warmer body, both sides from the blended pair
        sides = []
        for raw in (left, right):
            # white noise plus a low-passed copy of itself (the warmer body) ...
            both = own(pyo.Tone(raw, freq=BODY_HZ, mul=body, add=raw))
            # ... with the very top taken off by the air (real rain falls from 10 to 16 kHz)
            sides.append(own(pyo.ButLP(both, freq=top, mul=hiss_level)))

        # the drops: 1-2 ms clicks, exponential gaps thinned by the intensity, levels
        # exponential in dB (many faint, few loud: real rain's power law)
        tick = alternating_ticks(self, GAP[0], GAP[1], 1, dist=4, scale=gaps)
        # dB above the faintest drop: exponential with mean DROP_MEAN_DB (capped at the range)
        db = own(pyo.TrigXnoise(tick, dist=4, x1=DROP_RANGE_DB / DROP_MEAN_DB,
                                mul=DROP_RANGE_DB, add=-DROP_RANGE_DB))
        amp = own(pyo.DBToA(db, mul=DROP_LEVEL))
        level = own(amp * own(intensity * self.knob(*INT_DROPS, log=True)))
        self._shape = pyo.ExpTable([(0, 0.0), (300, 1.0), (8191, 0.0)], exp=6, inverse=True)
        dur = own(pyo.TrigRand(tick, DROP_DUR[0], DROP_DUR[1], init=DROP_DUR[0]))
        env = own(pyo.TrigEnv(tick, self._shape, dur=dur, mul=level))
        # the drop's grain is the left hiss's noise itself: no third generator
        burst = own(pyo.ButHP(own(left * env), freq=DROP_HP_HZ))
        # the rare loudest drop is flattened (a clipped 0.3 ms click sounds the same) so the
        # layer keeps its true peak under -1 dBTP
        # DROP_PEAK at the output, whatever the gain that holds the loudness (also while
        # it glides)
        limit = own(pyo.Pow(loudness, -1.0, mul=DROP_PEAK / RAIN_GAIN))
        capped = own(pyo.Clip(burst, own(pyo.Sig(limit, mul=-1.0)), limit))
        pos = own(pyo.TrigRand(tick, 0.35, 0.65, init=0.5))
        drops = own(pyo.SPan(capped, outs=2, pan=pos))

        return own(pyo.Mix([sides[0], sides[1], drops], voices=2,
                           mul=own(loudness * RAIN_GAIN)))


SOUNDS = {"rain": Rain}
