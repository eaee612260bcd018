"""A summer night: field crickets chirping at different distances, plus a far tree cricket.

A field cricket chirp is a burst of 5-7 pulses of a pure ~4.4 kHz tone, about 22 ms apart,
repeated two or three times a second. Measured on the shared reference recording
(summer-night.ogg): carrier 4.34 kHz with harmonics at 8.7 and 13 kHz, pulse interval 22 ms
(45 Hz), 5-7 pulses per chirp, chirps 85-130 ms long, one chirp every 0.2-0.9 s.

Each cricket here is two table oscillators: its chirp (a table of 5-7 smooth pulses, then
silence) read at its chirp rate, gating its tone (a sine with two weak harmonics). Each has
its own pitch, pulse count, chirp rate and place (left, centre or right, heard faintly on
the other side). Chirp rates wander slowly and independently (Randi), so no two crickets
stay in step and the pattern never repeats; a cricket that speeds up also sings louder, so
each one swells and fades on its own; pitches drift together with the "temperature". The
loudest cricket sings near the centre and the others balance left and right (the old layer
leaned 3.2 dB to the left). The far tree cricket comes and goes (a trill that never stops
was the old layer's giveaway), and under them all lies the night air: a wide, slowly moving
low rumble of distant wind and leaves below about 1 kHz (the reference holds -12 to -21 dB
re total in each octave from 63 Hz to 1 kHz), one noise per ear.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor

#: calibrates the layer to about -23 LUFS at slider 1.0
NIGHT_GAIN = 0.234
#: how far each cricket's level swells down (fraction), as it slows
SWELL = 0.3
#: how loud a cricket on one side is on the other
SPREAD = 0.35

#: (carrier Hz, pulse interval s, pulses per chirp, chirps per second, level,
#:  position 0=left..1=right)
CRICKETS = (
    (4350.0, 0.022, 6, 2.2, 1.00, 0.50),
    (4150.0, 0.024, 5, 1.7, 0.60, 0.78),
    (4700.0, 0.020, 7, 2.6, 0.55, 0.22),
    (3950.0, 0.023, 6, 1.45, 0.30, 0.08),
)
#: a far tree cricket: a soft continuous trill (carrier Hz, pulse Hz, level, position)
TRILL = (2900.0, 52.0, 0.05, 0.65)
#: the night air (RMS per ear) and its upper corner (Hz)
AIR = (0.02, 150.0)


def _chirp(pulses: int, pulse_width: float, size: int = 4096) -> list[float]:
    """One chirp cycle: `pulses` smooth pulses, each `pulse_width` of the cycle apart and
    lasting 55 % of that, then silence until the next chirp."""
    out = [0.0] * size
    step = pulse_width * size
    for k in range(pulses):
        start = int(k * step)
        width = int(0.55 * step)
        # the chirp swells over its first pulses and fades on its last
        amp = min(1.0, 0.55 + 0.25 * k, 0.55 + 0.25 * (pulses - 1 - k))
        for i in range(width):
            out[start + i] += amp * math.sin(math.pi * i / width) ** 2
    return out


class Night(Source):
    def build(self):
        # tables do not play: keep them referenced here, outside `own`
        self._tables = [
            pyo.HarmTable([1.0, 0.12, 0.05]),  # a cricket's tone: faint 2nd and 3rd harmonics
            # a tree cricket's pulse: a smooth bump over 55 % of the cycle, then silence
            pyo.CosTable([(0, 0.0), (1800, 1.0), (4500, 0.0), (8191, 0.0)]),
        ]
        tone, pulse = self._tables
        # one slow pitch drift shared by all (the night's temperature); each cricket reads it
        # at its own pitch, so the tones never keep one phase for long
        drift = self.own(pyo.Randi(min=-1.0, max=1.0, freq=0.37))
        sides = ([], [], [])  # left, centre, right
        for i, (carrier, interval, pulses, chirps, level, pos) in enumerate(CRICKETS):
            jitter = 1.0 + 0.03 * (self.rng.random() - 0.5)
            table = pyo.DataTable(size=4096, init=_chirp(pulses, interval * chirps))
            self._tables.append(table)
            # chirp rate (and with it the pulse rate) wanders +-12 %; a cricket singing
            # faster also sings louder, so each one swells and fades on its own too
            lo, hi = chirps * 0.88 * jitter, chirps * 1.12 * jitter
            rate = self.own(pyo.Randi(min=lo, max=hi, freq=0.06 + 0.025 * i))
            swell = self.own(pyo.Sig(rate, mul=SWELL * level / (hi - lo),
                                     add=level * (1.0 - SWELL - SWELL * lo / (hi - lo))))
            chirp = self.own(pyo.Osc(table, freq=rate, phase=self.rng.random(), mul=swell))
            pitch = self.own(pyo.Sig(drift, mul=carrier * 0.005, add=carrier * jitter))
            if level > 0.5:
                voice = self.own(pyo.Osc(tone, freq=pitch, mul=chirp))
            else:  # far away the faint harmonics are lost
                voice = self.own(pyo.Sine(freq=pitch, mul=chirp))
            sides[0 if pos < 0.35 else 2 if pos > 0.65 else 1].append(voice)
        carrier, pulses, level, pos = TRILL
        # the far trill comes and goes: it sings only while a slow random walk is above zero
        come = self.own(pyo.Randi(min=-1.2, max=1.0, freq=0.04))
        far = self.own(pyo.Clip(come, min=0.0, max=1.0, mul=level))
        trill = self.own(pyo.Osc(pulse, freq=pulses, mul=far))
        tpitch = self.own(pyo.Sig(drift, mul=carrier * 0.004, add=carrier))
        sides[1].append(self.own(pyo.Sine(freq=tpitch, mul=trill)))
        left, centre, right = (self.own(pyo.Mix(s, voices=1)) for s in sides)
        # each side is heard faintly on the other: crickets left, centre and right
        left_far = self.own(pyo.Sig(left, mul=SPREAD))
        right_far = self.own(pyo.Sig(right, mul=SPREAD))
        crickets = self.own(pyo.Mix([left, right, centre, centre, right_far, left_far],
                                    voices=2, mul=NIGHT_GAIN))
        air = floor(self, AIR[0], high=AIR[1], drift=0.5)
        return self.own(pyo.Mix([crickets, air], voices=2))


SOUNDS = {"night": Night}
