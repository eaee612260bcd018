"""Synthesized sounds, one module per sound; `SYNTHS` maps a catalog id to its layer class."""

from __future__ import annotations

from ambience.engine.sounds.noise import BrownNoise, PinkNoise, WhiteNoise

SYNTHS = {
    "white": WhiteNoise,
    "pink": PinkNoise,
    "brown": BrownNoise,
}
