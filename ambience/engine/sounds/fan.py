"""Fan: steady airflow with a faint, slowly wobbling motor hum.

The airflow is broadband noise, rolled off above ~1.4 kHz and below 70 Hz, swaying a little
in level. The right channel is the same air a quarter second later through an all-pass
(uncorrelated, no second generator). The motor is a hum near twice the mains frequency and
two close blade tones that beat slowly, all drifting together in pitch and level, centred.
One half-rate sample-and-hold noise (a fan has little above 10 kHz) feeds the air.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_random

# Gain that puts the fan at -23 LUFS at slider 1.0 (measured by the loudness test).
FAN_GAIN = 0.271
#: the motor's level against the air (peak amplitude of each tone before FAN_GAIN)
HUM_LEVEL = 0.07
#: the right channel's delay in samples (a whole number: no interpolation dulling the air)
DECORRELATE_DELAY = 11987


class Fan(Source):
    def build(self):
        own = self.own
        sr = float(self.options.get("sr", 48000))
        raw = table_random(self, 24000, interpolate=False)
        # low-passed noise switched on at full level would start with a step: fade it in
        start = own(pyo.Fader(fadein=0.05, mul=FAN_GAIN))
        sway = own(pyo.Randi(0.85, 1.0, freq=0.25, mul=start))
        low_cut = own(pyo.ButHP(raw, 70.0))
        air = own(pyo.Biquad(low_cut, freq=1400.0, q=0.6, type=0, mul=sway))
        late = own(pyo.Delay(air, delay=DECORRELATE_DELAY / sr,
                             maxdelay=(DECORRELATE_DELAY + 64) / sr))
        air_r = own(pyo.Allpass(late, delay=211 / sr, feedback=0.5, maxdelay=275 / sr))
        # the motor: a hum near twice the mains frequency and the blades' tone, both
        # drifting a little in pitch and level
        drift = own(pyo.Randi(0.985, 1.015, freq=0.13))
        hum_f = own(pyo.Sig(drift, mul=118.0))
        blade_f = own(pyo.Sig(drift, mul=173.0))
        # a second blade tone a little sharp: the two beat, a slow wobble
        beat_f = own(pyo.Sig(drift, mul=173.7))
        hum_level = own(pyo.Randi(0.5, 1.0, freq=0.2, mul=HUM_LEVEL * FAN_GAIN))
        hum = own(pyo.Sine(freq=[hum_f, blade_f, beat_f], mul=hum_level))
        motor = own(pyo.Mix(hum, voices=1))
        left = own(pyo.Mix([air, motor], voices=1))
        right = own(pyo.Mix([air_r, motor], voices=1))
        return own(pyo.Mix([left, right], voices=2))


SOUNDS = {"fan": Fan}
