"""Bundled and user presets, finding by name or path, saving, and the last session."""

from __future__ import annotations

import pytest

from ambience.library import paths
from ambience.library.catalog import load_catalog
from ambience.core.mix import Layer, Mix
from ambience.library.preset import Preset, PresetError, PresetExists, PresetLayer, load_preset, save_preset
from ambience.library.presets import (
    DEFAULT_PRESET,
    LAST_SESSION_NAME,
    Debouncer,
    PresetNotFound,
    default_preset,
    find_preset,
    last_session_path,
    list_presets,
    load_last_session,
    save_last_session,
    save_user_preset,
)


# tests/conftest.py points the XDG config, data and state folders at tmp_path


def test_bundled_presets_are_listed_with_their_origin():
    presets = list_presets()
    assert len(presets) >= 8
    assert {p.origin for p in presets} == {"bundled"}
    assert [p.name.casefold() for p in presets] == sorted(p.name.casefold() for p in presets)


def test_a_user_preset_with_a_bundled_name_wins():
    mine = Preset(name="deep FOCUS", layers=[PresetLayer("white", 0.1)])
    with pytest.raises(PresetExists, match="bundled"):
        save_user_preset(mine)
    save_user_preset(mine, force=True)
    listed = [p for p in list_presets() if p.name.casefold() == "deep focus"]
    assert len(listed) == 1 and listed[0].origin == "user" and listed[0].layers == mine.layers
    assert find_preset("Deep Focus").layers == mine.layers


def test_find_preset_by_name_any_case_stem_or_path(tmp_path):
    assert find_preset("rainy study").name == "Rainy study"
    assert find_preset("RAINY-STUDY").name == "Rainy study"
    file = save_preset(Preset(name="Elsewhere"), tmp_path / "odd name.toml")
    assert find_preset(str(file)).name == "Elsewhere"
    assert find_preset(str(file)).origin == "file"


def test_find_preset_by_user_file_stem_and_by_name_inside():
    folder = paths.user_presets_dir()
    save_preset(Preset(name="Inside name"), folder / "stem-only.toml")
    assert find_preset("stem only").name == "Inside name"
    assert find_preset("inside name").origin == "user"


def test_unknown_preset_suggests_close_names():
    with pytest.raises(PresetNotFound) as info:
        find_preset("rainy stduy")
    assert "Rainy study" in info.value.suggestions and "ambience presets" in str(info.value)
    with pytest.raises(PresetNotFound, match="Deep focus"):
        find_preset("deep")


def test_a_broken_user_preset_is_skipped_in_lists_and_reported():
    folder = paths.user_presets_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text("format = 1\nname = 'B'\nmaster = 9\n")
    problems: list[str] = []
    names = [p.name for p in list_presets(problems)]
    assert "B" not in names and len(problems) == 1 and "master" in problems[0]
    with pytest.raises(PresetError, match="broken.toml:3: master"):
        find_preset("broken")


def test_save_user_preset_needs_force_to_replace():
    path = save_user_preset(Preset(name="My Mix!", layers=[PresetLayer("rain", 0.4)]))
    assert path == paths.user_presets_dir() / "my-mix.toml"
    with pytest.raises(PresetExists, match="--force"):
        save_user_preset(Preset(name="my mix", layers=[PresetLayer("rain", 0.9)]))
    assert load_preset(path).layers[0].level == 0.4
    save_user_preset(Preset(name="my mix", layers=[PresetLayer("rain", 0.9)]), force=True)
    assert load_preset(path).layers[0].level == 0.9


def test_default_preset_is_bundled_and_valid():
    preset = default_preset()
    assert preset is not None and preset.name == DEFAULT_PRESET and preset.origin == "bundled"


# ---------------------------------------------------------------- last session
def test_last_session_round_trip():
    assert load_last_session() is None
    preset = Preset(name=LAST_SESSION_NAME, master=0.6, layers=[PresetLayer("rain", 0.5)])
    save_last_session(preset)
    back = load_last_session()
    assert back == preset and back.origin == "session"
    assert last_session_path().parent == paths.user_state_dir()


def test_corrupt_last_session_is_moved_aside_with_a_warning():
    path = last_session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"format = 1\nname = \x00\xff")
    warnings: list[str] = []
    assert load_last_session(on_warning=warnings.append) is None
    assert not path.exists()
    aside = list(path.parent.glob("last-session.toml.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"format = 1\nname = \x00\xff"
    assert len(warnings) == 1 and str(aside[0]) in warnings[0]
    path.write_text("not toml [")
    assert load_last_session() is None  # no callback: still no exception
    assert len(list(path.parent.glob("last-session.toml.corrupt-*"))) == 2


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_debouncer_writes_at_most_once_per_interval_and_on_flush():
    clock, written = Clock(), []
    deb = Debouncer(interval=2.0, clock=clock, write=written.append)
    mixes = [Mix(0.5, (Layer("rain", i / 10),)) for i in range(1, 8)]
    assert deb.feed(mixes[0])  # first change: written at once
    for m in mixes[1:4]:
        clock.now += 0.3
        assert not deb.feed(m)
    assert len(written) == 1 and deb.pending
    assert not deb.poll()
    clock.now += 2.0
    assert deb.poll() and written[-1].layers[0].level == 0.4
    assert not deb.poll() and not deb.pending
    clock.now += 0.1
    deb.feed(mixes[5])
    assert len(written) == 2
    assert deb.flush() and written[-1].layers[0].level == 0.6
    assert not deb.flush()
    assert deb.writes == 3 and written[-1].name == LAST_SESSION_NAME


def test_debouncer_skips_an_unchanged_mix():
    clock, written = Clock(), []
    deb = Debouncer(interval=1.0, clock=clock, write=written.append)
    mix = Mix(0.5, (Layer("rain", 0.5),))
    deb.feed(mix)
    clock.now += 5
    assert not deb.feed(mix) and len(written) == 1


def test_debouncer_writes_the_real_file_and_keeps_the_base():
    from ambience.library.catalog import Catalog, SoundInfo

    base = Preset(name="Mine", layers=[PresetLayer("friends-tent", 0.3)], extra={"mood": "x"})
    catalog = Catalog({"rain": SoundInfo("rain", "Rain", "nature")})
    deb = Debouncer(interval=2.0, clock=Clock(), base=base, catalog=catalog)
    deb.feed(Mix(0.7, (Layer("rain", 0.5),)))
    back = load_last_session()
    assert back.name == "Mine" and back.extra == {"mood": "x"}
    # the base's layers keep their place, missing ones included; new layers follow
    assert [layer.sound for layer in back.layers] == ["friends-tent", "rain"]


def test_debouncer_keeps_a_new_layer_in_place_when_it_goes_to_zero_and_back():
    base = find_preset("Rainy study")
    clock = Clock()
    deb = Debouncer(interval=0.0, clock=clock, base=base)
    mix = base.to_mix(load_catalog())[0]
    for step in (mix.with_level("wind", 0.3),
                 mix.with_level("wind", 0.3).with_level("fire", 0.2),
                 mix.with_level("fire", 0.2),  # wind at 0: out of the mix
                 mix.with_level("fire", 0.2).with_level("wind", 0.35),  # and back
                 mix.without("thunder").with_level("fire", 0.2).with_level("wind", 0.35),
                 mix.with_level("fire", 0.2).with_level("wind", 0.35).with_level("thunder", 0.1)):
        clock.now += 1
        assert deb.feed(step)
    saved = load_last_session()
    assert [(x.sound, x.level) for x in saved.layers] == [
        ("rain", 0.6), ("thunder", 0.1), ("paper", 0.2), ("clock", 0.15), ("brown", 0.2),
        ("fire", 0.2), ("wind", 0.35)]  # new layers: in the mixer's rows (fire before wind)


def test_an_edited_bundled_preset_saved_under_a_new_name_drops_its_author_and_description():
    from ambience.library.preset import preset_from_mix as from_mix
    from ambience.library.presets import keeps_credits

    def preset_from_mix(mix, name, base, catalog):  # as the mixer saves (tui.saving.save_mix)
        return from_mix(mix, name, base=base, catalog=catalog,
                        keep_credits=keeps_credits(base, name))

    bundled = find_preset("Rainy study")
    assert bundled.author == "ambience" and bundled.description
    catalog = load_catalog()
    edited = bundled.to_mix(catalog)[0].with_level("rain", 0.3)
    mine = preset_from_mix(edited, "My study", base=bundled, catalog=catalog)
    save_user_preset(mine)
    back = find_preset("My study")
    assert back.author == "" and back.description == ""
    assert "author" not in back.source.read_text()
    # the same through the last session (the base after a restart), and under its own name
    save_last_session(preset_from_mix(edited, bundled.name, base=bundled, catalog=catalog))
    session = load_last_session()
    assert session.author == "ambience"  # same name: still the bundled preset, edited
    again = preset_from_mix(edited, "My study 2", base=session, catalog=catalog)
    assert again.author == "" and again.description == ""
    # a preset of the user's own keeps its words under a new name
    own = Preset(name="Mine", description="my words", author="me",
                 layers=[PresetLayer("rain", 0.5)])
    copy = preset_from_mix(Mix(1.0, (Layer("rain", 0.4),)), "Mine too", base=own,
                           catalog=catalog)
    assert (copy.author, copy.description) == ("me", "my words")


def test_debouncer_failure_is_kept_not_raised():
    def fail(preset):
        raise OSError("disk full")

    deb = Debouncer(interval=0.0, clock=Clock(), write=fail)
    assert not deb.feed(Mix(0.5, (Layer("rain", 0.5),)))
    assert "disk full" in deb.last_error and deb.pending


def test_a_name_match_beats_a_file_stem_match():
    save_preset(Preset(name="Something else"), paths.user_presets_dir() / "rainy-study.toml")
    assert find_preset("rainy study").name == "Rainy study"
    assert find_preset("rainy-study.toml").name == "Rainy study"
    assert find_preset("something else").origin == "user"


def test_empty_name_is_not_found():
    with pytest.raises(PresetNotFound):
        find_preset("  ")


def test_saving_never_overwrites_a_file_holding_another_preset():
    folder = paths.user_presets_dir()
    other = save_preset(Preset(name="Something else"), folder / "my-mix.toml")
    folder.joinpath("my-mix-2.toml").write_text("format = 1\nname = 'half edited\n")
    path = save_user_preset(Preset(name="My mix"), force=True)
    assert path == folder / "my-mix-3.toml"
    assert load_preset(other).name == "Something else"
    assert "half edited" in (folder / "my-mix-2.toml").read_text()
    assert save_user_preset(Preset(name="MY MIX", master=0.2), force=True) == path
    assert load_preset(path).master == 0.2
