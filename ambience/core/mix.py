"""The mix: the one value that flows through the program, and the one slider-to-gain curve.

Pure data: imports neither pyo nor Textual. Presets, the TUI and the CLI store slider
positions (0..1); only the engine turns them into gains, through `slider_to_gain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# Loudness (in sones) doubles for every +10 dB, so a slider that is linear in loudness has
# gain = 10 ** (10 * log2(s) / 20) = s ** (log2(10) / 2).  Half-way sounds half as loud
# (-10 dB), 0.1 is -33 dB, and 0 is true silence.
LOUDNESS_EXPONENT = math.log2(10) / 2  # 1.661


def slider_to_gain(position: float) -> float:
    """Linear gain for a slider position in 0..1 (equal slider steps, equal loudness steps)."""
    p = min(1.0, max(0.0, float(position)))
    return p**LOUDNESS_EXPONENT


def gain_to_slider(gain: float) -> float:
    """Inverse of `slider_to_gain`, for meters drawn on the slider's own scale."""
    g = min(1.0, max(0.0, float(gain)))
    return g ** (1.0 / LOUDNESS_EXPONENT)


def _check_level(value: float, what: str) -> float:
    v = float(value)
    if not (0.0 <= v <= 1.0) or math.isnan(v):
        raise ValueError(f"{what} must be between 0 and 1, got {value!r}")
    return v


@dataclass(frozen=True)
class Layer:
    """One sound in the mix at a slider position; `muted` keeps the position."""

    sound: str
    level: float
    muted: bool = False

    def __post_init__(self) -> None:
        if not self.sound:
            raise ValueError("a layer needs a sound id")
        object.__setattr__(self, "level", _check_level(self.level, f"level of {self.sound!r}"))

    @property
    def gain(self) -> float:
        """The gain this layer should sound at (0 when muted)."""
        return 0.0 if self.muted else slider_to_gain(self.level)


@dataclass(frozen=True)
class Mix:
    """A master slider position plus layers, at most one layer per sound id."""

    master: float = 1.0
    layers: tuple[Layer, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "master", _check_level(self.master, "master"))
        layers = tuple(self.layers)
        seen: set[str] = set()
        for layer in layers:
            if layer.sound in seen:
                raise ValueError(f"sound {layer.sound!r} appears twice in the mix")
            seen.add(layer.sound)
        object.__setattr__(self, "layers", layers)

    @property
    def master_gain(self) -> float:
        return slider_to_gain(self.master)

    def layer(self, sound: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.sound == sound), None)

    def gains(self) -> dict[str, float]:
        """Target gain per sound id (layers at 0 or muted map to 0.0)."""
        return {layer.sound: layer.gain for layer in self.layers}

    def audible(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers if layer.gain > 0.0)

    def with_level(self, sound: str, level: float) -> Mix:
        """The same mix with `sound` at `level` (added at the end when absent)."""
        level = _check_level(level, f"level of {sound!r}")
        if self.layer(sound) is None:
            return replace(self, layers=self.layers + (Layer(sound, level),))
        return replace(
            self,
            layers=tuple(
                replace(layer, level=level) if layer.sound == sound else layer
                for layer in self.layers
            ),
        )

    def with_muted(self, sound: str, muted: bool) -> Mix:
        return replace(
            self,
            layers=tuple(
                replace(layer, muted=muted) if layer.sound == sound else layer
                for layer in self.layers
            ),
        )

    def with_master(self, master: float) -> Mix:
        return replace(self, master=master)

    def without(self, sound: str) -> Mix:
        return replace(self, layers=tuple(layer for layer in self.layers if layer.sound != sound))
