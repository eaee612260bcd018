"""The layer interface: one sound that owns every pyo object it creates.

pyo segfaults or falls silent when an object in a sounding graph is garbage-collected, so a
layer keeps each object it makes (`self.own(...)`) until it is closed. A stopped object costs
no CPU; one playing at volume 0 costs full price, so the engine stops silent layers.
"""

from __future__ import annotations

import random
from typing import Any

from ambience.engine.quiet import import_pyo

pyo = import_pyo()


#: the intensity at which every sound is as designed (and as older presets had it)
MIDDLE = 0.5
#: seconds an intensity change takes unless told otherwise
GLIDE = 2.0
#: straight pieces a knob's glide is made of (each knob is a curve of the intensity)
GLIDE_STEPS = 16


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def _between(points: tuple[float, ...], x: float, log: bool) -> float:
    """The value at intensity `x` on the straight lines (in the logarithm, with `log`)
    through `points`, spaced evenly from intensity 0 to 1 (an odd number of them, so that
    the middle one is 0.5's exactly)."""
    span = len(points) - 1
    where = x * span
    i = min(int(where), span - 1)
    share = where - i
    a, b = points[i], points[i + 1]
    if share == 0.0:
        return a
    if share == 1.0:
        return b
    if log:
        return a * (b / a) ** share
    return a + (b - a) * share


class Source:
    """Base class of every sound. Subclasses build their graph in `build()` and return one
    stereo (two-stream) PyoObject; they create objects only through `self.own`."""

    #: both channels identical on purpose (the catalog says so); informational
    centred = False
    #: why the layer stopped sounding while playing (a file gone); the engine reports it
    problem: str | None = None

    def __init__(self, seed: int | None = None, intensity: float = MIDDLE, **options: Any):
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        self.rng = random.Random(self.seed)
        self.options = options
        #: the sound's character, 0..1 (0.5: as designed); see `knob` and `set_intensity`
        self.intensity = _unit(intensity)
        self._knobs: list = []
        self._where = None
        self._objects: list = []
        self.errors: list[str] = []
        self._playing = False
        self.output = self.build()
        if len(self.output) != 2:
            raise TypeError(f"{type(self).__name__}.build() must return 2 streams")
        self.stop()

    def own(self, obj):
        """Keep `obj` referenced for the layer's lifetime and return it."""
        self._objects.append(obj)
        return obj

    def quietly(self, fn):
        """Wrap a Python callback that pyo calls from the audio loop (`TrigFunc`, `Pattern`):
        an exception there would be printed over the interface by pyo, so it is kept in
        `self.errors` instead and the sound goes on."""

        def call(*args):
            try:
                fn(*args)
            except Exception as exc:  # noqa: BLE001 - nothing may reach the terminal
                if len(self.errors) < 10:
                    self.errors.append(repr(exc))

        return call

    def knob(self, *points: float, log: bool = False):
        """A control signal that follows the intensity through `points` (an odd number,
        spaced evenly from 0 to 1): the middle one exactly at 0.5, so a sound built at 0.5
        computes what it did before intensity existed; straight lines between (in the
        logarithm with `log`: rates, gains). A change glides along the same lines
        (`set_intensity`), so nothing steps while sounding, and knobs that offset each
        other (a level and the gain that holds the loudness) keep doing so mid-glide."""
        if len(points) < 3 or len(points) % 2 == 0:
            raise ValueError("a knob needs an odd number of points (3, 5, ...)")
        if self._where is None:  # the intensity itself, gliding: where a glide has got to
            self._where = self.own(pyo.SigTo(self.intensity, time=GLIDE, init=self.intensity))
        value = _between(points, self.intensity, log)
        line = self.own(pyo.Linseg([(0.0, value), (0.001, value)], initToFirstVal=True))
        self._knobs.append((line, points, log))
        return line

    def set_intensity(self, value: float, glide: float = GLIDE) -> None:
        """Move the sound's character to `value` (0..1) over `glide` seconds: every knob
        follows its own curve from where it is (a sound with none ignores it). Subclasses
        drawing per-event choices in Python read `self.intensity` at their next event."""
        new = _unit(value)
        self.intensity = new
        if self._where is None:
            return
        glide = max(float(glide), 0.001)
        old = float(self._where.get()) if self._playing else new
        self._where.setTime(glide)
        self._where.setValue(new)
        steps = [k / GLIDE_STEPS for k in range(GLIDE_STEPS + 1)]
        for line, points, log in self._knobs:
            line.setList([(glide * k, _between(points, old + (new - old) * k, log))
                          for k in steps])
            if self._playing:
                line.play()

    def build(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        """Start every object (generators, triggers, envelopes) of the layer. Its knobs
        start at its intensity (a glide cut short by a stop is not played again)."""
        for line, points, log in self._knobs:
            value = _between(points, self.intensity, log)
            line.setList([(0.0, value), (0.001, value)])
        if self._where is not None:
            self._where.setTime(0.0)
            self._where.setValue(self.intensity)
        for obj in self._objects:
            if hasattr(obj, "play"):  # tables have no play/stop
                obj.play()
        self._playing = True

    def stop(self) -> None:
        """Stop every object: a stopped layer costs no CPU."""
        for obj in self._objects:
            if hasattr(obj, "stop"):
                obj.stop()
        self._playing = False

    def close(self) -> None:
        self.stop()
        self._objects.clear()
        self.output = None
