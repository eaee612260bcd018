"""A one-row horizontal slider for values in 0..1 (ours, MIT; Textual has none).

Why our own: it reports `Changed(value, user)` so that updates coming from the program never
echo back as if the user had moved it, it steps by fine and coarse amounts from the keyboard,
and it follows the mouse (press, drag, wheel).
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

STEP = 0.05
FINE = 0.01
COARSE = 0.10


def clamp(value: float) -> float:
    return min(1.0, max(0.0, round(float(value), 4)))


class Slider(Widget, can_focus=True):
    """`value` in 0..1 drawn as a bar across the widget's width."""

    ALLOW_SELECT = False
    BINDINGS = [
        Binding("left,h", "step(-1)", "-5 %", show=False),
        Binding("right,l", "step(1)", "+5 %", show=False),
        Binding("shift+left,H", "fine(-1)", "-1 %", show=False),
        Binding("shift+right,L", "fine(1)", "+1 %", show=False),
        Binding("pagedown", "coarse(-1)", show=False),
        Binding("pageup", "coarse(1)", show=False),
        Binding("home", "set(0)", show=False),
        Binding("end", "set(1)", show=False),
    ]
    DEFAULT_CSS = """
    Slider { height: 1; width: 1fr; min-width: 8; }
    """

    value: reactive[float] = reactive(0.0)

    class Changed(Message):
        """The value changed; `user` is true only for keyboard and mouse input."""

        def __init__(self, slider: Slider, value: float, user: bool) -> None:
            super().__init__()
            self.slider = slider
            self.value = value
            self.user = user

        @property
        def control(self) -> Slider:
            return self.slider

    def __init__(self, value: float = 0.0, *, name=None, id=None, classes=None,
                 disabled=False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(Slider.value, clamp(value))  # no message for the initial value
        self._user = False
        self._dragging = False

    def validate_value(self, value: float) -> float:
        return clamp(value)

    def watch_value(self, value: float) -> None:
        self.post_message(self.Changed(self, value, self._user))

    def set_by_user(self, value: float) -> None:
        """Set the value as user input (the Changed message carries `user=True`)."""
        self._user = True
        try:
            self.value = value
        finally:
            self._user = False

    # -------------------------------------------------------------- keys
    def action_step(self, direction: int) -> None:
        self.set_by_user(self.value + direction * STEP)

    def action_fine(self, direction: int) -> None:
        self.set_by_user(self.value + direction * FINE)

    def action_coarse(self, direction: int) -> None:
        self.set_by_user(self.value + direction * COARSE)

    def action_set(self, value: float) -> None:
        self.set_by_user(value)

    # -------------------------------------------------------------- mouse
    def _value_at(self, x: int) -> float:
        width = max(1, self.content_region.width - 1)
        return clamp(x / width)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.set_by_user(self._value_at(event.x))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            event.stop()
            self.set_by_user(self._value_at(event.x))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        self.set_by_user(self.value + STEP)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        event.prevent_default()
        self.set_by_user(self.value - STEP)

    # -------------------------------------------------------------- drawing
    def render(self) -> Content:
        # theme variables in markup, not component classes: each component class is styled
        # like a widget of its own, and the mixer has a slider per sound
        width = max(2, self.content_region.width)
        filled = round(self.value * (width - 1))
        knob = "bold $accent" if self.has_focus else "$foreground"
        return Content.from_markup(
            f"[$accent]{'━' * filled}[/][{knob}]●[/][$foreground 30%]{'─' * (width - filled - 1)}[/]"
        )

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
