"""Save the mix as a preset: asks a name, confirms before overwriting one of the user's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ambience.tui.screens.confirm import ConfirmScreen


@dataclass(frozen=True)
class SaveRequest:
    name: str
    overwrite: bool


class SaveDialog(ModalScreen[SaveRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, exists: Callable[[str], bool], summary: str = "",
                 save: Callable[[SaveRequest], str | None] | None = None) -> None:
        """`save` does the saving and returns None, or the reason it failed in plain words:
        the dialog then stays open with the reason, so the name typed is not lost."""
        super().__init__()
        self.initial = name
        self.exists = exists
        self.summary = summary
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog save"):
            yield Static("Save preset", classes="title")
            if self.summary:
                yield Static(self.summary, id="summary", classes="summary")
            yield Input(self.initial, placeholder="preset name", id="name")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        name = self.query_one("#name", Input)
        name.cursor_blink = not self.app.is_headless
        name.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Static).update("a preset needs a name")
            return
        if self.exists(name):
            def answered(yes: bool | None) -> None:
                if yes:
                    self.finish(SaveRequest(name, True))
                else:
                    self.query_one("#name", Input).focus()

            self.app.push_screen(
                ConfirmScreen(f"A preset named “{name}” exists. Overwrite it?"), answered
            )
            return
        self.finish(SaveRequest(name, False))

    def finish(self, request: SaveRequest) -> None:
        problem = self.save(request) if self.save is not None else None
        if problem is None:
            self.dismiss(request)
            return
        self.query_one("#error", Static).update(f"not saved: {problem}")
        self.query_one("#name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
