"""White, pink and brown noise.

The random generator is almost all of a noise layer's cost, so each colour draws from one
generator (white and brown from tables filled once by numpy, see `_tables`) and makes the right channel from a decorrelated copy (a delayed, all-pass-filtered
version of the same noise) instead of paying for a second generator. Every delay is a whole
number of samples: pyo interpolates fractional delays linearly, and inside an all-pass loop
that interpolation acts as a low-pass that would leave the right channel duller and quieter.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_noise

# Gains that put each colour at -23 LUFS at slider 1.0 (measured by the loudness test).
# White and brown start from table noise (see `_tables`: no random draw in the audio loop,
# a quarter of the cost), whose RMS is a third of its amplitude.
WHITE_GAIN = 0.1058
PINK_GAIN = 0.1497
BROWN_GAIN = 7.6
#: brown noise is white noise through a one-pole low-pass: -6 dB/octave above 25 Hz
BROWN_CORNER = 25.0

#: the right channel's delay (samples at the server rate; a whole number, see above)
DECORRELATE_DELAY = 12007

#: pink and brown noise keep rising below hearing, where they only waste headroom and put a
#: slow wander (DC over a minute) on the output: a high-pass removes it (brown noise, with
#: 11 % of its power below 20 Hz behind one 12 dB/octave stage, gets two: 1-2 % remain)
SUBSONIC_HIGHPASS = 22.0


class _Noise(Source):
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
        return table_noise(self, WHITE_GAIN)


class PinkNoise(_Noise):
    def source(self):
        raw = self.own(pyo.PinkNoise(mul=PINK_GAIN))
        return pyo.ButHP(raw, freq=SUBSONIC_HIGHPASS)


class BrownNoise(_Noise):
    def source(self):
        raw = self.own(pyo.Tone(table_noise(self, BROWN_GAIN), freq=BROWN_CORNER))
        first = self.own(pyo.ButHP(raw, freq=SUBSONIC_HIGHPASS))
        return pyo.ButHP(first, freq=SUBSONIC_HIGHPASS)


SOUNDS = {"white": WhiteNoise, "pink": PinkNoise, "brown": BrownNoise}
