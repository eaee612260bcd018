"""Share lines: a whole preset in one line that fits in a chat message.

`ambience:1:` then the preset's TOML, zlib-compressed with a preset dictionary of the words
every preset repeats (a third shorter) and base64url-encoded without padding. zlib's own checksum catches a changed or cut line; the decoded text then goes through the
same validation as a file, so a share line can never carry more than a preset file can.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib

from ambience.library.preset import (
    MAX_BYTES,
    Preset,
    PresetError,
    Problem,
    dumps_preset,
    loads_preset,
)

PREFIX = "ambience:"
VERSION = 1
#: longest line accepted or produced (a typical preset is 200-400 characters)
MAX_LINE = 8192
SOURCE = "share line"
_B64 = re.compile(r"[A-Za-z0-9_-]*")
#: part of line version 1: never edit it (old lines would stop decoding); a new dictionary
#: needs a new VERSION. Later strings compress best, so the commonest words come last.
_DICTIONARY = (
    "white pink brown rain thunder wind waves stream fire night birds whisper brushing paper "
    "tapping clock fan purr keyboard heartbeat "
    'format = 1\nname = "\ndescription = "\nauthor = "ambience"\nmaster = 0.\n\n[timer]\n'
    'duration = "\nfade = "\nthen = "stop"\n\n[[layers]]\nsound = "\nlevel = 0.\n'
    'muted = true\n\n[[layers]]\nsound = "\nlevel = 0.'
).encode("ascii")


class ShareError(PresetError):
    """A share line that cannot be used (not ours, changed, cut short, too long)."""

    def __init__(self, message: str):
        super().__init__([Problem(SOURCE, None, None, message)])


def is_share_line(text: str) -> bool:
    return _clean(text).lower().startswith(PREFIX)


def _clean(text: str) -> str:
    """Chat apps wrap long lines and people paste quotes or backticks around them."""
    return re.sub(r"\s+", "", text).strip("`'\"<>")


def encode_share_line(preset: Preset) -> str:
    deflater = zlib.compressobj(9, zdict=_DICTIONARY)
    data = deflater.compress(dumps_preset(preset).encode("utf-8")) + deflater.flush()
    line = f"{PREFIX}{VERSION}:" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    if len(line) > MAX_LINE:
        raise ShareError(
            f"`{preset.name}` is too big for a share line ({len(line)} characters, at most "
            f"{MAX_LINE}); send the file instead (`ambience export`)"
        )
    return line


def decode_share_line(text: str) -> Preset:
    """The preset in a share line; ShareError/PresetError with a clear message otherwise."""
    line = _clean(text)
    if len(line) > MAX_LINE:
        raise ShareError(f"the line is too long ({len(line)} characters, at most {MAX_LINE}); "
                         "share lines are made by `ambience share`")
    if not line.lower().startswith(PREFIX):
        raise ShareError(f"not an ambience share line: it should start with `{PREFIX}{VERSION}:` "
                         "(made by `ambience share NAME`)")
    version, sep, payload = line[len(PREFIX):].partition(":")
    if not sep or not version.isdigit():
        raise ShareError(f"the line is damaged: expected `{PREFIX}{VERSION}:` at the start")
    if int(version) > VERSION:
        raise ShareError(f"this share line was made by a newer version of ambience (version "
                         f"{int(version)}, this one reads {VERSION}); upgrade ambience")
    if int(version) < 1:
        raise ShareError(f"unknown share line version {version}")
    damaged = ("the line was changed or cut short on the way (its checksum does not match); "
               "ask for it again and copy the whole line")
    if not payload or not _B64.fullmatch(payload) or len(payload) % 4 == 1:
        raise ShareError(damaged)
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        inflater = zlib.decompressobj(zdict=_DICTIONARY)
        raw = inflater.decompress(data, MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise ShareError(damaged) from None
    if len(raw) > MAX_BYTES:
        raise ShareError(f"the preset inside is over {MAX_BYTES // 1024} KiB; refused")
    if not inflater.eof or inflater.unused_data:
        raise ShareError(damaged)
    preset = loads_preset(raw, source=SOURCE)
    preset.origin = "share"
    return preset
