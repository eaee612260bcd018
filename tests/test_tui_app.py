"""Pilot tests of the mixer: every key and mouse action, asserted on a real engine
(manual back-end, advanced with `render`) and on the widgets.

Each test boots and closes the whole mixer (about 0.4 CPU-s), so the quick tier keeps one test
per area (start, rows, levels, mute, pause, timer, save, open, filter, help, quit, mouse, no
device, a slow start) and the others are marked `slow`: the full suite runs them all."""

from __future__ import annotations

import json

import pytest
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from ambience.library import paths
from ambience.engine import AudioUnavailable, Engine
from ambience.core.mix import Layer, Mix
from ambience.library.preset import load_preset, preset_from_mix, save_preset
from ambience.library.presets import save_last_session, user_preset_path
from ambience.library.share import encode_share_line
from ambience.session import END_FADE
from ambience.tui.app import OPEN_RAMP, QUIT_FADE, TIMER_STEP, AmbienceApp
from ambience.tui.screens.confirm import ConfirmScreen
from ambience.tui.screens.help import HelpScreen
from ambience.tui.screens.open import OpenDialog
from ambience.tui.screens.save import SaveDialog
from ambience.tui.screens.timer import TimerDialog
from ambience.tui.widgets.mixer_row import MASTER, MixerRow, MuteMark
from tests.conftest import Clock

SIZE = (100, 32)
START = Mix(0.8, (Layer("brown", 0.5), Layer("pink", 0.2)))


@pytest.fixture(autouse=True)
def xdg(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / var.lower()
        folder.mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(folder))
    return tmp_path


def with_session(mix: Mix = START, name: str = "Test mix") -> None:
    save_last_session(preset_from_mix(mix, name))


def make_app(audio: str = "manual", clock=None, session: Mix | None = START, **kw) -> AmbienceApp:
    if session is not None:
        with_session(session)
    return AmbienceApp(
        audio, engine_factory=lambda: Engine(audio, seed=7), clock=clock or Clock(), **kw
    )


class Settled:
    """The app's real engine, read only once the bridge thread has handed it every request
    made so far (the interface never calls the engine from its own thread)."""

    def __init__(self, app: AmbienceApp) -> None:
        self._app = app
        self._engine = app.engine

    def __getattr__(self, name: str):
        assert self._app.bridge.wait_idle(), "the bridge thread is stuck"
        return getattr(self._engine, name)


async def ready(pilot):
    app = pilot.app
    for _ in range(300):
        if app.engine is not None or app.no_sound_reason:
            await pilot.pause()
            return Settled(app) if app.engine is not None else None
        await pilot.pause(0.02)
    raise AssertionError("the engine never reported back")


def level(app: AmbienceApp, sound: str) -> float:
    layer = app.mix.layer(sound)
    return layer.level if layer else 0.0


def engine_level(app: AmbienceApp, sound: str) -> float:
    layer = Settled(app).mix.layer(sound)
    return layer.level if layer else 0.0


def pct(app: AmbienceApp, sound: str) -> str:
    return str(app.row(sound).query_one(".pct").render()).strip()


async def focus(pilot, sound: str) -> None:
    pilot.app.row(sound).slider.focus()
    await pilot.pause()


# ---------------------------------------------------------------------- start
async def test_start_restores_last_session_and_fades_in():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        assert app.mix == START
        assert engine.mix == START
        assert app.header.preset == "Test mix"
        engine.render(1.0, capture=False)
        assert 0.0 < engine.master_envelope_value() < 0.9  # still fading in
        engine.render(2.5, capture=False)
        assert engine.master_envelope_value() == pytest.approx(1.0, abs=1e-3)
        assert set(engine.playing()) == {"brown", "pink"}
        assert pct(app, "brown") == "50 %"


@pytest.mark.slow
async def test_first_start_plays_the_default_preset():
    from ambience.library.catalog import load_catalog
    from ambience.library.presets import default_preset

    app = make_app(session=None)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        expected = default_preset()
        if expected is None:
            assert app.mix.layers  # the built-in fallback
        else:
            assert app.preset.name == expected.name
            assert app.mix == expected.to_mix(load_catalog())[0]


@pytest.mark.slow
async def test_a_collector_held_for_the_launch_resumes_once_the_window_is_drawn():
    import gc

    from ambience.tui import startup

    startup.hold_collector()  # what `ambience` does before importing Textual
    try:
        assert not gc.isenabled()
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)  # the engine boots after the first frame, so has the collector
            assert gc.isenabled()
    finally:
        startup.release_collector()
        gc.enable()
        gc.unfreeze()


async def test_every_catalog_sound_has_a_row_grouped_by_category():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        sounds = [r.sound for r in app.query(MixerRow)]
        assert sounds[0] == MASTER
        expected = [i.id for group in app.catalog.by_category().values() for i in group]
        assert sounds[1:] == expected
        for category in app.catalog.by_category():
            assert app.query_one(f"#cat-{category}").display


@pytest.mark.slow
async def test_sound_the_engine_cannot_build_shows_but_stays_silent():
    from ambience.library.catalog import SoundInfo, load_catalog

    catalog = load_catalog()
    catalog.sounds["zz-future"] = SoundInfo("zz-future", "Future sound", "nature")
    with_session()
    app = AmbienceApp("manual", engine_factory=lambda: Engine("manual", catalog=catalog),
                      catalog=catalog, clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        row = app.row("zz-future")
        assert row is not None and row.has_class("-unavailable")
        await focus(pilot, "zz-future")
        await pilot.press("6")
        assert level(app, "zz-future") == 0.6  # kept in the mix (and in saved presets)
        assert engine.mix.layer("zz-future") is None
        assert "zz-future" not in engine.playing()
        assert set(engine.mix.gains()) == {"brown", "pink"}


# ---------------------------------------------------------------------- keys
async def test_up_down_and_j_k_move_between_rows():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        rows = [r.sound for r in app.query(MixerRow)]
        assert app.focused_row().sound == rows[1]  # first sound row
        await pilot.press("down")
        assert app.focused_row().sound == rows[2]
        await pilot.press("j")
        assert app.focused_row().sound == rows[3]
        await pilot.press("k")
        assert app.focused_row().sound == rows[2]
        await pilot.press("up", "up")
        assert app.focused_row().sound == MASTER
        await pilot.press("up")
        assert app.focused_row().sound == MASTER  # stays on the first row


async def test_left_right_h_l_step_five_percent_and_shift_one_percent():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "brown")
        await pilot.press("right")
        assert level(app, "brown") == pytest.approx(0.55)
        await pilot.press("l", "l")
        assert level(app, "brown") == pytest.approx(0.65)
        await pilot.press("left", "h")
        assert level(app, "brown") == pytest.approx(0.55)
        await pilot.press("shift+right")
        assert level(app, "brown") == pytest.approx(0.56)
        await pilot.press("shift+left", "shift+left")
        assert level(app, "brown") == pytest.approx(0.54)
        await pilot.press("L", "L", "H")
        assert level(app, "brown") == pytest.approx(0.55)
        await pilot.press("shift+left")
        assert engine_level(app, "brown") == pytest.approx(0.54)
        assert pct(app, "brown") == "54 %"
        assert app.header.dirty


@pytest.mark.slow
async def test_master_row_moves_the_engine_master():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, MASTER)
        await pilot.press("left")
        assert app.mix.master == pytest.approx(0.75)
        assert Settled(app).mix.master == pytest.approx(0.75)


async def test_digits_set_zero_to_ninety_percent():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        await focus(pilot, "white")
        for n in range(1, 10):
            await pilot.press(str(n))
            assert level(app, "white") == pytest.approx(n / 10)
            assert engine_level(app, "white") == pytest.approx(n / 10)
        assert "white" in engine.playing()
        await pilot.press("0")
        assert app.mix.layer("white") is None
        engine.render(2.0, capture=False)  # the 1.5 s fade-out, then the layer stops
        assert "white" not in engine.playing()


async def test_m_mutes_and_unmutes_the_row():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        await focus(pilot, "brown")
        await pilot.press("m")
        assert engine.mix.layer("brown").muted
        assert engine.mix.gains()["brown"] == 0.0
        assert str(app.row("brown").query_one(MuteMark).render()).strip() == "M"
        assert app.row("brown").has_class("-muted")
        await pilot.press("m")
        assert not engine.mix.layer("brown").muted
        assert engine.mix.layer("brown").level == 0.5  # the position was kept


async def test_space_pauses_and_resumes_with_a_short_fade():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        await pilot.press("space")
        assert app.paused and app.header.paused
        engine.render(0.2, capture=False)
        assert 0.2 < engine.master_envelope_value() < 0.8  # linear, half-way
        engine.render(0.3, capture=False)
        assert engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        await pilot.press("space")
        assert not app.paused
        engine.render(0.5, capture=False)
        assert engine.master_envelope_value() == pytest.approx(1.0, abs=1e-3)
        assert engine.mix == START  # the mix itself never changed


@pytest.mark.slow
async def test_resume_during_a_sleep_timer_returns_to_the_timer_curve():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        app.start_timer(60.0, fade=40.0)
        clock.t += 40.0  # half-way through the fade
        await pilot.press("space")
        engine.render(0.5, capture=False)
        assert engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        await pilot.press("space")
        engine.render(0.45, capture=False)
        expected = app.sleep.gain_at(clock.t + 0.4)
        assert 0.0 < expected < 0.5
        assert engine.master_envelope_value() == pytest.approx(expected, rel=0.05)


async def test_t_opens_the_timer_dialog_and_a_quick_button_starts_it():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, TimerDialog)
        await pilot.click("#quick-30")
        await pilot.pause()
        assert not isinstance(app.screen, TimerDialog)
        assert app.sleep is not None and app.sleep.remaining() == pytest.approx(1800)
        assert app.sleep.then == "stop"
        assert app.header.countdown == "30:00"
        clock.t += 61
        app.header.tick()
        assert app.header.countdown == "28:59"


@pytest.mark.slow
async def test_timer_dialog_takes_a_typed_duration_fade_and_end_action():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.press(*"1h30m")
        app.screen.query_one("#fade", Input).value = "5m"
        await pilot.click("#then-quit")
        app.screen.query_one("#duration", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.sleep.remaining() == pytest.approx(5400)
        assert app.sleep.fade == 300
        assert app.sleep.then == "quit"


@pytest.mark.slow
async def test_timer_dialog_refuses_a_bad_duration():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.press(*"soon", "enter")
        assert isinstance(app.screen, TimerDialog)
        assert "not a duration" in str(app.screen.query_one("#error").render())
        assert app.sleep is None


@pytest.mark.slow
async def test_plus_and_minus_extend_and_shorten_a_running_timer():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("plus")  # no timer: nothing happens
        assert app.sleep is None
        app.start_timer(1800.0)
        await pilot.press("plus")
        assert app.sleep.remaining() == pytest.approx(1800 + TIMER_STEP)
        await pilot.press("minus", "minus")
        assert app.sleep.remaining() == pytest.approx(1800 - TIMER_STEP)
        assert app.header.countdown == "25:00"


async def test_timer_end_fades_to_silence_then_stops():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        app.start_timer(4.0, fade=3.0, then="stop")
        engine.render(2.0, capture=False)
        assert 0.0 < engine.master_envelope_value() < 1.0
        engine.render(2.2, capture=False)
        assert engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        clock.t += 4.2
        app.check_timer()
        await pilot.pause()
        assert app.sleep is None and app.paused
        assert app.is_running
        await pilot.press("space")  # plays again
        engine.render(0.5, capture=False)
        assert engine.master_envelope_value() == pytest.approx(1.0, abs=1e-3)


@pytest.mark.slow
async def test_timer_end_action_quit_exits():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.start_timer(10.0, then="quit")
        clock.t += 5
        app.check_timer()  # too early: nothing happens
        assert app.is_running and app.sleep is not None
        clock.t += 6
        app.check_timer()
        await pilot.pause()
    assert app.return_value == 0


@pytest.mark.slow
async def test_minus_past_the_end_of_a_quit_timer_fades_out_and_quits():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        app.start_timer(240.0, then="quit")  # under five minutes left
        await pilot.press("minus")
        assert app.sleep is None and app.header.countdown == ""
        engine.render(END_FADE + 0.1, capture=False)
        assert engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        await pilot.pause(END_FADE + 0.3)
    assert app.return_value == 0


@pytest.mark.slow
async def test_minus_past_the_end_of_a_stop_timer_stops_and_space_plays_again():
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        app.start_timer(240.0, then="stop")
        await pilot.press("minus")
        engine.render(END_FADE + 0.1, capture=False)
        app.check_timer()
        assert app.paused and app.header.paused and app.header.countdown == ""
        engine.render(0.2, capture=False)
        assert engine.playing() == []
        await pilot.press("space")
        engine.render(0.5, capture=False)
        assert engine.master_envelope_value() == pytest.approx(1.0, abs=1e-3)
        assert sorted(engine.playing()) == ["brown", "pink"]
        assert app.is_running


async def test_ctrl_s_saves_the_mix_as_a_user_preset():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "brown")
        await pilot.press("7")
        assert app.header.dirty
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveDialog)
        name = app.screen.query_one("#name", Input)
        name.value = ""
        await pilot.press(*"Night owl", "enter")
        await pilot.pause()
        saved = load_preset(user_preset_path("Night owl"))
        assert saved.name == "Night owl"
        assert [(l.sound, l.level) for l in saved.layers] == [("brown", 0.7), ("pink", 0.2)]
        assert saved.master == 0.8
        assert app.header.preset == "Night owl" and not app.header.dirty


@pytest.mark.slow
async def test_a_failed_save_keeps_the_dialog_open_with_the_reason_in_plain_words(xdg):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        folder = user_preset_path("Night owl").parent
        folder.parent.mkdir(parents=True, exist_ok=True)
        # a file where the presets folder should be: the write fails, also for root
        folder.write_text("not a folder")
        await pilot.press("ctrl+s")
        await pilot.press(*"Night owl", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)  # still open, the name kept
        error = str(app.screen.query_one("#error").render())
        assert error.startswith("not saved:")
        assert ".tmp" not in error and "Traceback" not in error
        assert app.screen.query_one("#name", Input).value == "Night owl"


@pytest.mark.slow
async def test_a_failed_autosave_is_shown_once_naming_the_folder_and_retried(xdg, monkeypatch):
    from ambience.library import presets

    failures = {"left": 2}
    real = presets.save_last_session

    def flaky(preset):
        if failures["left"]:
            failures["left"] -= 1
            raise PermissionError(13, "Permission denied", str(presets.last_session_path()))
        return real(preset)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.debouncer.write = flaky
        app.debouncer.interval = 0.0
        shown = []
        monkeypatch.setattr(app, "notify", lambda text, **kw: shown.append(text))
        app.set_level("brown", 0.9)
        app.save_session()
        app.save_session()
        errors = [t for t in shown if "could not be saved" in t]
        assert len(errors) == 1  # once, not at every retry
        assert str(presets.last_session_path().parent) in errors[0]
        assert "Permission denied" in errors[0]
        app.save_session()  # the third try works
        assert "saved again" in shown[-1]
        assert load_preset(presets.last_session_path()).layers[0].level == 0.9


@pytest.mark.slow
async def test_skipped_sound_files_and_presets_are_named_in_one_toast_at_start(xdg):
    sounds = xdg / "xdg_data_home" / "ambience" / "sounds"
    sounds.mkdir(parents=True)
    (sounds / "broken.flac").write_bytes(b"not audio at all")
    presets_dir = user_preset_path("x").parent
    presets_dir.mkdir(parents=True, exist_ok=True)
    (presets_dir / "bad.toml").write_text("format = 1\nname = \n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        toasts = [n.message for n in app._notifications]
        skipped = [t for t in toasts if t.startswith("skipped")]
        assert len(skipped) == 1
        assert "broken.flac" in skipped[0] and "bad.toml" in skipped[0]


@pytest.mark.slow
async def test_saving_over_a_preset_asks_first():
    app = make_app()
    save_preset(preset_from_mix(Mix(1.0, (Layer("white", 0.1),)), "Mine"),
                user_preset_path("Mine"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        app.screen.query_one("#name", Input).value = "Mine"
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: back in the save dialog, nothing written
        assert isinstance(app.screen, SaveDialog)
        assert load_preset(user_preset_path("Mine")).layers[0].sound == "white"
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, SaveDialog))
        assert load_preset(user_preset_path("Mine")).sounds() == ["brown", "pink"]


async def test_o_opens_a_preset_from_the_list_with_a_crossfade():
    target = Mix(0.9, (Layer("white", 0.4),))
    save_preset(preset_from_mix(target, "Whitewash"), user_preset_path("Whitewash"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        await pilot.press("o")
        assert isinstance(app.screen, OpenDialog)
        await pilot.press(*"whitewash")
        assert [p.name for p in app.screen.shown] == ["Whitewash"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.mix == target and engine.mix == target
        assert app.header.preset == "Whitewash" and not app.header.dirty
        engine.render(OPEN_RAMP / 2, capture=False)
        assert {"brown", "pink", "white"} <= set(engine.playing())  # crossfading
        engine.render(OPEN_RAMP / 2 + 0.3, capture=False)
        assert set(engine.playing()) == {"white"}


@pytest.mark.slow
async def test_open_dialog_accepts_a_pasted_path_and_a_share_line(tmp_path):
    path = tmp_path / "friend.toml"
    save_preset(preset_from_mix(Mix(1.0, (Layer("pink", 0.3),)), "From a file"), path)
    line = encode_share_line(preset_from_mix(Mix(0.5, (Layer("white", 0.6),)), "Shared"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("o")
        app.screen.query_one("#ref", Input).post_message(events.Paste(str(path)))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.preset.name == "From a file"
        assert Settled(app).mix == Mix(1.0, (Layer("pink", 0.3),))
        await pilot.press("o")
        app.screen.query_one("#ref", Input).post_message(events.Paste(line))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.preset.name == "Shared"
        assert Settled(app).mix == Mix(0.5, (Layer("white", 0.6),))


@pytest.mark.slow
async def test_open_dialog_explains_a_broken_share_line():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("o")
        app.screen.query_one("#ref", Input).post_message(events.Paste("ambience:1:AAAA"))
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, OpenDialog)
        assert "changed or cut short" in str(app.screen.query_one("#error").render())
        assert app.mix == START


@pytest.mark.slow
async def test_a_shows_only_active_layers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("a")
        shown = {r.sound for r in app.query(MixerRow) if r.display}
        assert shown == {MASTER, "brown", "pink"}
        await pilot.press("a")
        assert all(r.display for r in app.query(MixerRow))


async def test_slash_filters_rows_by_name_and_escape_clears():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        assert app.query_one("#filter", Input).has_focus
        await pilot.press(*"pink")
        shown = [r.sound for r in app.query(MixerRow) if r.display]
        assert shown == ["pink"]
        await pilot.press("enter")
        assert app.focused_row().sound == "pink"
        await pilot.press("l")
        assert level(app, "pink") == pytest.approx(0.25)
        await pilot.press("slash", "escape")
        assert all(r.display for r in app.query(MixerRow))
        assert not app.query_one("#filter", Input).display


@pytest.mark.parametrize("key", ["f1", pytest.param("question_mark", marks=pytest.mark.slow)])
async def test_help_opens_on_f1_and_question_mark(key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-text")
        assert "sleep timer" in "".join(s.text for s in keys.render_lines(keys.size.region))
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_fades_out_then_quits():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(3.5, capture=False)
        await pilot.press("q")
        assert app.is_running  # fading first
        engine.render(QUIT_FADE + 0.05, capture=False)
        assert engine.master_envelope_value() == pytest.approx(0.0, abs=1e-4)
        await pilot.pause(QUIT_FADE + 0.3)
    assert app.return_value == 0
    assert app.engine is None  # closed on unmount


@pytest.mark.slow
async def test_quitting_remembers_the_mix_for_next_time():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "brown")
        await pilot.press("3")
        await pilot.press("q", "q")  # a second q leaves at once
    again = make_app(session=None)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert level(again, "brown") == pytest.approx(0.3)


# ---------------------------------------------------------------------- mouse
async def test_click_and_drag_on_a_slider_set_the_level():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        slider = app.row("white").slider
        width = slider.content_region.width
        await pilot.click(slider, offset=(width - 1, 0))
        assert level(app, "white") == 1.0
        assert engine_level(app, "white") == 1.0
        await pilot.mouse_down(slider, offset=(0, 0))
        assert app.mix.layer("white") is None
        await pilot.hover(slider, offset=((width - 1) // 2, 0))
        await pilot.mouse_up(slider, offset=((width - 1) // 2, 0))
        assert level(app, "white") == pytest.approx(0.5, abs=0.02)
        assert app.focused is slider


@pytest.mark.slow
async def test_scrolling_over_a_slider_steps_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        slider = app.row("brown").slider
        # Pilot has no wheel helper; post the events the way Pilot posts clicks
        await pilot._post_mouse_events([events.MouseScrollUp], widget=slider, offset=(2, 0))
        await pilot.pause()
        assert level(app, "brown") == pytest.approx(0.55)
        for _ in range(2):
            await pilot._post_mouse_events([events.MouseScrollDown], widget=slider, offset=(2, 0))
        await pilot.pause()
        assert level(app, "brown") == pytest.approx(0.45)
        assert engine_level(app, "brown") == pytest.approx(0.45)


@pytest.mark.slow
async def test_clicking_the_mute_mark_mutes():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        await pilot.click(app.row("pink").query_one(MuteMark))
        assert engine.mix.layer("pink").muted
        await pilot.click(app.row("pink").query_one(MuteMark))
        assert not engine.mix.layer("pink").muted


# ---------------------------------------------------------------------- palette
@pytest.mark.slow
async def test_command_palette_offers_presets_and_opens_one():
    target = Mix(1.0, (Layer("white", 0.35),))
    save_preset(preset_from_mix(target, "Palette pick"), user_preset_path("Palette pick"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"palette pick")
        prompts = []
        for _ in range(50):
            await pilot.pause(0.05)
            options = app.screen.query_one(OptionList)
            prompts = [str(o.prompt) for o in options.options]
            if any("Palette pick" in p for p in prompts):
                break
        assert any("Open preset: Palette pick" in p for p in prompts)
        await pilot.press("enter")
        await pilot.pause()
        assert Settled(app).mix == target


# ---------------------------------------------------------------------- no sound
async def test_no_audio_device_still_opens_edits_and_saves():
    def no_device():
        raise AudioUnavailable("No audio output device was found. Use `--audio null`.")

    with_session()
    app = AmbienceApp("auto", engine_factory=no_device, clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.engine is None
        assert app.header.no_sound
        assert "No audio output device" in app.header.output
        assert any("No audio output device" in n.message for n in app._notifications)
        await focus(pilot, "brown")
        await pilot.press("9", "space", "space")
        assert level(app, "brown") == 0.9
        await pilot.press("ctrl+s")
        app.screen.query_one("#name", Input).value = "Silent"
        await pilot.press("enter")
        await pilot.pause()
        assert load_preset(user_preset_path("Silent")).layers[0].level == 0.9
        await pilot.press("q")
    assert app.return_value == 0


# ---------------------------------------------------------------------- meters, theme
@pytest.mark.slow
async def test_meters_show_the_injected_levels():
    from ambience.engine import Levels

    app = make_app(levels=lambda: Levels(master=(0.5, 0.5), layers={"brown": (1.0, 0.9)}))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause(0.25)
        from ambience.tui.widgets.meter import MeterColumn

        meters = app.query_one(MeterColumn)
        brown = meters.line_for(app.row("brown"))
        assert brown and brown == "█" * len(brown)
        assert meters.line_for(app.row("white")).strip() == ""
        assert meters.line_for(app.row(MASTER)).strip()


@pytest.mark.slow
async def test_meters_follow_the_real_engine():
    from ambience.tui.widgets.meter import MeterColumn

    app = make_app("null")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        meters = app.query_one(MeterColumn)
        for _ in range(100):  # until the fading-in sound reaches a meter (was a fixed 1.5 s)
            if meters.line_for(app.row("brown")).strip():
                break
            await pilot.pause(0.05)
        assert app.engine.levels().layers["brown"][0] > 0
        assert meters.line_for(app.row("brown")).strip()
        assert meters.line_for(app.row("white")).strip() == ""


@pytest.mark.slow
async def test_the_chosen_theme_is_remembered():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await pilot.pause()
    stored = json.loads((paths.user_config_dir() / "tui.json").read_text())
    assert stored["theme"] == "nord"
    again = make_app(session=None)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


@pytest.mark.slow
async def test_command_palette_runs_mixer_actions():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"pause or resume")
        for _ in range(50):
            await pilot.pause(0.05)
            if any("Pause or resume" in str(o.prompt)
                   for o in app.screen.query_one(OptionList).options):
                break
        await pilot.press("enter")
        await pilot.pause()
        assert app.paused


async def test_quitting_while_the_engine_still_boots_closes_it_and_exits():
    import threading
    import time

    built = []
    release = threading.Event()

    def slow_engine():
        release.wait(10)  # a slow sound server: done only after the window has closed
        engine = Engine("null")
        built.append(engine)
        return engine

    with_session()
    app = AmbienceApp("null", engine_factory=slow_engine, clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.engine is None
        await pilot.press("q")  # no engine yet: leaves at once
        threading.Timer(0.3, release.set).start()
    assert app.return_value == 0
    for _ in range(500):  # the boot worker closes what it built too late
        if built and built[0]._closed:  # the engine's own flag: no public "closed" yet
            break
        time.sleep(0.02)
    assert built and built[0]._closed
    assert built[0].playing() == []
    assert built[0].mix == Mix()  # never used after the window closed


@pytest.mark.slow
async def test_timer_dialog_offers_the_presets_own_timer():
    from ambience.library.preset import TimerDefaults

    preset = preset_from_mix(START, "Long night")
    preset.timer = TimerDefaults(duration="8h", fade="30m", then="quit")
    save_last_session(preset)
    app = make_app(session=None)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        assert app.screen.query_one("#duration", Input).value == "8h"
        await pilot.press("enter")
        await pilot.pause()
        assert app.sleep.remaining() == pytest.approx(8 * 3600)
        assert app.sleep.fade == 1800 and app.sleep.then == "quit"


@pytest.mark.slow
async def test_a_slow_layer_start_never_freezes_the_window():
    import threading

    from ambience.engine.sounds import SYNTHS

    release = threading.Event()  # the layer takes until the test has pressed every key
    built = threading.Event()

    def slow_layer(info, extra):
        if info.id == "white":
            release.wait(30.0)  # some synthesizers build tables before they can play
            built.set()
        return SYNTHS[info.id](sr=48000, **extra)

    with_session()
    app = AmbienceApp("manual", engine_factory=lambda: Engine("manual", layer_factory=slow_layer),
                      clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(0.1, capture=False)  # settled: brown and pink are playing
        await focus(pilot, "white")
        await pilot.press("5", "down", "7")
        assert not built.is_set()  # the window handled every key while the layer was built
        assert pct(app, "white") == "50 %"
        assert level(app, app.focused_row().sound) == 0.7
        release.set()
        assert "white" in engine.playing()  # and the engine got it once it was built
        assert built.is_set()


@pytest.mark.slow
async def test_a_file_that_disappears_while_playing_is_named_in_a_toast(xdg):
    import numpy as np
    import soundfile

    folder = xdg / "xdg_data_home" / "ambience" / "sounds"
    folder.mkdir(parents=True)
    going = folder / "going.flac"  # the user's own sound `going`
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(48000 * 20) / 48000)
    soundfile.write(str(going), np.stack([tone, tone], axis=1), 48000)
    app = make_app(session=Mix(1.0, (Layer("going", 0.5), Layer("pink", 0.2))))
    async with app.run_test(size=SIZE) as pilot:
        engine = await ready(pilot)
        engine.render(1.0, capture=False)
        going.unlink()
        engine.render(2.0, capture=False)
        for _ in range(100):
            toasts = [n.message for n in app._notifications]
            if any("disappeared" in t for t in toasts):
                break
            await pilot.pause(0.05)
        assert any("going.flac" in t and "disappeared" in t for t in toasts), toasts
        assert app.mix.layer("going") is not None  # the mix (and a saved preset) keeps it
