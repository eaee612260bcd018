"""Every bundled preset validates, loads and renders a non-silent mix on the real engine."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.library import paths
from ambience.library.catalog import load_catalog
from ambience.engine.sounds import SYNTHS
from ambience.core.mix import Mix
from ambience.library.preset import load_preset
from ambience.library.presets import DEFAULT_PRESET, bundled_presets

FILES = sorted(paths.bundled_presets_dir().glob("*.toml"))
KNOWN_IDS = set(
    "white pink brown rain thunder wind waves stream fire night birds whisper brushing paper "
    "tapping clock fan purr keyboard heartbeat".split()
)


def test_at_least_eight_bundled_presets_cover_the_uses():
    names = {p.name.casefold() for p in bundled_presets()}
    assert len(FILES) >= 8 and len(names) == len(FILES)
    for wanted in ("deep focus", "rainy study", "sleep in a storm", "ocean sleep", "night cabin",
                   "asmr tingles", "brown-noise sleep", "white-noise masker"):
        assert wanted in names
    assert DEFAULT_PRESET.casefold() in names


def test_asmr_tingles_uses_the_four_triggers():
    asmr = next(p for p in bundled_presets() if p.name == "ASMR tingles")
    assert {"whisper", "brushing", "paper", "tapping"} <= set(asmr.sounds())


def test_bundled_presets_show_the_living_mix():
    """Two use drift, intensity and comings and goings; one is made for headphones, with
    moving triggers; one paces the breath."""
    presets = {p.name: p for p in bundled_presets()}
    for name in ("A storm that passes", "Forest morning"):
        used = set().union(*(layer.shaping for layer in presets[name].layers))
        assert {"drift", "intensity", "presence"} <= used, name
    close = presets["Whispers close by"]
    assert close.output == "headphones"
    moving = {layer.sound for layer in close.layers if layer.motion > 0}
    assert {"whisper", "brushing", "paper"} <= moving
    assert presets["Breathe slowly"].breathing == 6


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bundled_preset_validates_and_names_only_planned_sounds(path):
    preset = load_preset(path)
    assert preset.description and preset.author
    assert set(preset.sounds()) <= KNOWN_IDS
    assert path.stem == preset.name.casefold().replace(" ", "-")


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bundled_preset_renders_a_non_silent_mix(path):
    from ambience.engine import Engine

    catalog = load_catalog()
    mix, missing = load_preset(path).to_mix(catalog)
    # sounds still being written by other work are skipped; at least one layer must play
    playable = tuple(
        layer for layer in mix.layers
        if catalog.get(layer.sound).kind == "file" or layer.sound in SYNTHS
    )
    assert any(not layer.muted and layer.level > 0 for layer in playable), (missing, mix)
    engine = Engine("manual", seed=1, catalog=catalog)
    try:
        engine.apply(Mix(mix.master, playable, breathing=mix.breathing, inhale=mix.inhale,
                         headphones=mix.headphones))
        audio = engine.render(5)
    finally:
        engine.close()
    assert np.isfinite(audio).all()
    tail = audio[len(audio) // 2:]
    rms = float(np.sqrt(np.mean(tail**2)))
    # -80 dBFS: far above an engine that outputs nothing (exact zeros), low enough for a
    # soft noise bed under sounds that are not written yet
    assert rms > 1e-4, f"{path.name}: rms {rms}"
    assert float(np.abs(audio).max()) <= 1.0
