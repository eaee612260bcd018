"""The top line: what is playing, from across the room.

Right: play or pause, the sound state (output or why there is none), the sleep timer's
countdown and, while it fades, a progress bar. Left: the app's name and the preset. When the
line is short the preset name is shortened first, then the app's name and the output's
details go; play/pause, the countdown and the fade never do (60 columns hold them all).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from ambience.tui.widgets.meter import bar

#: cells of the fade's progress bar
FADE_CELLS = 8
SEP = "  │  "
NARROW_SEP = " │ "


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis ("" when there is no room at all)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out.rstrip() + "…"


class MixerHeader(Widget):
    DEFAULT_CSS = """
    MixerHeader { height: 1; background: $panel; color: $foreground; }
    """

    preset: reactive[str] = reactive("")
    dirty: reactive[bool] = reactive(False)
    output: reactive[str] = reactive("starting audio…")
    no_sound: reactive[bool] = reactive(False)
    paused: reactive[bool] = reactive(False)
    countdown: reactive[str] = reactive("")
    #: 0..1 while the sleep timer fades, None otherwise (set by the app)
    fade_progress: reactive[float | None] = reactive(None)
    #: headphones mode: said before the output's name
    headphones: reactive[bool] = reactive(False)

    def __init__(self, *, id=None) -> None:
        super().__init__(id=id)
        self.countdown_source = lambda: ""

    def tick(self) -> None:
        """Show the countdown now (the app's timer tick sets it while a timer runs)."""
        self.countdown = self.countdown_source()

    # ------------------------------------------------------------------ parts
    def _state(self) -> list[tuple[str, str]]:
        if self.paused:
            return [(" ⏸ paused ", "bold reverse $warning")]
        return [("▶ playing", "bold $success")]

    def _sound(self, room: int) -> list[tuple[str, str]]:
        mode: list[tuple[str, str]] = []
        if self.headphones:
            word = "headphones" if room >= 24 else "phones" if room >= 14 else "hp"
            mode = [(word, "bold $text-accent"), (" · ", "$foreground 40%")]
            room -= len(word) + 3
        if self.no_sound:
            label = "no sound"
            detail = shorten(self.output, room - len(label) - 2) if room > len(label) + 5 else ""
            return mode + [(label + (": " + detail if detail else ""), "bold $error")]
        return mode + [(shorten(self.output, max(1, room)), "")]

    def _timer(self, wide: bool) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = []
        if self.countdown:
            parts.append(("sleep " + self.countdown, "bold $text-accent"))
        if self.fade_progress is not None:
            fraction = min(1.0, max(0.0, self.fade_progress))
            parts += [
                ("  fading " if wide else " ", "$text-accent"),
                (bar(fraction, FADE_CELLS, steps_per_cell=8), "$accent on $foreground 15%"),
                (f" {round(fraction * 100):3d}%", "$text-accent"),
            ]
        return parts

    # ------------------------------------------------------------------ drawing
    def layout_parts(self, width: int) -> list[tuple[str, str]]:
        """The line as (text, style) parts that fit in `width` cells."""

        def length(parts) -> int:
            return sum(cell_len(text) for text, _ in parts)

        state = self._state()
        name = self.preset or "untitled"
        mark = [(" *", "bold $warning")] if self.dirty else []
        for title, sep, output_room in (
            (True, SEP, 60), (True, SEP, 40), (False, SEP, 24), (False, NARROW_SEP, 14),
            (False, NARROW_SEP, 8),
        ):
            right = state + [(sep, "$foreground 40%")] + self._sound(output_room)
            timer = self._timer(wide=sep == SEP)
            if timer:
                right += [(sep, "$foreground 40%")] + timer
            left = [(" ambience ", "bold reverse")] if title else []
            left_room = width - length(right) - length(left) - length(mark) - 2
            if left_room >= min(12, cell_len(name)) or output_room == 8:
                left += [(" " if title else "", ""),
                         (shorten(name, max(1, left_room)), "bold")] + mark
                gap = width - length(left) - length(right) - 1
                return left + [(" " * max(1, gap), "")] + right
        raise AssertionError("unreachable")

    def render(self) -> Content:
        width = self.size.width or 80
        return Content.assemble(*self.layout_parts(width))
