"""Help: every key and mouse action on one screen (f1 or ?)."""

from __future__ import annotations

from rich.table import Table
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
    ("d  D", "drift: the row's level wanders slowly (steady, ±1.5 … ±6 dB); D steps back"),
    ("i  I", "intensity: the sound's character, e.g. drizzle ··●·· downpour (sounds that "
             "have one); the level stays the slider's"),
    ("n  N", "now and then: the row comes and goes with slow fades (always, 75 … 25 % of "
             "the time)"),
    ("w  W", "motion: the row moves slowly around your head (still … all around)"),
    ("p", "headphones mode: close-up sounds placed around your head (remembered)"),
    ("b  B", "breathing pacer on/off: the mix swells gently as you breathe in; B changes "
             "its rate (4-10 a minute)"),
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
MARKS = [
    ("~", "drifts"),
    ("▁▃▅▇", "intensity, from gentle to strong (none: as designed)"),
    ("…", "now and then"),
    ("↔", "moves around your head"),
]
MOUSE = [
    ("click / drag", "set a slider"),
    ("scroll", "step a slider by 5 %"),
    ("click ♪ / M", "mute or unmute"),
]


#: cells of the key column; descriptions wrap inside their own column
KEY_CELLS = 16


def key_table(rows: list[tuple[str, str]], key_style: str = "bold") -> Table:
    """Keys and what they do as two columns: a long description wraps within its column,
    never under the keys."""
    table = Table(box=None, show_header=False, show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0), expand=True)
    table.add_column(width=KEY_CELLS, no_wrap=True, style=key_style)
    table.add_column(ratio=1, overflow="fold")
    for key, text in rows:
        table.add_row(key, text)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,f1,question_mark,enter", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        accent = f"bold {self.app.current_theme.accent or 'magenta'}"
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Static("ambience — help", classes="title")
            yield Static("[b]Keys[/b]", classes="section")
            yield Static(key_table(KEYS, accent), id="help-text", classes="keys")
            yield Static("[b]Mouse[/b]", classes="section")
            yield Static(key_table(MOUSE, accent), id="help-mouse", classes="keys")
            yield Static("[b]Row marks[/b]", classes="section")
            yield Static(key_table(MARKS, accent), id="help-marks", classes="keys")
            yield Static("[dim]Presets live in your config folder; the last mix comes back at "
                         "start.[/]", classes="note")
            yield Static("[dim]escape closes[/]", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
