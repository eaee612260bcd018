"""Presets: one TOML file per mix, readable and editable by hand, safe to mail to a friend.

Pure (tomllib/tomli-w only). Loading validates everything at once and reports every problem
with file, line, field and the fix; it never raises anything but `PresetError`. Sounds the
catalog does not know and keys this version does not understand are kept, so a load/save
round-trip loses nothing. Saving is atomic (temporary file, fsync, rename).

Layers are numbered from 1 in messages (`layers[2]` is the second `[[layers]]` block).
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from ambience.library.catalog import AUDIO_SUFFIXES, looks_like_path
from ambience.core.durations import DurationError, format_duration, parse_duration
from ambience.core.mix import BREATHING_RANGE, DEFAULT_INHALE, LAYER_SHAPING, Layer, Mix

FORMAT = 1
MAX_BYTES = 64 * 1024
MAX_NAME = 100
THEN_CHOICES = ("stop", "quit")
_TOP_KEYS = ("format", "name", "description", "author", "master", "breathing", "inhale",
             "output", "timer", "layers")
_TIMER_KEYS = ("duration", "fade", "then")
_LAYER_KEYS = ("sound", "level", "muted", *LAYER_SHAPING)
#: `output` hints: what the preset was made for (the user's own setting wins)
OUTPUT_CHOICES = ("headphones", "speakers")
INHALE_RANGE = (0.2, 0.8)
#: what 0 and 1 mean for each layer setting, for the validator's messages
SHAPING_WORDS = {
    "drift": "0 (steady) to 1 (wanders up to 6 dB around its level)",
    "intensity": "0 (the sound at its gentlest) to 1 (at its strongest); 0.5 is as designed",
    "presence": "the share of time the layer is there, from 0 to 1 (always, the default)",
    "motion": "0 (stays still) to 1 (moves around the head at a slow hand's pace)",
}
_SYNTAX_LINE = re.compile(r"line (\d+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ------------------------------------------------------------------------------ errors
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a preset: where it is and what would be accepted instead."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PresetError(ValueError):
    """A preset that cannot be used; `problems` holds every problem found, str() lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PresetExists(FileExistsError):
    """Saving would replace another preset and `force` was not given."""


# ------------------------------------------------------------------------------ schema
@dataclass
class PresetLayer:
    """A layer as written in the file; `sound` may be unknown to this installation."""

    sound: str
    level: float
    muted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    drift: float = LAYER_SHAPING["drift"]
    intensity: float = LAYER_SHAPING["intensity"]
    presence: float = LAYER_SHAPING["presence"]
    motion: float = LAYER_SHAPING["motion"]

    @property
    def shaping(self) -> dict[str, float]:
        """The settings that differ from `LAYER_SHAPING` (the only ones written)."""
        return {k: getattr(self, k) for k, v in LAYER_SHAPING.items() if getattr(self, k) != v}

    def to_layer(self) -> Layer:
        return Layer(self.sound, self.level, self.muted, **self.shaping)

    @classmethod
    def from_layer(cls, layer: Layer, extra: dict | None = None) -> PresetLayer:
        return cls(layer.sound, layer.level, layer.muted, dict(extra or {}), **layer.shaping)


@dataclass
class TimerDefaults:
    """Sleep-timer defaults exactly as written (`"45m"`, `20` minutes...); parse when used."""

    duration: str | int | float | None = None
    fade: str | int | float | None = None
    then: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_seconds(self) -> float | None:
        return None if self.duration is None else parse_duration(self.duration)

    @property
    def fade_seconds(self) -> float | None:
        return None if self.fade is None else _fade_seconds(self.fade)


@dataclass
class Preset:
    """A named mix plus what travels with it. `source`/`origin` are where it was read from."""

    name: str
    description: str = ""
    author: str = ""
    master: float = 1.0
    layers: list[PresetLayer] = field(default_factory=list)
    timer: TimerDefaults | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: the breathing pacer in breaths a minute (0 = off) and the share of a breath breathed in
    breathing: float = 0.0
    inhale: float | None = None
    #: "headphones" when the preset is meant for headphones (a hint: the user's setting wins)
    output: str | None = None
    source: Path | None = field(default=None, compare=False)
    origin: str = field(default="", compare=False)  # bundled | user | file | share | session

    @property
    def for_headphones(self) -> bool:
        return self.output == "headphones"

    def to_mix(self, catalog, headphones: bool | None = None
               ) -> tuple[Mix, list[tuple[str, list[str]]]]:
        """The playable mix, and the sounds `catalog` lacks with the closest known ids.

        Missing layers stay in the preset; they are only left out of the mix. `headphones`
        is the listening mode the front end settled on (`settings.headphones_mode`); None
        takes the preset's own hint."""
        layers, missing = [], []
        for layer in self.layers:
            if layer.sound in catalog:
                layers.append(layer.to_layer())
            else:
                missing.append((layer.sound, list(catalog.suggest(layer.sound))))
        mix = Mix(self.master, tuple(layers), breathing=self.breathing,
                  inhale=DEFAULT_INHALE if self.inhale is None else self.inhale,
                  headphones=self.for_headphones if headphones is None else headphones)
        return mix, missing

    def sounds(self) -> list[str]:
        return [layer.sound for layer in self.layers]


def missing_message(missing: list[tuple[str, list[str]]]) -> str:
    """One line for the user: which sounds are missing and what they might have meant."""
    parts = []
    for sound, suggestions in missing:
        hint = " or ".join(f"`{s}`" for s in suggestions)
        parts.append(f"`{sound}`" + (f" (did you mean {hint}?)" if hint else ""))
    if len(parts) == 1:
        return f"not playing unknown sound {parts[0]}; it stays in the preset when it is saved"
    return f"not playing unknown sounds {', '.join(parts)}; they stay in the preset when it is saved"


def preset_from_mix(mix: Mix, name: str, base: Preset | None = None, catalog=None,
                    order: list[str] | None = None, keep_credits: bool = True) -> Preset:
    """A preset for `mix`. With `base` (the preset the mix came from) its description, author,
    timer, unknown keys, per-layer unknown keys and its layers whose sound is missing from
    `catalog` (loaded when needed) are kept, so saving loses nothing.

    The saved order is stable, whatever the order of the edits: the base's layers stay in
    the base's order (a layer taken to 0, hence out of the mix, comes back to its place; a
    missing sound keeps its place), and layers new to the mix follow in `order` (default:
    the catalog's, which is the mixer's rows).
    With `keep_credits=False` the base's description and author are left out (a bundled
    preset saved under a new name: see `presets.keeps_credits`)."""
    playing = {layer.sound: layer for layer in mix.layers}
    layers: list[PresetLayer] = []
    for old in base.layers if base is not None else ():
        now = playing.get(old.sound)
        if now is not None:
            layers.append(PresetLayer.from_layer(now, old.extra))
            continue
        if catalog is None:
            from ambience.library.catalog import load_catalog

            catalog = load_catalog()
        if old.sound not in catalog:
            layers.append(PresetLayer(old.sound, old.level, old.muted, dict(old.extra),
                                      **old.shaping))
    known = {layer.sound for layer in base.layers} if base is not None else set()
    new = [layer for layer in mix.layers if layer.sound not in known]
    if len(new) > 1:
        if order is None:
            if catalog is None:
                from ambience.library.catalog import load_catalog

                catalog = load_catalog()
            order = [info.id for infos in catalog.by_category().values() for info in infos]
        place = {sound: i for i, sound in enumerate(order)}
        new.sort(key=lambda layer: place.get(layer.sound, len(place)))  # stable: others last
    layers += [PresetLayer.from_layer(layer) for layer in new]
    # the pacer is part of the mix; the headphones hint belongs to the preset (the mode is
    # the listener's, so a mix played on headphones does not make a headphones preset)
    inhale = None if mix.inhale == DEFAULT_INHALE else mix.inhale
    if base is not None and base.inhale is not None and mix.inhale == base.inhale:
        inhale = base.inhale  # written by hand: kept as written
    pacer = {"breathing": mix.breathing, "inhale": inhale}
    if base is None:
        return Preset(name=name, master=mix.master, layers=layers, **pacer)
    timer = None
    if base.timer is not None:
        t = base.timer
        timer = TimerDefaults(t.duration, t.fade, t.then, dict(t.extra))
    description, author = base.description, base.author
    if not keep_credits:
        description = author = ""
    return Preset(
        name=name, description=description, author=author, master=mix.master,
        layers=layers, timer=timer, extra=dict(base.extra), output=base.output, **pacer,
    )


# ------------------------------------------------------------------------------ loading
def load_preset(path: str | os.PathLike) -> Preset:
    """Read and validate one preset file (PresetError for anything wrong, unreadable included)."""
    path = Path(path)
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise PresetError([Problem(shown, None, None, "is a folder, not a preset file")]) from None
    except FileNotFoundError:
        raise PresetError([Problem(shown, None, None, "no such file")]) from None
    except OSError as exc:
        raise PresetError([Problem(shown, None, None, f"cannot read it ({exc.strerror or exc})")]) from None
    preset = loads_preset(data, source=shown)
    preset.source = path
    preset.origin = "file"
    return preset


def loads_preset(text: str | bytes, source: str = "<preset>") -> Preset:
    """Parse and validate preset text; `source` names the file in messages."""
    if isinstance(text, str):
        size = len(text.encode("utf-8", "surrogatepass"))
    else:
        size = len(text)
    if size > MAX_BYTES:
        raise PresetError([Problem(
            source, None, None,
            f"the file is over {MAX_BYTES // 1024} KiB; a preset is a few hundred bytes, "
            "so this is not a preset (or it carries too much extra data)",
        )])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PresetError([Problem(
                source, text[: exc.start].count(b"\n") + 1, None,
                "not UTF-8 text; save the file as UTF-8 (a preset is a plain TOML text file)",
            )]) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _SYNTAX_LINE.search(msg)
        raise PresetError([Problem(
            source, int(m.group(1)) if m else None, None,
            f"TOML syntax error: {msg}; see presets/README.md for the format",
        )]) from None
    except (ValueError, RecursionError) as exc:  # e.g. lone surrogates, absurd nesting
        raise PresetError([Problem(source, None, None, f"not a TOML document ({exc})")]) from None
    return _validate(doc, source, _Lines(text))


class _Lines:
    """Best-effort line numbers for keys: TOML parsers do not report them for valid files."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
    _KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")

    def __init__(self, text: str):
        self.keys: dict[tuple, int] = {}
        self.layers: list[int] = []
        self.timer: int | None = None
        section: tuple = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).strip().strip("\"'")
                if header.group(1) == "[[" and name == "layers":
                    self.layers.append(number)
                    section = ("layers", len(self.layers) - 1)
                elif name == "timer":
                    self.timer = self.timer or number
                    section = ("timer",)
                else:
                    section = ("other", name)
                continue
            key = self._KEY.match(line)
            if key:
                name = next(g for g in key.groups() if g is not None)
                self.keys.setdefault((*section, name), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
                    break

    def top(self, key: str) -> int | None:
        return self.keys.get((key,))

    def timer_key(self, key: str) -> int | None:
        return self.keys.get(("timer", key)) or self.timer or self.top("timer")

    def layer(self, index: int, key: str | None = None) -> int | None:
        if key is not None and ("layers", index, key) in self.keys:
            return self.keys[("layers", index, key)]
        if index < len(self.layers):
            return self.layers[index]
        return self.top("layers")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _holds_nan(value: Any) -> bool:
    """Whether a value (or anything in its lists and tables) is NaN, which equals nothing, not
    even itself: kept in a preset, it would make every copy differ from the one it came from."""
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_holds_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_nan(v) for v in value)
    return False


def _reject_nan(extra: dict, line_of, prefix: str, bad) -> bool:
    """Report each key that ambience does not read but keeps as written if it holds NaN;
    whether there was one."""
    found = [key for key, value in extra.items() if _holds_nan(value)]
    for key in found:
        bad(line_of(key), prefix + key, f"nan is not a number; write a number or remove `{key}`")
    return bool(found)


def _type_name(value: Any) -> str:
    return {
        bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _fade_seconds(value: Any) -> float:
    """Like `parse_duration`, but an explicit zero (`0`, `"0s"`) means no fade."""
    if _is_number(value) and value == 0:
        return 0.0
    if isinstance(value, str) and re.fullmatch(r"\s*0+(\.0*)?\s*[hms]?\s*", value):
        return 0.0
    return parse_duration(value)


def _validate(doc: dict, source: str, lines: _Lines) -> Preset:
    problems: list[Problem] = []

    def bad(line: int | None, where: str | None, message: str) -> None:
        problems.append(Problem(source, line, where, message))

    # format first: a newer file may mean other things by the same keys, so stop there
    fmt = doc.get("format")
    if fmt is None:
        bad(None, "format", f"missing; add `format = {FORMAT}` at the top of the file")
    elif not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        bad(lines.top("format"), "format", f"must be a whole number such as {FORMAT}, got {fmt!r}")
    elif fmt > FORMAT:
        raise PresetError([Problem(
            source, lines.top("format"), "format",
            f"format {fmt} was written by a newer version of ambience; this version reads "
            f"format {FORMAT}; upgrade ambience to use this preset",
        )])

    name = doc.get("name")
    if name is None:
        bad(None, "name", 'missing; add a name such as `name = "Rainy study"`')
    elif not isinstance(name, str):
        bad(lines.top("name"), "name", f"must be text in quotes, got {_type_name(name)}")
    elif not name.strip():
        bad(lines.top("name"), "name", "must not be empty; give the preset a short name")
    elif len(name) > MAX_NAME or _CONTROL.search(name):
        bad(lines.top("name"), "name",
            f"must be one line of at most {MAX_NAME} characters")

    texts = {}
    for key in ("description", "author"):
        value = doc.get(key, "")
        if not isinstance(value, str):
            bad(lines.top(key), key, f"must be text in quotes, got {_type_name(value)}")
            value = ""
        texts[key] = value

    master = doc.get("master", 1.0)
    if not _is_number(master):
        bad(lines.top("master"), "master",
            f"must be a number between 0 and 1 (a slider position), got {_type_name(master)}")
        master = 1.0
    elif not (math.isfinite(master) and 0.0 <= master <= 1.0):
        bad(lines.top("master"), "master",
            f"{master!r} is outside 0..1; use a slider position from 0 (silent) to 1 (full)")
        master = 1.0

    breathing, inhale, output = _validate_pacer(doc, lines, bad)
    timer = _validate_timer(doc.get("timer"), lines, bad)
    layers = _validate_layers(doc.get("layers"), lines, bad)
    extra = {k: v for k, v in doc.items() if k not in _TOP_KEYS}
    _reject_nan(extra, lines.top, "", bad)

    if problems:
        raise PresetError(problems)
    return Preset(
        name=name.strip(), description=texts["description"], author=texts["author"],
        master=float(master), layers=layers, timer=timer, extra=extra,
        breathing=breathing, inhale=inhale, output=output,
    )


def _validate_pacer(doc: dict, lines: _Lines, bad) -> tuple[float, float | None, str | None]:
    """`breathing`, `inhale` and `output`: each optional, each explained when wrong."""
    low, high = BREATHING_RANGE
    breathing = doc.get("breathing", 0)
    if not _is_number(breathing):
        bad(lines.top("breathing"), "breathing",
            f"must be a number of breaths a minute ({low:g} to {high:g}, or 0 for off), "
            f"got {_type_name(breathing)}")
        breathing = 0
    elif not (math.isfinite(breathing) and (breathing == 0 or low <= breathing <= high)):
        bad(lines.top("breathing"), "breathing",
            f"{breathing!r} is not allowed; use {low:g} to {high:g} breaths a minute "
            f"(6 is slow, calm breathing) or 0 to leave the pacer off")
        breathing = 0
    inhale = doc.get("inhale")
    lo, hi = INHALE_RANGE
    if inhale is not None:
        if not _is_number(inhale):
            bad(lines.top("inhale"), "inhale",
                f"must be a number from {lo:g} to {hi:g} (the share of each breath spent "
                f"breathing in), got {_type_name(inhale)}")
            inhale = None
        elif not (math.isfinite(inhale) and lo <= inhale <= hi):
            bad(lines.top("inhale"), "inhale",
                f"{inhale!r} is outside {lo:g}..{hi:g}; it is the share of each breath spent "
                f"breathing in ({DEFAULT_INHALE:g}, the default, is 4 s in and 6 s out at 6 "
                "breaths a minute)")
            inhale = None
        else:
            inhale = float(inhale)
    output = doc.get("output")
    if output is not None and output not in OUTPUT_CHOICES:
        shown = repr(output) if isinstance(output, str) else _type_name(output)
        bad(lines.top("output"), "output",
            f'{shown} is not allowed; use "headphones" for a preset meant for headphones, '
            'or leave it out (speakers)')
        output = None
    return float(breathing), inhale, output


def _validate_timer(raw: Any, lines: _Lines, bad) -> TimerDefaults | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        bad(lines.top("timer"), "timer",
            f'must be a table such as `[timer]` with `duration = "45m"`, got {_type_name(raw)}')
        return None
    seconds = {}
    for key in ("duration", "fade"):
        value = raw.get(key)
        if value is None:
            continue
        where = f"timer.{key}"
        if not (isinstance(value, str) or _is_number(value)):
            bad(lines.timer_key(key), where,
                f'must be a duration such as "45m" or "1h30m", got {_type_name(value)}')
            continue
        try:
            seconds[key] = parse_duration(value) if key == "duration" else _fade_seconds(value)
        except DurationError as exc:
            bad(lines.timer_key(key), where, str(exc))
    if "duration" in seconds and "fade" in seconds and seconds["fade"] > seconds["duration"]:
        bad(lines.timer_key("fade"), "timer.fade",
            f"the fade ({format_duration(seconds['fade'])}) is longer than the timer "
            f"({format_duration(seconds['duration'])}); make it shorter")
    then = raw.get("then")
    if then is not None and then not in THEN_CHOICES:
        shown = repr(then) if isinstance(then, str) else _type_name(then)
        bad(lines.timer_key("then"), "timer.then",
            f'{shown} is not allowed; use "stop" (silence, stay open) or "quit" (exit ambience)')
    extra = {k: v for k, v in raw.items() if k not in _TIMER_KEYS}
    _reject_nan(extra, lines.timer_key, "timer.", bad)
    return TimerDefaults(
        duration=raw.get("duration"), fade=raw.get("fade"),
        then=then if isinstance(then, str) else None, extra=extra,
    )


def _validate_layers(raw: Any, lines: _Lines, bad) -> list[PresetLayer]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        bad(lines.top("layers"), "layers",
            f"must be a list of `[[layers]]` tables, got {_type_name(raw)}")
        return []
    out: list[PresetLayer] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        where = f"layers[{index + 1}]"
        if not isinstance(entry, dict):
            bad(lines.layer(index), where,
                f"must be a `[[layers]]` table with `sound` and `level`, got {_type_name(entry)}")
            continue
        ok = True
        sound = entry.get("sound")
        if sound is None:
            bad(lines.layer(index), f"{where}.sound",
                'missing; name a sound id such as `sound = "rain"` (`ambience sounds` lists them)')
            ok = False
        elif not isinstance(sound, str):
            bad(lines.layer(index, "sound"), f"{where}.sound",
                f'must be a sound id in quotes such as "rain", got {_type_name(sound)}')
            ok = False
        elif not sound.strip() or _CONTROL.search(sound):
            bad(lines.layer(index, "sound"), f"{where}.sound",
                'must be a sound id such as "rain" (`ambience sounds` lists them)')
            ok = False
        elif looks_like_path(sound):
            stem = Path(sound.replace("\\", "/")).name
            for suffix in AUDIO_SUFFIXES:
                if stem.lower().endswith(suffix):
                    stem = stem[: -len(suffix)]
            bad(lines.layer(index, "sound"), f"{where}.sound",
                f"{sound!r} is a path; presets name sounds by id only: put the file in your "
                f"sound folder and use its id (such as {_suggest_id(stem)!r})")
            ok = False
        elif sound in seen:
            bad(lines.layer(index, "sound"), f"{where}.sound",
                f"`{sound}` is already in layers[{seen[sound] + 1}]; keep one layer per sound")
            ok = False
        else:
            seen[sound] = index
        level = entry.get("level")
        if level is None:
            bad(lines.layer(index), f"{where}.level",
                "missing; add `level = 0.5` (a slider position from 0 to 1)")
            ok = False
        elif not _is_number(level):
            bad(lines.layer(index, "level"), f"{where}.level",
                f"must be a number between 0 and 1, got {_type_name(level)}")
            ok = False
        elif not (math.isfinite(level) and 0.0 <= level <= 1.0):
            bad(lines.layer(index, "level"), f"{where}.level",
                f"{level!r} is outside 0..1; use a slider position from 0 (silent) to 1 (full)")
            ok = False
        muted = entry.get("muted", False)
        if not isinstance(muted, bool):
            bad(lines.layer(index, "muted"), f"{where}.muted",
                f"must be true or false, got {_type_name(muted)}")
            ok = False
        shaping = {}
        for key, default in LAYER_SHAPING.items():
            value = entry.get(key, default)
            if not _is_number(value):
                bad(lines.layer(index, key), f"{where}.{key}",
                    f"must be a number: {SHAPING_WORDS[key]}; got {_type_name(value)}")
                ok = False
            elif not (math.isfinite(value) and 0.0 <= value <= 1.0):
                bad(lines.layer(index, key), f"{where}.{key}",
                    f"{value!r} is outside 0..1; use {SHAPING_WORDS[key]}")
                ok = False
            else:
                shaping[key] = float(value)
        extra = {k: v for k, v in entry.items() if k not in _LAYER_KEYS}
        if _reject_nan(extra, lambda key: lines.layer(index, key), f"{where}.", bad):
            ok = False
        if ok:
            out.append(PresetLayer(sound, float(level), muted, extra, **shaping))
    return out


def _suggest_id(stem: str) -> str:
    from ambience.library.catalog import sound_id_for

    return sound_id_for(Path(stem + ".wav"))


# ------------------------------------------------------------------------------ saving
def preset_to_dict(preset: Preset) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "name": preset.name}
    if preset.description:
        doc["description"] = preset.description
    if preset.author:
        doc["author"] = preset.author
    doc["master"] = float(preset.master)
    if preset.breathing:
        doc["breathing"] = _number(preset.breathing)
    if preset.inhale is not None:
        doc["inhale"] = float(preset.inhale)
    if preset.output is not None:
        doc["output"] = preset.output
    for key, value in preset.extra.items():
        if key not in _TOP_KEYS:
            doc[key] = value
    if preset.timer is not None:
        t = preset.timer
        timer = {k: v for k, v in (("duration", t.duration), ("fade", t.fade), ("then", t.then))
                 if v is not None}
        timer.update({k: v for k, v in t.extra.items() if k not in _TIMER_KEYS})
        doc["timer"] = timer
    layers = []
    for layer in preset.layers:
        entry: dict[str, Any] = {"sound": layer.sound, "level": float(layer.level)}
        if layer.muted:
            entry["muted"] = True
        entry.update({k: float(v) for k, v in layer.shaping.items()})
        entry.update({k: v for k, v in layer.extra.items() if k not in _LAYER_KEYS})
        layers.append(entry)
    if layers:
        doc["layers"] = layers
    return doc


def _number(value: float) -> int | float:
    """6.0 breaths a minute is written `6`, as a person writes it."""
    return int(value) if float(value).is_integer() else float(value)


def dumps_preset(preset: Preset) -> str:
    """The preset as TOML text (scalars first, then `[timer]`, then `[[layers]]`)."""
    return tomli_w.dumps(preset_to_dict(preset))


def save_preset(preset: Preset, path: str | os.PathLike, force: bool = False) -> Path:
    """Write atomically: a crash at any moment leaves the old file or the new one, never a torn
    one. Refuses to replace an existing file unless `force` (PresetExists); refuses a preset
    that would not load back (PresetError)."""
    path = Path(path)
    text = dumps_preset(preset)
    loads_preset(text, source=str(path))  # never write what we could not read back
    atomic_write(path, text.encode("utf-8"), force=force)
    return path


def atomic_write(path: Path, data: bytes, force: bool = False) -> None:
    """Temporary file in the same folder, flush + fsync, then rename over (or link when not
    `force`, which fails instead of replacing a file that appeared meanwhile)."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if not force and path.exists():
        raise PresetExists(f"{path} already exists; use --force to replace it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            # mkstemp makes the file private; a preset is an ordinary file (the umask decides)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fh.fileno(), 0o666 & ~umask)
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise PresetExists(f"{path} already exists; use --force to replace it") from None
            except OSError:  # a file system without hard links: check, then rename
                if path.exists():
                    raise PresetExists(f"{path} already exists; use --force to replace it") from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
