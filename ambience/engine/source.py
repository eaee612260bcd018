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


class Source:
    """Base class of every sound. Subclasses build their graph in `build()` and return one
    stereo (two-stream) PyoObject; they create objects only through `self.own`."""

    #: both channels identical on purpose (the catalog says so); informational
    centred = False
    #: why the layer stopped sounding while playing (a file gone); the engine reports it
    problem: str | None = None

    def __init__(self, seed: int | None = None, **options: Any):
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        self.rng = random.Random(self.seed)
        self.options = options
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

    def build(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        """Start every object (generators, triggers, envelopes) of the layer."""
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
