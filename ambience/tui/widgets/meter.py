"""Live level meters, polled about ten times a second from the engine's level snapshot.

All meters of the mixer are drawn by one narrow column beside the scrolling rows: each tick it
reads where every row is on the screen and draws that row's bar on the same line. Textual
re-renders every widget of a scroll view when any part of it changes, so meters inside the rows
cost about 12 % of a core at 10 Hz with the standard mix; beside them, only this column is
re-rendered. The timer belongs to the column, so it stops with it (a timer
aimed at the app could fire after the widgets are gone at exit).

The rows' scroll position is drawn in the column's last cell, right of the meters: a
scrollbar of the row list would stand between the sliders and their meters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

RATE = 10.0
FLOOR_DB = -60.0
_EIGHTHS = " ▏▎▍▌▋▊▉█"

Source = tuple[Widget, Callable[[], float]]


def level_to_fraction(amplitude: float) -> float:
    """Amplitude to 0..1 on a dB scale from FLOOR_DB to 0 dBFS."""
    if amplitude <= 0.0 or math.isnan(amplitude):
        return 0.0
    db = 20 * math.log10(amplitude)
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


def bar(fraction: float, width: int, steps_per_cell: int = 2) -> str:
    """A bar of `width` cells. Half-cell steps (3.75 dB on an 8-cell meter): lively, yet a steady
    sound does not force a repaint on every tick."""
    steps = round(fraction * width * steps_per_cell)
    full, part = divmod(steps, steps_per_cell)
    text = "█" * full + (_EIGHTHS[part * 8 // steps_per_cell] if full < width and part else "")
    return text.ljust(width)[:width]


class MeterColumn(Widget):
    """Draws, on the line of each source widget, the level its reader returns (amplitude)."""

    COMPONENT_CLASSES = {"meter--scroll"}
    DEFAULT_CSS = """
    MeterColumn { width: 10; height: 100%; padding-left: 1; color: $success; }
    MeterColumn > .meter--scroll { color: $foreground 35%; }
    """

    def __init__(self, sources: Callable[[], Iterable[Source]], *,
                 scrolled: Widget | None = None, id=None) -> None:
        super().__init__(id=id)
        self._sources = sources
        self._scrolled = scrolled
        self._lines: list[str] = []
        self._paused = False
        self._ticker = None

    @property
    def paused(self) -> bool:
        """While paused the meters stand still and empty (the mix is silent) and nothing
        wakes up ten times a second for them: redrawn only when the rows scroll."""
        return self._paused

    @paused.setter
    def paused(self, paused: bool) -> None:
        self._paused = paused
        if self._ticker is not None:
            (self._ticker.pause if paused else self._ticker.resume)()
        if self.is_mounted:
            self.poll()

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0 / RATE, self.poll)
        if self._paused:
            self._ticker.pause()
        self.call_after_refresh(self.poll)

    def poll(self) -> None:
        top, height = self.region.y, self.region.height
        width = max(1, self.content_region.width - 1)
        lines = [""] * height
        for widget, read in self._sources():
            if self.paused:
                break
            if not widget.display:
                continue
            region = widget.region  # empty when scrolled out of view
            y = region.y - top
            if region.height and 0 <= y < height:
                lines[y] = bar(level_to_fraction(read()), width)
        lines = [line.ljust(width) + mark for line, mark in zip(lines, self.scroll_marks(height))]
        if len(lines) != len(self._lines):
            self._lines = lines
            self.refresh()
            return
        for y, (old, new) in enumerate(zip(self._lines, lines)):
            if old != new:  # repaint only the lines that changed (Textual's line API)
                self._lines[y] = new
                self.refresh(Region(0, y, self.size.width, 1))

    def scroll_marks(self, height: int) -> str:
        """One cell per line: where the rows are scrolled to ("" marks when they all fit)."""
        view = self._scrolled
        if view is None or view.max_scroll_y <= 0 or height <= 0:
            return " " * height
        total = view.virtual_size.height or 1
        size = max(1, round(height * height / total))
        start = min(height - size, round(view.scroll_y / total * height))
        return "│" * start + "┃" * size + "│" * (height - start - size)

    def line_for(self, widget: Widget) -> str:
        """The bar drawn beside `widget` ("" when none)."""
        y = widget.region.y - self.region.y
        ok = widget.region.height and 0 <= y < len(self._lines)
        return self._lines[y][:-1].rstrip() if ok else ""

    def render_line(self, y: int) -> Strip:
        text = self._lines[y] if 0 <= y < len(self._lines) else ""
        width = self.size.width
        pad = self.styles.padding.left
        line = (" " * pad + text[:-1]).ljust(width - 1)[:width - 1]
        mark = text[-1:] or " "
        return Strip([Segment(line, self.rich_style),
                      Segment(mark, self.get_component_rich_style("meter--scroll"))], width)
