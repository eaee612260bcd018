"""A clock on the shelf: a dry tick-tock, one tick a second, no two ticks alike.

A tick is the escapement at work: unlocking, impulse and drop, two or three tiny metal
impacts 20-35 ms apart, each a sharp broadband click that rings the movement and the case
for a few milliseconds (low-Q modes from about 400 Hz to 8 kHz), so the tick is 30 dB down
within about 40 ms of its peak: a tick, not a bell. Measured on a recorded clock (issue 12):
clicks within 0-10 dB of each other, a spectrum highest at 1-4 kHz and about 15 dB down at
250-500 Hz, the tick 30 dB down 22-67 ms after its peak. The "tock" is the same case struck
a little lower, and the beat is slightly uneven, as in real clocks. Under it all, the quiet
room the clock stands in.

The rhythm is steady by nature, so instead of never repeating every tick is varied: its
strike pattern (drawn among several made at build time), level and the tuning of each mode
are drawn again for each tick by a `TrigFunc` callback from the layer's seeded generator,
halfway between two ticks, long after the modes have stopped ringing, so nothing clicks.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor

#: calibrates the layer to about -23 LUFS at slider 1.0
CLOCK_GAIN = 4.15

#: seconds per tick, and how uneven the tick-tock is (fraction of a second)
PERIOD = 1.0
BEAT_ERROR = 0.012
#: modes of the movement and case (Hz, Q, gain): low Q, so each rings a few ms only
MODES = ((520.0, 3.0, 1.4), (980.0, 10.0, 1.0), (1750.0, 22.0, 0.7), (2900.0, 32.0, 0.8),
         (5200.0, 20.0, 0.7))
#: how much of the bare click is heard besides the modes
CLICK = 0.1
TOCK = 0.9
#: input scale of the tanh that rounds off the tip of each click
SOFT = 12
#: how much a tick varies: mode detune (fraction), level (dB)
DETUNE = 0.03
LEVEL_DB = 1.0
#: strike patterns to draw from, and their length (s)
PATTERNS = 16
STRIKE = 0.05
#: the strikes' common energy (sets how hard the tanh rounds them off)
STRENGTH = 0.6
#: the room's floor (RMS)
ROOM_TONE = 0.0006


def _pattern(rng, size: int) -> list[float]:
    """One strike: a loud click at the start, then one or two softer ones (-2 to -12 dB)
    so that the last comes 20-35 ms after the first; each click a 0.15-0.5 ms burst of
    noise with a quick fall, and now and then a faint bounce 1-2 ms after it."""
    ms = size / (STRIKE * 1000.0)
    last = rng.uniform(20.0, 33.0)
    clicks = [(0.2, 1.0)]
    if rng.random() < 0.6:
        clicks.append((rng.uniform(8.0, last - 7.0), 10 ** (-rng.uniform(1.0, 6.0) / 20)))
    clicks.append((last, 10 ** (-rng.uniform(2.0, 8.0) / 20)))
    out = [0.0] * size
    for start, amp in clicks:
        width = rng.uniform(0.15, 0.5)
        parts = [(start, amp, width)]
        if rng.random() < 0.5:
            parts.append((start + rng.uniform(1.0, 2.0), amp * 0.25, width * 0.7))
        for at, a, w in parts:
            first = int(at * ms)
            for i in range(first, min(size, first + int(4 * w * ms) + 1)):
                t = (i - first) / ms
                out[i] += a * math.exp(-t / (w / 2)) * rng.gauss(0.0, 1.0)
    # the same energy in every strike, so every tick is about as loud
    energy = math.sqrt(sum(v * v for v in out) / ms) or 1.0
    return [STRENGTH * v / energy for v in out]


class Clock(Source):
    def build(self):
        rate = float(self.options.get("sr", 48000))
        size = int(STRIKE * rate)
        self._patterns = [pyo.DataTable(size=size, init=_pattern(self.rng, size))
                          for _ in range(PATTERNS)]
        self._pattern = 0
        self._ticks = 0
        self.metro = self.own(pyo.Metro(time=PERIOD))
        self.strike = self.own(pyo.TrigEnv(self.metro, self._patterns[0], dur=STRIKE))
        # a band-pass passes a share of the click that shrinks with its Q: make up for it
        self.modes = [self.own(pyo.Biquad(self.strike, freq=f, q=q, type=2,
                                          mul=g * math.sqrt(q)))
                      for f, q, g in MODES]
        bare = self.own(pyo.Sig(self.strike, mul=CLICK))
        struck = self.own(pyo.Mix(self.modes + [bare], voices=1, mul=SOFT))
        # the first half-millisecond of a click would set the peak level: round it off
        case = self.own(pyo.Tanh(struck, mul=1.0 / SOFT))
        # halfway between ticks, draw the next tick (the modes have rung out long before)
        self.halfway = self.own(pyo.SDelay(self.metro, delay=0.45 * PERIOD, maxdelay=PERIOD))
        self.prepare = self.own(pyo.TrigFunc(self.halfway, self.quietly(self._next_tick)))
        # a little to the left, in a room whose own quiet is the same in both ears
        ticks = self.own(pyo.Sig(case, mul=[CLOCK_GAIN * 1.07, CLOCK_GAIN * 0.93]))
        tone = floor(self, ROOM_TONE, high=3500.0, stereo=False)
        self._next_tick()
        return self.own(pyo.Mix([ticks, tone], voices=2))

    def close(self) -> None:
        """Also drop the named objects: the callback refers back to the layer (a cycle)."""
        super().close()
        self.metro = self.strike = self.modes = self.halfway = self.prepare = None

    def _next_tick(self) -> None:
        rng = self.rng
        self._ticks += 1
        tock = self._ticks % 2 == 0
        tune = TOCK if tock else 1.0
        for mode, (f, q, g) in zip(self.modes, MODES):
            mode.setFreq(f * tune * (1.0 + rng.uniform(-DETUNE, DETUNE)))
            mode.setQ(q * rng.uniform(0.85, 1.15))
        # never the same strike twice in a row
        self._pattern = (self._pattern + rng.randrange(1, PATTERNS)) % PATTERNS
        self.strike.setTable(self._patterns[self._pattern])
        level = 10 ** (rng.uniform(-LEVEL_DB, LEVEL_DB) / 20) * (0.85 if tock else 1.0)
        self.strike.setMul(level)
        self.metro.setTime(PERIOD + (BEAT_ERROR if tock else -BEAT_ERROR))


SOUNDS = {"clock": Clock}
