"""The mixer at every terminal size, with its state visible at a glance: what the header and
footer keep when the window is small, the paused look, the focused row's contrast in every
theme, the help table, the palette, the sound descriptions and the Open dialog's empty list."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from ambience.core.mix import Layer, Mix
from ambience.engine import Engine, Levels
from ambience.library.preset import preset_from_mix, save_preset
from ambience.library.presets import save_last_session, user_preset_path
from ambience.tui.app import AmbienceApp, RowList
from ambience.tui.contrast import MIN_CONTRAST, contrast
from ambience.tui.screens.help import KEY_CELLS, KEYS, MOUSE, key_table
from ambience.tui.widgets.header import MixerHeader
from ambience.tui.widgets.meter import MeterColumn

SIZES = [(60, 20), (80, 24), (120, 40), (200, 60)]
LONG_NAME = "A very long preset name for a long winter night by the sea"


@pytest.fixture(autouse=True)
def xdg(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        (tmp_path / var.lower()).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


class Pulse:
    """Meter levels that change on every read, so a meter that polls would move."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> Levels:
        self.n += 1
        level = 0.05 + 0.9 * (self.n % 7) / 7
        return Levels(master=(level, level), layers={"brown": (level, level)})


def make_app(name: str = "Evening", levels=None) -> AmbienceApp:
    save_last_session(preset_from_mix(Mix(0.8, (Layer("brown", 0.5), Layer("rain", 0.4))),
                                      name))
    return AmbienceApp("manual", engine_factory=lambda: Engine("manual", seed=1),
                       clock=lambda: 1000.0, levels=levels)


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    """Wait for `predicate()` (a loaded machine can take a while to draw)."""
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    assert predicate()


def footer_descriptions(app) -> set[str]:
    return {k.description for k in app.screen.query(FooterKey)}


def line_text(widget) -> str:
    return "".join(strip.text for strip in widget.render_lines(widget.size.region))


# ---------------------------------------------------------------------- header
@pytest.mark.parametrize("width", range(60, 201, 10))
@pytest.mark.parametrize("paused", [False, True])
@pytest.mark.parametrize("no_sound", [False, True])
def test_header_keeps_play_state_sound_state_countdown_and_fade_at_every_width(
        width, paused, no_sound):
    header = MixerHeader()
    header.preset, header.dirty, header.paused = LONG_NAME, True, paused
    header.no_sound = no_sound
    header.output = "No audio output device was found" if no_sound else "pulse: Built-in Audio"
    header.countdown, header.fade_progress = "1:29:59", 0.34
    text = "".join(part for part, _ in header.layout_parts(width))
    assert cell_len(text) <= width
    assert ("paused" if paused else "playing") in text
    assert ("no sound" if no_sound else "pulse") in text
    assert "sleep 1:29:59" in text and "34%" in text and "██▊" in text  # 0.34 of 8 cells
    assert LONG_NAME[:1] in text  # shortened, never gone
    if width >= 180:
        assert LONG_NAME in text


def test_header_shows_the_whole_state_when_there_is_room():
    header = MixerHeader()
    header.preset, header.output = "Evening", "manual"
    text = "".join(part for part, _ in header.layout_parts(100))
    assert "ambience" in text and "Evening" in text and "▶ playing" in text
    assert "sleep" not in text and "fading" not in text


# ---------------------------------------------------------------------- footer, meters
@pytest.mark.slow
async def test_moving_between_rows_with_the_same_keys_keeps_the_footer_as_it_is():
    """Textual rebuilds its footer on every focus change; that was two thirds of a key press."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.press("down")  # a sound row
        await until(pilot, lambda: "Quit" in footer_descriptions(app))
        keys = [id(k) for k in app.screen.query(FooterKey)]
        await pilot.press("down", "up", "down")
        assert app.focused_row().sound != app.all_rows()[1].sound
        assert [id(k) for k in app.screen.query(FooterKey)] == keys
        await pilot.press("space")  # pausing changes the keys: Resume replaces Pause
        await until(pilot, lambda: "Resume" in footer_descriptions(app))


@pytest.mark.parametrize("size", [SIZES[0], *(pytest.param(s, marks=pytest.mark.slow) for s in SIZES[1:])])
async def test_footer_keeps_q_and_f1_and_meters_sit_beside_the_sliders(size):
    app = make_app(LONG_NAME)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await until(pilot, lambda: "Quit" in footer_descriptions(app))
        app.start_timer(600.0)  # +5m and -5m join the footer
        await until(pilot, lambda: "sleep" in line_text(app.header))

        def footer_ready() -> bool:  # the footer recomposes when the timer starts
            keys = list(app.screen.query(FooterKey))
            return (any(k.has_class("-command-palette") for k in keys)
                    and any(k.description == "Quit" for k in keys)
                    and all(k.region.width for k in keys))

        await until(pilot, footer_ready)
        footer_keys = [k for k in app.screen.query(FooterKey)]
        palette = [k for k in footer_keys if k.has_class("-command-palette")][0]
        shown = {k.key: k for k in footer_keys if not k.has_class("-command-palette")}
        assert "q" in shown and "f1" in shown
        for key in shown.values():  # all whole, none under the palette key
            assert key.region.right <= palette.region.x
            assert line_text(key).strip().startswith(key.key_display)
        header = line_text(app.header)
        assert "playing" in header and "sleep" in header and LONG_NAME[:5] in header
        rows, meters = app.query_one(RowList), app.query_one(MeterColumn)
        assert rows.scrollbar_size_vertical == 0 or not rows.show_vertical_scrollbar
        assert meters.region.x == rows.region.right  # nothing between rows and meters
        brown = app.row("brown")
        assert brown.region.right == rows.content_region.right


@pytest.mark.slow
async def test_the_scroll_position_is_drawn_right_of_the_meters():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        meters = app.query_one(MeterColumn)

        def marks() -> list[str]:
            return [meters.render_line(y).text[-1] for y in range(meters.size.height)]

        await until(pilot, lambda: marks()[0] == "┃")
        assert "│" in marks()  # at the top, more below
        app.focus_row(app.all_rows()[-1])
        await until(pilot, lambda: marks()[-1] == "┃")
        assert marks()[0] == "│"
    wide = make_app(levels=Pulse())
    async with wide.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: wide.engine is not None)  # booted
        await until(pilot, lambda: wide.query_one(MeterColumn).line_for(wide.row("brown")))
        meters = wide.query_one(MeterColumn)
        assert {meters.render_line(y).text[-1] for y in range(meters.size.height)} == {" "}


# ---------------------------------------------------------------------- paused
async def test_paused_shows_a_banner_dims_sliders_stills_meters_and_offers_resume():
    app = make_app(levels=Pulse())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.pause(0.3)
        banner = app.query_one("#paused-banner")
        slider = app.row("brown").slider
        assert not banner.display and slider.styles.text_opacity == 1.0
        await until(pilot, lambda: "Pause" in footer_descriptions(app))
        assert "Resume" not in footer_descriptions(app)
        await pilot.press("space")
        await until(pilot, lambda: "Resume" in footer_descriptions(app))
        assert "Pause" not in footer_descriptions(app)
        assert banner.display and "paused" in line_text(banner)
        assert "paused" in line_text(app.header)
        assert slider.styles.text_opacity < 0.5
        meters = app.query_one(MeterColumn)
        await until(pilot, lambda: not any(meters.line_for(r) for r in app.all_rows()))
        still = [meters.line_for(r) for r in app.all_rows()]
        await pilot.pause(0.4)  # four polls of levels that change on every read
        assert [meters.line_for(r) for r in app.all_rows()] == still
        await pilot.press("space")  # the space key resumes
        assert not app.paused and not banner.display
        await until(pilot, lambda: any(meters.line_for(r) for r in app.all_rows()))


# ---------------------------------------------------------------------- contrast
def rgb(color):
    return color.triplet if color is not None and color.triplet is not None else None


#: the default theme, the one whose block cursor fails 3:1 (flexoki) and a light one; the run
#: over every theme re-styles the whole mixer 21 times (4 CPU-s), so it is in the slow tier
SOME_THEMES = ("textual-dark", "flexoki", "textual-light")


@pytest.mark.parametrize("themes", [
    pytest.param(SOME_THEMES, id="default-flexoki-light"),
    pytest.param(None, id="every-theme", marks=pytest.mark.slow),
])
async def test_focused_row_has_three_to_one_contrast_with_its_neighbours(themes):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.pause(0.3)
        await pilot.press("down")  # a sound row with sound rows above and below
        row = app.focused_row()
        x, y = row.query_one(".name").region.x + 1, row.region.y
        measured = {}
        for theme in themes or sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            focused = app.screen.get_style_at(x, y)
            above, below = (app.screen.get_style_at(x, y + d).bgcolor for d in (-1, 1))
            colours = [rgb(focused.bgcolor), rgb(above), rgb(below), rgb(focused.color)]
            if None in colours:  # ANSI themes: the terminal's own palette decides
                assert theme.startswith("ansi")
                continue
            cursor, up, down, text = colours
            measured[theme] = min(contrast(cursor, up), contrast(cursor, down))
            assert contrast(text, cursor) >= MIN_CONTRAST, theme
        assert len(measured) >= (15 if themes is None else len(themes))
        assert min(measured.values()) >= MIN_CONTRAST, measured


# ---------------------------------------------------------------------- help
@pytest.mark.parametrize("width", [40, 56, 72])
def test_help_descriptions_wrap_in_their_own_column(width):
    console = Console(width=width, color_system=None, record=True)
    console.print(key_table(KEYS + MOUSE))
    lines = console.export_text().splitlines()
    keys = iter(key for key, _ in KEYS + MOUSE)
    for line in lines:
        head = line[:KEY_CELLS]
        if head.strip():
            assert head.rstrip() == next(keys)  # only keys in the key column
    assert next(keys, None) is None
    assert len(lines) > len(KEYS + MOUSE)  # some did wrap


# ---------------------------------------------------------------------- palette
@pytest.mark.slow
async def test_palette_lists_our_commands_first_and_none_of_textuals_generic_ones():
    save_preset(preset_from_mix(Mix(1.0, (Layer("white", 0.3),)), "Zzz"),
                user_preset_path("Zzz"))
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.pause(0.3)
        await pilot.press("ctrl+p")
        prompts: list[str] = []
        for _ in range(50):
            await pilot.pause(0.05)
            prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            if any("Zzz" in p for p in prompts):
                break
        titles = [p.splitlines()[0] for p in prompts]
        assert titles[0].startswith("Pause or resume")
        assert any(t.startswith("Change theme") for t in titles)
        first_preset = next(i for i, t in enumerate(titles) if t.startswith("Open preset:"))
        assert all(not t.startswith("Open preset:") for t in titles[:first_preset])
        for generic in ("Keys", "Maximize", "Screenshot", "Quit the application"):
            assert not any(generic in p for p in prompts), generic


# ---------------------------------------------------------------------- descriptions, open
@pytest.mark.slow
async def test_status_line_shows_the_focused_sounds_description():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.pause(0.3)
        app.focus_row(app.row("rain"))
        await pilot.pause()
        description = app.catalog.get("rain").description
        assert description and description[:30] in line_text(app.query_one("#status"))
        app.focus_row(app.row("master"))
        await pilot.pause()
        assert "Master" in line_text(app.query_one("#status"))


@pytest.mark.slow
async def test_open_dialog_says_no_presets_match_when_the_filter_matches_nothing():
    save_preset(preset_from_mix(Mix(1.0, (Layer("white", 0.3),)), "Zzz"),
                user_preset_path("Zzz"))
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.engine is not None)  # booted
        await pilot.pause(0.3)
        await pilot.press("o")
        await pilot.press(*"qwxv")
        await pilot.pause()
        options = app.screen.query_one("#presets", OptionList)
        assert [str(o.prompt) for o in options.options] == ["no presets match"]
