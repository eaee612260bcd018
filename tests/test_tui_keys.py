"""No key is lost: a burst of keys, delivered faster than the window redraws (a held arrow key,
or several keys in one terminal write), acts on the row the earlier keys moved to."""

from __future__ import annotations

import pytest
from textual import events

from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.library.preset import preset_from_mix
from ambience.library.presets import save_last_session
from ambience.tui.app import AmbienceApp
from ambience.tui.widgets.mixer_row import MixerRow

SIZE = (100, 32)


@pytest.fixture
def app(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        (tmp_path / var.lower()).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    save_last_session(preset_from_mix(Mix(0.8, (Layer("brown", 0.5),)), "Keys"))
    return AmbienceApp("manual", engine_factory=lambda: Engine("manual", seed=3),
                       clock=lambda: 1000.0)


def burst(app: AmbienceApp, *keys: str) -> None:
    """Queue every key at once, as the terminal driver does with one read of several keys."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def settled(pilot) -> None:
    """Wait until every queued key has reached the app (each travels from the focused widget
    up to the app, one message queue at a time), however loaded the machine is."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.02)
        if all(not node._message_queue.qsize() for node in (app, *app.screen.walk_children())):
            await pilot.pause(0.02)
            return
    raise AssertionError("the keys were never all handled")


async def booted(pilot) -> None:
    for _ in range(500):
        if pilot.app.engine is not None:
            return
        await pilot.pause(0.02)
    raise AssertionError("the engine never started")


def rows(app: AmbienceApp) -> list[str]:
    return [r.sound for r in app.query(MixerRow)]


@pytest.mark.parametrize("count", [pytest.param(2, marks=pytest.mark.slow),
                                   pytest.param(5, marks=pytest.mark.slow), 10])
async def test_a_burst_of_n_down_keys_moves_n_rows(app, count):
    async with app.run_test(size=SIZE) as pilot:
        await booted(pilot)
        order = rows(app)
        start = order.index(app.focused_row().sound)
        burst(app, *["down"] * count)
        await settled(pilot)
        assert app.focused_row().sound == order[start + count]
        burst(app, *["k"] * count)
        await settled(pilot)
        assert app.focused_row().sound == order[start]


@pytest.mark.slow
async def test_keys_at_key_repeat_speed_move_one_row_each(app):
    async with app.run_test(size=SIZE) as pilot:
        await booted(pilot)
        order = rows(app)
        start = order.index(app.focused_row().sound)
        for _ in range(10):
            burst(app, "down")
            await pilot.pause(0.033)
        await settled(pilot)
        assert app.focused_row().sound == order[start + 10]


@pytest.mark.slow
async def test_keys_after_a_burst_of_moves_act_on_the_row_moved_to(app):
    async with app.run_test(size=SIZE) as pilot:
        await booted(pilot)
        order = rows(app)
        start = order.index(app.focused_row().sound)
        burst(app, "down", "down", "7", "down", "right", "right", "m")
        await settled(pilot)
        second, third = order[start + 2], order[start + 3]
        assert app.mix.layer(second).level == pytest.approx(0.7)
        assert app.mix.layer(third).level == pytest.approx(0.1)
        assert app.mix.layer(third).muted
        assert app.focused_row().sound == third


async def test_a_filter_typed_in_one_burst_right_after_the_slash_is_not_lost(app):
    async with app.run_test(size=SIZE) as pilot:
        await booted(pilot)
        burst(app, "slash", *"noise")  # typed before the box is even there
        await settled(pilot)
        assert app.query_one("#filter").value == "noise"
        burst(app, "enter")
        await settled(pilot)
        burst(app, "down", "5")
        await settled(pilot)
        assert app.focused_row().sound == "pink"  # brown, then one row down
        assert app.mix.layer("pink").level == pytest.approx(0.5)


@pytest.mark.slow
async def test_slash_is_typed_in_the_open_dialog_and_in_the_filter_box(app):
    async with app.run_test(size=SIZE) as pilot:
        await booted(pilot)
        await pilot.press("o")
        await pilot.press("slash", *"tmp")
        assert app.screen.query_one("#ref").value == "/tmp"
        await pilot.press("escape", "slash", "a", "slash")
        assert app.query_one("#filter").value == "a/"
