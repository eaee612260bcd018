"""Fan: steady air with a faint blade rhythm and a soft motor hum.

Built from the physics and the figures of real fans (issue 12's audit of a ceiling fan:
the level pulses at the blade-pass rate, 3.4 Hz with a 2.9 dB swing; stable tonal lines;
the 4 / 8 / 16 kHz octaves at -14 / -14 / -17 dB re total). The air is full-rate noise (no
hole, no sample-and-hold): a body low-passed at about 1 kHz and a hiss whose one-pole
low-pass at 4 kHz holds the 4 and 8 kHz octaves level and lets 16 kHz fall a little
(measured -14 / -14 / -14.5 dB re total). Its level pulses with the blade
pass (blades x rpm / 60, a few hertz for a ceiling fan, drawn per fan) and a little of its
second harmonic, drifting slowly as the motor's speed wanders. A hum near twice the mains
frequency and two blade tones beat slowly under it, centred.

Stereo: a shared and an independent noise blended (correlation 0.7): the air fills the
room, the bass stays mono-safe.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._stereo import noise_pair

#: gain that puts the fan at -23 LUFS at slider 1.0 (measured by the loudness test)
FAN_GAIN = 0.19
CORRELATION = 0.7
#: the air: the noise low-passed twice, a body (2-pole, Hz) and a hiss (1-pole, Hz) for the
#: highs, which fall from 8 to 16 kHz as a real fan's do
BODY_HZ, BODY_LEVEL = 1200.0, 2.48
AIR_HZ, AIR_LEVEL = 4000.0, 0.77
#: blade pass (Hz, drawn per fan) and how deep it pulses the air (fraction), 2nd harmonic
BLADE_HZ = (3.0, 4.5)
BLADE_DEPTH, BLADE_SECOND = 0.16, 0.05
#: the motor's tones (Hz at nominal speed) and their level against the air
TONES = (118.0, 173.0, 173.7)
HUM_LEVEL = 0.05


class Fan(Source):
    def build(self):
        own = self.own
        left, right = noise_pair(self, CORRELATION)
        # the motor's speed wanders a little; everything turning follows it
        drift = own(pyo.Randi(0.985, 1.015, freq=0.13))
        blade = own(pyo.Sig(drift, mul=self.rng.uniform(*BLADE_HZ)))
        second = own(pyo.Sig(blade, mul=2.0))
        pulse = own(pyo.Sine(freq=blade, mul=BLADE_DEPTH, add=1.0))
        pulse2 = own(pyo.Sine(freq=second, mul=BLADE_SECOND, add=pulse))
        # low-passed noise switched on at full level would start with a step: fade it in
        start = own(pyo.Fader(fadein=0.05, mul=FAN_GAIN))
        sway = own(pyo.Randi(0.92, 1.0, freq=0.25, mul=start))
        level = own(pulse2 * sway)
        sides = [own(pyo.ButLP(raw, freq=BODY_HZ, mul=BODY_LEVEL,
                               add=own(pyo.Tone(raw, freq=AIR_HZ, mul=AIR_LEVEL))))
                 for raw in (left, right)]
        air = [own(side * level) for side in sides]

        hum_level = own(pyo.Randi(0.5, 1.0, freq=0.2, mul=HUM_LEVEL * FAN_GAIN))
        freqs = [own(pyo.Sig(drift, mul=f)) for f in TONES]
        hum = own(pyo.Sine(freq=freqs, mul=hum_level))
        motor = own(pyo.Mix(hum, voices=1))
        left_out = own(pyo.Sig(air[0], add=motor))
        right_out = own(pyo.Sig(air[1], add=motor))
        return own(pyo.Mix([left_out, right_out], voices=2))


SOUNDS = {"fan": Fan}
