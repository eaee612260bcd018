"""A clock on the shelf: a soft tick-tock, one tick a second, no two ticks alike.

A tick is the escapement striking: two or three tiny impacts a few milliseconds apart that
ring the clock's case (a few damped resonances, a wooden body and brighter metal parts).
Here a short table of soft impulses (one of several drawn at build time) excites three
band-pass resonators; a short room reflection gives it space and a little stereo. The
"tock" is lower than the "tick", and the beat is slightly uneven, as in real clocks.

The rhythm is steady by nature, so instead of never repeating, every tick is varied: its
impulse pattern and length, level, and the tuning of each resonance are drawn again for
each tick (by a `TrigFunc` callback from the layer's seeded generator), halfway between two
ticks while the clock is silent, so no change can click.
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
CLOCK_GAIN = 1.0

#: seconds per tick, and how uneven the tick-tock is (fraction of a second)
PERIOD = 1.0
BEAT_ERROR = 0.012
#: resonances of the tick (Hz, Q, gain); the tock is the same case struck lower
RESONANCES = ((1150.0, 30.0, 1.0), (2350.0, 60.0, 0.8), (3900.0, 50.0, 0.4))
TOCK = 0.86
#: how much a tick varies: resonance detune (fraction), level (dB), length (fraction)
DETUNE = 0.025
LEVEL_DB = 1.5
STRETCH = 0.15
#: impulse patterns to draw from
PATTERNS = 8


def _pattern(rng) -> list[tuple[int, float]]:
    """Soft impulses over 40 ms (table of 8192 points): the main strike, then one or two
    smaller ones a few ms later. Each impulse is a 0.2 ms raised-cosine bump."""
    points = [(0, 0.0)]
    hits = [(0.0, 1.0)] + [(rng.uniform(0.05, 0.45), rng.uniform(0.15, 0.5))
                           for _ in range(rng.randint(2, 4))]
    width = 40  # table points (~0.2 ms at 40 ms per table)
    for start, amp in sorted(hits):
        at = 20 + int(start * 8000)
        if at <= points[-1][0]:
            at = points[-1][0] + 1
        points += [(at, 0.0), (at + width // 2, amp), (at + width, 0.0)]
    points.append((8191, 0.0))
    return points


class Clock(Layer):
    def build(self):
        self._patterns = [pyo.CosTable(_pattern(self.rng)) for _ in range(PATTERNS)]
        self._ticks = 0
        self.metro = self.own(pyo.Metro(time=PERIOD))
        self.strike = self.own(pyo.TrigEnv(self.metro, self._patterns[0], dur=0.04))
        self.filters = [self.own(pyo.Biquad(self.strike, freq=f, q=q, type=2, mul=g))
                        for f, q, g in RESONANCES]
        case = self.own(pyo.Mix(self.filters, voices=1))
        # halfway between ticks, draw the next tick (everything has rung out by then)
        self.halfway = self.own(pyo.SDelay(self.metro, delay=0.45 * PERIOD, maxdelay=PERIOD))
        self.prepare = self.own(pyo.TrigFunc(self.halfway, self._next_tick))
        # a near side and a faint room reflection on each side
        direct = self.own(pyo.Sig(case, mul=[0.9, 0.72]))
        room = self.own(pyo.Delay(case, delay=[0.0173, 0.0229], feedback=0.5, maxdelay=0.03,
                                  mul=[0.3, 0.4]))
        self._next_tick()
        return self.own(pyo.Mix([direct, room], voices=2, mul=CLOCK_GAIN))

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
