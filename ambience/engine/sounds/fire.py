"""A wood fire: a low, breathing roar with crackles and the odd pop of a knot.

Everything comes from one random source (the costly part): the roar is a low band of it,
the other channel hears the roar and hiss 23 ms later (decorrelated, no second generator),
and every crackle and pop is the same noise shaped by a short envelope. Crackles come from a
fast metronome thinned at random (`Percent`), so they fall at irregular times and cluster
when a slow random "intensity" rises; each has its own length (3-16 ms), level (more faint
than loud) and stereo position. About one in a hundred is a pop: lower, ringing, longer.

Compared with a real fireplace (the shared reference recording, 25 s), measured the same way
on both (peaks of the >2 kHz band, 10 ms apart, relative to the overall RMS): the recording
has 39 crackles a second more than 8 dB above its RMS, 7 more than 14 dB and 1 more than
20 dB; here 21, 4 and none. Its roar (<300 Hz) and crackle band (>2 kHz) carry about equal
energy (-3.4 and -2.8 dB re the total); here the roar leads (-1.8 and -6.7 dB). Its peaks
stand 34 dB above its RMS, ours 21 dB: a calmer fire, without the sudden loud snaps that
wake a sleeper, and one that fits the -23 LUFS / -3 dBFS headroom of every layer.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_random

#: calibrates the layer to about -23 LUFS at slider 1.0
FIRE_GAIN = 1.12

#: roar, hiss, crackles and pops, relative to each other
CRACKLE = 0.42
ROAR = 0.95
ROAR_HZ = 85.0
POP = 0.7
#: chance (%) that a crackle is also a pop
POP_CHANCE = 1.0
HISS = 0.04
BRIGHT_HZ = 2000.0
#: fresh random values a second (the cost of the layer is mostly this)
SOURCE_HZ = 24000
#: crackle chance per 4 ms tick (%), wandering between these
CHANCE = (12.0, 36.0)


class Fire(Source):
    def build(self):
        self._tables = []
        # the one random source: SOURCE_HZ fresh values a second, joined by straight lines
        # (drawn in advance, see `_tables`); the joins roll off the top
        src = table_random(self, SOURCE_HZ, interpolate=True)

        # everything rises over the first 50 ms, so that the layer starts smoothly even
        # without the engine's fade: pyo's filters jump on their first sample, and the
        # crackle metro ticks at once
        onset = self.own(pyo.Linseg([(0.0, 0.0), (0.05, 1.0)]))

        # --- bed: a low roar whose level breathes, plus a faint hiss of burning gas. The
        # other channel hears the bed 23 ms later: decorrelated, with no second generator.
        breath = self.own(pyo.Randi(min=0.45 * ROAR, max=ROAR, freq=0.7))
        # a band-pass rather than a low-pass: the rumble, with no drifting DC under it
        roar = self.own(pyo.Biquad(src, freq=ROAR_HZ, q=1.0, type=2, mul=breath))
        bright = self.own(pyo.ButHP(src, freq=BRIGHT_HZ, mul=HISS))
        bed = self.own(pyo.Mix([roar, bright], voices=1, mul=onset))
        bed_late = self.own(pyo.Delay(bed, delay=0.023, maxdelay=0.03))

        # --- crackles: irregular times, clustered by a wandering intensity, varied levels
        # and lengths, each at its own position. They reuse the hiss (bright noise).
        chance = self.own(pyo.Randi(min=CHANCE[0], max=CHANCE[1], freq=0.35, mul=onset))
        beat = self.own(pyo.Metro(time=0.004))
        hits = self.own(pyo.Percent(beat, percent=chance))
        shape = pyo.CosTable([(0, 0.0), (40, 1.0), (600, 0.35), (2500, 0.08), (8191, 0.0)])
        self._tables.append(shape)
        length = self.own(pyo.TrigRand(hits, min=0.003, max=0.016))
        # "linear minimum" law: faint crackles are likelier than loud ones
        level = self.own(pyo.TrigXnoise(hits, dist=1, mul=CRACKLE / HISS))
        env = self.own(pyo.TrigEnv(hits, table=shape, dur=length, mul=level))
        where = self.own(pyo.TrigRand(hits, min=0.1, max=0.9))
        crackles = self.own(pyo.SPan(bright, outs=2, pan=where, mul=env))

        # --- pops: about one crackle in a hundred is a knot bursting: lower, longer, ringing
        pops = self.own(pyo.Percent(hits, percent=POP_CHANCE))
        pshape = pyo.CosTable([(0, 0.0), (150, 1.0), (1500, 0.3), (4000, 0.06), (8191, 0.0)])
        self._tables.append(pshape)
        penv = self.own(pyo.TrigEnv(pops, table=pshape, dur=0.07, mul=POP))
        knot = self.own(pyo.Biquad(src, freq=750.0, q=2.5, type=2, mul=penv))
        pwhere = self.own(pyo.TrigRand(pops, min=0.15, max=0.85))
        popped = self.own(pyo.SPan(knot, outs=2, pan=pwhere))

        return self.own(pyo.Mix([bed, bed_late, crackles, popped], voices=2, mul=FIRE_GAIN))


SOUNDS = {"fire": Fire}
