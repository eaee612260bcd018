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


#: a layer's "alive" settings, each 0..1, and the value that changes nothing
#: (drift: slow level wander; intensity: the sound's character, 0.5 = as designed;
#: presence: share of time a "now and then" layer is there; motion: wandering around the head)
LAYER_SHAPING = {"drift": 0.0, "intensity": 0.5, "presence": 1.0, "motion": 0.0}

#: breaths a minute the pacer allows (0 = off)
BREATHING_RANGE = (4.0, 10.0)
#: share of each breath spent breathing in (4 s in, 6 s out)
DEFAULT_INHALE = 0.4


@dataclass(frozen=True)
class Layer:
    """One sound in the mix at a slider position; `muted` keeps the position.

    `drift`, `intensity`, `presence` and `motion` shape how the layer lives over time (see
    `LAYER_SHAPING`); the slider stays the volume control for all of them.
    """

    sound: str
    level: float
    muted: bool = False
    drift: float = 0.0
    intensity: float = 0.5
    presence: float = 1.0
    motion: float = 0.0

    def __post_init__(self) -> None:
        if not self.sound:
            raise ValueError("a layer needs a sound id")
        object.__setattr__(self, "level", _check_level(self.level, f"level of {self.sound!r}"))
        for name in LAYER_SHAPING:
            value = _check_level(getattr(self, name), f"{name} of {self.sound!r}")
            object.__setattr__(self, name, value)

    @property
    def shaping(self) -> dict[str, float]:
        """The layer's settings that differ from `LAYER_SHAPING` (what a preset must write)."""
        return {k: getattr(self, k) for k, v in LAYER_SHAPING.items() if getattr(self, k) != v}

    @property
    def gain(self) -> float:
        """The gain this layer should sound at (0 when muted)."""
        return 0.0 if self.muted else slider_to_gain(self.level)


@dataclass(frozen=True)
class Mix:
    """A master slider position plus layers, at most one layer per sound id.

    `breathing` is the breathing pacer in breaths a minute (0 = off, else within
    `BREATHING_RANGE`), `inhale` the share of each breath spent breathing in; `headphones`
    places the layers that move around the listener's head binaurally (speakers: panning).
    """

    master: float = 1.0
    layers: tuple[Layer, ...] = field(default_factory=tuple)
    breathing: float = 0.0
    inhale: float = DEFAULT_INHALE
    headphones: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "master", _check_level(self.master, "master"))
        breathing = float(self.breathing)
        low, high = BREATHING_RANGE
        if breathing != 0.0 and not (low <= breathing <= high):
            raise ValueError(
                f"breathing must be 0 (off) or {low:g} to {high:g} breaths a minute, "
                f"got {self.breathing!r}")
        object.__setattr__(self, "breathing", breathing)
        inhale = float(self.inhale)
        if not (0.2 <= inhale <= 0.8):
            raise ValueError(f"inhale must be a share of the breath from 0.2 to 0.8, "
                             f"got {self.inhale!r}")
        object.__setattr__(self, "inhale", inhale)
        object.__setattr__(self, "headphones", bool(self.headphones))
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

    def with_slider(self, sound: str, level: float) -> Mix:
        """A slider moved to `level`: at 0 a plain layer leaves the mix, but a layer with
        settings of its own (drift, intensity...) stays at 0 so that they are there when the
        slider comes back up."""
        layer = self.layer(sound)
        if float(level) <= 0.0 and (layer is None or not layer.shaping):
            return self.without(sound)
        return self.with_level(sound, level)

    def with_muted(self, sound: str, muted: bool) -> Mix:
        return replace(
            self,
            layers=tuple(
                replace(layer, muted=muted) if layer.sound == sound else layer
                for layer in self.layers
            ),
        )

    def with_shaping(self, sound: str, **values: float) -> Mix:
        """The same mix with `sound`'s drift/intensity/presence/motion changed."""
        unknown = set(values) - set(LAYER_SHAPING)
        if unknown:
            raise ValueError(f"unknown layer setting(s): {', '.join(sorted(unknown))}")
        return replace(
            self,
            layers=tuple(
                replace(layer, **values) if layer.sound == sound else layer
                for layer in self.layers
            ),
        )

    def with_breathing(self, breathing: float, inhale: float | None = None) -> Mix:
        return replace(self, breathing=breathing,
                       inhale=self.inhale if inhale is None else inhale)

    def with_headphones(self, headphones: bool) -> Mix:
        return replace(self, headphones=headphones)

    def with_master(self, master: float) -> Mix:
        return replace(self, master=master)

    def without(self, sound: str) -> Mix:
        return replace(self, layers=tuple(layer for layer in self.layers if layer.sound != sound))
