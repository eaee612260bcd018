"""A wood fire: a lapping roar, a warm body of flame, hissing gas and bright crackles.

Built from the figures of real fires (the shared fireplace recording and issue 12's audit):
- the roar (flames lapping): low noise driven hard into a clipper, so it flickers instead of
  humming (Farnell's lapping), breathing slowly; the same in both channels (real fires
  correlate 0.9 below 300 Hz; a mono sum loses nothing);
- a body of flame filling 300 Hz-2 kHz (the old fire had a hole at 2 kHz), and a gas hiss
  above 2.5 kHz that swells now and then, each side from a blend of a shared and an
  independent noise;
- crackles: 1-3 ms bursts high-passed and brightened so they centre near 8 kHz, at random
  times that cluster when a slow intensity rises, levels exponential in dB (energies follow
  the power law of real fire: many faint, a few 20 dB snaps), scattered across the hearth;
- now and then a pop: a knot bursting, lower (0.8-3 kHz) and longer (10-30 ms).
Everything is full-rate table noise (no interpolated source, so no hole).
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._stereo import noise_pair

#: calibrates the layer to -23 LUFS at slider 1.0 (measured by the loudness test)
FIRE_GAIN = 0.85
#: the roar: low-passed noise driven into a clipper
ROAR_HZ, ROAR_DRIVE, ROAR_LEVEL = 40.0, 60.0, 0.07
#: the body of the flames (one-pole low-pass of white noise) and the hiss (the white noise)
BODY_HZ, BODY_LEVEL = 600.0, 0.35
HISS_LEVEL = 0.12
CORRELATION = 0.6
#: below this the roar is cut (real fires have little under 40 Hz)
ROAR_HP_HZ = 50.0
#: crackles: chance (%) per 4 ms tick, wandering; length (s); level (dB above the faintest:
#: exponential with this mean, capped at the range)
CHANCE = (2.0, 8.0)
CRACKLE_DUR = (0.001, 0.003)
CRACKLE_RANGE_DB, CRACKLE_MEAN_DB = 30.0, 6.0
CRACKLE_LEVEL = 30.0
#: the crackles' band (centre Hz, q): 5-13 kHz, centroid near 7 kHz
CRACKLE_HZ, CRACKLE_Q = 9000.0, 1.0
#: the largest sample of a crackle in the output (keeps the true peak under -1 dBTP)
CRACKLE_PEAK = 0.42
#: pops: chance (%) per tick of a pop, length (s), centre (Hz), level
POP_CHANCE = 0.1
POP_DUR, POP_HZ = 0.025, 1500.0
POP_LEVEL = 4.0

#: intensity (embers 0, as designed 0.5, blaze 1; points spaced evenly from 0 to 1): how
#: often it crackles and pops, the roar's and the gas hiss's level
INT_CRACKLES = (0.25, 1.0, 2.5)
INT_POPS = (0.3, 1.0, 3.0)
#: a pop's level (x): a blaze pops more often, not louder (a rare loud pop set its peak)
INT_POP_LEVEL = (1.0, 1.0, 0.6)
INT_ROAR = (0.3, 1.0, 2.0)
INT_HISS = (0.5, 1.0, 1.3)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.556, 1.274, 1.0, 0.782, 0.628)


class Fire(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # the roar: shared by both channels, flickering, breathing
        crackling = self.knob(*INT_CRACKLES, log=True)
        popping = self.knob(*INT_POPS, log=True)
        roaring = self.knob(*INT_ROAR, log=True)
        hissing = self.knob(*INT_HISS, log=True)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        # the crackles' largest sample stays CRACKLE_PEAK at the output, whatever the gain
        # (also while it glides), and a pop keeps its level
        unheld = own(pyo.Pow(loudness, -1.0))
        limit = own(pyo.Sig(unheld, mul=CRACKLE_PEAK / FIRE_GAIN))

        breath = own(pyo.Randi(0.5, 1.0, freq=0.6))
        low = own(pyo.Tone(left, freq=ROAR_HZ, mul=ROAR_DRIVE))
        lapped = own(pyo.Clip(low, -0.9, 0.9))
        roar = own(pyo.ButHP(lapped, freq=ROAR_HP_HZ, mul=own(own(breath * ROAR_LEVEL) * roaring)))

        # body and hiss per side
        hiss_swell = own(pyo.Randi(0.2, 1.0, freq=0.9))
        hiss_amp = own(own(hiss_swell * own(hiss_swell * HISS_LEVEL)) * hissing)
        sides = []
        for raw in (left, right):
            # the hiss is the white noise itself, swelling; the body its low-passed copy,
            # summed through the filter's `add` (one filter a side, no mixer object)
            hiss = own(raw * hiss_amp)
            sides.append(own(pyo.Tone(raw, freq=BODY_HZ, mul=BODY_LEVEL, add=own(hiss + roar))))

        # crackles
        onset = own(pyo.Linseg([(0.0, 0.0), (0.05, 1.0)]))
        chance = own(pyo.Randi(CHANCE[0], CHANCE[1], freq=0.3, mul=own(onset * crackling)))
        beat = own(pyo.Metro(time=0.004))
        hits = own(pyo.Percent(beat, percent=chance))
        db = own(pyo.TrigXnoise(hits, dist=4, x1=CRACKLE_RANGE_DB / CRACKLE_MEAN_DB,
                                mul=CRACKLE_RANGE_DB, add=-CRACKLE_RANGE_DB))
        level = own(pyo.DBToA(db, mul=CRACKLE_LEVEL))
        self._shape = pyo.ExpTable([(0, 0.0), (200, 1.0), (8191, 0.0)], exp=5, inverse=True)
        dur = own(pyo.TrigRand(hits, CRACKLE_DUR[0], CRACKLE_DUR[1], init=CRACKLE_DUR[0]))
        env = own(pyo.TrigEnv(hits, self._shape, dur=dur, mul=level))
        bright = own(pyo.ButBP(own(right * env), freq=CRACKLE_HZ, q=CRACKLE_Q))
        capped = own(pyo.Clip(bright, own(pyo.Sig(limit, mul=-1.0)), limit))
        where = own(pyo.TrigRand(hits, 0.15, 0.85, init=0.5))
        crackles = own(pyo.SPan(capped, outs=2, pan=where))

        # pops: a knot bursting now and then, placed where the last crackle was
        pops = own(pyo.Percent(beat, percent=own(popping * POP_CHANCE)))
        self._pop = pyo.ExpTable([(0, 0.0), (400, 1.0), (8191, 0.0)], exp=3, inverse=True)
        penv = own(pyo.TrigEnv(pops, self._pop, dur=POP_DUR, mul=own(own(unheld * self.knob(*INT_POP_LEVEL, log=True)) * POP_LEVEL)))
        knot = own(pyo.Biquad(own(left * penv), freq=POP_HZ, q=1.2, type=2))
        popped = own(pyo.SPan(knot, outs=2, pan=where))

        return own(pyo.Mix([sides[0], sides[1], crackles, popped], voices=2,
                           mul=own(loudness * FIRE_GAIN)))


SOUNDS = {"fire": Fire}
