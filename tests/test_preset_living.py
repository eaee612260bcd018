"""Presets, share lines and the user's settings carry the living mix (issues 18, 19): layer
drift/intensity/presence/motion, the breathing pacer and the headphones hint."""

from __future__ import annotations

import tomllib

import pytest

from ambience.core.mix import Layer, Mix
from ambience.library.catalog import Catalog, SoundInfo
from ambience.library.preset import (
    PresetError,
    dumps_preset,
    loads_preset,
    preset_from_mix,
)
from ambience.library.settings import (
    Settings,
    headphones_mode,
    load_settings,
    remember_output,
    save_settings,
    settings_path,
)
from ambience.library.share import decode_share_line, encode_share_line

LIVING = """\
format = 1
name = "Passing storm"
master = 0.7
breathing = 6
inhale = 0.45
output = "headphones"
mood = "kept"

[[layers]]
sound = "rain"
level = 0.6
drift = 0.4
intensity = 0.75
colour = "blue"

[[layers]]
sound = "thunder"
level = 0.5
presence = 0.3

[[layers]]
sound = "whisper"
level = 0.4
motion = 0.6

[[layers]]
sound = "brown"
level = 0.2
"""
#: `ambience share "sleep in a storm"` as made before these fields existed
OLD_LINE = (
    "ambience:1:ePkS6WtEw-L84JzU1AIFYDAmAkMNKI3hH4_UxLJKcEjrKBTl5-SAAgoW5IlAG9JLi0tAYpDgz8jMS"
    "VWozC9VSAQGfXFiWipYTXliUS7QjpT8_KJiPYIhZM4F8QSQE82lAATVCnDPgNyhpKOA8JK5Qq0OuiKo81DUmWJ"
    "RB3IyiiITLIrAKQ1FlTFIVSz2eDTMQESlkUEuenQCAPlOdXE"
)


def catalog(*ids: str) -> Catalog:
    return Catalog({i: SoundInfo(id=i, name=i, category="noise") for i in ids})


def problems_of(text: str) -> list[str]:
    with pytest.raises(PresetError) as info:
        loads_preset(text, source="my.toml")
    return [str(p) for p in info.value.problems]


def test_the_new_fields_load_and_reach_the_mix():
    preset = loads_preset(LIVING)
    mix, missing = preset.to_mix(catalog("rain", "thunder", "whisper", "brown"))
    assert missing == []
    assert mix.layer("rain") == Layer("rain", 0.6, drift=0.4, intensity=0.75)
    assert mix.layer("thunder").presence == 0.3
    assert mix.layer("whisper").motion == 0.6
    assert mix.layer("brown") == Layer("brown", 0.2)
    assert (mix.breathing, mix.inhale, mix.headphones) == (6.0, 0.45, True)
    # the front end's listening mode wins over the hint
    assert preset.to_mix(catalog("rain"), headphones=False)[0].headphones is False


def test_an_older_file_loads_unchanged_and_saves_byte_for_byte_the_same():
    old = ('format = 1\nname = "Old"\nmaster = 0.5\nlayers = [\n'
           '    { sound = "rain", level = 0.6 },\n]\n')
    preset = loads_preset(old)
    assert dumps_preset(preset) == old
    mix, _ = preset.to_mix(catalog("rain"))
    assert mix == Mix(0.5, (Layer("rain", 0.6),))


def test_round_trip_through_a_mix_keeps_every_field_and_unknown_keys():
    preset = loads_preset(LIVING)
    mix, _ = preset.to_mix(catalog("rain", "thunder", "whisper", "brown"))
    again = preset_from_mix(mix, preset.name, base=preset,
                            catalog=catalog("rain", "thunder", "whisper", "brown"))
    assert again == preset
    doc = tomllib.loads(dumps_preset(again))
    assert doc["mood"] == "kept" and doc["layers"][0]["colour"] == "blue"
    assert doc["output"] == "headphones" and doc["breathing"] == 6 and doc["inhale"] == 0.45


def test_only_settings_that_differ_from_the_defaults_are_written():
    mix = Mix(0.8, (Layer("rain", 0.6, drift=0.25), Layer("brown", 0.3, intensity=0.5,
                                                         presence=1.0, motion=0.0)))
    doc = tomllib.loads(dumps_preset(preset_from_mix(mix, "Plain")))
    assert doc["layers"] == [{"sound": "rain", "level": 0.6, "drift": 0.25},
                             {"sound": "brown", "level": 0.3}]
    assert not {"breathing", "inhale", "output"} & set(doc)
    paced = preset_from_mix(mix.with_breathing(7.5, 0.5), "Paced")
    doc = tomllib.loads(dumps_preset(paced))
    assert (doc["breathing"], doc["inhale"]) == (7.5, 0.5)


def test_a_mix_played_on_headphones_does_not_make_a_headphones_preset():
    mix = Mix(0.8, (Layer("whisper", 0.5, motion=0.5),), headphones=True)
    assert "output" not in tomllib.loads(dumps_preset(preset_from_mix(mix, "Mine")))


@pytest.mark.parametrize("line, field, value, words", [
    ("drift = 1.5", "drift", "1.5", "0 (steady) to 1"),
    ("intensity = -0.1", "intensity", "-0.1", "0.5 is as designed"),
    ("presence = 2", "presence", "2", "share of time"),
    ("motion = 1.01", "motion", "1.01", "0 (stays still) to 1"),
])
def test_a_layer_setting_outside_0_1_names_file_line_field_and_range(line, field, value,
                                                                     words):
    text = 'format = 1\nname = "X"\n\n[[layers]]\nsound = "rain"\nlevel = 0.5\n' + line + "\n"
    (problem,) = problems_of(text)
    assert problem.startswith(f"my.toml:7: layers[1].{field}: {value} is outside 0..1; use ")
    assert words in problem


def test_wrong_types_and_pacer_values_are_explained():
    text = ('format = 1\nname = "X"\nbreathing = 12\ninhale = 0.9\noutput = "speaker"\n\n'
            '[[layers]]\nsound = "rain"\nlevel = 0.5\ndrift = "lots"\n')
    problems = problems_of(text)
    assert problems == [
        "my.toml:3: breathing: 12 is not allowed; use 4 to 10 breaths a minute (6 is slow, "
        "calm breathing) or 0 to leave the pacer off",
        "my.toml:4: inhale: 0.9 is outside 0.2..0.8; it is the share of each breath spent "
        "breathing in (0.4, the default, is 4 s in and 6 s out at 6 breaths a minute)",
        "my.toml:5: output: 'speaker' is not allowed; use \"headphones\" for a preset meant "
        "for headphones, or leave it out (speakers)",
        "my.toml:10: layers[1].drift: must be a number: 0 (steady) to 1 (wanders up to 6 dB "
        "around its level); got text",
    ]
    assert problems_of('format = 1\nname = "X"\nbreathing = true\n') == [
        "my.toml:3: breathing: must be a number of breaths a minute (4 to 10, or 0 for off), "
        "got true/false"]
    assert loads_preset('format = 1\nname = "X"\nbreathing = 0\n').breathing == 0.0


def test_share_lines_carry_the_new_fields_and_old_lines_still_read():
    preset = loads_preset(LIVING)
    line = encode_share_line(preset)
    assert decode_share_line(line) == preset
    assert len(line) < 500, len(line)
    old = decode_share_line(OLD_LINE)
    assert old.name == "Sleep in a storm" and old.sounds() == ["rain", "thunder", "wind",
                                                              "brown"]
    assert old.breathing == 0.0 and old.output is None
    assert all(layer.shaping == {} for layer in old.layers)


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def test_settings_start_empty_save_atomically_and_keep_unknown_keys(config):
    assert load_settings() == Settings()
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text('theme_note = "mine"\n')
    remember_output(True)
    assert settings_path().read_text() == 'output = "headphones"\ntheme_note = "mine"\n'
    assert load_settings().output == "headphones"
    remember_output(False)
    assert load_settings().output == "speakers"
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.toml"]


def test_a_bad_settings_file_warns_with_the_fix_and_costs_only_the_setting(config):
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text('# mine\noutput = "headphone"\n')
    warnings: list[str] = []
    assert load_settings(warnings.append).output is None
    assert warnings == [f'{settings_path()}:2: output: \'headphone\' is not allowed; write '
                        'output = "headphones" or output = "speakers" (ignored until then)']
    settings_path().write_text("output = \n")
    warnings.clear()
    assert load_settings(warnings.append) == Settings()
    assert "TOML syntax error" in warnings[0]
    save_settings(Settings(output="speakers"))
    assert load_settings().output == "speakers"


@pytest.mark.parametrize("flag, setting, hint, expected", [
    (None, None, True, True),        # no setting: the preset's hint decides
    (None, None, False, False),
    (None, "speakers", True, False),  # the user's setting wins over the hint
    (None, "headphones", False, True),
    (True, "speakers", False, True),  # the flag wins over both
    (False, "headphones", True, False),
])
def test_the_flag_wins_then_the_users_setting_then_the_presets_hint(flag, setting, hint,
                                                                    expected):
    assert headphones_mode(flag, Settings(output=setting), hint) is expected
