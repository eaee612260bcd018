"""The mixer's own widgets on their own: the slider's messages, the meter's scale and a row
that is away ("now and then")."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from ambience.tui.widgets.meter import bar, level_to_fraction
from ambience.tui.widgets.mixer_row import AWAY_WORDS, NAME_CELLS, MixerRow, name_content
from ambience.tui.widgets.slider import Slider


class OneSlider(App):
    def __init__(self, value: float = 0.5) -> None:
        super().__init__()
        self.value = value
        self.changes: list[tuple[float, bool]] = []

    def compose(self) -> ComposeResult:
        yield Slider(self.value, id="s")

    def on_slider_changed(self, event: Slider.Changed) -> None:
        self.changes.append((event.value, event.user))


async def test_the_initial_value_posts_no_message():
    app = OneSlider(0.3)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.query_one(Slider).value == 0.3
        assert app.changes == []


async def test_keys_report_user_changes_and_program_changes_are_marked():
    app = OneSlider(0.5)
    async with app.run_test() as pilot:
        slider = app.query_one(Slider)
        slider.focus()
        await pilot.press("right", "shift+left", "pageup", "home", "end")
        assert app.changes == [(0.55, True), (0.54, True), (0.64, True), (0.0, True),
                               (1.0, True)]
        app.changes.clear()
        slider.value = 0.2
        await pilot.pause()
        assert app.changes == [(0.2, False)]
        app.changes.clear()
        with slider.prevent(Slider.Changed):
            slider.value = 0.4
        await pilot.pause()
        assert app.changes == [] and slider.value == 0.4


@pytest.mark.parametrize("value, expected", [(-0.5, 0.0), (1.7, 1.0), (0.123456, 0.1235)])
async def test_values_are_clamped_to_the_slider_range(value, expected):
    app = OneSlider()
    async with app.run_test():
        slider = app.query_one(Slider)
        slider.value = value
        assert slider.value == expected


async def test_the_knob_is_drawn_where_the_value_is():
    app = OneSlider(0.0)
    async with app.run_test(size=(21, 3)) as pilot:
        slider = app.query_one(Slider)
        assert str(slider.render()).index("●") == 0
        slider.value = 1.0
        await pilot.pause()
        text = str(slider.render())
        assert text.index("●") == len(text) - 1


def test_meter_scale_is_in_decibels():
    assert level_to_fraction(0.0) == 0.0
    assert level_to_fraction(1.0) == 1.0
    assert level_to_fraction(10 ** (-30 / 20)) == pytest.approx(0.5)
    assert level_to_fraction(2.0) == 1.0  # clipped


def test_meter_bar_has_half_cell_steps():
    assert bar(0.0, 8) == " " * 8
    assert bar(1.0, 8) == "█" * 8
    assert bar(0.5, 8) == "████    "
    assert bar(0.5 + 1 / 16, 8) == "████▌   "
    assert len(bar(0.37, 5)) == 5


class OneRow(App):
    CSS = ".name { width: 18; }  MixerRow { height: 1; }"

    def compose(self) -> ComposeResult:
        yield MixerRow("rain", "Rain on a tent", 0.5, False, lambda: 0.0,
                       description="rain on canvas", alive="~ … ↔")


async def test_a_row_that_is_away_says_so_in_its_name_cell_and_status_line_then_is_as_before():
    app = OneRow()
    async with app.run_test(size=(60, 3)) as pilot:
        row = app.query_one(MixerRow)
        cell = row.query_one(".name")
        before, status = cell.content, row.status_text("now and then, 25 % of the time")
        row.show_away(True)
        await pilot.pause()
        shown = "".join(s.text for s in cell.render_lines(cell.size.region))
        assert shown == "Rain on… ~ away ↔ "
        assert AWAY_WORDS in str(row.status_text("now and then, 25 % of the time"))
        row.show_away(False)
        assert cell.content == before  # a layer back renders exactly as before
        assert row.status_text("now and then, 25 % of the time") == status
        assert AWAY_WORDS not in str(status)


@pytest.mark.parametrize("title", ["Rain", "Rain on a tent", "A very long sound name"])
@pytest.mark.parametrize("alive", ["…", "~ … ↔", "~ ▃ … ↔"])
def test_the_away_word_keeps_the_name_cell_width(title, alive):
    for away in (False, True):
        assert name_content(title, alive, away).cell_length == NAME_CELLS
    # a row that does not come and go is never marked away
    assert name_content(title, "~ ↔", True) == name_content(title, "~ ↔")
