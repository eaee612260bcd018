"""White, pink and brown noise.

The random generator is almost all of a noise layer's cost, so each colour draws from one
generator and makes the right channel from a decorrelated copy (a delayed, all-pass-filtered
version of the same noise) instead of paying for a second generator.
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

# Gains that put each colour at about -23 LUFS at slider 1.0 (measured by the loudness test).
WHITE_GAIN = 0.071
PINK_GAIN = 0.5
BROWN_GAIN = 0.5


class _Noise(Layer):
    gain = 1.0

    def source(self):
        raise NotImplementedError

    def build(self):
        src = self.own(self.source())
        # The right channel: the same noise 11.3 ms later through two all-passes. Its
        # correlation with the left channel is near zero above ~100 Hz, with no second RNG.
        late = self.own(pyo.Delay(src, delay=0.0113, maxdelay=0.02))
        ap1 = self.own(pyo.Allpass(late, delay=0.0037, feedback=0.6, maxdelay=0.01))
        ap2 = self.own(pyo.Allpass(ap1, delay=0.0071, feedback=0.5, maxdelay=0.01))
        return self.own(pyo.Mix([src, ap2], voices=2, mul=self.gain))


class WhiteNoise(_Noise):
    gain = WHITE_GAIN

    def source(self):
        return pyo.Noise()


class PinkNoise(_Noise):
    gain = PINK_GAIN

    def source(self):
        return pyo.PinkNoise()


class BrownNoise(_Noise):
    gain = BROWN_GAIN

    def source(self):
        return pyo.BrownNoise()


SOUNDS = {"white": WhiteNoise, "pink": PinkNoise, "brown": BrownNoise}
