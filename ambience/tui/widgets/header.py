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
