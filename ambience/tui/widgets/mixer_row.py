"""One row of the mixer: name, slider, percentage, mute mark; the level meter beside it.

A layer that lives (drift, intensity, now and then, motion) shows one glyph for each at the
right end of its name cell (`ambience.library.describe.glyphs`): the row's width and layout
never change, so a glance down the rows tells which ones move."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from rich.cells import cell_len

from ambience.library.describe import GLYPHS
from ambience.tui.widgets.slider import Slider

MASTER = "master"
#: cells of the name (ambience.tcss: `.row .name { width: 18 }`)
NAME_CELLS = 18
#: the "now and then" mark, and what it reads while the layer is away
PRESENCE_GLYPH = GLYPHS["presence"]
AWAY_WORD = "away"
#: the status line's words for a focused row that is away
AWAY_WORDS = "away now, back within minutes"


def name_content(title: str, alive: str, away: bool = False) -> Content:
    """The title, and the living glyphs right-aligned in the name cell (the title is
    shortened to make room, never the glyphs). `away`: "now and then" has the layer out
    now, and its mark "…" reads "away", dimmed (silent on purpose, not broken)."""
    if not alive:
        return Content(title)
    marks = alive
    if away and PRESENCE_GLYPH in alive:
        marks = alive.replace(PRESENCE_GLYPH, AWAY_WORD, 1)
    else:
        away = False
    cells = NAME_CELLS - 1  # the last cell stays blank, before the slider
    room = cells - cell_len(marks) - 1
    if cell_len(title) > room:
        shown = ""
        for char in title:
            if cell_len(shown + char) > room - 1:
                break
            shown += char
        title = shown.rstrip() + "…"
    gap = cells - cell_len(title) - cell_len(marks)
    if away:
        before, after = alive.split(PRESENCE_GLYPH, 1)
        return Content.assemble(title, " " * max(1, gap), (before, "$text-accent"),
                                (AWAY_WORD, "italic $foreground 50%"), (after, "$text-accent"),
                                " ")
    return Content.assemble(title, " " * max(1, gap), (alive, "$text-accent"), " ")


def percent(value: float) -> str:
    return f"{round(value * 100):3d} %"


class MuteMark(Static):
    """Click to mute or unmute the row."""

    ALLOW_SELECT = False

    class Clicked(Message):
        def __init__(self, sound: str) -> None:
            super().__init__()
            self.sound = sound

    def __init__(self, sound: str, muted: bool = False, *, id=None) -> None:
        super().__init__(self._text(muted), id=id, classes="mute")
        self.sound = sound
        self.set_class(muted, "-muted")

    @staticmethod
    def _text(muted: bool) -> str:
        return " M " if muted else " ♪ "

    def show(self, muted: bool) -> None:
        if muted != self.has_class("-muted"):  # a fixed 3 cells: never a new layout
            self.update(self._text(muted), layout=False)
            self.set_class(muted, "-muted")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.sound))


class MixerRow(Horizontal):
    """The row of one sound (or the master when `sound == MASTER`)."""

    def __init__(self, sound: str, title: str, level: float, muted: bool,
                 read_level: Callable[[], float], *, available: bool = True,
                 description: str = "", alive: str = "") -> None:
        classes = ["row"]
        if level > 0 and not muted:
            classes.append("-active")
        if muted:
            classes.append("-muted")
        if not available:
            classes.append("-unavailable")
        # classes given here cost nothing; changing them after mount restyles the row
        super().__init__(id=f"row-{sound}", classes=" ".join(classes))
        self.sound = sound
        self.title = title
        self._level = level
        self._muted = muted
        self.read_level = read_level
        self.available = available
        self.description = description
        #: the living glyphs shown after the name ("" for a steady layer)
        self.alive = alive
        #: "now and then" has the layer out now (the engine's `Levels.away`)
        self.away = False

    def compose(self) -> ComposeResult:
        # the cells are kept: every change of the mix updates each row (a query per cell
        # and row was a tenth of a key press)
        self._name_cell = name = Static(name_content(self.title, self.alive), classes="name")
        if self.description:
            name.tooltip = self.description
        yield name
        self._slider = Slider(self._level, id=f"slider-{self.sound}")
        yield self._slider
        self._pct_cell = Static(percent(self._level), classes="pct")
        yield self._pct_cell
        if self.sound == MASTER:
            yield Static("   ", classes="mute")
        else:
            self._mute_mark = MuteMark(self.sound, self._muted)
            yield self._mute_mark

    def status_text(self, alive_words: str = "") -> Content:
        """The line shown while this row is focused: what the sound is (and, for a layer
        that lives, how, in words; for one that is away now, that it comes back)."""
        if self.sound == MASTER:
            text = "the volume of everything: m or space pauses"
        elif not self.available:
            text = "not synthesized in this version yet: kept in presets, but silent"
        else:
            text = self.description or "your own recording"
        if alive_words:  # how it lives first: the description may run off the line
            away = [(AWAY_WORDS, "italic $foreground 60%"), (" · ", "$foreground 40%")]
            return Content.assemble((self.title, "bold"), (" · ", "$foreground 40%"),
                                    (alive_words, "$text-accent"), (" · ", "$foreground 40%"),
                                    *(away if self.away else ()), (text, "$foreground 60%"))
        return Content.assemble((self.title, "bold"), (" · ", "$foreground 40%"), text)

    def show_alive(self, alive: str) -> None:
        """Show the row's living glyphs (only when they changed)."""
        if alive == self.alive:
            return
        self.alive = alive
        self._name_cell.update(name_content(self.title, alive, self.away), layout=False)

    def show_away(self, away: bool) -> None:
        """Say that the layer is away now (only when that changed): the same cells."""
        if away == self.away:
            return
        self.away = away
        self._name_cell.update(name_content(self.title, self.alive, away), layout=False)

    @property
    def slider(self) -> Slider:
        return self._slider

    @property
    def level(self) -> float:
        return self.slider.value

    def show_level(self, level: float) -> None:
        """Reflect a level set by the program (no Changed message reaches the app)."""
        slider = self.slider
        with slider.prevent(Slider.Changed):
            slider.value = level
        self.show_percent(slider.value)

    def show_percent(self, level: float) -> None:
        pct = self._pct_cell
        text = percent(level)
        if str(pct.content) != text:
            pct.update(text, layout=False)  # a fixed 7 cells
        self.set_class(level > 0 and not self._muted, "-active")

    def show_muted(self, muted: bool) -> None:
        self._muted = muted
        if self.sound != MASTER:
            self._mute_mark.show(muted)
        self.set_class(muted, "-muted")
        self.set_class(self.slider.value > 0 and not muted, "-active")

    def set_available(self, available: bool) -> None:
        self.available = available
        self.set_class(not available, "-unavailable")
        if not available and self.sound != MASTER:
            self._name_cell.tooltip = (
                "this sound is not synthesized in this version yet: its level is kept in "
                "presets but it is silent"
            )
