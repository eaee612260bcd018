"""Birds: a few birds singing in a wood, each song a string of varied phrases.

A song is 2-4 phrases; a phrase repeats one syllable 2-12 times, a tone whose pitch follows a
contour (down-sweep, up-sweep, chevron, hook, warble), and each phrase draws a new syllable
(contour, pitch, sweep, rate), as a chaffinch's song moves from trill to trill. Measured on
the shared reference recording (birds.ogg): calls between 1.8 and 8 kHz (most energy 2-4
kHz), syllables of 30-80 ms sweeping 0.3-1 kHz, song present 39-80 % of the time (the old
layer: 16 %), and a bed of leaves and air at -16 to -22 dB re total below 1 kHz.

Four voices, each a kind of bird at its own distance (the far one softer, so more of it is
the wood's reverb),
sing songs 10-25 s apart, so that one or more is singing about half of the time. A diffuse
reverb (the wood) instead of discrete echoes, and under it all the forest bed: full-rate
noise low-passed, in the middle and in the reverb. The choices for each phrase are drawn by a
Python callback (`TrigFunc`) from the layer's seeded generator, while the voice is silent
(the phrase starts 30 ms after its callback), so nothing clicks.

Cost: per voice one oscillator, one phasor, two table readers and an envelope; one reverb.
"""

from __future__ import annotations

import math
import random

from ambience.engine.source import GLIDE, Source, _between, pyo
from ambience.engine.sounds._floor import floor

#: calibrates the layer to about -23 LUFS at slider 1.0
BIRDS_GAIN = 0.222

#: kinds of bird: base pitch Hz (lo, hi), sweep depth Hz (lo, hi), syllables per second
#: (lo, hi), syllables per phrase (lo, hi), level (lo, hi), contours, 2nd harmonic
BIRDS = (
    # a small songbird: high, quick trills
    dict(base=(3000, 5000), depth=(400, 1500), rate=(7.0, 14.0), count=(3, 12),
         level=(0.8, 1.0), contours=("down", "up", "chevron", "hook"), second=0.06),
    # a warbler: mid pitch, slower, wandering syllables
    dict(base=(2200, 3500), depth=(300, 1000), rate=(3.5, 7.5), count=(2, 7),
         level=(0.75, 0.95), contours=("warble", "chevron", "down", "up"), second=0.2),
    # a whistler: low, long notes
    dict(base=(1600, 2600), depth=(150, 600), rate=(1.4, 3.0), count=(1, 3),
         level=(0.65, 0.8), contours=("up", "hook", "down", "flat"), second=0.02),
)
#: the voices: kind of bird, distance (0 near .. 1 far: softer, duller, wetter)
VOICES = ((0, 0.0), (1, 0.2), (0, 0.5), (2, 0.9))
#: one more voice for a dawn chorus, above intensity 0.5 only (with its own generator, so that
#: the first four sing at 0.5 exactly what they sang before intensity existed; stopped, so
#: free, until the intensity first calls it: a voice costs about 0.09 % of a core)
CHORUS = ((1, 0.6),)
#: intensity (a few birds 0, as designed 0.5, dawn chorus 1): from which intensity each voice
#: (VOICES, then CHORUS) sings; the silence between songs (x, points spaced evenly 0..1)
SINGS_FROM = (0.0, 0.0, 0.2, 0.35, 0.6)
INT_GAPS = (2.0, 1.0, 0.45)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.0, 1.0, 1.0, 1.0, 0.87)
#: phrases per song, the pause between phrases and the silence between songs (s)
PHRASES = (2, 3)
BREAK = (0.05, 0.15)
GAP = (6.0, 14.0)
#: how long after its callback a call starts (longer than any audio buffer)
LEAD = 0.03
#: the wood: reverb size, damping and level (of the dry)
WOOD = (0.7, 0.5, 0.35)
#: the forest bed (RMS per ear) and its upper corner (Hz)
BED = (0.008, 500.0)


def _curve(fn, size=1024):
    return [float(fn(i / (size - 1))) for i in range(size)]


def _contours() -> dict[str, list[float]]:
    """Pitch contours over one syllable, 0..1 (scaled by the sweep depth, which may be
    negative: a down-sweep read upside down is an up-sweep)."""
    return {
        "down": _curve(lambda x: (1.0 - x) ** 1.6),
        "up": _curve(lambda x: x ** 0.7),
        "chevron": _curve(lambda x: math.sin(math.pi * min(1.0, x * 1.15)) ** 1.5),
        "hook": _curve(lambda x: 0.3 * (1 - x) + 0.7 * max(0.0, (x - 0.55) / 0.45) ** 2),
        "warble": _curve(lambda x: 0.5 + 0.5 * math.sin(2 * math.pi * 3.0 * x)),
        "flat": _curve(lambda x: 0.1 * x),
    }


def _syllables() -> dict[str, list[float]]:
    """Loudness over one syllable: every shape starts and ends at zero."""

    def bump(x, a, b):
        if x <= a or x >= b:
            return 0.0
        return math.sin(math.pi * (x - a) / (b - a)) ** 2

    shapes = {
        "short": _curve(lambda x: bump(x, 0.0, 0.5)),
        "long": _curve(lambda x: bump(x, 0.0, 0.85) ** 0.3),
        "double": _curve(lambda x: bump(x, 0.0, 0.35) + 0.7 * bump(x, 0.42, 0.8)),
    }
    # the same energy in each shape, so a call's loudness does not depend on its shape
    for name, values in shapes.items():
        rms = math.sqrt(sum(v * v for v in values) / len(values))
        shapes[name] = [0.5 * v / rms for v in values]
    return shapes


class _Bird:
    """One voice: one kind of bird at one distance, singing songs of varied phrases."""

    def __init__(self, layer: Birds, tables: dict, kind: int, distance: float,
                 sings_from: float, rng=None):
        own = layer.own
        first = len(layer._objects)
        self.layer = layer
        self.rng = rng or layer.rng
        self.sings_from = sings_from
        self.tables = tables
        self.spec = BIRDS[kind]
        self.distance = distance
        self.calls = 0
        self.phrases_left = 0
        self.level = 0.0
        self.where = 0.5
        self.metro = own(pyo.Metro(time=1.0))
        self.func = own(pyo.TrigFunc(self.metro, layer.quietly(self.call)))
        # the phrase itself starts 30 ms after the callback has set it up: longer than any
        # audio buffer, so no phrase ever starts with the last one's settings
        self.start = own(pyo.SDelay(self.metro, delay=LEAD, maxdelay=0.05))
        self.gate = own(pyo.TrigEnv(self.start, tables["gate"], dur=1.0))
        self.phase = own(pyo.Phasor(freq=5.0))
        self.pitch = own(pyo.Pointer(tables["down"], self.phase, mul=1000.0, add=3000.0))
        self.amp = own(pyo.Pointer(tables["short"], self.phase, mul=self.gate))
        tone = tables["tone%d" % kind]
        self.tone = own(pyo.Osc(tone, freq=self.pitch, mul=self.amp))
        self.out = own(pyo.Sig(self.tone, mul=[0.0, 0.0]))
        #: the voice's own objects, to start and stop it alone (a chorus voice)
        self.objects = layer._objects[first:]

    def call(self) -> None:
        """At each trigger: shape the phrase that starts 30 ms later (everything is silent
        now), then set the wait before the next phrase, or the next song."""
        rng = self.rng
        spec = self.spec
        self.calls += 1
        if self.phrases_left <= 0:
            # a new song: its phrases, its loudness and its place
            self.phrases_left = rng.randint(*PHRASES)
            far = 10 ** (-14 * self.distance / 20)
            self.level = 0.0 if self.calls == 1 else rng.uniform(*spec["level"]) * far
            if self.layer.intensity < self.sings_from:
                self.level = 0.0  # this bird is not there at this intensity
            self.where = rng.uniform(0.1, 0.9)
        self.phrases_left -= 1
        rate = rng.uniform(*spec["rate"])
        count = rng.randint(*spec["count"])
        length = count / rate
        depth = rng.uniform(*spec["depth"]) * (1 if rng.random() < 0.6 else -1)
        base = rng.uniform(*spec["base"])
        if depth < 0:
            base -= depth  # an inverted contour hangs below the base: keep it in range
        self.phase.setFreq(rate)
        # the first syllable begins exactly when the phrase does, 30 ms from now
        self.phase.reset()
        self.phase.setPhase((-rate * LEAD) % 1.0)
        self.pitch.setTable(self.tables[rng.choice(spec["contours"])])
        self.pitch.setMul(depth)
        self.pitch.setAdd(base)
        self.amp.setTable(self.tables[rng.choice(("short", "short", "long", "double"))])
        self.gate.setDur(length)
        angle = self.where * math.pi / 2
        self.out.setMul([self.level * math.cos(angle), self.level * math.sin(angle)])
        if self.calls == 1:
            wait = rng.uniform(0.5, 10.0)
            self.phrases_left = 0
        elif self.phrases_left > 0:
            wait = length + rng.uniform(*BREAK)
        else:
            wait = length + rng.uniform(*GAP) * _between(INT_GAPS, self.layer.intensity, True)
        self.metro.setTime(wait)


class Birds(Source):
    def build(self):
        tables = {name: pyo.DataTable(size=len(v), init=v) for name, v in _contours().items()}
        tables.update({name: pyo.DataTable(size=len(v), init=v)
                       for name, v in _syllables().items()})
        # the phrase: 40 ms-ish fade in, a soft fade out over the last 15 %
        tables["gate"] = pyo.CosTable([(0, 0.0), (500, 1.0), (6900, 1.0), (8191, 0.0)])
        # nearly pure whistles, each kind with its own trace of the 2nd harmonic
        for k, spec in enumerate(BIRDS):
            tables["tone%d" % k] = pyo.HarmTable([1.0, spec["second"], 0.015])
        self._tables = tables  # tables do not play; keep them referenced here
        self._birds = [_Bird(self, tables, kind, distance, sings_from)
                       for (kind, distance), sings_from in zip(VOICES, SINGS_FROM)]
        # the forest bed: one noise in the middle (half the cost of a noise per ear; the
        # reference's bed is correlated 0.4-0.6 between the ears), the wood's reverb of it
        # adding a little width
        bed = floor(self, BED[0] / BIRDS_GAIN, high=BED[1], stereo=False)
        chorus = [_Bird(self, tables, kind, distance, sings_from,
                        random.Random(self.seed * 31 + k))
                  for k, ((kind, distance), sings_from)
                  in enumerate(zip(CHORUS, SINGS_FROM[len(VOICES):]))]
        self._birds += chorus
        self._chorus = chorus
        # (the chorus after the bed: silent, it adds exact zeros to the sum of before)
        dry = self.own(pyo.Mix([b.out for b in self._birds[:len(VOICES)]] + [bed]
                               + [b.out for b in chorus], voices=2))
        size, damp, wet = WOOD
        wood = self.own(pyo.Freeverb(dry, size=size, damp=damp, bal=1.0, mul=wet))
        loudness = self.knob(*INT_LOUDNESS, log=True)
        return self.own(pyo.Mix([dry, wood], voices=2, mul=self.own(loudness * BIRDS_GAIN)))

    def play(self) -> None:
        """Start the layer, leaving a chorus voice stopped (free) below its intensity."""
        super().play()
        for bird in self._chorus:
            if self.intensity < bird.sings_from:
                for obj in bird.objects:
                    obj.stop()

    def set_intensity(self, value: float, glide: float = GLIDE) -> None:
        """A chorus voice starts (silent, then singing from its next song) once called;
        below its intensity again it stays running but silent (it never stops mid-song)."""
        super().set_intensity(value, glide)
        for bird in self._chorus:
            if self.playing and self.intensity >= bird.sings_from and not bird.metro.isPlaying():
                for obj in bird.objects:
                    obj.play()

    def close(self) -> None:
        """Also drop the voices: their callbacks refer back to the layer (a cycle)."""
        super().close()
        self._birds = []
        self._chorus = []


SOUNDS = {"birds": Birds}
