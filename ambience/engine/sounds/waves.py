"""Waves: slow swells that break on a shore and recede, over a low sea rumble.

A wave is an envelope (a slow swell, a break, a long wash back) on low-passed noise, with
high-passed hiss rising by its square (so only the top of the swell breaks bright), plus a
later hiss of foam on the other side of the stereo field, so every wave crosses it. Waves
come every 8.5-13.5 s (drawn at each wave) on two alternating voices, so that a wave can
still be washing back when the next one swells. One cheap band-limited random source
(`Randi` at 9 kHz) feeds everything.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._events import alternating_ticks

#: output gain that puts waves at -23 LUFS at slider 1.0 (measured by the loudness test)
WAVES_GAIN = 0.637
#: seconds between two waves, and each wave's length (at most twice the shortest gap:
#: each voice carries every other wave)
GAP = (8.5, 13.5)
LENGTH = (11.0, 16.0)
#: the two colours: the water's weight (low-pass) and the break's hiss (high-pass), Hz
LOW_HZ, HISS_HZ = 320.0, 1200.0
CRASH_LEVEL = 0.8
FOAM_LEVEL = 0.35
RUMBLE_LEVEL = 0.32


class Waves(Source):
    def build(self):
        own = self.own
        src = own(pyo.Randi(-1.0, 1.0, freq=9000))
        # two shared colours of the same noise: the weight of the water, the hiss of the break
        low = own(pyo.Tone(src, freq=LOW_HZ))
        hiss = own(pyo.Atone(src, freq=HISS_HZ))

        # the body of each wave: swell (35 %), break (peak at 42 %), long wash back
        self._swell = pyo.CosTable([(0, 0.0), (1600, 0.12), (2700, 0.35), (3500, 0.9),
                                    (4300, 0.6), (6000, 0.22), (8191, 0.0)])
        # the foam: starts with the break, hisses while the water runs back
        self._foam = pyo.CosTable([(0, 0.0), (3200, 0.0), (3900, 1.0), (5200, 0.55),
                                   (8191, 0.0)])
        tick = alternating_ticks(self, GAP[0], GAP[1], 2)
        size = own(pyo.TrigRand(tick, 0.75, 1.0, init=0.85))
        # bigger waves take longer
        length = own(pyo.Sig(size, mul=(LENGTH[1] - LENGTH[0]) / 0.25,
                             add=LENGTH[0] - 0.75 * (LENGTH[1] - LENGTH[0]) / 0.25))
        env = own(pyo.TrigEnv(tick, self._swell, dur=length, mul=size))
        # the break: hiss rising with the square of the swell, so it only comes at the top
        crash = own(env * env)
        body = own(pyo.Mix([own(low * env), own(hiss * own(crash * CRASH_LEVEL))], voices=2))
        # where the wave breaks (0 left, 1 right); the foam runs off towards the other side.
        # Panned with plain products (a linear law): a panner object costs ten times more.
        at = own(pyo.TrigRand(tick, 0.1, 0.9, init=0.5))
        away = own(pyo.Sig(at, mul=-1.0, add=1.0))

        foam_env = own(pyo.TrigEnv(tick, self._foam, dur=length, mul=own(size * FOAM_LEVEL)))
        foam = own(hiss * foam_env)

        # the sea between waves: a low, slowly breathing rumble, wide
        breath = own(pyo.Randi(0.6 * RUMBLE_LEVEL, RUMBLE_LEVEL, freq=0.08))
        rumble = own(low * breath)
        # both sides delayed (differently): an undelayed side would add up in phase with the
        # waves' own low band and sound louder than the other
        spread = own(pyo.Delay(rumble, delay=[0.009, 0.023], maxdelay=0.03))

        left = own(pyo.Mix([own(body * away), own(foam * at)], voices=1))
        right = own(pyo.Mix([own(body * at), own(foam * away)], voices=1))
        # streams alternate left, right
        return own(pyo.Mix([left, right, spread], voices=2, mul=WAVES_GAIN))


SOUNDS = {"waves": Waves}
