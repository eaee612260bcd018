"""The key line at the bottom, fitted to the window: when the keys do not all fit, the least
needed ones leave the line (they still work, and help lists them all); `q` and `f1` stay."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: which keys leave the line first (the last in this list first); unlisted ones go before all
KEEP_ORDER = ["quit_fade", "help", "pause", "resume", "timer", "timer_step", "open", "save",
              "mute", "active_only", "filter", "shape", "headphones", "breathing"]
#: the command palette's key, docked right: " ^p palette " and its border
PALETTE_CELLS = 13


def key_cells(key: FooterKey) -> int:
    """Cells a key takes in the non-compact footer: " key " then "description "."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description
                                            else 0)


def rank(key: FooterKey) -> int:
    action = key.action.removeprefix("app.")
    name = action.split("(", 1)[0]
    return KEEP_ORDER.index(name) if name in KEEP_ORDER else len(KEEP_ORDER)


class MixerFooter(Footer):
    """Textual's footer, keeping only the keys that fit, by KEEP_ORDER. Rebuilt only when the
    keys it shows change: Textual rebuilds it on every focus change, and moving between rows
    (the same keys) then cost two thirds of a key press (0.08 of 0.12 CPU-s here)."""

    _shown: tuple | None = None
    #: the width the shown keys were fitted to (None: not fitted yet)
    _fitted: int | None = None

    def bindings_changed(self, screen) -> None:
        shown = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show
        )
        rebuild = screen.app.app_focus and self.is_attached and screen is self.screen
        if rebuild and shown == self._shown and self._bindings_ready:
            return
        super().bindings_changed(screen)
        if rebuild:
            self._shown = shown

    def compose(self):
        widgets = list(super().compose())
        for widget in widgets:
            # a key is made compact and switched to the footer's style by a data binding once
            # mounted: styled three times (17 keys at every rebuild); born in the footer's
            # style, once. The palette's key has no binding and stays compact.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
        keys = [w for w in widgets if isinstance(w, FooterKey)
                and not w.has_class("-command-palette")]
        width = self.size.width or self.app.size.width
        if self._bindings_ready:
            self._fitted = width
        room = width - PALETTE_CELLS
        used = sum(key_cells(k) for k in keys)
        dropped: set[int] = set()
        for level in sorted({rank(k) for k in keys}, reverse=True):
            if used <= room:
                break
            for key in keys:  # keys of one action (+5m and -5m) leave together
                if rank(key) == level:
                    dropped.add(id(key))
                    used -= key_cells(key)
        yield from (w for w in widgets if id(w) not in dropped)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready:
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        """Fit the keys again if the width changed since they were fitted: the first layout
        resizes the footer right after its first keys were asked for, at the width they are
        composed for (recomposing then too cost 0.02 CPU-s of the mixer's start)."""
        if (self.size.width or self.app.size.width) != self._fitted:
            self.recompose()
