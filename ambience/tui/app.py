"""The mixer application: `ambience` with no command.

A thin front end over the session core (`ambience.session`): the session owns the mix, pause
and the sleep timer and drives the engine through the bridge; this turns keys and mouse into
calls on it and shows its state. The engine boots in a thread worker, so the window draws at
once, also when the audio device is slow or missing; with no sound the mixer still edits and
saves. Clock and level source can be injected, so tests and snapshots are deterministic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual import on, work
from textual.app import App, ComposeResult
from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from ambience.core.mix import Layer, Mix
from ambience.core.playback import Levels, Playback
from ambience.core.timer import SleepTimer
from ambience.library.catalog import Catalog, load_catalog
from ambience.session import OPEN_RAMP, POLL, Session
from ambience.tui import saving, startup
from ambience.tui.commands import MixerCommands
from ambience.tui.bridge import (
    Bridge,
    EngineFailed,
    EngineProblem,
    EngineReady,
    LevelFeed,
    OutputState,
    start_engine,
)
from ambience.tui.widgets.breath import BreathGuide
from ambience.tui.widgets.footer import MixerFooter
from ambience.tui.widgets.header import MixerHeader
from ambience.tui.widgets.meter import MeterColumn
from ambience.tui.widgets.mixer_row import MASTER, MixerRow, MuteMark
from ambience.tui.widgets.slider import Slider

#: fade-out before quitting
QUIT_FADE = 1.0
#: `+`/`-` change a running timer by this much
TIMER_STEP = 300.0
#: the last session is written at most this often while the mix changes
SESSION_INTERVAL = 2.0
#: seconds between two looks at which "now and then" layers are away (they go for minutes)
AWAY_POLL = 1.0
CATEGORY_TITLES = {"nature": "Nature", "asmr": "ASMR", "noise": "Noise", "indoors": "Indoors",
                   "user": "Your sounds"}
#: the breathing pacer's rates the `B` key steps through, and the one `b` starts with
BREATHING_RATES = (4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
DEFAULT_BREATHING = 6.0
#: used when there is no last session and the bundled default preset is missing
FALLBACK_MIX = Mix(1.0, (Layer("brown", 0.3),))


class RowList(VerticalScroll, can_focus=False):
    """The scrolling list of rows. Its keys move between rows instead of scrolling."""

    BINDINGS = [
        Binding("up,k", "app.move(-1)", "Up", show=False),
        Binding("down,j", "app.move(1)", "Down", show=False),
        *[Binding(str(n), f"app.digit({n})", f"{n * 10} %", show=False) for n in range(10)],
        Binding("m", "app.mute", "Mute", show=False),
    ]

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        meters = self.app.query("#meters")
        if meters and meters.first().paused:  # standing still: redraw the scroll mark
            meters.first().poll()


class MixerScreen(Screen):
    """The mixer's screen. Textual repaints a whole screen whenever its focus moves; here the
    widgets whose look depends on focus repaint themselves (the rows by their `:focus-within`
    style, the slider on focus and blur), so moving between rows repaints just those rows (a
    row-to-row key press cost 0.035 CPU-s with every widget of the screen drawn again)."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class AmbienceApp(App[int]):
    """The mixer. `engine_factory` builds the engine (in a thread); `clock` drives the sleep
    timer; `levels` replaces the engine's level snapshot (for deterministic screenshots)."""

    CSS_PATH = "ambience.tcss"
    TITLE = "ambience"
    AUTO_FOCUS = None
    COMMANDS = {MixerCommands}  # ours only: see commands.py
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),  # the footer shows one of the two
        Binding("m", "mute", "Mute"),
        Binding("t", "timer", "Timer"),
        Binding("plus", "timer_step(1)", "+5m"),
        Binding("minus", "timer_step(-1)", "-5m"),
        # the focused row's living settings: a key steps forward, shift steps back
        # (one footer entry for the four: "d i n w Alive"; help lists each)
        Binding("d", "shape('drift', 1)", "Alive", key_display="d i n w"),
        Binding("D", "shape('drift', -1)", "Drift back", show=False),
        Binding("i", "shape('intensity', 1)", "Intensity", show=False),
        Binding("I", "shape('intensity', -1)", "Intensity back", show=False),
        Binding("n", "shape('presence', 1)", "Now and then", show=False),
        Binding("N", "shape('presence', -1)", "Now and then back", show=False),
        Binding("w", "shape('motion', 1)", "Motion", show=False),
        Binding("W", "shape('motion', -1)", "Motion back", show=False),
        Binding("p", "headphones", "Headphones"),
        Binding("b", "breathing", "Breathe"),
        Binding("B", "breathing_rate", "Breaths a minute", show=False),
        Binding("ctrl+s", "save", "Save"),
        Binding("o", "open", "Open"),
        Binding("a", "active_only", "Active"),
        # priority: handled as the key arrives, so the keys typed right after it (already
        # queued) reach the filter box instead of the row (action_filter limits it)
        Binding("slash", "filter", "Find", priority=True),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "quit_fade", "Quit"),
    ]

    def __init__(
        self,
        audio: str = "auto",
        device: str | int | None = None,
        *,
        engine_factory: Callable[[], Playback] | None = None,
        catalog: Catalog | None = None,
        clock: Callable[[], float] = time.monotonic,
        levels: Callable[[], Levels | None] | None = None,
        restore: bool = True,
        control=None,
        inhibit_sleep: bool = False,
        headphones: bool | None = None,
    ) -> None:
        super().__init__()
        #: `--headphones` / `--speakers` for this run (None: the user's setting, else the
        #: preset's hint)
        self.headphones_flag = headphones
        #: keeps the computer awake while the sound plays (`--inhibit-sleep`)
        self.inhibitor = None
        if inhibit_sleep:
            from ambience.control.inhibit import SleepInhibitor

            self.inhibitor = SleepInhibitor()
        #: a claimed control socket (`ambience.control.server.Listener`) to serve
        self._control_listener = control
        self.control = None
        self.catalog = catalog if catalog is not None else load_catalog()
        self.audio = audio
        self.device = device
        self.clock = clock
        self._factory = engine_factory or self._default_factory
        self.bridge = Bridge(on_problem=lambda text: self.post_message(EngineProblem(text)))
        self.feed = LevelFeed(levels or self.bridge.levels)
        self.session = Session(None, clock=clock)
        self._footer_timerless = True
        self._header: MixerHeader | None = None
        self._ticker = None
        self._meters: MeterColumn | None = None
        self._status: Static | None = None
        self._filter: Input | None = None  # made on first use of `/`
        self._session_error: str | None = None
        self.active_only = False
        self.name_filter = ""
        self.no_sound_reason: str | None = None
        self._quitting = False
        self._gone = False
        self._handover = threading.Lock()
        self._pending_engine = None
        self._restore = restore
        #: the pacer's rate `b` switches back on with
        self._last_breathing = DEFAULT_BREATHING
        self.preset = None  # the Preset the mix came from (kept for saving)
        self.saved_mix = Mix()
        self._load_start_mix()
        self.debouncer = saving.session_debouncer(self.preset, SESSION_INTERVAL, self.catalog)

    # ------------------------------------------------------------------ start
    def _default_factory(self) -> Playback:
        """A sound card's output runs in a child process (`GuardedEngine`), so a sound
        server that goes away cannot take the mixer with it; the null output runs here."""
        if self.audio in ("auto", "jack"):
            from ambience.guarded import GuardedEngine

            return GuardedEngine(self.audio, device=self.device,
                                 on_state=lambda state: self.post_message(OutputState(state)))
        from ambience.engine import Engine

        return Engine(self.audio, device=self.device, catalog=self.catalog)

    def _load_start_mix(self) -> None:
        warnings: list[str] = []
        preset = saving.start_preset(warnings.append) if self._restore else None
        self._start_warnings = warnings
        if preset is None:
            mix = FALLBACK_MIX.with_headphones(self.listening(None))
            self.mix, self.saved_mix, self.preset = mix, mix, None
            return
        mix, missing = preset.to_mix(self.catalog, headphones=self.listening(preset))
        self.mix = mix
        if mix.breathing:
            self._last_breathing = mix.breathing
        self.preset = preset
        self.saved_mix = saving.reference_mix(preset, self.catalog, mix)
        if missing:
            self._start_warnings.append(saving.missing_text(missing))

    def listening(self, preset, warn: Callable[[str], None] | None = None) -> bool:
        """Headphones mode for `preset`: the flag, else the user's setting, else its hint."""
        from ambience.library.settings import headphones_mode, load_settings

        settings = load_settings(on_warning=warn or self._start_warnings.append)
        return headphones_mode(self.headphones_flag, settings,
                               bool(getattr(preset, "for_headphones", False)))

    def compose(self) -> ComposeResult:
        yield MixerHeader(id="header")
        yield Static("⏸  paused  ·  space resumes", id="paused-banner")
        # the meters sit beside the scrolling list, not in it: a repaint inside a scroll view
        # re-renders every widget in it, a repaint beside it only the meter column
        with Horizontal(id="body"):
            with RowList(id="rows") as row_list:
                yield MixerRow(MASTER, "Master", self.mix.master, False, self.feed.master)
                for category, sounds in self.catalog.by_category().items():
                    yield Static(CATEGORY_TITLES.get(category, category.title()),
                                 classes="category", id=f"cat-{category}")
                    for info in sounds:
                        layer = self.mix.layer(info.id)
                        yield MixerRow(
                            info.id, info.name, layer.level if layer else 0.0,
                            layer.muted if layer else False,
                            lambda s=info.id: self.feed.layer(s),
                            description=info.description,
                            alive=self.alive_glyphs(layer),
                        )
            yield MeterColumn(lambda: ((r, r.read_level) for r in self.all_rows()),
                              scrolled=row_list, id="meters")
        yield BreathGuide(self.clock, self.feed.breath, id="breath")
        yield Static("", id="status")
        yield MixerFooter()

    def get_default_screen(self) -> Screen:
        return MixerScreen(id="_default")

    def on_mount(self) -> None:
        saving.apply_saved_theme(self)
        self.theme_changed_signal.subscribe(self, lambda theme: saving.save_theme(theme.name))
        header = self.header
        header.preset = self.preset_name
        header.dirty = self.dirty
        header.countdown_source = self.countdown_text
        header.headphones = self.mix.headphones
        self.breath.set_pacer(self.mix.breathing, self.mix.inhale)
        self.set_interval(1.0, self.save_session)
        self.set_interval(AWAY_POLL, self.show_away)
        # the timer's tick runs only while a timer does (`_show_timer`): an idle mixer wakes
        # up as little as possible
        self._ticker = self.set_interval(POLL, self.check_timer, pause=True)
        if self._control_listener is not None:
            from ambience.tui.remote import MixerControl

            self.control = MixerControl(self, self._control_listener).start()
            self._control_listener = None
        skipped = saving.skipped_text(self.catalog)
        if skipped:
            self._start_warnings.append(skipped)
        for warning in self._start_warnings:
            self.notify(warning, severity="warning", timeout=8)
        rows = self.sound_rows()
        (rows[0] if rows else self.row(MASTER)).slider.focus()
        # boot after the first frame: importing pyo holds the GIL for a while
        self.call_after_refresh(self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        startup.release_collector()
        self.boot_engine()

    @work(thread=True, exclusive=True, exit_on_error=False, group="engine")
    def boot_engine(self) -> None:
        message = start_engine(self._factory)
        if isinstance(message, EngineReady):
            # hand over under the lock: whoever comes second (this thread or on_unmount)
            # closes the engine, so it never outlives the window
            with self._handover:
                gone = self._gone
                if not gone:
                    self._pending_engine = message.engine
            if gone:
                message.engine.close()
                return
        self.post_message(message)

    def on_engine_ready(self, message: EngineReady) -> None:
        with self._handover:
            engine, self._pending_engine = self._pending_engine, None
        if engine is None:  # closed by on_unmount meanwhile
            return
        self.bridge.attach(engine, self.catalog.ids())
        self._mark_unplayable()
        self.session.attach(self.bridge)
        self._keep_awake()
        self.header.output = str(getattr(engine, "device", self.audio))
        self.refresh(repaint=True)  # booting may have muted fd 2 for a moment

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.no_sound_reason = message.reason
        self.header.no_sound = True
        self.header.output = message.reason.split(". ")[0].rstrip(".")
        self.notify(message.reason, title="No sound", severity="error", timeout=15)
        self.refresh(repaint=True)

    def on_output_state(self, message: OutputState) -> None:
        """The sound server went away or came back; the session keeps its time meanwhile."""
        if message.state == "lost":
            self.header.output = "sound server lost, reconnecting…"
            self.notify("sound server lost: reconnecting… (the timer keeps its time)",
                        title="No sound", severity="warning", timeout=8)
            return
        self.session.restore()
        engine = self.engine
        self.header.output = str(getattr(engine, "device", self.audio))
        self.notify("sound is back", timeout=3)
        self.refresh(repaint=True)

    def on_unmount(self) -> None:
        with self._handover:
            self._gone = True
            pending, self._pending_engine = self._pending_engine, None
        if self.inhibitor is not None:
            self.inhibitor.close()
        if self.control is not None:
            self.control.close()
        elif self._control_listener is not None:
            self._control_listener.release()
        self.debouncer.flush()
        self.bridge.close()
        if pending is not None:
            pending.close()

    def get_css_variables(self) -> dict[str, str]:
        from ambience.tui.contrast import row_cursor

        variables = super().get_css_variables()
        variables.update(row_cursor(variables))
        return variables

    # ------------------------------------------------------------------ lookups
    @property
    def header(self) -> MixerHeader:
        """The header, found once: a modal screen on top or the window closing must not
        hide it from the timer's tick."""
        if self._header is None:
            self._header = self.query_one(MixerHeader)
        return self._header

    @property
    def breath(self) -> BreathGuide:
        return self.query_one(BreathGuide)

    @property
    def dirty(self) -> bool:
        """Whether the mix differs from the preset it came from. Headphones mode is the
        listener's, not the preset's: switching it changes nothing to save."""
        return self.mix.with_headphones(False) != self.saved_mix.with_headphones(False)

    def alive_glyphs(self, layer: Layer | None) -> str:
        from ambience.library.describe import glyphs

        if layer is None:
            return ""
        info = self.catalog.get(layer.sound)
        return glyphs(layer, has_intensity=info is not None and info.intensity is not None)

    def alive_words(self, sound: str) -> str:
        from ambience.library.describe import shaping_words

        layer = self.mix.layer(sound)
        if layer is None or not layer.shaping:
            return ""
        info = self.catalog.get(sound)
        words = info.intensity if info is not None else None
        return shaping_words(layer.shaping, words, has_intensity=words is not None)

    @property
    def meters(self) -> MeterColumn:
        """The meter column, found once (as the header)."""
        if self._meters is None:
            self._meters = self.query_one(MeterColumn)
        return self._meters

    @property
    def engine(self) -> Playback | None:
        return self.bridge.engine

    @property
    def mix(self) -> Mix:
        """The mix being edited: the session's."""
        return self.session.mix

    @mix.setter
    def mix(self, mix: Mix) -> None:
        self.session.mix = mix

    @property
    def paused(self) -> bool:
        """Paused, or stopped at the timer's end: silent until the user plays again."""
        return self.session.silent

    @property
    def sleep(self) -> SleepTimer | None:
        """The running sleep timer."""
        return self.session.timer

    @property
    def preset_name(self) -> str:
        return self.preset.name if self.preset is not None else "untitled"

    def row(self, sound: str) -> MixerRow | None:
        for row in self.all_rows():
            if row.sound == sound:
                return row
        return None

    def all_rows(self) -> list[MixerRow]:
        """Every row, in screen order (the rows never change once composed)."""
        if not getattr(self, "_rows", None):
            self._rows = list(self.query(MixerRow))
        return self._rows

    def sound_rows(self) -> list[MixerRow]:
        return [r for r in self.all_rows() if r.sound != MASTER]

    def visible_rows(self) -> list[MixerRow]:
        return [r for r in self.all_rows() if r.display]

    def on_descendant_focus(self, event) -> None:
        # from the event, not from `self.focused`: at exit there may be no screen left
        row = event.widget.parent
        if isinstance(row, MixerRow):
            self._show_status(row)

    def _show_status(self, row: MixerRow) -> None:
        # found once (a query of the whole screen at every move cost a quarter of the key);
        # none at exit, when the screen may be gone
        if self._status is None:
            self._status = next(iter(self.query("#status").results(Static)), None)
        status = self._status
        if status is not None and status.is_attached:
            words = "" if row.sound == MASTER else self.alive_words(row.sound)
            status.update(row.status_text(words), layout=False)  # one line, whatever it says

    def show_away(self) -> None:
        """Mark the rows that "now and then" has out now (the engine's `Levels.away`): their
        slider shows a level, yet they are silent for minutes. Nothing is marked while the
        mix is paused (every row is silent then), and the levels are fetched only while a
        layer comes and goes (this runs every second, meters or not)."""
        if self._gone:
            return
        comes_and_goes = any(layer.presence < 1.0 for layer in self.mix.layers)
        away = self.feed.away() if comes_and_goes and not self.paused else frozenset()
        focused = self.focused_row()
        for row in self.sound_rows():
            now = row.sound in away
            if now != row.away:
                row.show_away(now)
                if row is focused:
                    self._show_status(row)

    def focused_row(self) -> MixerRow | None:
        node = self.focused
        while node is not None and not isinstance(node, MixerRow):
            node = node.parent
        return node

    # ------------------------------------------------------------------ changing the mix
    def set_level(self, sound: str, level: float) -> None:
        level = min(1.0, max(0.0, round(level, 4)))
        if level > 0 and sound in set(self.bridge.unplayable) and self.mix.layer(sound) is None:
            self.notify(f"`{sound}` cannot be played by this version yet: its level is kept "
                        "in the mix and in saved presets, but it stays silent",
                        severity="warning", timeout=5)
        if sound == MASTER:
            mix = self.mix.with_master(level)
        else:
            mix = self.mix.with_slider(sound, level)
        self.change_mix(mix)

    def change_mix(self, mix: Mix, ramp: float | None = None) -> None:
        """The one place the mix changes: engine, rows, header, last session."""
        self.session.set_mix(mix, ramp=ramp)
        self._show_mix()
        self.debouncer.feed(mix)

    def _show_mix(self) -> None:
        for row in self.all_rows():
            if row.sound == MASTER:
                level, muted = self.mix.master, False
            else:
                layer = self.mix.layer(row.sound)
                level, muted = (layer.level, layer.muted) if layer else (0.0, False)
            if abs(row.slider.value - level) > 1e-9:
                row.show_level(level)
            else:
                row.show_percent(level)
            row.show_muted(muted)
            if row.sound != MASTER:
                row.show_alive(self.alive_glyphs(self.mix.layer(row.sound)))
        self.header.dirty = self.dirty
        self.header.headphones = self.mix.headphones
        self.breath.set_pacer(self.mix.breathing, self.mix.inhale)
        focused = self.focused_row()
        if focused is not None:
            self._show_status(focused)

    def on_engine_problem(self, message: EngineProblem) -> None:
        self.notify(message.text, severity="warning", timeout=6)
        self._mark_unplayable()

    def _mark_unplayable(self) -> None:
        for sound in set(self.bridge.unplayable):  # a copy: the bridge thread may add to it
            row = self.row(sound)
            if row is not None and row.available:
                row.set_available(False)

    @on(Slider.Changed)
    def slider_changed(self, event: Slider.Changed) -> None:
        if not event.user or event.value != event.slider.value:
            return  # from the program, or stale: a later change is queued or already applied
        row = event.slider.parent
        if isinstance(row, MixerRow) and abs(self._mix_level(row.sound) - event.value) > 1e-9:
            self.set_level(row.sound, event.value)

    def _mix_level(self, sound: str) -> float:
        if sound == MASTER:
            return self.mix.master
        layer = self.mix.layer(sound)
        return layer.level if layer else 0.0

    def settle(self) -> None:
        """Take into the mix the slider moves whose messages are still queued, so that a key
        pressed right after them (`→ → m`) sees them. The program only moves a slider after
        changing the mix, so a slider that differs from the mix was moved by the user."""
        for row in self.all_rows():
            if abs(row.slider.value - self._mix_level(row.sound)) > 1e-9:
                self.set_level(row.sound, row.slider.value)

    @on(MuteMark.Clicked)
    def mute_clicked(self, event: MuteMark.Clicked) -> None:
        self.toggle_mute(event.sound)

    def toggle_mute(self, sound: str) -> None:
        self.settle()
        layer = self.mix.layer(sound)
        if layer is None:
            self.notify("this sound is not in the mix: raise its level first", timeout=3)
            return
        self.change_mix(self.mix.with_muted(sound, not layer.muted))

    # ------------------------------------------------------------------ row keys
    def action_move(self, step: int) -> None:
        rows = self.visible_rows()
        if not rows:
            return
        current = self.focused_row()
        if current not in rows:
            target = rows[0] if step > 0 else rows[-1]
        else:
            index = rows.index(current) + step
            target = rows[max(0, min(len(rows) - 1, index))]
        self.focus_row(target)

    def focus_row(self, row: MixerRow) -> None:
        """Focus `row` now. `Widget.focus` defers the change until after the keys already
        queued, so each key of a burst would still see the row the burst started on (10 quick
        presses of ↓ moved 7 rows); setting it on the screen at once keeps every key."""
        self.screen.set_focus(row.slider)
        row.scroll_visible()

    def action_digit(self, n: int) -> None:
        row = self.focused_row()
        if row is not None:
            self.set_level(row.sound, n / 10)

    def action_mute(self) -> None:
        row = self.focused_row()
        if row is None:
            return
        if row.sound == MASTER:
            self.action_pause()
        else:
            self.toggle_mute(row.sound)

    # ------------------------------------------------------------------ the living mix
    def action_shape(self, name: str, direction: int) -> None:
        """Step the focused row's drift, intensity, now-and-then or motion."""
        from ambience.library.describe import setting_words, step

        row = self.focused_row()
        if row is None:
            return
        if row.sound == MASTER:
            self.notify("drift, intensity, now and then and motion belong to each sound: "
                        "move to a sound's row", timeout=3)
            return
        self.settle()
        layer = self.mix.layer(row.sound)
        if layer is None:
            self.notify("this sound is not in the mix: raise its level first", timeout=3)
            return
        info = self.catalog.get(row.sound)
        words = info.intensity if info is not None else None
        if name == "intensity" and words is None:
            having = ", ".join(i.name.lower() for i in self.catalog if i.intensity)
            self.notify(f"{row.title} has no intensity to change; these have: {having}",
                        timeout=4)
            return
        value = step(name, getattr(layer, name), direction)
        self.change_mix(self.mix.with_shaping(row.sound, **{name: value}))
        text = setting_words(name, value, words)
        if name == "motion" and value and not self.mix.headphones:
            text += " (p: headphones mode moves it around your head)"
        self.notify(f"{row.title}: {text}", timeout=3)

    def action_headphones(self) -> None:
        """Headphones mode on or off, remembered as the user's setting."""
        from ambience.library.settings import remember_output

        on = not self.mix.headphones
        self.headphones_flag = None  # said now: the remembered setting rules from here on
        self.change_mix(self.mix.with_headphones(on))
        try:
            remember_output(on)
            remembered = " (remembered)"
        except OSError as exc:
            remembered = f" (not remembered: {saving.plain_reason(exc)})"
        self.notify(("headphones mode: close-up sounds are placed around your head"
                     if on else "speakers mode: plain panning") + remembered,
                    title="Headphones" if on else "Speakers", timeout=4)

    def action_breathing(self) -> None:
        """The breathing pacer on (at its last rate) or off."""
        mix = self.mix
        if mix.breathing:
            self._last_breathing = mix.breathing
            self.change_mix(mix.with_breathing(0.0))
            self.notify("breathing pacer off", timeout=3)
            return
        self._pace(self._last_breathing)

    def action_breathing_rate(self) -> None:
        """The next rate of the pacer (switching it on when off)."""
        now = self.mix.breathing or self._last_breathing
        later = [r for r in BREATHING_RATES if r > now]
        rate = later[0] if later else BREATHING_RATES[0]
        if not self.mix.breathing:
            rate = now
        self._pace(rate)

    def _pace(self, rate: float) -> None:
        self._last_breathing = rate
        self.change_mix(self.mix.with_breathing(rate))
        breath = 60.0 / rate
        inhale = self.mix.inhale
        self.notify(f"breathing pacer: {rate:g} breaths a minute; breathe in as the sound "
                    f"rises ({breath * inhale:.0f} s), out as it falls "
                    f"({breath * (1 - inhale):.0f} s)", timeout=5)

    # ------------------------------------------------------------------ pause
    def show_paused(self, paused: bool) -> None:
        """Show the pause state everywhere (display only): the header, a banner, dimmed
        rows, meters standing still, and the footer offering Resume instead of Pause.
        Cheap when nothing changed: `_show_timer` calls it at every poll."""
        if paused == self.has_class("-paused"):
            return
        self.header.paused = paused
        self.set_class(paused, "-paused")
        self.meters.paused = paused
        self.breath.set_paused(paused)
        self.refresh_bindings()

    def action_resume(self) -> None:
        self.action_pause()

    def action_pause(self) -> None:
        paused = self.session.toggle_pause()
        self._show_timer()
        if paused:
            self.notify("paused: space resumes", timeout=2)

    # ------------------------------------------------------------------ sleep timer
    def countdown_text(self) -> str:
        if self.sleep is None:
            return ""
        from ambience.core.durations import format_clock

        return format_clock(self.sleep.remaining(self.clock()))

    def action_timer(self) -> None:
        from ambience.tui.screens.timer import TimerDialog

        self.push_screen(TimerDialog(self.countdown_text(), saving.timer_defaults(self.preset)),
                         self.timer_chosen)

    def timer_chosen(self, request) -> None:
        if request is None:
            return
        from ambience.tui.screens.timer import describe

        if request.duration is None:
            self.cancel_timer()
        else:
            self.start_timer(request.duration, request.fade, request.then)
        self.notify(describe(request), timeout=3)

    def start_timer(self, duration: float, fade: float | None = None, then: str = "stop") -> None:
        self.session.start_timer(duration, fade, then)
        self._show_timer()

    def cancel_timer(self) -> None:
        self.session.cancel_timer()
        self._show_timer()

    def action_timer_step(self, direction: int) -> None:
        if not self.session.adjust_timer(direction * TIMER_STEP):
            self.notify("no sleep timer is running: t starts one", timeout=3)
            return
        self.check_timer()  # shortened past its end: it ends now
        if self.sleep is not None:
            self.notify(f"sleep timer: {self.countdown_text()} left", timeout=2)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "timer_step" and self.sleep is None:
            return False  # hidden from the footer until a timer runs
        if action in ("pause", "resume"):
            # one space key in the footer; from the app's class, which outlives the screens
            return self.has_class("-paused") == (action == "resume")
        return True

    def check_timer(self) -> None:
        """Let time pass in the session (called every POLL seconds, and by tests with an
        injected clock): re-anchor the fade, and carry out the timer's end."""
        for event in self.session.tick():
            if event.kind != "ended":
                continue
            if event.then == "quit":
                self.notify("sleep timer ended: quitting", timeout=2)
                if event.quiet_in > 0:
                    self._quitting = True
                    self.set_timer(event.quiet_in + 0.05, self._finish_quit)
                else:
                    self._finish_quit()
            else:
                self.notify("sleep timer ended: stopped (space plays again)", timeout=5)
        self._show_timer()

    def _keep_awake(self) -> None:
        """`--inhibit-sleep`: awake while the sound plays, not paused or ended."""
        if self.inhibitor is not None:
            self.inhibitor.want(not self.session.silent and self.bridge.live)

    def _show_timer(self) -> None:
        """The header's view of pause and the timer."""
        header = self.header
        self.show_paused(self.session.silent)
        self._keep_awake()
        header.countdown = self.countdown_text()
        state = self.session.timer_state(self.clock())
        fading = state is not None and state.phase == "fading"
        header.fade_progress = state.fade_progress if fading else None
        if self._ticker is not None:
            (self._ticker.pause if self.sleep is None else self._ticker.resume)()
        if (self.sleep is None) != self._footer_timerless:
            self._footer_timerless = self.sleep is None
            self.refresh_bindings()

    # ------------------------------------------------------------------ presets
    def save_session(self) -> None:
        """Write the last session when due; a failure is shown once (naming the folder and
        the reason) and retried at every poll until it works."""
        self.debouncer.poll()
        error = self.debouncer.last_error
        if error and error != self._session_error:
            self.notify(error, title="Last session not saved", severity="error", timeout=10)
        elif not error and self._session_error:
            self.notify("the last session is saved again", timeout=3)
        self._session_error = error

    def action_save(self) -> None:
        from ambience.tui.screens.save import SaveDialog

        self.settle()
        self.push_screen(
            SaveDialog(self.preset_name if self.preset else "", saving.preset_exists,
                       summary=saving.mix_summary(self.mix), save=self.save_preset))

    def save_preset(self, request) -> str | None:
        """Save the mix under `request.name`; None, or why it failed in plain words (the
        dialog stays open with it)."""
        try:
            preset, path = saving.save_mix(self.mix, request.name, self.preset,
                                           request.overwrite, self.catalog)
        except Exception as exc:  # PresetExists, PresetError, OSError: all shown, none fatal
            return saving.plain_reason(exc)
        self.preset = preset
        self.saved_mix = self.mix
        self.debouncer.base = preset
        self.debouncer.feed(self.mix)
        self.header.preset = preset.name
        self.header.dirty = False
        self.notify(f"saved “{preset.name}” to {path}", title="Saved", timeout=4)
        return None

    def action_open(self) -> None:
        from ambience.tui.screens.open import OpenDialog

        self.push_screen(OpenDialog(saving.all_presets(), saving.resolve_text), self.open_preset)

    def open_preset(self, preset) -> None:
        """Crossfade to `preset` over OPEN_RAMP seconds."""
        if preset is None:
            return
        headphones = self.listening(
            preset, lambda text: self.notify(text, severity="warning", timeout=8))
        mix, missing = preset.to_mix(self.catalog, headphones=headphones)
        self.preset = preset
        self.saved_mix = mix
        self.debouncer.base = preset
        self.header.preset = preset.name
        if mix.breathing:
            self._last_breathing = mix.breathing
        self.change_mix(mix, ramp=OPEN_RAMP)
        self.notify(f"opened “{preset.name}”", title="Loaded", timeout=3)
        if preset.for_headphones and not headphones:
            self.notify(f"“{preset.name}” is made for headphones: p switches headphones mode "
                        "on", timeout=6)
        if missing:
            self.notify(saving.missing_text(missing), severity="warning", timeout=8)
        if self.active_only:
            self._apply_filters()

    # ------------------------------------------------------------------ filters
    def action_active_only(self) -> None:
        self.active_only = not self.active_only
        self._apply_filters()
        self.notify("showing active layers only" if self.active_only else "showing all sounds",
                    timeout=2)

    def filter_box(self) -> Input | None:
        """The filter box, once `/` made it (kept: `on_key` asks at every key)."""
        return self._filter

    async def action_filter(self) -> None:
        box = self.filter_box()
        if len(self.screen_stack) != 1 or (box is not None and box.has_focus):
            raise SkipAction()  # only over the rows: `/` is typed in dialogs and in the box
        if box is None:  # made on first use: one widget less to build before the first frame
            box = Input(placeholder="filter rows by name (escape clears)", id="filter")
            await self.mount(box, before=self.query_one("#body"))
            self._filter = box
        box.display = True
        box.cursor_blink = not self.is_headless
        self.screen.set_focus(box)  # at once: the keys typed right after `/` go to it

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.name_filter = event.value.strip().casefold()
        self._apply_filters()

    @on(Input.Submitted, "#filter")
    def filter_done(self, event: Input.Submitted) -> None:
        rows = [r for r in self.visible_rows() if r.sound != MASTER] or self.visible_rows()
        if rows:
            self.focus_row(rows[0])  # at once: a key typed right after Enter acts on it
        if not event.value.strip():
            event.input.display = False

    def on_key(self, event) -> None:
        box = self._filter
        if event.key == "escape" and box is not None and box.has_focus:
            event.stop()
            box.value = ""
            box.display = False
            self.name_filter = ""
            self._apply_filters()
            self.action_move(1)

    def _apply_filters(self) -> None:
        for row in self.all_rows():
            if row.sound == MASTER:
                row.display = not self.name_filter
                continue
            layer = self.mix.layer(row.sound)
            active = layer is not None and layer.level > 0 and not layer.muted
            named = (not self.name_filter or self.name_filter in row.title.casefold()
                     or self.name_filter in row.sound)
            row.display = named and (active or not self.active_only)
        for category, sounds in self.catalog.by_category().items():
            shown = any((r := self.row(i.id)) is not None and r.display for i in sounds)
            self.query_one(f"#cat-{category}").display = shown
        focused = self.focused_row()
        if focused is not None and not focused.display:
            rows = self.visible_rows()
            if rows:
                self.focus_row(rows[0])

    # ------------------------------------------------------------------ help, quit
    def action_help(self) -> None:
        from ambience.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_quit_fade(self) -> None:
        """Fade out, then quit; a second `q` quits at once."""
        if self._quitting or not self.bridge.live or self.paused:
            self._finish_quit()
            return
        self._quitting = True
        self.session.fade_out(QUIT_FADE)
        self.notify("fading out…", timeout=QUIT_FADE)
        self.set_timer(QUIT_FADE + 0.05, self._finish_quit)

    def _finish_quit(self) -> None:
        self._quitting = True
        self.debouncer.flush()
        self.exit(0)


def run_app(audio: str = "auto", device: str | int | None = None, control=None,
            inhibit_sleep: bool = False, headphones: bool | None = None) -> int:
    """Entry point of `ambience` with no command; `control` is its claimed control socket."""
    app = AmbienceApp(audio=audio, device=device, control=control, inhibit_sleep=inhibit_sleep,
                      headphones=headphones)
    result = app.run()
    return int(result or app.return_code or 0)
