"""Thunder: a storm a few kilometres off, rolls breaking out of a low continuous rumble.

Built from the figures of real thunder (issue 12's audit; Fineberg, Walters and Reiss's
model): a roll rises in 0.5-1 s, stands 15-25 dB over the rumble between rolls, decays at
3-4 dB a second and comes back in 1-4 after-rumbles over the next seconds; its brightness
falls, from about 1.3 kHz at the peak to 0.35 kHz ten seconds later. Here three bands of
full-rate noise (below 250 Hz; around 500 Hz; around 1.5 kHz) each follow a roll envelope
of their own: the same shape, the higher bands dying faster (time constants of about 10, 5
and 2 s), so the brightness falls with no moving filter. Each roll takes one of a few shapes
drawn when the layer is built (rise, decay, after-rumbles at their own times and heights),
chosen per roll by a callback, with its own size; the low band grumbles at a few hertz.
Rolls come 14-30 s apart, the first at once.

Stereo: the low band is the same in both channels (real thunder correlates 0.87-0.9 below
300 Hz; a mono sum loses nothing); the higher bands blend a shared and an independent noise.
"""

from __future__ import annotations

import math

import numpy as np

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks
from ambience.engine.sounds._stereo import noise_pair

#: output gain that puts thunder at -23 LUFS at slider 1.0 (measured by the loudness test)
THUNDER_GAIN = 1.26
CORRELATION = 0.7
#: seconds between rolls, and a roll's length (shorter than the shortest gap: one voice)
GAP = (14.0, 30.0)
LENGTH = 14.0
#: the rumble between rolls, relative to a roll's peak (-20 dB)
BED_LEVEL = 0.1
#: the bands: (filter centre Hz, q, level at the peak, decay time constant s)
LOW_HZ = 250.0
MID = (500.0, 0.8, 1.0, 5.0)
HIGH = (1300.0, 0.8, 0.45, 2.0)
#: roll shapes to draw from, and their ranges
SHAPES = 6
RISE = (0.5, 1.0)
DECAY_DB = (3.5, 4.5)
AFTER = (1, 4)
TABLE = 8192


def _shape(rng, size: int = TABLE, length: float = LENGTH) -> np.ndarray:
    """One roll's level over `length` s: a cosine rise, an exponential decay, after-rumbles."""
    t = np.arange(size) * length / size
    rise = rng.uniform(*RISE)
    decay = rng.uniform(*DECAY_DB) / 20 * math.log(10)  # nepers a second
    env = np.where(t < rise, 0.5 - 0.5 * np.cos(np.pi * t / rise), np.exp(-decay * (t - rise)))
    for _ in range(rng.randint(*AFTER)):
        at = rng.uniform(rise + 3.0, 10.0)
        height = math.exp(-decay * (at - rise)) * 10 ** (rng.uniform(6.0, 12.0) / 20)
        up = rng.uniform(0.3, 0.6)
        bump = np.where(t < at - up, 0.0,
                        np.where(t < at, 0.5 - 0.5 * np.cos(np.pi * (t - at + up) / up),
                                 np.exp(-decay * (t - at))))
        env = np.maximum(env, min(height, 0.8) * bump)
    # fade the last second to silence so the table ends at 0
    tail = t > length - 1.0
    env[tail] *= (length - t[tail])
    return env


class Thunder(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # the roll shapes, one table per band (the higher bands die faster)
        self._tables = []
        t = np.arange(TABLE) * LENGTH / TABLE
        for _ in range(SHAPES):
            env = _shape(self.rng)
            bands = []
            for tau in (None, MID[3], HIGH[3]):
                table = pyo.DataTable(size=TABLE)
                view = np.asarray(table.getBuffer())
                view[:] = env if tau is None else env * np.exp(-t / tau)
                del view  # a view that outlives its table crashes pyo
                bands.append(table)
            self._tables.append(bands)

        tick = alternating_ticks(self, GAP[0], GAP[1], 1)
        size = own(pyo.Sig(0.85))
        # chosen before the envelopes read the tick (created first: computed first)
        own(pyo.TrigFunc(tick, self.quietly(self._next_roll)))
        first = self._tables[0]
        self._envs = [own(pyo.TrigEnv(tick, table, dur=LENGTH, mul=size)) for table in first]
        low_env, mid_env, high_env = self._envs

        # the low band: shared by both channels, grumbling
        grumble = own(pyo.Randi(0.35, 1.0, freq=5.0))
        low_level = own(own(low_env * grumble) + BED_LEVEL)
        low = own(pyo.ButLP(left, freq=LOW_HZ, mul=own(low_level * 6.0)))
        sides = []
        for raw in (left, right):
            mid = own(pyo.ButBP(raw, freq=MID[0], q=MID[1], mul=own(mid_env * MID[2])))
            sides.append(own(pyo.ButBP(raw, freq=HIGH[0], q=HIGH[1],
                                       mul=own(high_env * HIGH[2]), add=own(mid + low))))
        self._size = size
        return own(pyo.Mix(sides, voices=2, mul=THUNDER_GAIN))

    def _next_roll(self):
        """Per roll: one of the shapes, and a size."""
        bands = self.rng.choice(self._tables)
        for env, table in zip(self._envs, bands):
            env.setTable(table)
        self._size.value = self.rng.uniform(0.75, 1.0)


SOUNDS = {"thunder": Thunder}
