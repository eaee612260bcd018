"""Wind: gusts that rise and fall, with faint whistles drifting in pitch.

Shaped after a real recording's statistics (most energy between 30 and 300 Hz and little
above 1 kHz; a short-term level that spreads 6-9 dB between its 10th and 90th percentile
and loses half its correlation within about a second: gusts every few seconds with swirls
and fast flutter inside them). One cheap band-limited random source (a `Randi` at 3 kHz:
wind has almost nothing above 2 kHz) feeds a low-passed "body" whose brightness and level
follow a slow random gust curve, and two narrow resonators that whistle when a gust is
strong; their pitch drifts and rises with the gust.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo

#: output gain that puts wind at -23 LUFS at slider 1.0 (measured by the loudness test)
WIND_GAIN = 1.224
#: whistle level relative to the body, and the resonators' drifting centres in a lull (Hz)
WHISTLE_LEVEL = 0.16
WHISTLES = ((240.0, 700.0), (380.0, 980.0))
#: the body's low-pass cutoff goes from LULL_HZ in a lull to LULL_HZ + GUST_HZ in a gust;
#: the whistles rise by the same amount
LULL_HZ, GUST_HZ = 70.0, 260.0
#: the fixed low-pass above the moving one (Hz)
BODY_TOP_HZ = 360.0
#: left/right delay: small, so the low rumble stays nearly as coherent as real wind
SPREAD_DELAY = 0.0004


class Wind(Source):
    def build(self):
        own = self.own
        src = own(pyo.Randi(-1.0, 1.0, freq=3000))

        # the gust curve: a slow random line whose own speed wanders (lulls and flurries),
        # squared for the level so that strong gusts stand out, with fast flutter on top
        pace = own(pyo.Randi(0.2, 0.5, freq=0.05))
        gust = own(pyo.Randi(0.7, 1.0, freq=pace))
        swirl = own(pyo.Randi(0.4, 1.0, freq=1.2))
        flutter = own(pyo.Randi(0.6, 1.0, freq=6.0, mul=swirl))
        amp = own(gust * gust)
        body_amp = own(amp * flutter)

        # the body: darker in lulls, brighter in gusts, drifting between the ears
        cutoff = own(pyo.Sig(gust, mul=GUST_HZ, add=LULL_HZ))
        # two one-pole low-passes, one fixed and one following the gust: close to a
        # two-pole low-pass, at half the price (a moving two-pole is recomputed every sample)
        soft = own(pyo.Tone(src, freq=BODY_TOP_HZ))
        body = own(pyo.Tone(soft, freq=cutoff, mul=body_amp))
        drift = own(pyo.Randi(0.3, 0.7, freq=0.11))
        body_l = own(body * own(pyo.Sig(drift, mul=-1.0, add=1.0)))
        body_r = own(pyo.Delay(body, delay=SPREAD_DELAY, maxdelay=0.01, mul=drift))

        # whistles: high-Q resonances that sing when the gust is strong
        whistle_amp = own(amp * own(pyo.Sig(amp, mul=WHISTLE_LEVEL * 2.0)))
        sings = []
        for lo, hi in WHISTLES:
            pitch = own(pyo.Randi(lo - LULL_HZ, hi - LULL_HZ, freq=self.rng.uniform(0.09, 0.16),
                                  add=cutoff))
            sings.append(own(pyo.Reson(src, freq=pitch, q=22, mul=whistle_amp)))

        # streams alternate left, right
        return own(pyo.Mix([body_l, body_r, *sings], voices=2, mul=WIND_GAIN))


SOUNDS = {"wind": Wind}
