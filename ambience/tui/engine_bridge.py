"""The bridge between the interface and the audio engine.

The engine is booted in a thread worker (PortAudio may take a while, or fail) and reports back
with Messages; after that every call is short (the engine only sets ramps under a lock), so the
UI thread makes them directly. With no engine (no audio device) every call is a no-op: the
mixer still edits and saves mixes.

Sounds the engine cannot build yet (a catalog entry whose synthesizer is not written) are left
out of what the engine is asked to play, but stay in the mix the user edits and saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from ambience.mix import Mix

EngineFactory = Callable[[], Any]


class EngineReady(Message):
    """The engine booted and is playing (fading in)."""

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self.engine = engine


class EngineFailed(Message):
    """No sound: `reason` says why and what to do (from `AudioUnavailable`)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def boot(factory: EngineFactory) -> Message:
    """Run in a thread worker: build the engine, return the message to post."""
    try:
        from ambience.engine import AudioUnavailable
    except Exception as exc:  # a broken audio install must not stop the mixer
        return EngineFailed(f"the audio engine cannot load ({exc})")
    try:
        return EngineReady(factory())
    except AudioUnavailable as exc:
        return EngineFailed(str(exc))
    except Exception as exc:
        return EngineFailed(f"the audio engine failed to start ({exc})")


def playable_ids(engine: Any) -> set[str] | None:
    """Sound ids this engine can build, or None when it cannot tell."""
    try:
        from ambience.engine.sounds import SYNTHS
    except Exception:
        return None
    ids = set(SYNTHS)
    catalog = getattr(engine, "catalog", None)
    if catalog is not None:
        ids |= {info.id for info in catalog if getattr(info, "kind", "synth") == "file"}
    return ids


@dataclass
class Bridge:
    """Calls into the engine, or nothing when there is none."""

    engine: Any = None
    unplayable: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.engine is not None

    def attach(self, engine: Any, catalog_ids: list[str]) -> None:
        self.engine = engine
        known = playable_ids(engine)
        if known is not None:
            self.unplayable = {s for s in catalog_ids if s not in known}

    def playable(self, mix: Mix) -> Mix:
        if not self.unplayable:
            return mix
        return Mix(mix.master, tuple(l for l in mix.layers if l.sound not in self.unplayable))

    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        if self.engine is None:
            return
        from ambience.engine import EngineError

        for _ in range(len(mix.layers) + 1):
            try:
                self.engine.apply(self.playable(mix), ramp=ramp)
                return
            except EngineError as exc:
                bad = _sound_in(str(exc), mix)
                if bad is None or bad in self.unplayable:
                    self.problems.append(str(exc))
                    return
                self.unplayable.add(bad)
                self.problems.append(str(exc))

    def fade_master(self, to: float, seconds: float, curve: str = "db") -> None:
        if self.engine is not None:
            self.engine.fade_master(to, seconds, curve)

    def set_master_envelope(self, points) -> None:
        if self.engine is not None:
            self.engine.set_master_envelope(points)

    def master_gain(self) -> float:
        return self.engine.master_envelope_value() if self.engine is not None else 1.0

    def levels(self):
        return self.engine.levels() if self.engine is not None else None

    def close(self) -> None:
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.close()


def _sound_in(message: str, mix: Mix) -> str | None:
    for layer in mix.layers:
        if f"`{layer.sound}`" in message or f"'{layer.sound}'" in message:
            return layer.sound
    return None


class LevelFeed:
    """One levels snapshot shared by all meters: fetched at most every `max_age` seconds, so
    a dozen meters polling at 10 Hz cost one engine call per tick."""

    def __init__(self, source: Callable[[], Any], max_age: float = 0.05) -> None:
        self._source = source
        self._max_age = max_age
        self._at = -1.0
        self._snapshot = None

    def snapshot(self):
        now = time.monotonic()
        if now - self._at >= self._max_age:
            try:
                self._snapshot = self._source()
            except Exception:
                self._snapshot = None
            self._at = now
        return self._snapshot

    def layer(self, sound: str) -> float:
        snap = self.snapshot()
        if snap is None:
            return 0.0
        lr = snap.layers.get(sound)
        return max(lr) if lr else 0.0

    def master(self) -> float:
        snap = self.snapshot()
        return max(snap.master) if snap is not None else 0.0
