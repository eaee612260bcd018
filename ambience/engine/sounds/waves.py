"""Waves: slow swells that break on a shore and recede, over a low sea rumble.

A wave is an envelope (a slow swell, a break, a long wash back) that drives both the level
and the brightness of low-passed noise, plus a delayed hiss of foam placed elsewhere in the
stereo field, so every wave travels as it breaks. Waves come every 8-14 s (drawn at each
wave) on two alternating voices so that a wave can still be washing back when the next
one swells. One cheap band-limited random source (`Randi` at 12 kHz) feeds everything.
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

#: output gain that puts waves at -23 LUFS at slider 1.0 (measured by the loudness test)
WAVES_GAIN = 0.53
#: seconds between two waves, and each wave's length (at most twice the shortest gap:
#: each voice carries every other wave)
GAP = (8.0, 14.0)
LENGTH = (11.0, 16.0)
#: the low-pass cutoff of a wave goes from DARK_HZ (swell) to DARK_HZ + BRIGHT_HZ (break)
DARK_HZ, BRIGHT_HZ = 220.0, 3800.0
FOAM_LEVEL = 0.35
RUMBLE_LEVEL = 0.45


class Waves(Layer):
    def build(self):
        own = self.own
        src = own(pyo.Randi(-1.0, 1.0, freq=12000))

        # the body of each wave: swell (35 %), break (peak at 42 %), long wash back
        self._swell = pyo.CosTable([(0, 0.0), (1600, 0.12), (2700, 0.35), (3500, 0.9),
                                    (4300, 0.6), (6000, 0.22), (8191, 0.0)])
        # the foam: starts with the break, hisses while the water runs back
        self._foam = pyo.CosTable([(0, 0.0), (3200, 0.0), (3900, 1.0), (5200, 0.55),
                                   (8191, 0.0)])
        tick = own(pyo.Metro(time=GAP[0], poly=2))
        anytick = own(pyo.Mix(tick, voices=1))
        gap = own(pyo.TrigRand(anytick, GAP[0], GAP[1], init=GAP[0]))
        tick.setTime(gap)
        length = own(pyo.TrigRand(tick, LENGTH[0], LENGTH[1], init=LENGTH[0]))
        size = own(pyo.TrigRand(tick, 0.55, 1.0, init=0.8))
        env = own(pyo.TrigEnv(tick, self._swell, dur=length, mul=size))
        cutoff = own(pyo.Sig(env, mul=BRIGHT_HZ, add=DARK_HZ))
        body = own(pyo.ButLP(src, freq=cutoff, mul=env))
        at = own(pyo.TrigRand(tick, 0.15, 0.85, init=0.5))
        body_st = own(pyo.Pan(body, outs=2, pan=at, spread=0.35))

        hiss = own(pyo.Atone(src, freq=2500))
        foam_env = own(pyo.TrigEnv(tick, self._foam, dur=length, mul=size))
        foam = own(hiss * foam_env)
        to = own(pyo.TrigRand(tick, 0.1, 0.9, init=0.5))
        foam_st = own(pyo.Pan(foam, outs=2, pan=to, spread=0.4, mul=FOAM_LEVEL))

        # the sea between waves: a low, slowly breathing rumble, wide
        breath = own(pyo.Randi(0.6 * RUMBLE_LEVEL, RUMBLE_LEVEL, freq=0.08))
        rumble = own(pyo.Tone(src, freq=180, mul=breath))
        rumble_r = own(pyo.Delay(rumble, delay=0.021, maxdelay=0.03))

        parts = [body_st, foam_st, rumble, rumble_r]
        return own(pyo.Mix(parts, voices=2, mul=WAVES_GAIN))


SOUNDS = {"waves": Waves}
