"""The command palette (ctrl+p): the mixer's actions, then every preset.

It is the palette's only provider: Textual's generic commands (Keys, Maximize, Screenshot, an
immediate Quit) are not offered; changing the theme is, as one of ours."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = [
    ("Pause or resume", "fade everything out or back in", "pause"),
    ("Sleep timer…", "stop or quit after a while, fading out slowly", "timer"),
    ("Save preset…", "save the mix under a name", "save"),
    ("Open preset…", "a preset, a preset file or a share line", "open"),
    ("Drift on this row", "its level wanders slowly (steps: steady … ±6 dB)",
     "shape('drift', 1)"),
    ("Intensity on this row", "its character, e.g. drizzle to downpour", "shape('intensity', 1)"),
    ("Now and then on this row", "it comes and goes with slow fades", "shape('presence', 1)"),
    ("Motion on this row", "it moves slowly around your head", "shape('motion', 1)"),
    ("Headphones mode", "close-up sounds around your head (on/off, remembered)", "headphones"),
    ("Breathing pacer", "the mix swells gently with slow breathing (on/off)", "breathing"),
    ("Breathing pacer rate", "4 to 10 breaths a minute", "breathing_rate"),
    ("Show active layers only", "hide the sounds that are not playing (toggle)", "active_only"),
    ("Filter rows", "show the sounds whose name matches", "filter"),
    ("Help", "keys and mouse actions", "help"),
    ("Change theme…", "the colours of the mixer (remembered)", "change_theme"),
    ("Fade out and quit", "", "quit_fade"),
]


class MixerCommands(Provider):
    """Actions first, then presets; the preset list is read when the palette opens."""

    async def startup(self) -> None:
        from ambience.tui import saving

        try:
            self.presets = saving.all_presets()
        except Exception:
            self.presets = []

    def _entries(self):
        app = self.app
        for title, help_text, action in ACTIONS:
            yield (title, help_text, partial(app.run_action, action))
        for preset in self.presets:
            layers = ", ".join(layer.sound for layer in preset.layers) or "no layers"
            yield (f"Open preset: {preset.name}", layers, partial(app.open_preset, preset))

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
