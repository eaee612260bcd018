"""Share lines: one line per preset that round-trips and refuses anything changed."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambience.library.preset import Preset, PresetError, PresetLayer, TimerDefaults
from ambience.library.share import (
    _DICTIONARY,
    MAX_LINE,
    PREFIX,
    ShareError,
    decode_share_line,
    encode_share_line,
    is_share_line,
)

DICTIONARY_SHA256_PREFIX = "aac69383bf265be1"

PRESET = Preset(
    name="Sleep in a storm", description="Heavy rain and thunder", author="Sam", master=0.7,
    layers=[PresetLayer("rain", 0.7), PresetLayer("thunder", 0.5, True, {"pan": 0.1}),
            PresetLayer("friends-tent", 0.4)],
    timer=TimerDefaults("1h", "20m", "stop"), extra={"mood": "cosy"},
)


def test_share_line_round_trips_everything():
    line = encode_share_line(PRESET)
    assert line.startswith("ambience:1:") and "\n" not in line and is_share_line(line)
    back = decode_share_line(line)
    assert back == PRESET and back.origin == "share"


def test_share_line_fits_in_a_chat_message():
    assert len(encode_share_line(PRESET)) < 300


def test_the_version_1_dictionary_never_changes():
    # lines already shared must keep decoding: a new dictionary needs a new line version
    import hashlib

    assert hashlib.sha256(_DICTIONARY).hexdigest()[:16] == DICTIONARY_SHA256_PREFIX


def test_a_line_made_with_another_dictionary_is_refused():
    deflater = zlib.compressobj(9, zdict=b"name = format = level = sound = ")
    raw = deflater.compress(b"format = 1\nname = 'x'\n") + deflater.flush()
    with pytest.raises(ShareError, match="changed or cut short"):
        decode_share_line(PREFIX + "1:" + base64.urlsafe_b64encode(raw).decode().rstrip("="))


def test_share_line_survives_chat_wrapping_and_quotes():
    line = encode_share_line(PRESET)
    wrapped = "`" + line[:40] + "\n  " + line[40:90] + " " + line[90:] + "`\n"
    assert decode_share_line(wrapped) == PRESET


def _flip(line: str, index: int) -> str:
    c = line[index]
    return line[:index] + ("A" if c != "A" else "B") + line[index + 1:]


@pytest.mark.parametrize("where", [12, 30, 0.5, -12])
def test_tampered_line_is_refused_with_a_clear_message(where):
    line = encode_share_line(PRESET)
    index = int(len(line) * where) if isinstance(where, float) else where
    with pytest.raises(ShareError) as info:
        decode_share_line(_flip(line, index))
    assert "changed or cut short" in str(info.value) and "share line" in str(info.value)


@pytest.mark.parametrize("keep", [15, 60, -1, -5])
def test_truncated_line_is_refused(keep):
    line = encode_share_line(PRESET)
    with pytest.raises(ShareError, match="changed or cut short"):
        decode_share_line(line[:keep])


def test_not_a_share_line():
    with pytest.raises(ShareError, match="should start with `ambience:1:`"):
        decode_share_line("https://example.invalid/mix?rain=60")


def test_share_line_from_a_newer_version_asks_for_an_upgrade():
    line = encode_share_line(PRESET).replace("ambience:1:", "ambience:2:")
    with pytest.raises(ShareError, match="newer version"):
        decode_share_line(line)


def test_invalid_characters_are_refused():
    with pytest.raises(ShareError, match="changed"):
        decode_share_line("ambience:1:abc$def")


def _raw_line(payload: bytes) -> str:
    deflater = zlib.compressobj(9, zdict=_DICTIONARY)
    data = deflater.compress(payload) + deflater.flush()
    return PREFIX + "1:" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_valid_line_carrying_an_invalid_preset_reports_its_fields():
    with pytest.raises(PresetError) as info:
        decode_share_line(_raw_line(b"format = 1\nname = 'x'\n[[layers]]\nsound = '/etc/passwd'\nlevel = 1\n"))
    (problem,) = info.value.problems
    assert problem.file == "share line" and problem.field == "layers[1].sound" and "path" in problem.message


def test_a_compression_bomb_is_refused():
    line = _raw_line(b"format = 1\nname = 'x'\n" + b"#" * 2_000_000)
    assert len(line) < MAX_LINE
    with pytest.raises(ShareError, match="64 KiB"):
        decode_share_line(line)


def test_an_overlong_line_is_refused_both_ways():
    with pytest.raises(ShareError, match="too long"):
        decode_share_line("ambience:1:" + "A" * MAX_LINE)
    import random

    rng = random.Random(1)
    noisy = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20000))
    with pytest.raises(ShareError, match="export"):
        encode_share_line(Preset(name="big", description=noisy))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.text("ambience:1AZaz09_-", max_size=200),
                 st.binary(max_size=200).map(lambda b: "ambience:1:" + base64.urlsafe_b64encode(b).decode())))
def test_random_lines_raise_only_preset_errors(text):
    try:
        decode_share_line(text)
    except PresetError as exc:
        assert exc.problems
