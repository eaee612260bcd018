"""Thunder: a storm a few kilometres off, rolls breaking out of a low continuous rumble.

Built from the figures of real thunder (issue 12's audit; Fineberg, Walters and Reiss's
model): a roll rises in 0.5-1 s, stands 15-25 dB over the rumble between rolls, decays at
3-4 dB a second and comes back in 1-4 after-rumbles over the next seconds; its brightness
falls, from about 1.3 kHz at the peak to 0.35 kHz ten seconds later. Here three bands of
full-rate noise (below 200 Hz; around 500 Hz; around 1.3 kHz, the upper two under a gentle
low-pass: the air takes a distant storm's highs) each follow a roll envelope of their own:
the same shape, the higher bands dying faster (extra time constants of 5 and 2 s), so the
brightness falls with no moving filter. Each roll takes one of a few shapes drawn when the
layer is built (rise, decay, after-rumbles rising again out of the decay), each carrying the
same energy so the loudness does not depend on the draw, chosen per roll by a callback,
with its own size; the low band grumbles at a few hertz. Rolls come 14-30 s apart, the
first at once.

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
THUNDER_GAIN = 1.33
CORRELATION = 0.7
#: seconds between rolls, and a roll's length (shorter than the shortest gap: one voice)
GAP = (14.0, 30.0)
LENGTH = 14.0
#: the rumble between rolls, relative to a roll's peak (-20 dB)
BED_LEVEL = 0.1
#: the bands: (filter centre Hz, q, level at the peak, decay time constant s)
LOW_HZ = 200.0
#: how deep the low band's grumble dips (its level wanders between this and 1 at 5 Hz)
GRUMBLE = 0.6
#: a one-pole low-pass over the upper bands (Hz)
TOP_HZ = 4000.0
MID = (500.0, 0.8, 1.5, 5.0)
HIGH = (1300.0, 0.8, 0.4, 2.0)
#: roll shapes to draw from, and their ranges: rise (s), decay (dB/s), after-rumbles (how
#: many, when after the one before, their peak re the one before in dB, their rise in s)
SHAPES = 8
RISE = (0.6, 1.1)
DECAY_DB = (4.2, 5.0)
AFTER = (1, 3)
AFTER_FIRST = (3.4, 4.6)
AFTER_GAP = (2.6, 3.6)
AFTER_FIRST_DB = (-8.0, -3.0)
AFTER_DB = (-2.5, 1.0)
AFTER_DB_RANGE = (-9.0, -3.0)
AFTER_UP = (0.3, 0.5)
TABLE = 8192
#: each shape's energy (its squared level integrated over time, s): a roll with more
#: after-rumbles peaks lower
ENERGY = 1.5

#: intensity (distant 0, as designed 0.5, near 1; points spaced evenly from 0 to 1): the
#: time a roll takes (x: its rise, decay and after-rumbles together) and the gaps between
#: rolls with it (one voice: a roll never outlasts the shortest gap); the air's low-pass
#: (Hz), the middle and high bands' levels (x) and the rumble between rolls (x)
INT_LENGTH = (1.45, 1.0, 0.7)
INT_TOP_HZ = (1500.0, TOP_HZ, 9000.0)
INT_MID = (0.6, 1.0, 1.4)
INT_HIGH = (0.25, 1.0, 2.5)
INT_BED = (1.4, 1.0, 0.6)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (0.85, 1.0, 1.0, 0.824, 0.72)


def _cosine_rise(t: np.ndarray, start: float, up: float) -> np.ndarray:
    """0 before `start`, a half cosine up to 1 over `up` s, 1 after."""
    u = np.clip((t - start) / up, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _shape(rng, size: int = TABLE, length: float = LENGTH) -> np.ndarray:
    """One roll's level over `length` s: a cosine rise, an exponential decay, and 1-3
    after-rumbles, each rising again out of the decay 2.6-3.6 s after the one before (the
    first once the decay has run 3 s: it is what a listener hears as the roll's fall),
    2-7 dB under the peak and then about as loud as the one before, never closer than 9 dB
    to the bed (which lies 18-20 dB under the peak), so each stands out of the decay."""
    t = np.arange(size) * length / size
    rise = rng.uniform(*RISE)
    decay = rng.uniform(*DECAY_DB) / 20 * math.log(10)  # nepers a second
    env = _cosine_rise(t, 0.0, rise) * np.exp(-decay * np.maximum(t - rise, 0.0))
    at, height_db = rise + rng.uniform(*AFTER_FIRST), rng.uniform(*AFTER_FIRST_DB)
    for k in range(rng.randint(*AFTER)):
        if k:
            height_db = min(max(height_db + rng.uniform(*AFTER_DB), AFTER_DB_RANGE[0]),
                            AFTER_DB_RANGE[1])
        up = rng.uniform(*AFTER_UP)
        bump = _cosine_rise(t, at - up, up) * np.exp(-decay * np.maximum(t - at, 0.0))
        env = np.maximum(env, 10 ** (height_db / 20) * bump)
        at += rng.uniform(*AFTER_GAP)
        if at > rise + 10.0:
            break
    # fade the last second to silence so the table ends at 0
    tail = t > length - 1.0
    env[tail] *= (length - t[tail])
    # every shape carries the same energy, so the loudness does not hang on how many
    # after-rumbles the rolls of a minute happened to draw (the peak moves instead)
    energy = float(np.sum(np.square(env))) * length / size
    return env * math.sqrt(ENERGY / energy)


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

        stretch = self.knob(*INT_LENGTH, log=True)
        top_hz = self.knob(*INT_TOP_HZ, log=True)
        mid_level = own(self.knob(*INT_MID, log=True) * MID[2])
        high_level = own(self.knob(*INT_HIGH, log=True) * HIGH[2])
        bed_level = own(self.knob(*INT_BED, log=True) * BED_LEVEL)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        length = own(stretch * LENGTH)
        tick = alternating_ticks(self, GAP[0], GAP[1], 1, scale=stretch)
        size = own(pyo.Sig(0.85))
        # chosen before the envelopes read the tick (created first: computed first)
        own(pyo.TrigFunc(tick, self.quietly(self._next_roll)))
        first = self._tables[0]
        self._envs = [own(pyo.TrigEnv(tick, table, dur=length, mul=size)) for table in first]
        low_env, mid_env, high_env = self._envs

        # the low band: shared by both channels, grumbling
        grumble = own(pyo.Randi(GRUMBLE, 1.0, freq=7.0))
        low_level = own(own(low_env * grumble) + bed_level)
        low = own(pyo.ButLP(left, freq=LOW_HZ, mul=own(low_level * 6.0)))
        sides = []
        for raw in (left, right):
            mid = own(pyo.ButBP(raw, freq=MID[0], q=MID[1], mul=own(mid_env * mid_level)))
            upper = own(pyo.ButBP(raw, freq=HIGH[0], q=HIGH[1], mul=own(high_env * high_level),
                                  add=mid))
            # the air between here and the storm takes the highs off: a steeper top skirt
            sides.append(own(pyo.Tone(upper, freq=top_hz, add=low)))
        self._size = size
        return own(pyo.Mix(sides, voices=2, mul=own(loudness * THUNDER_GAIN)))

    def _next_roll(self):
        """Per roll: one of the shapes, and a size."""
        bands = self.rng.choice(self._tables)
        for env, table in zip(self._envs, bands):
            env.setTable(table)
        self._size.value = self.rng.uniform(0.75, 1.0)


SOUNDS = {"thunder": Thunder}
