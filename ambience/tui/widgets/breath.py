"""The breath guide: one calm line, a bar that fills while you breathe in and empties while
you breathe out, shown only while the breathing pacer is on.

It reads `ambience.core.breathing.guide`, the curve the engine's swell follows. Its clock is
its own: it starts when the pacer is switched on (the moment the mix carrying `breathing`
goes to the engine, which starts its pacer then), and a change of rate or inhale keeps the
phase where it is, so the bar never jumps. The widget owns its 10 Hz timer, which runs only
while the pacer is on and the sound is not paused.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widget import Widget

from ambience.core.breathing import guide, period
from ambience.tui.widgets.meter import bar

RATE = 10.0
#: the bar's longest length in cells
BAR_CELLS = 40


class BreathGuide(Widget):
    DEFAULT_CSS = """
    BreathGuide { height: 1; display: none; content-align: center middle; }
    BreathGuide.-on { display: block; }
    """

    def __init__(self, clock: Callable[[], float], *, id=None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.rate = 0.0
        self.inhale = 0.4
        self._start = 0.0  # clock time of the phase below
        self._phase = 0.0  # share of a breath done at `_start`
        self.paused = False
        self._ticker = None

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1 / RATE, self.refresh, pause=True)
        self._run()

    # ------------------------------------------------------------------ state
    def elapsed(self) -> float:
        """Seconds into the breath cycle, as `guide` takes them (phase kept across changes)."""
        if not self.rate:
            return 0.0
        return self._phase * period(self.rate) + (self.clock() - self._start)

    def set_pacer(self, rate: float, inhale: float) -> None:
        """Follow the mix's pacer: start the clock when it is switched on, keep the phase when
        its rate or inhale changes, hide when it is off."""
        if rate == self.rate and inhale == self.inhale:
            return
        now = self.clock()
        if rate and self.rate:
            self._phase = (self.elapsed() / period(self.rate)) % 1.0
        else:
            self._phase = 0.0
        self._start = now
        self.rate, self.inhale = rate, inhale
        self.set_class(bool(rate), "-on")
        self._run()
        self.refresh()

    def set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self._run()
            self.refresh()

    def _run(self) -> None:
        if self._ticker is not None:
            (self._ticker.resume if self.rate and not self.paused else self._ticker.pause)()

    # ------------------------------------------------------------------ drawing
    def render(self) -> Content:
        if not self.rate:
            return Content("")
        now = guide(self.elapsed(), self.rate, self.inhale)
        width = self.size.width or 80
        label = f"{self.rate:g} a minute"
        cells = max(8, min(BAR_CELLS, width - 14 - len(label) - 4))
        if self.paused:
            return Content.assemble(("breathing pacer · paused · ", "$foreground 50%"),
                                    (label, "$foreground 50%"))
        word = "breathe in " if now.word == "in" else "breathe out"
        return Content.assemble(
            (word, "bold $text-accent"), "  ",
            (bar(now.fill, cells, steps_per_cell=8), "$accent on $foreground 10%"),
            "  ", (label, "$foreground 60%"),
        )
