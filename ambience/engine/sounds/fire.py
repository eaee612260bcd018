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
FIRE_GAIN = 1.09

#: roar, hiss, crackles and pops, relative to each other
CRACKLE = 0.42
ROAR = 0.95
HISS = 0.04
BRIGHT_HZ = 2000.0
#: crackle chance per 4 ms tick (%), wandering between these
CHANCE = (12.0, 36.0)
#: exponential level law of the crackles (higher: more faint ones)
LEVEL_LAMBDA = 3.0


class Fire(Layer):
    def build(self):
        self._tables = []
        # the one random generator: 24000 fresh values a second (Noise draws 48000 and
        # costs twice as much); held values roll the top octave off gently
        src = self.own(pyo.Randi(min=-1.0, max=1.0, freq=24000))

        # --- bed: a low roar whose level breathes, plus a faint hiss of burning gas. The
        # other channel hears the bed 23 ms later: decorrelated, with no second generator.
        breath = self.own(pyo.Randi(min=0.45 * ROAR, max=ROAR, freq=0.7))
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
        level = self.own(pyo.TrigXnoise(hits, dist=1, x1=LEVEL_LAMBDA, mul=CRACKLE / HISS))
        env = self.own(pyo.TrigEnv(hits, table=shape, dur=length, mul=level))
        where = self.own(pyo.TrigRand(hits, min=0.1, max=0.9))
        crackles = self.own(pyo.SPan(bright, outs=2, pan=where, mul=env))

        return self.own(pyo.Mix([bed, bed_late, crackles], voices=2, mul=FIRE_GAIN))


SOUNDS = {"fire": Fire}
