"""Help: every key and mouse action on one screen (f1 or ?)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("↑ ↓  j k", "move between rows"),
    ("← →  h l", "level -5 % / +5 %"),
    ("shift+← →  H L", "level -1 % / +1 %"),
    ("0 … 9", "set the level to 0 … 90 %"),
    ("m", "mute or unmute the row"),
    ("space", "pause or resume everything (short fade)"),
    ("t", "sleep timer: 15-90 min or any duration, fade, end action"),
    ("+  -", "extend or shorten a running timer by 5 minutes"),
    ("ctrl+s", "save the mix as a preset"),
    ("o", "open a preset, a preset file or a pasted share line"),
    ("a", "show only the active layers"),
    ("/", "filter rows by name (escape clears)"),
    ("ctrl+p", "command palette: presets and actions"),
    ("f1  ?", "this help"),
    ("q", "fade out and quit"),
]
MOUSE = [
    ("click / drag", "set a slider"),
    ("scroll", "step a slider by 5 %"),
    ("click ♪ / M", "mute or unmute"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,f1,question_mark,enter", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        lines = ["[b]Keys[/b]"]
        lines += [f"  [b $accent]{k:<16}[/] {v}" for k, v in KEYS]
        lines += ["", "[b]Mouse[/b]"]
        lines += [f"  [b $accent]{k:<16}[/] {v}" for k, v in MOUSE]
        lines += ["", "[dim]Presets live in your config folder; the last mix comes back at start.[/]"]
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Static("ambience — help", classes="title")
            yield Static("\n".join(lines), id="help-text")
            yield Static("[dim]escape closes[/]", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
