"""A layer's living settings in words and glyphs, the same in the mixer, `preset show` and
`ambience ctl status` (pure: no Textual, no pyo).

Glyphs (one cell each, shown only when a setting is not its default):
`~` drift, `▁`..`▇` intensity from gentle to strong, `…` now and then, `↔` motion.
"""

from __future__ import annotations

from ambience.core.mix import LAYER_SHAPING

GLYPHS = {"drift": "~", "presence": "…", "motion": "↔"}
INTENSITY_GLYPHS = "▁▂▃▄▅▆▇"
#: the steps the mixer's keys go through
STEPS = {
    "drift": (0.0, 0.25, 0.5, 0.75, 1.0),
    "intensity": (0.0, 0.25, 0.5, 0.75, 1.0),
    "presence": (1.0, 0.75, 0.5, 0.25),
    "motion": (0.0, 0.25, 0.5, 0.75, 1.0),
}


def step(name: str, value: float, direction: int = 1) -> float:
    """The next of `STEPS[name]` after `value` (wrapping round; -1 goes back)."""
    steps = STEPS[name]
    nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - value))
    if abs(steps[nearest] - value) > 1e-6:  # set elsewhere (a preset): the step beyond it
        sign = -1 if name == "presence" else 1  # presence's steps run downwards
        if direction > 0:
            beyond = [s for s in steps if sign * (s - value) > 0]
            return beyond[0] if beyond else steps[0]
        before = [s for s in steps if sign * (s - value) < 0]
        return before[-1] if before else steps[-1]
    return steps[(nearest + direction) % len(steps)]


def intensity_scale(value: float, words: tuple[str, str] | None, cells: int = 5) -> str:
    """"drizzle ··●·· downpour": where the intensity sits between its two words."""
    at = min(cells - 1, max(0, round(value * (cells - 1))))
    scale = "".join("●" if i == at else "·" for i in range(cells))
    low, high = words if words else ("gentle", "strong")
    return f"{low} {scale} {high}"


def intensity_glyph(value: float) -> str:
    """A low bar for a gentle sound, a tall one for a strong one (never a full block, which
    reads as a cursor)."""
    top = len(INTENSITY_GLYPHS) - 1
    return INTENSITY_GLYPHS[min(top, max(0, round(value * top)))]


def glyphs(layer, has_intensity: bool = True, sep: str = " ") -> str:
    """The row's at-a-glance marks, in a fixed order: drift, intensity, now and then, motion
    ("" for a layer that does not live)."""
    out = []
    if layer.drift != LAYER_SHAPING["drift"]:
        out.append(GLYPHS["drift"])
    if has_intensity and layer.intensity != LAYER_SHAPING["intensity"]:
        out.append(intensity_glyph(layer.intensity))
    if layer.presence != LAYER_SHAPING["presence"]:
        out.append(GLYPHS["presence"])
    if layer.motion != LAYER_SHAPING["motion"]:
        out.append(GLYPHS["motion"])
    return sep.join(out)


def setting_words(name: str, value: float, words: tuple[str, str] | None = None) -> str:
    """One setting in words, as a toast or the status line says it."""
    if name == "presence":
        return "always there" if value >= 1.0 else f"now and then, {value * 100:.0f} % of the time"
    if name == "intensity":
        return intensity_scale(value, words)
    if name == "drift":
        return "steady" if value == 0 else f"drifts ±{value * 6:.1f} dB"
    if name == "motion":
        return "still" if value == 0 else f"moves {_amount(value)}"
    raise ValueError(name)


def _amount(value: float) -> str:
    return {0.25: "a little", 0.5: "slowly", 0.75: "around", 1.0: "all around"}.get(
        value, f"{value:.2f}")


def shaping_words(shaping: dict[str, float], words: tuple[str, str] | None = None,
                  has_intensity: bool = True) -> str:
    """The non-default settings of a layer in words, joined with " · "."""
    parts = []
    for key, value in shaping.items():
        if key == "intensity" and not has_intensity:
            parts.append("intensity (this sound has none)")
            continue
        parts.append(setting_words(key, value, words))
    return " · ".join(parts)
