"""Colours of the focused row, chosen per theme so the row stands out at night.

Contrast is the WCAG ratio of relative luminances, (L1 + 0.05) / (L2 + 0.05). A theme's block
cursor is usually far enough from its background, but not in every theme (flexoki's primary
blue on its near-black background: 2.93), so the first theme colour that reaches MIN_CONTRAST
is used, and the text on it is whichever theme colour reads best.
"""

from __future__ import annotations

from textual.color import Color, ColorParseError

#: focused row against the rows beside it
MIN_CONTRAST = 3.0
CANDIDATES = ("block-cursor-background", "accent", "primary", "secondary", "foreground")
TEXTS = ("block-cursor-foreground", "foreground", "background")


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(variables: dict[str, str], name: str, under: Color) -> tuple[int, int, int] | None:
    try:
        color = Color.parse(variables[name])
    except (KeyError, ColorParseError):
        return None
    return under.blend(color.with_alpha(1.0), color.a).rgb if color.a < 1 else color.rgb


def row_cursor(variables: dict[str, str]) -> dict[str, str]:
    """`row-cursor` and `row-cursor-text` for the theme's `variables` (the block cursor's
    own colours when the theme's colours are not RGB, as in the ANSI themes)."""
    fallback = {"row-cursor": variables.get("block-cursor-background", "ansi_magenta"),
                "row-cursor-text": variables.get("block-cursor-foreground", "ansi_default")}
    try:
        background = Color.parse(variables["background"])
    except (KeyError, ColorParseError):
        return fallback
    if background.ansi is not None:
        return fallback
    base = background.rgb
    found = [c for name in CANDIDATES if (c := _rgb(variables, name, background)) is not None]
    cursor = next((c for c in found if contrast(c, base) >= MIN_CONTRAST), None)
    if cursor is None:
        cursor = max(found, key=lambda c: contrast(c, base), default=None)
    if cursor is None:
        return fallback
    texts = [c for name in TEXTS if (c := _rgb(variables, name, Color(*cursor))) is not None]
    text = next((c for c in texts if contrast(c, cursor) >= 4.5),
                max(texts, key=lambda c: contrast(c, cursor), default=(255, 255, 255)))
    return {"row-cursor": Color(*cursor).hex, "row-cursor-text": Color(*text).hex}
