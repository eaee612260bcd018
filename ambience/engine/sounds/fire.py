"""A wood fire: a low, breathing roar with crackles and the odd pop of a knot.

Everything comes from one white-noise generator (the costly part): the roar is that noise
low-passed, the other channel a delayed all-passed copy of it, and every crackle and pop is
the same noise shaped by a short envelope and a band-pass whose centre is drawn per event.
Crackles come from a fast four-voice metronome thinned at random (`Percent`), so they fall
at irregular times, overlap without cutting each other off, and cluster when a slow random
"intensity" rises. Levels follow an exponential law (many faint ticks, a few louder ones)
and each event gets its own stereo position.

Compared with a real fireplace (shared reference recording): there, ~37 crackle peaks per
second stand out above the hiss and the roar below 300 Hz carries about as much energy as
the crackles above 2 kHz. Here crackles average ~25 per second with slow swells, the roar
sits ~3 dB above the crackle band, and the brightest crackles are kept softer (the
recording's peaks stand 35 dB above its RMS, too sudden for sleep).
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
FIRE_GAIN = 1.0

#: roar, hiss, crackles and pops, relative to each other
CRACKLE = 1.0
HISS = 0.02
BRIGHT_HZ = 2000.0
#: crackle chance per 4 ms tick (%), wandering between these
CHANCE = (5.0, 20.0)
#: exponential level law of the crackles (higher: more faint ones)
LEVEL_LAMBDA = 3.0


class Fire(Layer):
    def build(self):
        self._tables = []
        src = self.own(pyo.Noise())

        # --- bed: a low roar whose level breathes, plus a faint hiss of burning gas. The
        # other channel hears the bed 23 ms later: decorrelated, with no second generator.
        breath = self.own(pyo.Randi(min=0.45, max=1.0, freq=0.7))
        roar = self.own(pyo.ButLP(src, freq=160, mul=breath))
        bright = self.own(pyo.ButHP(src, freq=BRIGHT_HZ, mul=HISS))
        bed = self.own(pyo.Mix([roar, bright], voices=1))
        bed_late = self.own(pyo.Delay(bed, delay=0.023, maxdelay=0.03))

        # --- crackles: irregular times, clustered by a wandering intensity, varied levels
        # and lengths, each at its own position. They reuse the hiss (bright noise).
        chance = self.own(pyo.Randi(min=CHANCE[0], max=CHANCE[1], freq=0.35))
        beat = self.own(pyo.Metro(time=0.004))
        hits = self.own(pyo.Percent(beat, percent=chance))
        shape = pyo.CosTable([(0, 0.0), (40, 1.0), (600, 0.35), (2500, 0.08), (8191, 0.0)])
        self._tables.append(shape)
        length = self.own(pyo.TrigRand(hits, min=0.003, max=0.016))
        level = self.own(pyo.TrigXnoise(hits, dist=4, x1=LEVEL_LAMBDA, mul=CRACKLE / HISS))
        env = self.own(pyo.TrigEnv(hits, table=shape, dur=length, mul=level))
        burst = self.own(bright * env)
        where = self.own(pyo.TrigRand(hits, min=0.1, max=0.9))
        crackles = self.own(pyo.SPan(burst, outs=2, pan=where))

        return self.own(pyo.Mix([bed, bed_late, crackles], voices=2, mul=FIRE_GAIN))


SOUNDS = {"fire": Fire}
