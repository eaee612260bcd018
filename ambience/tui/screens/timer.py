"""The sleep-timer dialog: a quick choice of minutes or a typed duration, the fade length and
what happens at the end."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from ambience.core.durations import DurationError, format_duration, parse_duration

QUICK = (15, 30, 45, 60, 90)


@dataclass(frozen=True)
class TimerRequest:
    """`duration` None means: cancel the running timer."""

    duration: float | None
    fade: float | None = None
    then: str = "stop"


class TimerDialog(ModalScreen[TimerRequest | None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, running: str = "", defaults: tuple[str, str, str] = ("", "", "stop")):
        super().__init__()
        self.running = running
        self.defaults = defaults  # the preset's own timer, if it has one

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog timer"):
            yield Static("Sleep timer", classes="title")
            if self.running:
                yield Static(f"running: {self.running} left", id="running")
            with Horizontal(classes="buttons quick"):
                for minutes in QUICK:
                    yield Button(f"{minutes} min", id=f"quick-{minutes}", compact=True)
            duration, fade, then = self.defaults
            yield Input(duration, placeholder="or a duration: 20, 1h30m, 45m", id="duration")
            yield Input(fade, placeholder="fade: default (last 10 min, or a third)", id="fade")
            with RadioSet(id="then"):
                yield RadioButton("then stop", value=then != "quit", id="then-stop")
                yield RadioButton("then quit", value=then == "quit", id="then-quit")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Start", id="start", variant="primary", compact=True)
                if self.running:
                    yield Button("Cancel timer", id="cancel-timer", variant="warning", compact=True)
                yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = not self.app.is_headless
        self.query_one("#duration", Input).focus()

    def _then(self) -> str:
        return "quit" if self.query_one("#then-quit", RadioButton).value else "stop"

    def _fade(self) -> float | None | str:
        text = self.query_one("#fade", Input).value.strip()
        if not text:
            return None
        try:
            return parse_duration(text)
        except DurationError as exc:
            return f"fade: {exc}"

    def _start(self, duration: float) -> None:
        fade = self._fade()
        if isinstance(fade, str):
            self.query_one("#error", Static).update(fade)
            return
        self.dismiss(TimerRequest(duration, fade, self._then()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit_typed()

    def submit_typed(self) -> None:
        text = self.query_one("#duration", Input).value.strip()
        if not text:
            self.query_one("#error", Static).update("pick a button or type a duration")
            return
        try:
            duration = parse_duration(text)
        except DurationError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self._start(duration)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        bid = event.button.id or ""
        if bid.startswith("quick-"):
            self._start(int(bid.removeprefix("quick-")) * 60.0)
        elif bid == "start":
            self.submit_typed()
        elif bid == "cancel-timer":
            self.dismiss(TimerRequest(None))
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def describe(request: TimerRequest) -> str:
    if request.duration is None:
        return "timer cancelled"
    return f"sleep timer: {format_duration(request.duration)}, then {request.then}"
