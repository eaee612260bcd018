"""A summer night: field crickets chirping at different distances, plus a far tree cricket.

A field cricket chirp is a burst of 5-7 pulses of a pure ~4.4 kHz tone, about 22 ms apart,
repeated two or three times a second. Measured on the shared reference recording
(summer-night.ogg): carrier 4.34 kHz with harmonics at 8.7 and 13 kHz, pulse interval 22 ms
(45 Hz), 5-7 pulses per chirp, chirps 85-130 ms long, one chirp every 0.2-0.9 s.

Each cricket here is three table oscillators (tone with two weak harmonics x pulse train x
chirp gate) with its own pitch, pulse rate, chirp rate and place in the stereo field. Its
chirp rate and pitch wander slowly and independently (Randi), so no two crickets stay in
step and the pattern never repeats; a slow random swell makes each one fade back and forth.
No noise generator at all: the whole layer is a handful of oscillators.
"""

from __future__ import annotations

from ambience.engine.layer import Layer, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
NIGHT_GAIN = 0.51

#: (carrier Hz, pulse Hz, chirps per second, level, position 0=left..1=right)
CRICKETS = (
    (4400.0, 45.0, 2.2, 1.00, 0.30),
    (4150.0, 41.0, 1.7, 0.70, 0.78),
    (4700.0, 49.0, 2.6, 0.38, 0.55),
    (3950.0, 43.0, 1.45, 0.30, 0.08),
)
#: a far tree cricket: a soft continuous trill (carrier Hz, pulse Hz, level, position)
TRILL = (2900.0, 52.0, 0.05, 0.65)


class Night(Layer):
    def build(self):
        # tables are not pyo objects that play; keep them referenced here
        self._tables = [
            pyo.HarmTable([1.0, 0.12, 0.05]),  # a cricket's tone: faint 2nd and 3rd harmonics
            # one pulse: a smooth bump over 55 % of the cycle, then silence
            pyo.CosTable([(0, 0.0), (1800, 1.0), (4500, 0.0), (8191, 0.0)]),
            # one chirp: a gate open for 26 % of the cycle with soft edges
            pyo.CosTable([(0, 0.0), (300, 1.0), (1900, 1.0), (2150, 0.0), (8191, 0.0)]),
        ]
        tone, pulse, gate = self._tables
        voices = []
        for i, (carrier, pulses, chirps, level, pos) in enumerate(CRICKETS):
            jitter = 1.0 + 0.02 * (self.rng.random() - 0.5)
            # chirp rate wanders +-12 % and each cricket swells and fades on its own
            rate = self.own(pyo.Randi(min=chirps * 0.88 * jitter, max=chirps * 1.12 * jitter,
                                      freq=0.13 + 0.05 * i))
            swell = self.own(pyo.Randi(min=0.25 * level, max=level, freq=0.031 + 0.011 * i))
            chirp = self.own(pyo.Osc(gate, freq=rate, phase=self.rng.random(), mul=swell))
            train = self.own(pyo.Osc(pulse, freq=pulses * jitter, mul=chirp))
            # pitch drifts +-0.5 %: the tone never keeps one phase for long
            pitch = self.own(pyo.Randi(min=carrier * 0.995, max=carrier * 1.005,
                                       freq=0.4 + 0.1 * i))
            voice = self.own(pyo.Osc(tone, freq=pitch, mul=train))
            voices.append(self.own(pyo.Sig(voice, mul=[1.0 - pos, pos])))
        carrier, pulses, level, pos = TRILL
        far = self.own(pyo.Randi(min=0.2 * level, max=level, freq=0.05))
        trill = self.own(pyo.Osc(pulse, freq=pulses, mul=far))
        tpitch = self.own(pyo.Randi(min=carrier * 0.996, max=carrier * 1.004, freq=0.3))
        tvoice = self.own(pyo.Sine(freq=tpitch, mul=trill))
        voices.append(self.own(pyo.Sig(tvoice, mul=[1.0 - pos, pos])))
        return self.own(pyo.Mix(voices, voices=2, mul=NIGHT_GAIN))


SOUNDS = {"night": Night}
