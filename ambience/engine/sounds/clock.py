"""A clock on the shelf: a soft tick-tock, one tick a second, no two ticks alike.

A tick is the escapement striking: two or three tiny impacts a few milliseconds apart that
ring the clock's works and case (a few narrow, damped resonances). Here a short table of
noise bursts (one of several drawn at build time, all of the same energy) excites three
narrow band-pass resonators; two early reflections (a little stereo) and a small room's
soft tail carry most of the sound, as from a clock across the room: the tail spreads the
tick's energy, so it is full at a soft peak level. The "tock" is lower than the "tick", and
the beat is slightly uneven, as in real clocks.

The rhythm is steady by nature, so instead of never repeating, every tick is varied: its
strike pattern and length, level, and the tuning of each resonance are drawn again for
each tick (by a `TrigFunc` callback from the layer's seeded generator), halfway between two
ticks, long after the resonators have stopped ringing, so no change can click.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
CLOCK_GAIN = 13.1

#: seconds per tick, and how uneven the tick-tock is (fraction of a second)
PERIOD = 1.0
BEAT_ERROR = 0.012
#: resonances of the tick (Hz, Q, gain); the tock is the same case struck lower
RESONANCES = ((2100.0, 60.0, 1.0), (3300.0, 70.0, 0.6), (4700.0, 55.0, 0.35))
TOCK = 0.86
#: how much a tick varies: resonance detune (fraction), level (dB), length (fraction)
DETUNE = 0.025
LEVEL_DB = 1.0
STRETCH = 0.15
#: the room's tail: size, damping, level
ROOM = (0.55, 0.75, 4.0)
#: strike patterns to draw from
PATTERNS = 8


def _pattern(rng, size: int = 4096) -> list[float]:
    """One strike over 40 ms: a burst of noise (the impact's rattle) that fades in over
    0.8 ms and dies away in a few ms, then one to three smaller ones a few ms later.
    Noise rather than a single impulse spreads the strike's energy over time, so the tick
    is full at a soft peak level."""
    ms = size / 40.0  # table points per millisecond
    env = [0.0] * size
    bursts = [(0.3, 1.0, rng.uniform(1.2, 2.2))]
    bursts += [(rng.uniform(2.5, 18.0), rng.uniform(0.2, 0.55), rng.uniform(0.6, 1.5))
               for _ in range(rng.randint(1, 3))]
    for start, amp, decay in bursts:
        first = int(start * ms)
        for i in range(first, size):
            t = (i - first) / ms
            rise = min(1.0, t / 0.8)
            env[i] += amp * (0.5 - 0.5 * math.cos(math.pi * rise)) * math.exp(-t / decay)
    # the end must be silent: fade the last 2 ms to zero
    tail = int(2 * ms)
    for k in range(tail):
        env[size - 1 - k] *= k / tail
    out = [e * rng.gauss(0.0, 1.0) for e in env]
    # same energy in every pattern, so every tick rings the case about as loud
    energy = math.sqrt(sum(v * v for v in out) / ms) or 1.0
    return [v / energy for v in out]


class Clock(Source):
    def build(self):
        self._patterns = [pyo.DataTable(size=4096, init=_pattern(self.rng))
                          for _ in range(PATTERNS)]
        self._ticks = 0
        self.metro = self.own(pyo.Metro(time=PERIOD))
        self.strike = self.own(pyo.TrigEnv(self.metro, self._patterns[0], dur=0.04))
        self.filters = [self.own(pyo.Biquad(self.strike, freq=f, q=q, type=2, mul=g))
                        for f, q, g in RESONANCES]
        case = self.own(pyo.Mix(self.filters, voices=1))
        # halfway between ticks, draw the next tick (the resonators have rung out by then)
        self.halfway = self.own(pyo.SDelay(self.metro, delay=0.45 * PERIOD, maxdelay=PERIOD))
        self.prepare = self.own(pyo.TrigFunc(self.halfway, self.quietly(self._next_tick)))
        # a near side and a faint room reflection on each side
        direct = self.own(pyo.Sig(case, mul=[0.4, 0.32]))
        room = self.own(pyo.Delay(case, delay=[0.0173, 0.0229], feedback=0.25, maxdelay=0.03,
                                  mul=[0.3, 0.4]))
        # and the small room's soft tail, the same in both ears
        tail = self.own(pyo.Freeverb(case, size=ROOM[0], damp=ROOM[1], bal=1.0, mul=ROOM[2]))
        self._next_tick()
        return self.own(pyo.Mix([direct, room, tail, tail], voices=2, mul=CLOCK_GAIN))

    def close(self) -> None:
        """Also drop the named objects: the callback refers back to the layer (a cycle)."""
        super().close()
        self.metro = self.strike = self.filters = self.halfway = self.prepare = None

    def _next_tick(self) -> None:
        rng = self.rng
        self._ticks += 1
        tock = self._ticks % 2 == 0
        tune = TOCK if tock else 1.0
        for flt, (f, q, g) in zip(self.filters, RESONANCES):
            flt.setFreq(f * tune * (1.0 + rng.uniform(-DETUNE, DETUNE)))
            flt.setQ(q * rng.uniform(0.85, 1.15))
        self.strike.setTable(rng.choice(self._patterns))
        self.strike.setDur(0.04 * (1.0 + rng.uniform(-STRETCH, STRETCH)))
        level = 10 ** (rng.uniform(-LEVEL_DB, LEVEL_DB) / 20) * (0.85 if tock else 1.0)
        self.strike.setMul(level)
        self.metro.setTime(PERIOD + (BEAT_ERROR if tock else -BEAT_ERROR))


SOUNDS = {"clock": Clock}
