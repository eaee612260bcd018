"""The sound catalog: every sound id the mixer knows, bundled or from the user's files.

Pure data and rules (no pyo, no Textual). Bundled sounds are synthesized by the engine and
described by one manifest each in `sounds/` (`sounds/<id>.toml`); any audio file in the user's sound folder or in the
repository's `sounds/` folder becomes a layer whose id is its file name.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ambience.library import paths

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3")
CATEGORIES = ("nature", "asmr", "noise", "indoors", "user")
_ID = re.compile(r"[^a-z0-9]+")


class UnknownSound(LookupError):
    """A sound id the catalog does not know; the message suggests the closest known ids."""

    def __init__(self, sound: str, suggestions: Iterable[str] = ()):
        self.sound = sound
        self.suggestions = tuple(suggestions)
        hint = ""
        if self.suggestions:
            hint = " (did you mean " + " or ".join(f"`{s}`" for s in self.suggestions) + "?)"
        super().__init__(
            f"unknown sound `{sound}`{hint}; `ambience sounds` lists them all, "
            "and a path to a WAV, FLAC, Ogg or MP3 file plays that file"
        )


@dataclass(frozen=True)
class SoundInfo:
    """How to make one sound: `kind` is "synth" (engine code) or "file" (a decoded file)."""

    id: str
    name: str
    category: str
    description: str = ""
    kind: str = "synth"
    path: Path | None = None
    crossfade: float | None = None
    licence: str | None = None
    centred: bool = False
    origin: str = "bundled"  # bundled | user | file
    #: what intensity 0 and 1 mean for this sound ("drizzle", "downpour"); None: no intensity
    intensity: tuple[str, str] | None = None
    #: a close-up sound (an ASMR trigger) placed binaurally near the head in headphones mode
    close: bool = False


def sound_id_for(path: Path) -> str:
    """`Rain on a Tent.flac` -> `rain-on-a-tent`."""
    return _ID.sub("-", path.stem.lower()).strip("-") or "sound"


def looks_like_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.lower().endswith(AUDIO_SUFFIXES)


@dataclass
class Catalog:
    sounds: dict[str, SoundInfo] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __contains__(self, sound: str) -> bool:
        return sound in self.sounds

    def __iter__(self):
        return iter(self.sounds.values())

    def __len__(self) -> int:
        return len(self.sounds)

    def ids(self) -> list[str]:
        return list(self.sounds)

    def get(self, sound: str) -> SoundInfo | None:
        return self.sounds.get(sound)

    def suggest(self, sound: str, n: int = 2) -> list[str]:
        return difflib.get_close_matches(sound.lower(), self.ids(), n=n, cutoff=0.6)

    def resolve(self, ref: str) -> SoundInfo:
        """A sound id, or (for the command line) a path to an audio file."""
        if ref in self.sounds:
            return self.sounds[ref]
        if looks_like_path(ref):
            path = Path(ref).expanduser()
            if not path.is_file():
                raise UnknownSound(ref) from None
            return SoundInfo(
                id=str(path), name=path.stem, category="user", kind="file",
                path=path.resolve(), origin="file",
            )
        raise UnknownSound(ref, self.suggest(ref))

    def by_category(self) -> dict[str, list[SoundInfo]]:
        groups: dict[str, list[SoundInfo]] = {}
        for info in self.sounds.values():
            groups.setdefault(info.category, []).append(info)
        order = {c: i for i, c in enumerate(CATEGORIES)}
        return dict(sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order))))


def _intensity_words(raw) -> tuple[str, str] | None:
    """`intensity = ["drizzle", "downpour"]` in a manifest: the words for 0 and 1."""
    if raw is None:
        return None
    if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(w, str) for w in raw)):
        raise ValueError("`intensity` must be two words: what 0 and what 1 sound like")
    return (raw[0], raw[1])


def _read_bundled(folder: Path, problems: list[str]) -> list[SoundInfo]:
    """One small manifest per synthesized sound: `sounds/<id>.toml`. A manifest that sits
    beside an audio file of the same name describes that file instead."""
    out = []
    for manifest in sorted(folder.glob("*.toml")):
        if any(manifest.with_suffix(s).exists() for s in AUDIO_SUFFIXES):
            continue
        try:
            entry = tomllib.loads(manifest.read_text(encoding="utf-8"))
            out.append(
                SoundInfo(
                    id=entry["id"], name=entry["name"], category=entry["category"],
                    description=entry.get("description", ""),
                    centred=bool(entry.get("centred", False)),
                    intensity=_intensity_words(entry.get("intensity")),
                    close=bool(entry.get("close", False)),
                )
            )
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{manifest}: cannot read this sound manifest ({exc!r})")
    return out


def _user_file(path: Path, origin: str, problems: list[str]) -> SoundInfo | None:
    import soundfile  # decoding check only; a file that cannot be read is skipped, not fatal

    try:
        soundfile.info(str(path))
    except Exception as exc:  # soundfile raises several types for broken files
        problems.append(f"{path}: cannot decode this file, skipped ({exc})")
        return None
    meta: dict = {}
    side = path.with_suffix(".toml")
    if side.is_file():
        try:
            meta = tomllib.loads(side.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{side}: ignored ({exc})")
    crossfade = meta.get("crossfade")
    return SoundInfo(
        id=sound_id_for(path),
        name=str(meta.get("name") or path.stem.replace("-", " ").replace("_", " ")),
        category=str(meta.get("category") or "user"),
        description=str(meta.get("description", "")),
        kind="file",
        path=path.resolve(),
        crossfade=float(crossfade) if isinstance(crossfade, (int, float)) else None,
        licence=meta.get("licence") or meta.get("license"),
        origin=origin,
    )


def load_catalog(
    bundled_dir: Path | None = None, user_dir: Path | None = None
) -> Catalog:
    """Bundled sounds first, then audio files in the repository's and the user's sound folders
    (a user file never replaces a bundled id). Problems are collected, never raised."""
    bundled_dir = bundled_dir or paths.bundled_sounds_dir()
    user_dir = user_dir or paths.user_sounds_dir()
    catalog = Catalog()
    for info in _read_bundled(bundled_dir, catalog.problems):
        catalog.sounds[info.id] = info
    for folder, origin in ((bundled_dir, "bundled"), (user_dir, "user")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in AUDIO_SUFFIXES or not path.is_file():
                continue
            info = _user_file(path, origin, catalog.problems)
            if info is None:
                continue
            if info.id in catalog.sounds:
                catalog.problems.append(f"{path}: id `{info.id}` is taken, skipped")
                continue
            catalog.sounds[info.id] = info
    return catalog
