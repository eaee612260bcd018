"""The mixer's keys for the living mix (issues 18, 19): drift, intensity, now and then and
motion on the focused row, headphones mode and the breathing pacer with its guide."""

from __future__ import annotations

import tomllib

import pytest

from ambience.core.breathing import guide
from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.library.catalog import Catalog, SoundInfo
from ambience.library.preset import preset_from_mix
from ambience.library.presets import find_preset, load_last_session, save_last_session
from ambience.library.settings import settings_path
from ambience.tui.app import AmbienceApp
from ambience.tui.screens.save import SaveRequest

SOUNDS = [
    SoundInfo("rain", "Rain", "nature", "rain on leaves", intensity=("drizzle", "downpour")),
    SoundInfo("whisper", "Whisper", "asmr", "soft whispers", close=True),
    SoundInfo("brown", "Brown noise", "noise", "deep, soft noise"),
]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make_app(levels=None) -> AmbienceApp:
    save_last_session(preset_from_mix(Mix(0.8, (Layer("rain", 0.5), Layer("brown", 0.3))),
                                      "Evening"))
    catalog = Catalog({s.id: s for s in SOUNDS})
    return AmbienceApp("manual", engine_factory=lambda: Engine("manual", catalog=catalog, seed=2),
                       catalog=catalog, clock=Clock(), levels=levels)


class Reported:
    """The engine's level snapshot, with the pacer's clock as the engine reports it."""

    def __init__(self) -> None:
        self.master, self.layers, self.breath = (0.0, 0.0), {}, None


async def booted(pilot):
    app = pilot.app
    for _ in range(500):
        if app.engine is not None:
            await pilot.pause()
            return app.engine
        await pilot.pause(0.02)
    raise AssertionError("the engine never started")


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


def text(widget) -> str:
    return "".join(s.text for s in widget.render_lines(widget.size.region))


async def test_row_keys_step_each_setting_the_row_shows_it_and_it_reaches_engine_and_saves():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        engine = await booted(pilot)
        app.focus_row(app.row("rain"))
        await pilot.press("d", "d", "i", "n", "w", "D")
        rain = app.mix.layer("rain")
        assert (rain.drift, rain.intensity, rain.presence, rain.motion) == (0.25, 0.75, 0.75,
                                                                           0.25)
        assert app.row("rain").alive == "~ ▅ … ↔"
        assert "Rain: drizzle ···●· downpour" in toasts(app)
        assert "Rain: now and then, 75 % of the time" in toasts(app)
        assert "drifts ±1.5 dB · drizzle ···●· downpour" in text(app.query_one("#status"))
        assert app.bridge.wait_idle() and engine.mix.layer("rain") == rain
        # a sound without an intensity, and a sound not in the mix, are told, not changed
        before = app.mix
        app.focus_row(app.row("brown"))
        await pilot.press("i")
        app.focus_row(app.row("whisper"))
        await pilot.press("w")
        assert app.mix == before
        assert any(t.startswith("Brown noise has no intensity to change") for t in toasts(app))
        assert "this sound is not in the mix: raise its level first" in toasts(app)
        assert app.save_preset(SaveRequest("Storm", False)) is None
        app.debouncer.flush()
    for preset in (load_last_session(), find_preset("Storm")):
        saved = preset.layers[0]
        assert (saved.sound, saved.shaping) == ("rain", {"drift": 0.25, "intensity": 0.75,
                                                          "presence": 0.75, "motion": 0.25})


@pytest.mark.slow
async def test_p_switches_headphones_and_remembers_it_b_paces_the_breath_with_a_guide():
    reported = Reported()
    app = make_app(levels=lambda: reported)
    async with app.run_test(size=(80, 24)) as pilot:
        await booted(pilot)
        await pilot.press("p")
        assert app.mix.headphones and app.header.headphones
        assert not app.header.dirty  # the listener's mode, not the preset's
        assert tomllib.loads(settings_path().read_text()) == {"output": "headphones"}
        guide_line = app.query_one("#breath")
        assert not guide_line.display
        await pilot.press("b")
        assert app.mix.breathing == 6.0 and guide_line.display
        app.clock.t += 2.0  # half-way through breathing in (4 s in, 6 s out)
        guide_line.refresh()
        await pilot.pause()
        shown = text(guide_line)
        assert "breathe in" in shown and "6 a minute" in shown
        assert shown.count("█") == round(guide(2.0, 6.0, 0.4).fill * 40)  # half the bar
        app.clock.t += 3.0
        guide_line.refresh()
        await pilot.pause()
        assert "breathe out" in text(guide_line)
        await pilot.press("B")  # 7 a minute: the guide keeps its place in the breath
        assert app.mix.breathing == 7.0
        assert app.breath.elapsed() / (60 / 7) == pytest.approx(5.0 / 10.0)
        # once the engine reports its pacer's clock, the guide shows that
        reported.breath = 1.0
        app.clock.t += 0.05  # the next tick
        assert app.breath.elapsed() == 1.0
        app.clock.t += 0.1  # and runs on between reports
        assert app.breath.elapsed() == pytest.approx(1.1)
        await pilot.press("b")
        assert app.mix.breathing == 0.0 and not guide_line.display
        await pilot.press("b")  # back on at the rate it had
        assert app.mix.breathing == 7.0


@pytest.mark.slow  # boots the whole mixer (the row itself is in test_tui_widgets)
async def test_a_row_the_engine_reports_away_reads_away_and_the_status_line_says_it_comes_back():
    from ambience.engine import Levels

    reported = {"away": frozenset({"rain"})}
    app = make_app(levels=lambda: Levels(away=reported["away"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await booted(pilot)
        app.focus_row(app.row("rain"))
        await pilot.press("n", "n", "n")  # now and then, 25 % of the time
        assert app.mix.layer("rain").presence == 0.25
        app.show_away()  # what the 1 s poll does
        await pilot.pause()
        rain, brown = app.row("rain"), app.row("brown")
        assert rain.away and not brown.away
        assert text(rain.query_one(".name")).rstrip().endswith("away")
        assert "away now, back within minutes" in text(app.query_one("#status"))
        reported["away"] = frozenset()
        app.feed._at = -1.0  # a fresh snapshot, not the shared one of this tick
        app.show_away()
        await pilot.pause()
        assert not rain.away and text(rain.query_one(".name")).rstrip().endswith("…")
        assert "away now" not in text(app.query_one("#status"))
