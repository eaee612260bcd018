"""The top line: app name, preset (with a mark when changed), output, sleep-timer countdown."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


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

    def __init__(self, *, id=None) -> None:
        super().__init__(id=id)
        self.countdown_source = lambda: ""

    def on_mount(self) -> None:
        # the countdown only repaints here; the timer's expiry is a one-shot in the app
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.countdown = self.countdown_source()

    def render(self) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" ambience ", style="bold reverse")
        t.append("  ")
        t.append(self.preset or "untitled", style="bold")
        if self.dirty:
            t.append(" *", style="bold yellow")
        t.append("  │  ")
        if self.no_sound:
            t.append("no sound: " + self.output, style="bold red")
        else:
            t.append("▶ " if not self.paused else "⏸ ", style="bold")
            t.append(self.output)
        if self.countdown:
            t.append("  │  ")
            t.append("sleep " + self.countdown, style="bold magenta")
        return t
