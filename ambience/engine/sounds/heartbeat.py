"""A resting heartbeat: a soft, low "lub-dub" about sixty times a minute.

Each beat is two thumps, the first (lub) longer and lower, the second (dub) shorter and a
little higher, a third of a second apart: a low tone with a few harmonics whose pitch falls
during each thump, like a chest heard through a pillow. The pulse wanders slowly between
55 and 65 beats a minute and every beat differs a little (spacing of the two sounds, their
balance, pitch, level and a slight sway in the stereo image).

A heart heard through the chest is not only tones: each sound is also a short burst of low
noise (the valves and the blood, band-passed around the thump's pitch), and between beats
the body keeps a soft continuous murmur of flow, about 30 dB under the beats, so the layer
never drops to digital silence (the audit: 71 % of the old layer was silence).

A steady rhythm by nature, so every beat is varied instead: a `TrigFunc` draws the next beat
from the layer's seeded generator while the heart is silent between beats (no clicks).
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

#: calibrates the layer to about -23 LUFS at slider 1.0
HEARTBEAT_GAIN = 0.44

#: the noisy part of each thump against its tone, and the body's murmur (RMS)
NOISE = 0.9
BODY = 0.0045
#: the pulse wanders between these (beats per minute), and jitters this much per beat
BPM = (55.0, 65.0)
JITTER = 0.015
#: shapes of a beat (drawn at build time; one per beat is picked at random)
SHAPES = 8
#: table points for one beat, read over `length` seconds
POINTS = 4096


def _shape(rng, dub_at: float) -> tuple[list[float], list[float]]:
    """Loudness and pitch (0..1.5) over one beat of about half a second; the dub starts at
    `dub_at` (fraction of the beat)."""
    lub_len = rng.uniform(0.20, 0.26)
    dub_len = rng.uniform(0.14, 0.19)
    dub_amp = rng.uniform(0.6, 0.85)
    amp, pitch = [], []
    for i in range(POINTS):
        x = i / (POINTS - 1)
        a, p = 0.0, 0.0
        for start, length, level, lift in ((0.02, lub_len, 1.0, 0.0),
                                           (dub_at, dub_len, dub_amp, 0.45)):
            u = (x - start) / length
            if 0.0 <= u <= 1.0:
                # quick rise (first 12 %), then a smooth fall to exactly zero
                env = math.sin(math.pi / 2 * u / 0.12) ** 2 if u < 0.12 else \
                    math.cos(math.pi / 2 * (u - 0.12) / 0.88) ** 2
                a += level * env
                p = max(p, lift + (1.0 - u) ** 2)
        amp.append(a)
        pitch.append(p)
    return amp, pitch


class Heartbeat(Source):
    def build(self):
        # dub onsets spread evenly over 0.56-0.68 of the beat, so any two shapes differ
        shapes = [_shape(self.rng, 0.56 + 0.12 * i / (SHAPES - 1)) for i in range(SHAPES)]
        self._amps = [pyo.DataTable(size=POINTS, init=a) for a, _ in shapes]
        self._pitches = [pyo.DataTable(size=POINTS, init=p) for _, p in shapes]
        # a few timbres: how much of the harmonics the "pillow" lets through
        self._tones = [pyo.HarmTable([1.0, 0.45, 0.2, 0.08, 0.03]),
                       pyo.HarmTable([1.0, 0.3, 0.25, 0.05, 0.04]),
                       pyo.HarmTable([1.0, 0.55, 0.12, 0.1, 0.02])]
        self._shape = 0
        self._base = 0.0
        self._bpm = self.rng.uniform(*BPM)
        self._beats = 0
        self.metro = self.own(pyo.Metro(time=60.0 / self._bpm))
        self.amp = self.own(pyo.TrigEnv(self.metro, self._amps[0], dur=0.5))
        self.pitch = self.own(pyo.TrigEnv(self.metro, self._pitches[0], dur=0.5, mul=30.0,
                                          add=50.0))
        self.tone = self.own(pyo.Osc(self._tones[0], freq=self.pitch, mul=self.amp))
        noise = table_noise(self, 3.0)
        burst = self.own(pyo.Sig(noise, mul=self.amp))
        rumble = self.own(pyo.Biquad(burst, freq=self.pitch, q=1.5, type=2, mul=NOISE))
        self.thump = self.own(pyo.Mix([self.tone, rumble], voices=1))
        self.out = self.own(pyo.Sig(self.thump, mul=[0.5, 0.5]))
        body = floor(self, BODY, high=120.0, noise=noise, steep=True)
        # 0.7 s after each beat, in the silence before the next, draw the next one
        self.later = self.own(pyo.SDelay(self.metro, delay=0.7, maxdelay=1.0))
        self.prepare = self.own(pyo.TrigFunc(self.later, self.quietly(self._next_beat)))
        self._next_beat()
        beats = self.own(pyo.Mix(self.out, voices=2, mul=HEARTBEAT_GAIN))
        return self.own(pyo.Mix([beats, body], voices=2))

    def close(self) -> None:
        """Also drop the named objects: the callback refers back to the layer (a cycle)."""
        super().close()
        self.metro = self.amp = self.pitch = self.tone = self.thump = None
        self.out = self.later = self.prepare = None

    def _next_beat(self) -> None:
        rng = self.rng
        self._beats += 1
        # a slow random walk of the pulse, kept inside BPM
        lo, hi = BPM
        self._bpm = min(hi, max(lo, self._bpm + rng.gauss(0.0, 0.6)))
        period = 60.0 / self._bpm * (1.0 + rng.uniform(-JITTER, JITTER))
        self.metro.setTime(period)
        # never the same shape twice in a row
        k = self._shape = (self._shape + rng.randrange(1, SHAPES)) % SHAPES
        self.tone.setTable(rng.choice(self._tones))
        length = rng.uniform(0.46, 0.54)
        self.amp.setTable(self._amps[k])
        self.amp.setDur(length)
        self.amp.setMul(10 ** (rng.uniform(-1.5, 1.0) / 20))
        self.pitch.setTable(self._pitches[k])
        self.pitch.setDur(length * rng.uniform(0.85, 1.15))
        # at least 5 Hz away from the last beat's pitch
        base = self._base
        while abs(base - self._base) < 5.0:
            base = rng.uniform(40.0, 58.0)
        self._base = base
        self.pitch.setAdd(base)
        self.pitch.setMul(rng.uniform(18.0, 36.0))
        sway = rng.uniform(-0.12, 0.12)
        angle = (0.5 + sway) * math.pi / 2
        self.out.setMul([math.cos(angle), math.sin(angle)])


SOUNDS = {"heartbeat": Heartbeat}
