"""Open a preset: bundled and user presets with their layers, or a typed name, a path to a
preset file, or a pasted share line."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option


def describe(preset) -> Text:
    text = Text(no_wrap=False)
    text.append(preset.name, style="bold")
    origin = getattr(preset, "origin", "")
    if origin:
        text.append(f"  ({origin})", style="dim")
    layers = " · ".join(
        f"{layer.sound} {round(layer.level * 100)}" + (" muted" if layer.muted else "")
        for layer in preset.layers
    )
    text.append("\n  " + (layers or "no layers"), style="italic")
    return text


class OpenDialog(ModalScreen[object]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_list", show=False),
    ]

    def __init__(self, presets: list, resolve: Callable[[str], object]) -> None:
        super().__init__()
        self.presets = list(presets)
        self.resolve = resolve
        self.shown = list(self.presets)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog open"):
            yield Static("Open preset", classes="title")
            yield Input(placeholder="name, path to a .toml file, or a pasted share line",
                        id="ref")
            yield Static("", id="error", classes="error")
            yield OptionList(*self._options(), id="presets")
            with Horizontal(classes="buttons"):
                yield Button("Open", id="open", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _options(self) -> list[Option]:
        if not self.shown:
            text = ("no presets match" if self.presets
                    else "no presets yet: ctrl+s saves the mix as one")
            return [Option(text, disabled=True)]
        return [Option(describe(p), id=str(i)) for i, p in enumerate(self.shown)]

    def on_mount(self) -> None:
        ref = self.query_one("#ref", Input)
        ref.cursor_blink = not self.app.is_headless
        ref.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        needle = event.value.strip().casefold()
        if "/" in needle or needle.startswith("ambience:"):
            return
        self.shown = [p for p in self.presets if needle in p.name.casefold()]
        options = self.query_one("#presets", OptionList)
        options.clear_options()
        options.add_options(self._options())
        self.query_one("#error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.open_typed()

    def open_typed(self) -> None:
        text = self.query_one("#ref", Input).value.strip()
        if not text:
            if self.shown:
                self.dismiss(self.shown[0])
            return
        try:
            preset = self.resolve(text)
        except LookupError as exc:
            if len(self.shown) >= 1 and "/" not in text:
                self.dismiss(self.shown[0])
                return
            self.query_one("#error", Static).update(str(exc))
            return
        except (ValueError, OSError) as exc:  # PresetError and ShareError are ValueErrors
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(preset)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.shown[int(event.option.id)])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            options = self.query_one("#presets", OptionList)
            if options.has_focus and options.highlighted is not None and self.shown:
                self.dismiss(self.shown[options.highlighted])
            else:
                self.open_typed()
        else:
            self.dismiss(None)

    def action_to_list(self) -> None:
        options = self.query_one("#presets", OptionList)
        options.focus()
        if options.highlighted is None and self.shown:
            options.highlighted = 0

    def action_cancel(self) -> None:
        self.dismiss(None)
