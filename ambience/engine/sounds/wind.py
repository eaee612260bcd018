"""Wind: gusts that rise and fall, brightening as they blow, with whistles that come and go.

Built from the physics and the figures of real wind (issue 12; the shared recording): one
wind speed u (slow gusts times livelier swirls times a fast flutter) drives everything. The
body is full-rate noise through two one-pole low-passes, one fixed and one that opens with
the gust, at a level of u cubed (surface turbulence radiates as the cube of the speed, so a
gust stands about 10 dB out); it keeps a smooth slope up to 16 kHz (no hole: the old source
interpolated 3000 values a second and left nothing above 2.5 kHz). Leaves add a faint high
rustle that follows the speed a second late. Two whistles (narrow band-passes, as wind past
a wire or an edge) sing only when the speed passes their own threshold, each on the speed
heard a little later, their pitch following it (Strouhal), so they come and go.


Stereo: a shared and an independent noise blended (correlation 0.9, like the recording);
the whistles placed apart.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._stereo import noise_pair

#: output gain that puts wind at -23 LUFS at slider 1.0 (measured by the loudness test)
WIND_GAIN = 1.82
CORRELATION = 0.9
#: the body: fixed top (Hz) and the moving low-pass: LULL_HZ + GUST_HZ * (u - 0.6)
TOP_HZ = 450.0
LULL_HZ, GUST_HZ = 50.0, 700.0
#: the leaves' rustle above 2.5 kHz, relative to the body
LEAVES_HZ, LEAVES_Q, LEAVES_LEVEL = 3000.0, 0.5, 0.0035
#: whistles: (pitch at u = 1 in Hz, speed threshold (about the 75th percentile of u), pan,
#: delay s); level per unit of speed over the threshold, and the most
WHISTLES = ((620.0, 0.93, 0.3, 0.15), (1150.0, 0.96, 0.72, 0.6))
WHISTLE_Q, WHISTLE_LEVEL, WHISTLE_MAX = 70.0, 100.0, 2.0

#: intensity (breeze 0, as designed 0.5, gale 1; points spaced evenly from 0 to 1): the
#: wind's mean speed (so its brightness, its whistles' share and pitch) and the depth of its
#: gusts and swirls around that mean
INT_SPEED = (0.8, 1.0, 1.15)
INT_GUSTS = (0.6, 1.0, 1.5)
#: how loud a whistle may get (x): a gale's whistles sing more often, not louder (a narrow
#: band of noise peaks far over its RMS: it set the layer's true peak)
INT_WHISTLE_MAX = (1.0, 1.0, 1.0, 0.55, 0.6)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.543, 1.215, 1.0, 0.845, 0.759)


class Wind(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)

        # the wind speed: slow gusts x livelier swirls x flutter, around 0.65-1.2. The level
        # goes as the cube of the swirls but only as the slow gusts themselves, so that a
        # minute of wind has one loudness whatever its seed
        gust = own(pyo.Randi(0.82, 1.0, freq=self.rng.uniform(0.1, 0.14)))
        swirl = own(pyo.Randi(0.85, 1.15, freq=0.45))
        flutter = own(pyo.Randi(0.96, 1.04, freq=5.0))
        speed = self.knob(*INT_SPEED)
        depth = self.knob(*INT_GUSTS)
        # the gusts' depth around 1 (u' = 1 + depth (u - 1)), then the mean speed
        calm = self.knob(*(1.0 - g for g in INT_GUSTS))
        raw_u = own(gust * own(swirl * flutter))
        u = own(pyo.Sig(raw_u, mul=own(depth * speed), add=own(calm * speed)))
        u3 = own(u * own(swirl * swirl))
        cutoff = own(pyo.Sig(u, mul=GUST_HZ, add=LULL_HZ - 0.6 * GUST_HZ))

        sides = []
        for raw in (left, right):
            soft = own(pyo.Tone(raw, freq=TOP_HZ))
            sides.append(own(pyo.Tone(soft, freq=cutoff, mul=u3)))

        # leaves: high rustle following the speed a second late
        lag = own(pyo.Port(u3, risetime=1.5, falltime=2.5, mul=LEAVES_LEVEL))
        leaves = own(pyo.ButBP(right, freq=LEAVES_HZ, q=LEAVES_Q, mul=lag))

        # whistles: sing above their threshold only, pitch with the speed
        parts_l, parts_r = [sides[0], leaves], [sides[1], leaves]
        ceiling = self.knob(*(m * WHISTLE_MAX / WHISTLE_LEVEL for m in INT_WHISTLE_MAX), log=True)
        for pitch, threshold, pan, delay in WHISTLES:
            late = own(pyo.SDelay(u, delay=delay, maxdelay=1.0))
            over = own(pyo.Max(own(late - threshold), 0.0))
            amp = own(pyo.Clip(over, 0.0, ceiling, mul=WHISTLE_LEVEL))
            # pitch with the slow gust only: the flutter would smear the tone
            freq = own(pyo.SDelay(gust, delay=delay, maxdelay=1.0, mul=own(speed * pitch)))
            sing = own(pyo.Biquad(left, freq=freq, q=WHISTLE_Q, type=2, mul=amp))
            parts_l.append(own(sing * (1.0 - pan)))
            parts_r.append(own(sing * pan))
        out_l = own(pyo.Mix(parts_l, voices=1))
        out_r = own(pyo.Mix(parts_r, voices=1))
        loudness = self.knob(*INT_LOUDNESS, log=True)
        return own(pyo.Mix([out_l, out_r], voices=2, mul=own(loudness * WIND_GAIN)))


SOUNDS = {"wind": Wind}
