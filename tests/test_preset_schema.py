"""The preset format: loading, every validation error, round-trips, missing sounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ambience.library.catalog import Catalog, SoundInfo
from ambience.core.mix import Layer, Mix
from ambience.library.preset import (
    MAX_BYTES,
    Preset,
    PresetError,
    PresetLayer,
    Problem,
    dumps_preset,
    load_preset,
    loads_preset,
    preset_from_mix,
    save_preset,
)

README = Path(__file__).resolve().parent.parent / "presets" / "README.md"

GOOD = """\
format = 1
name = "Test mix"
description = "for tests"
author = "me"
master = 0.8

[timer]
duration = "45m"
fade = "10m"
then = "quit"

[[layers]]
sound = "rain"
level = 0.6

[[layers]]
sound = "brown"
level = 0.3
muted = true
"""


def catalog(*ids: str) -> Catalog:
    return Catalog({i: SoundInfo(id=i, name=i, category="noise") for i in ids})


def problems_of(text: str | bytes, source: str = "my.toml") -> list[Problem]:
    with pytest.raises(PresetError) as info:
        loads_preset(text, source=source)
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return info.value.problems


def only(text: str, field: str | None) -> Problem:
    found = [p for p in problems_of(text) if p.field == field]
    assert len(found) == 1, problems_of(text)
    assert found[0].file == "my.toml"
    return found[0]


def test_good_preset_loads_every_field():
    p = loads_preset(GOOD)
    assert (p.name, p.description, p.author, p.master) == ("Test mix", "for tests", "me", 0.8)
    assert p.timer.duration == "45m" and p.timer.duration_seconds == 2700
    assert p.timer.fade_seconds == 600 and p.timer.then == "quit"
    assert p.layers == [PresetLayer("rain", 0.6), PresetLayer("brown", 0.3, True)]


def test_readme_full_example_is_a_valid_preset():
    block = re.search(r"```toml\n(.*?)```", README.read_text(), re.S).group(1)
    p = loads_preset(block, source="README")
    assert p.name == "Sleep in a storm" and len(p.layers) == 3 and p.layers[2].muted
    assert p.timer.then == "stop"


def test_to_mix_plays_known_layers_and_reports_missing_with_suggestions():
    p = loads_preset(GOOD.replace('"rain"', '"rian"'))
    mix, missing = p.to_mix(catalog("rain", "brown"))
    assert mix == Mix(0.8, (Layer("brown", 0.3, True),))
    assert missing == [("rian", ["rain"])]


def test_round_trip_keeps_unknown_keys_everywhere(tmp_path):
    text = GOOD.replace("master = 0.8", 'master = 0.8\nmood = "calm"\n[extra]\nx = [1, 2]') \
        .replace('then = "quit"', 'then = "quit"\nwake = "07:00"') \
        .replace("level = 0.6", "level = 0.6\npan = -0.2")
    p = loads_preset(text)
    assert p.extra == {"mood": "calm", "extra": {"x": [1, 2]}}
    assert p.timer.extra == {"wake": "07:00"}
    assert p.layers[0].extra == {"pan": -0.2}
    path = save_preset(p, tmp_path / "a.toml")
    again = load_preset(path)
    assert again == p
    assert loads_preset(dumps_preset(again)) == p


def test_round_trip_through_a_mix_keeps_missing_layers_and_unknown_keys(tmp_path):
    text = GOOD.replace('"rain"', '"friends-tent"').replace("level = 0.3", "level = 0.3\npan = 1")
    p = loads_preset(text.replace("author", 'colour = "blue"\nauthor'))
    mix, missing = p.to_mix(catalog("brown"))
    assert [m[0] for m in missing] == ["friends-tent"]
    saved = preset_from_mix(mix.with_level("brown", 0.5), "Test mix", base=p, catalog=catalog("brown"))
    path = save_preset(saved, tmp_path / "b.toml")
    back = load_preset(path)
    assert {layer.sound for layer in back.layers} == {"brown", "friends-tent"}
    assert back.extra == {"colour": "blue"} and back.description == "for tests"
    assert next(x for x in back.layers if x.sound == "brown").extra == {"pan": 1}
    assert back.to_mix(catalog("brown"))[0] == Mix(0.8, (Layer("brown", 0.5, True),))


def test_a_known_layer_removed_from_the_mix_is_not_brought_back():
    p = loads_preset(GOOD)
    mix, _ = p.to_mix(catalog("rain", "brown"))
    saved = preset_from_mix(mix.without("rain"), "x", base=p, catalog=catalog("rain", "brown"))
    assert [layer.sound for layer in saved.layers] == ["brown"]


THREE = """\
format = 1
name = "Three"
[[layers]]
sound = "rain"
level = 0.6
[[layers]]
sound = "thunder"
level = 0.25
pan = -0.5
[[layers]]
sound = "brown"
level = 0.2
"""


def test_a_layer_taken_to_zero_and_back_keeps_its_place_in_the_saved_list():
    p = loads_preset(THREE)
    known = catalog("rain", "thunder", "brown")
    mix, _ = p.to_mix(known)
    back = mix.without("thunder").with_level("thunder", 0.4)  # what the mixer does at 0
    assert [layer.sound for layer in back.layers] == ["rain", "brown", "thunder"]
    saved = preset_from_mix(back, "Three", base=p, catalog=known)
    assert [(x.sound, x.level) for x in saved.layers] == [
        ("rain", 0.6), ("thunder", 0.4), ("brown", 0.2)]
    assert saved.layers[1].extra == {"pan": -0.5}  # unknown keys survive the trip through 0
    assert loads_preset(dumps_preset(saved)) == saved


def test_a_sound_this_installation_lacks_keeps_its_place_when_saved():
    p = loads_preset(THREE)
    known = catalog("rain", "brown")  # no thunder here
    mix, missing = p.to_mix(known)
    assert [m[0] for m in missing] == ["thunder"]
    saved = preset_from_mix(mix.with_level("brown", 0.5), "Three", base=p, catalog=known)
    assert [(x.sound, x.level) for x in saved.layers] == [
        ("rain", 0.6), ("thunder", 0.25), ("brown", 0.5)]


def test_new_layers_are_saved_in_the_mixers_row_order_whatever_the_edits():
    p = loads_preset(THREE)
    known = catalog("rain", "thunder", "brown", "wind", "fire")  # rows in this order
    mix, _ = p.to_mix(known)
    one = mix.with_level("fire", 0.2).with_level("wind", 0.3)
    two = one.without("fire").with_level("fire", 0.2)  # fire to 0 and back: now last
    for edited in (one, two):
        saved = preset_from_mix(edited, "Three", base=p, catalog=known)
        assert [x.sound for x in saved.layers] == ["rain", "thunder", "brown", "wind", "fire"]
    given = preset_from_mix(two, "Three", base=p, catalog=known, order=["fire", "wind"])
    assert [x.sound for x in given.layers] == ["rain", "thunder", "brown", "fire", "wind"]


def test_preset_from_mix_without_base_is_plain():
    p = preset_from_mix(Mix(0.5, (Layer("rain", 0.25),)), "Plain")
    assert p == Preset(name="Plain", master=0.5, layers=[PresetLayer("rain", 0.25)])
    assert loads_preset(dumps_preset(p)) == p


# ---------------------------------------------------------------- one test per error
def test_syntax_error_names_file_and_line():
    (p,) = problems_of("format = 1\nname = \"x\"\nmaster = = 3\n")
    assert p.line == 3 and "TOML syntax error" in p.message and "README" in p.message


def test_wrong_type_names_field_and_what_is_allowed():
    p = only(GOOD.replace("level = 0.6", 'level = "loud"'), "layers[1].level")
    assert p.line == 14 and "number between 0 and 1" in p.message and "text" in p.message


def test_level_outside_range_names_layer_and_range():
    p = only(GOOD.replace("level = 0.3", "level = 1.5"), "layers[2].level")
    assert p.line == 18 and "1.5" in p.message and "0 (silent) to 1 (full)" in p.message


def test_nan_and_inf_levels_are_refused():
    only(GOOD.replace("level = 0.3", "level = nan"), "layers[2].level")
    only(GOOD.replace("master = 0.8", "master = inf"), "master")


def test_master_outside_range():
    p = only(GOOD.replace("master = 0.8", "master = -0.1"), "master")
    assert p.line == 5 and "0..1" in p.message


def test_missing_sound_points_at_the_layer_block():
    p = only(GOOD.replace('sound = "brown"\n', ""), "layers[2].sound")
    assert p.line == 16 and "ambience sounds" in p.message


def test_missing_level():
    p = only(GOOD.replace("level = 0.6\n", ""), "layers[1].level")
    assert "level = 0.5" in p.message


def test_muted_must_be_a_boolean():
    assert "true or false" in only(GOOD.replace("muted = true", 'muted = "yes"'), "layers[2].muted").message


def test_format_newer_than_supported_asks_for_an_upgrade():
    (p,) = problems_of(GOOD.replace("format = 1", "format = 7"))
    assert p.field == "format" and p.line == 1 and "upgrade" in p.message


def test_format_missing_or_wrong_type():
    assert "format = 1" in only(GOOD.replace("format = 1\n", ""), "format").message
    only(GOOD.replace("format = 1", 'format = "1"'), "format")


def test_file_over_64_kib_is_refused_before_parsing():
    text = GOOD + "# " + "x" * MAX_BYTES + "\n"
    (p,) = problems_of(text)
    assert "64 KiB" in p.message and p.file == "my.toml"


@pytest.mark.parametrize("ref", ["/home/me/rain.wav", "sounds/rain", "C:\\rain", "rain.flac", "Rain.MP3"])
def test_sound_reference_that_is_a_path_is_refused(ref):
    text = GOOD.replace('sound = "rain"', f"sound = '{ref}'")
    p = only(text, "layers[1].sound")
    assert "is a path" in p.message and "by id" in p.message and p.line == 13


def test_same_sound_twice_is_refused():
    p = only(GOOD.replace('"brown"', '"rain"'), "layers[2].sound")
    assert "layers[1]" in p.message


def test_missing_name_and_bad_texts():
    assert "name =" in only(GOOD.replace('name = "Test mix"\n', ""), "name").message
    only(GOOD.replace('name = "Test mix"', 'name = "  "'), "name")
    only(GOOD.replace('author = "me"', "author = 3"), "author")


def test_timer_errors_name_the_field_and_examples():
    p = only(GOOD.replace('duration = "45m"', 'duration = "forever"'), "timer.duration")
    assert p.line == 8 and "1h30m" in p.message
    p = only(GOOD.replace('then = "quit"', 'then = "explode"'), "timer.then")
    assert '"stop"' in p.message and '"quit"' in p.message
    p = only(GOOD.replace('fade = "10m"', 'fade = "2h"'), "timer.fade")
    assert "longer than the timer" in p.message
    only(GOOD.replace('fade = "10m"', "fade = true"), "timer.fade")
    only(GOOD.replace("[timer]\n", "timer = 3\n[t]\n"), "timer")


def test_zero_fade_means_no_fade():
    assert loads_preset(GOOD.replace('fade = "10m"', 'fade = "0"')).timer.fade_seconds == 0.0


def test_layers_must_be_tables():
    text = "format = 1\nname = 'x'\nlayers = [1, 'rain']\n"
    fields = [p.field for p in problems_of(text)]
    assert fields == ["layers[1]", "layers[2]"]
    assert [p.field for p in problems_of("format = 1\nname = 'x'\nlayers = 3\n")] == ["layers"]


def test_not_utf8_is_refused_with_the_fix():
    (p,) = problems_of(b"format = 1\nname = '\xff\xfe'\n")
    assert "UTF-8" in p.message and p.line == 2


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("master = 0.8", "master = 2").replace("level = 0.6", "level = -1") \
        .replace('then = "quit"', 'then = 1').replace('sound = "brown"', "sound = 'a/b'")
    found = problems_of(text)
    assert [p.field for p in found] == ["master", "timer.then", "layers[1].level", "layers[2].sound"]
    assert all(p.line for p in found)


def test_load_preset_names_missing_and_unreadable_files(tmp_path):
    with pytest.raises(PresetError, match="no such file"):
        load_preset(tmp_path / "nope.toml")
    with pytest.raises(PresetError, match="folder"):
        load_preset(tmp_path)


def test_missing_message_names_ids_and_suggestions():
    from ambience.library.preset import missing_message

    one = missing_message([("rian", ["rain"])])
    assert "`rian`" in one and "did you mean `rain`?" in one and "stays in the preset" in one
    assert "sounds `a`, `b`" in missing_message([("a", []), ("b", [])])


def test_line_numbers_skip_multiline_strings_and_other_tables():
    text = (
        'format = 1\nname = "x"\ndescription = """\n[[layers]]\nlevel = 9\n"""\n'
        "[notes]\nlevel = 3\n[[layers]]\nsound = 'rain'\nlevel = 5\n"
    )
    (p,) = problems_of(text)
    assert (p.field, p.line) == ("layers[1].level", 11)
