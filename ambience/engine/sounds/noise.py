"""White, pink and brown noise.

The random generator is almost all of a noise layer's cost, so each colour draws from one
generator and makes the right channel from a decorrelated copy (a delayed, all-pass-filtered
version of the same noise) instead of paying for a second generator. Every delay is a whole
number of samples: pyo interpolates fractional delays linearly, and inside an all-pass loop
that interpolation acts as a low-pass that would leave the right channel duller and quieter.
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

# Gains that put each colour at -23 LUFS at slider 1.0 (measured by the loudness test).
WHITE_GAIN = 0.0611
PINK_GAIN = 0.1497
BROWN_GAIN = 0.278

#: the right channel's delay (samples at the server rate; a whole number, see above)
DECORRELATE_DELAY = 12007

#: pink and brown noise keep rising below hearing, where they only waste headroom and put a
#: slow wander (DC over a minute) on the output: a high-pass removes it (brown noise, with
#: 11 % of its power below 20 Hz behind one 12 dB/octave stage, gets two: 1-2 % remain)
SUBSONIC_HIGHPASS = 22.0


class _Noise(Layer):
    def source(self):
        raise NotImplementedError

    def build(self):
        sr = float(self.options.get("sr", 48000))
        src = self.own(self.source())
        # The right channel: the same noise a quarter second later through an all-pass.
        # Noise forgets itself within milliseconds, so the channels are uncorrelated at every
        # frequency (even brown noise's low end), and the delay is long enough that the
        # comb filter a mono sum makes has its notches finer than the ear (or an analyser)
        # resolves, so the mono spectrum keeps its colour.
        late = self.own(pyo.Delay(src, delay=DECORRELATE_DELAY / sr,
                                  maxdelay=(DECORRELATE_DELAY + 64) / sr))
        right = self.own(pyo.Allpass(late, delay=173 / sr, feedback=0.5, maxdelay=237 / sr))
        return self.own(pyo.Mix([src, right], voices=2))


class WhiteNoise(_Noise):
    def source(self):
        return pyo.Noise(mul=WHITE_GAIN)


class PinkNoise(_Noise):
    def source(self):
        raw = self.own(pyo.PinkNoise(mul=PINK_GAIN))
        return pyo.ButHP(raw, freq=SUBSONIC_HIGHPASS)


class BrownNoise(_Noise):
    def source(self):
        raw = self.own(pyo.BrownNoise(mul=BROWN_GAIN))
        first = self.own(pyo.ButHP(raw, freq=SUBSONIC_HIGHPASS))
        return pyo.ButHP(first, freq=SUBSONIC_HIGHPASS)


SOUNDS = {"white": WhiteNoise, "pink": PinkNoise, "brown": BrownNoise}
