"""SVG snapshots of the mixer (pytest-textual-snapshot). Deterministic: a fixed catalog and
preset folder, an injected clock and injected meter levels, no cursor blink.

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs before committing them."""

from __future__ import annotations

import pytest

from ambience.library import paths
from ambience.library.catalog import Catalog, SoundInfo
from ambience.engine import Engine, Levels
from ambience.core.mix import Layer, Mix
from ambience.library.preset import preset_from_mix, save_preset
from ambience.library.presets import save_last_session, user_preset_path
from ambience.tui.app import AmbienceApp

SIZE = (100, 30)
#: the mixer's own states at a small and a roomy terminal
MIXER_SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
#: the 80x24 mixer in the quick tier, 120x40 in the full suite
MIXER_SIZE_PARAMS = ["80x24", pytest.param("120x40", marks=pytest.mark.slow)]
SOUNDS = [
    SoundInfo("brown", "Brown noise", "noise", "deep, soft noise"),
    SoundInfo("pink", "Pink noise", "noise", "balanced noise"),
    SoundInfo("white", "White noise", "noise", "bright noise"),
]
LEVELS = Levels(master=(0.3, 0.28), layers={"brown": (0.25, 0.24), "pink": (0.05, 0.05)})


@pytest.fixture
def app(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        (tmp_path / var.lower()).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    empty = tmp_path / "no-bundled-presets"
    empty.mkdir()
    monkeypatch.setattr(paths, "bundled_presets_dir", lambda: empty)
    save_preset(preset_from_mix(Mix(0.9, (Layer("pink", 0.4), Layer("white", 0.1))), "Focus"),
                user_preset_path("Focus"))
    save_preset(preset_from_mix(Mix(0.7, (Layer("brown", 0.6),)), "Sleep"),
                user_preset_path("Sleep"))
    save_last_session(preset_from_mix(Mix(0.8, (Layer("brown", 0.5), Layer("pink", 0.2))),
                                      "Evening"))
    catalog = Catalog({s.id: s for s in SOUNDS})
    return AmbienceApp(
        "manual",
        engine_factory=lambda: Engine("manual", catalog=catalog, seed=1),
        catalog=catalog,
        clock=Clock(5000.0),
        levels=lambda: LEVELS,
    )


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def booted(pilot) -> None:
    for _ in range(300):
        if pilot.app.engine is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause(0.25)  # meters have polled


async def with_timer(pilot, fading: bool) -> None:
    """A 45-minute timer with a 10-minute fade; `fading`: 34 % through the fade."""
    app = pilot.app
    app.start_timer(45 * 60.0, fade=600.0)
    if fading:
        app.clock.t += 35 * 60.0 + 0.34 * 600.0
        app.header.fade_progress = app.sleep.fade_progress(app.clock())
    app.header.tick()
    await pilot.pause()


@pytest.mark.parametrize("size", MIXER_SIZE_PARAMS)
def test_mixer_playing(app, snap_compare, size):
    assert snap_compare(app, terminal_size=MIXER_SIZES[size], run_before=booted)


@pytest.mark.parametrize("size", MIXER_SIZE_PARAMS)
def test_mixer_paused(app, snap_compare, size):
    async def run_before(pilot):
        await booted(pilot)
        await pilot.press("space")
        await pilot.pause(0.25)  # the meters have stopped

    assert snap_compare(app, terminal_size=MIXER_SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", MIXER_SIZE_PARAMS)
def test_mixer_timer_running(app, snap_compare, size):
    async def run_before(pilot):
        await booted(pilot)
        await with_timer(pilot, fading=False)

    assert snap_compare(app, terminal_size=MIXER_SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", MIXER_SIZE_PARAMS)
def test_mixer_timer_fading(app, snap_compare, size):
    async def run_before(pilot):
        await booted(pilot)
        await with_timer(pilot, fading=True)

    assert snap_compare(app, terminal_size=MIXER_SIZES[size], run_before=run_before)


def test_mixer_living(snap_compare):
    """Rows that live show their marks, the header says headphones, the breath guide runs
    (2 s into a breath at 6 a minute: half-way through breathing in)."""
    sounds = SOUNDS + [
        SoundInfo("rain", "Rain", "nature", "rain on leaves", intensity=("drizzle", "downpour")),
        SoundInfo("thunder", "Distant thunder", "nature", "rolls", intensity=("distant", "near")),
        SoundInfo("whisper", "Whisper", "asmr", "soft whispers", close=True),
    ]
    catalog = Catalog({s.id: s for s in sounds})
    save_last_session(preset_from_mix(Mix(
        0.8, (Layer("rain", 0.6, drift=0.5, intensity=0.75), Layer("thunder", 0.4, presence=0.5,
                                                                    intensity=1.0, drift=0.25),
              Layer("whisper", 0.3, motion=0.5), Layer("brown", 0.3)),
        breathing=6.0), "Storm"))
    clock = Clock(5000.0)
    app = AmbienceApp("manual", engine_factory=lambda: Engine("manual", catalog=catalog, seed=1),
                      catalog=catalog, clock=clock, levels=lambda: LEVELS, headphones=True)

    async def run_before(pilot):
        await booted(pilot)
        clock.t += 2.0
        app.focus_row(app.row("rain"))
        app.breath.refresh()
        await pilot.pause()

    assert snap_compare(app, terminal_size=MIXER_SIZES["80x24"], run_before=run_before)


def test_save_dialog(app, snap_compare):
    async def run_before(pilot):
        await booted(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_open_dialog(app, snap_compare):
    async def run_before(pilot):
        await booted(pilot)
        await pilot.press("o")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(app, snap_compare):
    async def run_before(pilot):
        await booted(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_timer_dialog(app, snap_compare):
    async def run_before(pilot):
        await booted(pilot)
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
