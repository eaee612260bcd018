"""A small live level meter: polls a shared level snapshot about ten times a second.

The timer belongs to the meter, so it stops with the widget (a timer aimed at the app could
fire after the widgets are gone at exit). It repaints only when the drawn bar changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

RATE = 10.0
FLOOR_DB = -48.0
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def level_to_fraction(amplitude: float) -> float:
    """Amplitude to 0..1 on a dB scale from FLOOR_DB to 0 dBFS."""
    if amplitude <= 0.0 or math.isnan(amplitude):
        return 0.0
    db = 20 * math.log10(amplitude)
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


def bar(fraction: float, width: int) -> str:
    """A bar of `width` cells with eighth-cell resolution."""
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if full < width else "")
    return text.ljust(width)[:width]


class LevelMeter(Widget):
    """Draws `read()` (an amplitude) as a bar; `read` is polled at RATE Hz."""

    DEFAULT_CSS = """
    LevelMeter { width: 8; height: 1; color: $success; }
    """

    def __init__(self, read: Callable[[], float], *, id=None, classes=None) -> None:
        super().__init__(id=id, classes=classes)
        self._read = read
        self._drawn = ""

    def on_mount(self) -> None:
        self.poll()
        self.set_interval(1.0 / RATE, self.poll)

    def poll(self) -> None:
        text = bar(level_to_fraction(self._read()), max(1, self.size.width or 8))
        if text != self._drawn:
            self._drawn = text
            self.refresh()

    def render(self) -> Text:
        return Text(self._drawn, no_wrap=True, overflow="crop")
