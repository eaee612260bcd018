"""The living mix on the command line: `play`/`render` flags, the listening mode's sources,
`preset show`, `ambience ctl`'s new commands, and a seeded render that repeats exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ambience.cli import build_parser, main
from ambience.cli.ctl import describe_status
from ambience.cli.play import request_from_args
from ambience.control.protocol import BadRequest, validate
from ambience.library.settings import remember_output

AMBIENCE = str(Path(sys.executable).with_name("ambience"))
LIVING = ["--layer", "rain=0.5", "--layer", "whisper=0.4", "--layer", "thunder=0.4",
          "--drift", "rain=0.6", "--intensity", "rain=0.9", "--now-and-then", "thunder=0.5",
          "--motion", "whisper=0.7", "--breathing", "6", "--headphones"]


def request(*argv: str):
    args = build_parser().parse_args(["render", *argv, "-d", "1s", "-o", "x.wav"])
    return request_from_args(args, preset_needs_flag=True)


def test_flags_set_every_layer_setting_the_pacer_and_headphones():
    mix = request(*LIVING, "--inhale", "0.5").mix
    assert (mix.layer("rain").drift, mix.layer("rain").intensity) == (0.6, 0.9)
    assert mix.layer("thunder").presence == 0.5 and mix.layer("whisper").motion == 0.7
    assert (mix.breathing, mix.inhale, mix.headphones) == (6.0, 0.5, True)


def test_a_presets_pacer_is_turned_off_with_breathing_off():
    assert request("breathe slowly").mix.breathing == 6.0
    assert request("breathe slowly", "--breathing", "off").mix.breathing == 0.0
    assert request("breathe slowly", "--breathing", "8").mix.breathing == 8.0


def test_a_living_mix_renders_in_one_process_a_steady_one_may_share():
    from ambience.cli.render import lives

    assert not lives(request("--layer", "rain=0.5", "--intensity", "rain=0.9").mix)
    for flags in (["--drift", "rain=0.1"], ["--now-and-then", "rain=0.9"],
                  ["--motion", "rain=0.1"], ["--breathing", "4"]):
        assert lives(request("--layer", "rain=0.5", *flags).mix), flags


def test_headphones_come_from_the_flag_then_the_users_setting_then_the_presets_hint(capsys):
    assert request("whispers close by").mix.headphones is True  # no setting: the hint
    assert request("rainy study").mix.headphones is False
    remember_output(False)
    assert request("whispers close by").mix.headphones is False  # the user said speakers
    assert "“Whispers close by” is made for headphones; --headphones plays it so" in \
        capsys.readouterr().err
    assert request("whispers close by", "--headphones").mix.headphones is True
    assert request("whispers close by", "--speakers").mix.headphones is False
    assert "made for headphones" not in capsys.readouterr().err  # they said so themselves
    remember_output(True)
    assert request("rainy study").mix.headphones is True
    assert request("rainy study", "--speakers").mix.headphones is False


@pytest.mark.parametrize("argv, message", [
    (["--layer", "pink=0.5", "--intensity", "pink=0.3"],
     "--intensity pink=0.3: `pink` has no intensity to change; sounds that have one: "),
    (["--layer", "pink=0.5", "--drift", "rain=0.3"],
     "--drift rain=0.3: `rain` is not in the mix; add it with --layer rain=LEVEL"),
    (["--layer", "pink=0.5", "--breathing", "12"],
     "--breathing: expected 4 to 10 breaths a minute (6 is slow, calm breathing) or off, "
     "got '12'"),
    (["--layer", "pink=0.5", "--motion", "pink=2"], "AMOUNT in 'pink=2' must be between 0 and 1"),
], ids=["no-intensity", "not-in-mix", "breathing-range", "amount-range"])
def test_bad_living_flags_get_one_line(capsys, tmp_path, argv, message):
    out = tmp_path / "x.wav"
    try:
        status = main(["render", *argv, "-d", "1s", "-o", str(out)])
    except SystemExit as exc:  # a value argparse refuses itself
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split()) and "Traceback" not in err
    assert not out.exists()


def test_headphones_is_refused_where_it_does_not_apply(capsys):
    assert main(["--headphones", "presets"]) == 2
    assert ("--headphones does not apply to `ambience presets`; it is an option of the mixer, "
            "`ambience play` and `ambience render`") in " ".join(capsys.readouterr().err.split())


def test_preset_show_says_what_lives(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["preset", "show", "a storm that passes"]) == 0
    out = capsys.readouterr().out
    assert "drifts ±2.4 dB · drizzle ···●· downpour" in out
    assert "now and then, 40 % of the time" in out
    assert main(["preset", "show", "breathe slowly"]) == 0
    assert "breathing pacer: 6 breaths a minute (4.0 s in, 6.0 s out)" in capsys.readouterr().out


def test_ctl_requests_for_the_living_mix_validate_with_clear_words():
    assert validate({"cmd": "drift", "sound": "rain", "amount": "0.5"}).args == {
        "sound": "rain", "amount": 0.5}
    assert validate({"cmd": "breathing", "rate": "off"}).args == {"rate": 0.0}
    assert validate({"cmd": "breathing", "rate": 7}).args == {"rate": 7.0}
    assert validate({"cmd": "headphones", "state": "toggle"}).args == {"state": None}
    with pytest.raises(BadRequest, match=r"motion: expected an amount between 0 and 1, got 'x'"):
        validate({"cmd": "motion", "sound": "whisper", "amount": "x"})
    with pytest.raises(BadRequest, match="breathing: expected 4 to 10 breaths a minute"):
        validate({"cmd": "breathing", "rate": "NaN"})
    with pytest.raises(BadRequest, match="headphones: expected on, off or toggle"):
        validate({"cmd": "headphones", "state": "loud"})


def test_ctl_status_says_what_lives():
    text = describe_status({
        "preset": "Storm", "master": 1.0, "breathing": 6.0, "inhale": 0.4, "headphones": True,
        "layers": [{"sound": "rain", "level": 0.5, "muted": False, "drift": 0.5,
                    "intensity": 0.25, "presence": 1.0, "motion": 0.0,
                    "intensity_words": ["drizzle", "downpour"]}]})
    assert "rain             0.50  drifts ±3.0 dB · drizzle ·●··· downpour" in text
    assert "breathing pacer 6 a minute (4.0 s in, 6.0 s out)" in text
    assert "headphones mode" in text


def test_a_seeded_render_of_a_living_mix_repeats_sample_for_sample(tmp_path):
    import soundfile

    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    # one render a process of its own, the other in this one: two processes (their own hash
    # seeds, their own start) and no state shared between the two renders
    done = subprocess.run([AMBIENCE, "render", *LIVING, "--seed", "5", "-d", "12s",
                           "-o", str(a)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert main(["render", *LIVING, "--seed", "5", "-d", "12s", "-o", str(b)]) == 0
    outs = [soundfile.read(a)[0], soundfile.read(b)[0]]
    assert outs[0].shape == outs[1].shape and np.abs(outs[0]).max() > 1e-3
    assert np.array_equal(outs[0], outs[1])


def test_validate_warns_about_an_intensity_on_a_sound_that_has_none(capsys, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('format = 1\nname = "P"\n[[layers]]\nsound = "pink"\nlevel = 0.5\n'
                    'intensity = 0.8\n')
    assert main(["preset", "validate", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (f"warning: {path}: layers[1].intensity: `pink` has no intensity, so it changes "
            "nothing (kept as written)") in out
