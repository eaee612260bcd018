"""The breath guide: one calm line, a bar that fills while you breathe in and empties while
you breathe out, shown only while the breathing pacer is on.

It reads `ambience.core.breathing.guide`, the curve the engine's swell follows, at the
engine's own pacer time when the engine reports one (`Levels.breath`, polled with the meters'
snapshot): the bar then shows what the sound does, whatever the engine's start-up delay, a
sound server's return or the timer's end did to its clock. Between two reports, and when the
engine reports none (not started, no sound), the guide runs on its own clock: started when the
pacer is switched on, and keeping the breath's phase when the rate changes (as the engine's
pacer does), so the bar never jumps. The widget owns its 10 Hz timer, which runs only while
the pacer is on and the sound is not paused.
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

    def __init__(self, clock: Callable[[], float],
                 engine_time: Callable[[], float | None] = lambda: None, *, id=None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.engine_time = engine_time
        self.rate = 0.0
        self.inhale = 0.4
        self._at = 0.0  # clock time at which the pacer's clock read `_time`
        self._time = 0.0
        self._reported: float | None = None  # the engine's last report
        self.paused = False
        self._ticker = None

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1 / RATE, self.refresh, pause=True)
        self._run()

    # ------------------------------------------------------------------ state
    def elapsed(self) -> float:
        """Seconds on the pacer's clock, as `guide` takes them: the engine's latest report
        carried on by the clock, else the guide's own."""
        if not self.rate:
            return 0.0
        now = self.clock()
        try:
            reported = self.engine_time()
        except Exception:
            reported = None
        if reported is not None and reported != self._reported:
            self._reported = reported
            self._time, self._at = reported, now
        return self._time + (now - self._at)

    def set_pacer(self, rate: float, inhale: float) -> None:
        """Follow the mix's pacer: start the clock when it is switched on, keep the phase when
        its rate or inhale changes, hide when it is off."""
        if rate == self.rate and inhale == self.inhale:
            return
        now = self.clock()
        if rate and self.rate:
            phase = (self.elapsed() / period(self.rate)) % 1.0
            self._time = phase * period(rate)
        else:
            self._time = 0.0
        self._at = now
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
