"""The preset commands, run through their own parser (as `ambience` will run them)."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from ambience.library import paths
from ambience.cli.common import CliError
from ambience.cli.presets import add_parser
from ambience.library.preset import load_preset
from ambience.library.share import decode_share_line


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    # tests/conftest.py already points the XDG user folders at tmp_path
    monkeypatch.setenv("COLUMNS", "200")


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ambience")
    add_parser(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return args.run(args)


def test_presets_lists_bundled_presets_and_the_default(capsys):
    assert run("presets") == 0
    out = capsys.readouterr().out
    for name in ("Deep focus", "Rainy study (default)", "ASMR tingles", "White-noise masker"):
        assert name in out


def test_preset_show_prints_layers_and_unknown_sounds(capsys, tmp_path):
    assert run("preset", "show", "BROWN-NOISE sleep") == 0
    out = capsys.readouterr().out
    assert "Brown-noise sleep" in out and "brown" in out and "0.70" in out and "8h" in out
    f = tmp_path / "x.toml"
    f.write_text("format = 1\nname = 'X'\n[[layers]]\nsound = 'browm'\nlevel = 0.5\n")
    assert run("preset", "show", str(f)) == 0
    assert "unknown sound (did you mean brown" in capsys.readouterr().out


def test_preset_show_unknown_name_is_a_cli_error():
    with pytest.raises(CliError) as info:
        run("preset", "show", "no such preset")
    assert info.value.status == 2 and "ambience presets" in str(info.value)


def test_validate_exit_codes_and_every_problem_printed(capsys, tmp_path):
    good = paths.bundled_presets_dir() / "deep-focus.toml"
    assert run("preset", "validate", str(good)) == 0
    assert "ok:" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\nname = 'B'\nmaster = 3\n[[layers]]\nsound = 'a.wav'\nlevel = 2\n")
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\nname = \n")
    assert run("preset", "validate", str(good), str(bad), str(broken)) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: master" in out and f"{bad}:5: layers[1].sound" in out
    assert f"{bad}:6: layers[1].level" in out and f"{broken}:2" in out
    assert "2 of 3 files have problems" in out


def test_validate_warns_about_unknown_sounds_but_passes(capsys, tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("format = 1\nname = 'X'\n[[layers]]\nsound = 'friends-tent'\nlevel = 0.5\n")
    assert run("preset", "validate", str(f)) == 0
    assert "friends-tent" in capsys.readouterr().out


def test_share_then_import_saves_a_user_preset(capsys):
    assert run("share", "ocean sleep") == 0
    line = capsys.readouterr().out.strip()
    assert decode_share_line(line).name == "Ocean sleep"
    assert run("import", line, "--name", "Ocean mine") == 0
    saved = load_preset(paths.user_presets_dir() / "ocean-mine.toml")
    assert saved.name == "Ocean mine" and saved.timer.duration == "45m"
    # a name the user chose, taken by another mix: ask for --force rather than rename
    f = paths.user_presets_dir() / "ocean-mine.toml"
    f.write_text(f.read_text().replace("level = 0.", "level = 0.1", 1))
    with pytest.raises(CliError, match="--force"):
        run("import", line, "--name", "ocean MINE")
    assert run("import", line, "--name", "ocean mine", "--force") == 0
    replaced = load_preset(f)
    assert replaced.name == "ocean mine" and replaced.layers == saved.layers


def user_files() -> list[str]:
    folder = paths.user_presets_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_importing_a_bundled_presets_own_line_says_you_already_have_it(capsys):
    run("share", "rainy study")
    line = capsys.readouterr().out.strip()
    assert run("import", line) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "you already have Rainy study (a bundled preset): the same mix, nothing saved" in out
    assert user_files() == []


def test_importing_a_changed_bundled_preset_saves_it_under_a_free_name(capsys, tmp_path):
    from ambience.library.presets import find_preset
    from ambience.library.share import encode_share_line

    bundled = find_preset("Rainy study")
    friends = find_preset("Rainy study")
    friends.layers[0].level = round(1 - friends.layers[0].level, 2)
    line = encode_share_line(friends)
    assert run("import", line) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "saved as Rainy study (2) to" in out
    assert "`Rainy study` is a bundled preset, with another mix" in out
    assert user_files() == ["rainy-study-2.toml"]
    mine = find_preset("Rainy study (2)")
    assert mine.layers == friends.layers and find_preset("Rainy study") == bundled
    # the same line again: already there; a third mix: the next free name
    assert run("import", line) == 0
    assert "you already have Rainy study (2)" in " ".join(capsys.readouterr().out.split())
    friends.master = 0.5
    assert run("import", encode_share_line(friends)) == 0
    assert "saved as Rainy study (3)" in " ".join(capsys.readouterr().out.split())
    assert user_files() == ["rainy-study-2.toml", "rainy-study-3.toml"]


def test_import_a_share_line_kept_in_a_text_file(tmp_path, capsys):
    run("share", "cat nap")
    note = tmp_path / "from-sam.txt"
    note.write_text("  " + capsys.readouterr().out)
    assert run("import", str(note), "--name", "Sam's nap") == 0
    assert load_preset(paths.user_presets_dir() / "sam-s-nap.toml").name == "Sam's nap"


def test_import_refuses_a_tampered_line_and_saves_nothing(capsys):
    run("share", "ocean sleep")
    line = capsys.readouterr().out.strip()
    bad = line[:40] + ("A" if line[40] != "A" else "B") + line[41:]
    with pytest.raises(CliError, match="changed or cut short"):
        run("import", bad, "--name", "x")
    assert not paths.user_presets_dir().exists() or not list(paths.user_presets_dir().iterdir())


def test_import_from_a_file_and_from_stdin(tmp_path, monkeypatch, capsys):
    f = tmp_path / "friend.toml"
    f.write_text("format = 1\nname = 'Friend'\n[[layers]]\nsound = 'brown'\nlevel = 0.5\n")
    assert run("import", str(f)) == 0
    assert "saved" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f.read_bytes().replace(b"Friend", b"Piped"))))
    assert run("import", "-") == 0
    assert load_preset(paths.user_presets_dir() / "piped.toml").layers[0].sound == "brown"


def test_import_of_an_invalid_file_names_the_problem(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("format = 1\nname = 'Bad'\nmaster = 'loud'\n")
    with pytest.raises(CliError, match=r"bad.toml:3: master"):
        run("import", str(f))
    with pytest.raises(CliError, match="neither a file nor a share line"):
        run("import", str(tmp_path / "missing.toml"))


def test_export_writes_the_file_and_needs_force_to_replace(tmp_path, capsys):
    out = tmp_path / "night.toml"
    assert run("export", "night cabin", "--output", str(out)) == 0
    assert load_preset(out).name == "Night cabin"
    out.write_text("mine")
    with pytest.raises(CliError, match="--force"):
        run("export", "night cabin", "--output", str(out))
    assert out.read_text() == "mine"
    assert run("export", "night cabin", "-o", str(out), "--force") == 0
    assert load_preset(out).name == "Night cabin"
    capsys.readouterr()
    assert run("export", "night cabin", "-o", "-") == 0
    assert 'name = "Night cabin"' in capsys.readouterr().out


def test_export_refuses_an_extension_that_is_not_toml(tmp_path):
    out = tmp_path / "x.wav"
    with pytest.raises(CliError) as info:
        run("export", "night cabin", "-o", str(out))
    assert info.value.status == 2
    assert f"{out}: a preset is a TOML text file; name it with .toml (e.g. x.toml)" in str(info.value)
    assert not out.exists()


def test_export_refuses_a_missing_folder_as_render_does(tmp_path):
    out = tmp_path / "typo" / "night.toml"
    with pytest.raises(CliError, match="the folder .*typo does not exist; create it first"):
        run("export", "night cabin", "-o", str(out))
    assert not out.parent.exists()


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--device", "2", "presets"], "--device does not apply to `ambience presets`; it is an "
                                       "option of the mixer and `ambience play`"),
        (["--audio", "null", "export", "x", "-o", "x.toml"], "--audio does not apply to "
                                                             "`ambience export`"),
        (["preset", "show", "deep focus", "--force"], "--force does not apply to `ambience "
                                                      "preset show`; it is an option of "
                                                      "`ambience render`, `ambience import` and "
                                                      "`ambience export`"),
        (["presets", "extra"], "unexpected argument 'extra' for `ambience presets`"),
        # an option of a command and all its subcommands is named once, by the command
        (["sounds", "--json"], "--json does not apply to `ambience sounds`; it is an option of "
                               "`ambience ctl`: leave it out"),
    ],
    ids=["device-presets", "audio-export", "force-show", "stray-argument", "json-sounds"],
)
def test_options_a_command_does_not_take_are_refused(capsys, argv, message):
    from ambience.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err
