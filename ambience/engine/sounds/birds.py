"""Birds: sparse calls of three kinds of bird, each call different, with gaps between.

A call is a phrase of syllables: a tone whose pitch follows a contour (down-sweep, up-sweep,
chevron, hook, warble) repeated at a syllable rate, inside a phrase envelope. Measured on the
shared reference recording (birds.ogg): calls sit between 1.8 and 8 kHz (most energy 2-4 kHz),
syllables are 30-80 ms FM sweeps of 0.3-1 kHz, trills repeat them 3-12 times a second, and
phrases last 0.3-2 s. The reference is a dense dawn chorus; this layer is the sparse version:
about one call every 3-4 s from two voices (each call is one of three kinds of bird), often
with silence between.

Cost: one oscillator, one phasor, two table readers and an envelope per voice, all running
all the time, and no noise generator. The choices for each call (pitch, sweep depth and
direction, contour, syllable rate and count, level, position, the gap to the next call) are
drawn by a Python callback (`TrigFunc`) once per call, from the layer's seeded generator, so
a seeded render is reproducible. They change while the voice is silent (the call starts
30 ms after its callback), so nothing clicks.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo

#: calibrates the layer to about -23 LUFS at slider 1.0
BIRDS_GAIN = 0.196

#: kinds of bird: how often one sings, base pitch Hz (lo, hi), sweep depth Hz (lo, hi),
#: syllables per second (lo, hi), syllables per call (lo, hi), level (lo, hi), contours
BIRDS = (
    # a small songbird: high, quick trills
    dict(weight=0.45, base=(3000, 5000), depth=(400, 1500), rate=(7.0, 14.0), count=(4, 14),
         level=(0.6, 1.0), contours=("down", "up", "chevron", "hook")),
    # a warbler: mid pitch, slower, wandering syllables
    dict(weight=0.35, base=(2200, 3500), depth=(300, 1000), rate=(3.5, 7.5), count=(2, 8),
         level=(0.55, 0.9), contours=("warble", "chevron", "down", "up")),
    # a distant whistler: low, long notes, soft
    dict(weight=0.2, base=(1600, 2600), depth=(150, 600), rate=(1.4, 3.0), count=(1, 4),
         level=(0.55, 0.75), contours=("up", "hook", "down", "flat")),
)
#: voices that can sing at once (each call picks its kind of bird), and the silence after
#: each call (seconds, lo, hi)
VOICES = 2
GAP = (2.5, 11.0)
#: how long after its callback a call starts (longer than any audio buffer)
LEAD = 0.03
#: the echo of the wood: delays (s) of the two sides, feedback and level
ECHO = ((0.11, 0.163), 0.25, 0.2)


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
    """One voice: at each call it becomes one of the kinds of bird and draws the call."""

    def __init__(self, layer: Birds, tables: dict):
        own = layer.own
        self.layer = layer
        self.tables = tables
        self.calls = 0
        self.metro = own(pyo.Metro(time=1.0))
        self.func = own(pyo.TrigFunc(self.metro, layer.quietly(self.call)))
        # the call itself starts 30 ms after the callback has set it up: longer than any
        # audio buffer, so no call ever starts with the last one's settings
        self.start = own(pyo.SDelay(self.metro, delay=LEAD, maxdelay=0.05))
        self.gate = own(pyo.TrigEnv(self.start, tables["gate"], dur=1.0))
        self.phase = own(pyo.Phasor(freq=5.0))
        self.pitch = own(pyo.Pointer(tables["down"], self.phase, mul=1000.0, add=3000.0))
        self.amp = own(pyo.Pointer(tables["short"], self.phase, mul=self.gate))
        self.tone = own(pyo.Osc(tables["tone"], freq=self.pitch, mul=self.amp))
        self.out = own(pyo.Sig(self.tone, mul=[0.0, 0.0]))

    def call(self) -> None:
        """At each trigger: shape the call that starts 30 ms later (everything is silent
        now), then set the wait before the next one."""
        rng = self.layer.rng
        spec = rng.choices(BIRDS, weights=[b["weight"] for b in BIRDS])[0]
        self.calls += 1
        rate = rng.uniform(*spec["rate"])
        count = rng.randint(*spec["count"])
        length = count / rate
        level = 0.0 if self.calls == 1 else rng.uniform(*spec["level"])  # the metro's first tick
        where = rng.uniform(0.08, 0.92)
        depth = rng.uniform(*spec["depth"]) * (1 if rng.random() < 0.6 else -1)
        base = rng.uniform(*spec["base"])
        if depth < 0:
            base -= depth  # an inverted contour hangs below the base: keep it in range
        self.phase.setFreq(rate)
        # the first syllable begins exactly when the call does, 30 ms from now
        self.phase.reset()
        self.phase.setPhase((-rate * LEAD) % 1.0)
        self.pitch.setTable(self.tables[rng.choice(spec["contours"])])
        self.pitch.setMul(depth)
        self.pitch.setAdd(base)
        self.amp.setTable(self.tables[rng.choice(("short", "short", "long", "double"))])
        self.gate.setDur(length)
        angle = where * math.pi / 2
        self.out.setMul([level * math.cos(angle), level * math.sin(angle)])
        wait = length + rng.uniform(*GAP) if self.calls > 1 else rng.uniform(0.5, 6.0)
        self.metro.setTime(wait)


class Birds(Source):
    def build(self):
        tables = {name: pyo.DataTable(size=len(v), init=v) for name, v in _contours().items()}
        tables.update({name: pyo.DataTable(size=len(v), init=v)
                       for name, v in _syllables().items()})
        # the phrase: 40 ms-ish fade in, a soft fade out over the last 15 %
        tables["gate"] = pyo.CosTable([(0, 0.0), (500, 1.0), (6900, 1.0), (8191, 0.0)])
        # a nearly pure whistle with a trace of the 2nd harmonic
        tables["tone"] = pyo.HarmTable([1.0, 0.06, 0.015])
        self._tables = tables  # tables do not play; keep them referenced here
        self._birds = [_Bird(self, tables) for _ in range(VOICES)]
        dry = self.own(pyo.Mix([b.out for b in self._birds], voices=2))
        (dl, dr), feedback, wet = ECHO
        echo = self.own(pyo.Delay(dry, delay=[dl, dr], feedback=feedback, maxdelay=0.2,
                                  mul=wet))
        return self.own(pyo.Mix([dry, echo], voices=2, mul=BIRDS_GAIN))

    def close(self) -> None:
        """Also drop the voices: their callbacks refer back to the layer (a cycle)."""
        super().close()
        self._birds = []


SOUNDS = {"birds": Birds}
