"""The engine boundary: what a session and the interface may ask of whatever makes the sound.

Pure (no pyo): the session core and the TUI are typed against `Playback`, and the pyo engine
(`ambience.engine.Engine`) is one implementation of it. Failures come back as data, one reason
per sound id (`PlaybackError.problems`), so that nobody parses a message to learn which sound
failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ambience.core.mix import Mix

#: breakpoints of a master envelope: (seconds from now, gain)
Points = Sequence[tuple[float, float]]


class AudioUnavailable(Exception):
    """No way to make sound with the chosen back-end; the message names the way out."""


class PlaybackError(Exception):
    """Some sounds of a mix could not be played; `problems` maps each sound id to the reason
    (unknown sound, undecodable file...). The other layers of the mix play on."""

    def __init__(self, problems: Mapping[str, str] | str):
        if isinstance(problems, str):  # a failure that belongs to no one sound
            self.problems: dict[str, str] = {}
            super().__init__(problems)
            return
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()) or "playback failed")


@dataclass
class Levels:
    """Levels for meters: linear amplitude (smoothed), per layer and for the master output."""

    master: tuple[float, float] = (0.0, 0.0)
    layers: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: seconds on the breathing pacer's clock (`core.breathing.guide(breath, ...)` shows what
    #: the sound does now), None while the pacer is off
    breath: float | None = None
    #: layers that "now and then" has out now (`Layer.presence` < 1): faded under -20 dB or
    #: stopped by their schedule, so silent whatever their slider says; a layer mid-fade,
    #: or switched off, is not in it (`ambience.engine.alive.AliveStage.away`)
    away: frozenset[str] = frozenset()


@runtime_checkable
class Playback(Protocol):
    """The engine's public surface. Every gain change it makes is ramped."""

    #: a name for the output, for status lines ("pulse", "JACK", "no sound (null output)")
    device: str

    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        """Move every layer and the master towards `mix` (`ramp` seconds, or the defaults:
        50 ms for a slider move, 1.5 s for a layer that appears, disappears or mutes).
        Raises `PlaybackError` naming the sounds that could not be played."""

    def playable_sounds(self) -> frozenset[str]:
        """Ids of the sounds this engine can build (synthesizers and the catalog's files)."""

    def failures(self) -> dict[str, str]:
        """Sounds of the mix that could not be played, or stopped while playing (a file
        gone or cut short), with the reason: for the front end to tell the user."""

    def set_master_envelope(self, points: Points) -> None:
        """Play an exact piecewise-linear envelope on the master from its value now."""

    def fade_master(self, to: float, seconds: float, curve: str = "db") -> None:
        """Fade the master envelope from where it is to `to` over `seconds`."""

    def master_envelope_value(self) -> float:
        """The master envelope's gain now (the fade, not the master slider)."""

    def levels(self) -> Levels:
        """A snapshot for meters; safe from any thread."""

    def playing(self) -> list[str]:
        """Ids of the layers being computed now (a silent layer is stopped)."""

    def rest(self, after: float = 0.0) -> None:
        """Compute nothing at all once `after` seconds have passed and every layer has
        stopped; the next `apply` or envelope wakes it."""

    def close(self) -> None:
        """Stop the sound and free everything."""


class Port(Protocol):
    """How a session reaches its engine: in order, now (the player) or on another thread (the
    mixer's bridge, so that the window never waits for a layer being built)."""

    def apply(self, mix: Mix, ramp: float | None = None) -> None: ...

    def call(self, fn: Callable[[Playback], None]) -> None: ...


class DirectPort:
    """A port that calls the engine at once, in the caller's thread (the headless player)."""

    def __init__(self, engine: Playback):
        self.engine = engine

    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        self.engine.apply(mix, ramp=ramp)

    def call(self, fn: Callable[[Playback], None]) -> None:
        fn(self.engine)
