"""Where presets live: bundled ones in `presets/`, the user's in the config folder, and the
last session in the state folder.

A user preset with the same name as a bundled one wins. Names match case-insensitively and
loosely (`deep-focus`, `Deep Focus` and the file stem `deep-focus` are the same preset).
Nothing here prints: problems are returned or handed to a callback, so the TUI stays clean.
"""

from __future__ import annotations

import difflib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ambience.library import paths
from ambience.core.mix import Mix
from ambience.library.preset import (
    MAX_NAME,
    Preset,
    PresetError,
    PresetExists,
    load_preset,
    preset_from_mix,
    preset_to_dict,
    save_preset,
)

#: the bundled preset played at the very first start
DEFAULT_PRESET = "Rainy study"
LAST_SESSION_FILE = "last-session.toml"
LAST_SESSION_NAME = "Last session"
_SLUG = re.compile(r"[\W_]+")


class PresetNotFound(LookupError):
    """No preset by that name or path; the message suggests close names."""

    def __init__(self, query: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            hint = " (did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?)"
        super().__init__(
            f"no preset named `{query}`{hint}; `ambience presets` lists them, "
            "and a path to a .toml file loads that file"
        )


def slug(name: str) -> str:
    """`Rainy Study!` -> `rainy-study`: the file stem for a name, and the key names match by."""
    return _SLUG.sub("-", name.casefold()).strip("-")[:60] or "preset"


def keeps_credits(base: Preset | None, name: str) -> bool:
    """Saved as `name`, does a mix made from `base` keep its description and author? Not when
    a bundled preset's (or a copy of one) is saved under a new name: they describe the bundled
    preset, and the edit is someone else's."""
    if base is None or slug(name) == slug(base.name):
        return True
    if base.origin == "bundled":
        return False
    if not (base.description or base.author):
        return True
    return not any(slug(p.name) == slug(base.name) and p.description == base.description
                   and p.author == base.author for p in bundled_presets())


def _scan(folder: Path, origin: str, problems: list[str] | None) -> list[Preset]:
    out = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("."):
            continue
        try:
            preset = load_preset(path)
        except PresetError as exc:
            if problems is not None:
                problems.append(str(exc))
            continue
        preset.origin = origin
        out.append(preset)
    return out


def bundled_presets(problems: list[str] | None = None) -> list[Preset]:
    return _scan(paths.bundled_presets_dir(), "bundled", problems)


def user_presets(problems: list[str] | None = None) -> list[Preset]:
    return _scan(paths.user_presets_dir(), "user", problems)


def list_presets(problems: list[str] | None = None) -> list[Preset]:
    """Bundled and user presets by name, a user preset replacing a bundled one of the same
    name. Broken files are skipped; their messages go to `problems` when given."""
    by_key: dict[str, Preset] = {}
    for preset in bundled_presets(problems) + user_presets(problems):
        by_key[slug(preset.name)] = preset  # user presets come last and win
    return sorted(by_key.values(), key=lambda p: p.name.casefold())


def _looks_like_file(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.lower().endswith(".toml") or ref.startswith("~")


def find_preset(name_or_path: str) -> Preset:
    """A preset by name (case-insensitive; the file stem works too) or by file path.

    Raises PresetNotFound, or PresetError when the matching file is broken."""
    ref = str(name_or_path).strip()
    if not ref:
        raise PresetNotFound(ref, [])
    if _looks_like_file(ref):
        path = Path(ref).expanduser()
        if path.is_file():
            return load_preset(path)
        if "/" in ref or "\\" in ref:
            raise PresetNotFound(ref, [])
    key = slug(ref[:-5] if ref.lower().endswith(".toml") else ref)
    found: list[tuple[Path, str, Preset | PresetError]] = []
    for folder, origin in ((paths.user_presets_dir(), "user"), (paths.bundled_presets_dir(), "bundled")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.name.startswith("."):
                continue
            try:
                found.append((path, origin, load_preset(path)))
            except PresetError as exc:
                found.append((path, origin, exc))
    # by name first (user before bundled, as in `list_presets`), then by file stem, which
    # also reaches a file too broken to have a name (its problems are then raised)
    for matches in (
        lambda path, item: isinstance(item, Preset) and slug(item.name) == key,
        lambda path, item: slug(path.stem) == key,
    ):
        for path, origin, item in found:
            if matches(path, item):
                if isinstance(item, PresetError):
                    raise item
                item.origin = origin
                return item
    names = [item.name for _, _, item in found if isinstance(item, Preset)]
    by_key = {slug(n): n for n in names}
    close = [k for k in by_key if k.startswith(key)]
    close += [k for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6) if k not in close]
    raise PresetNotFound(ref, [by_key[k] for k in close[:3]])


def default_preset() -> Preset | None:
    """The bundled preset for a first start (None if the bundle is missing or broken)."""
    try:
        return find_preset(DEFAULT_PRESET)
    except (PresetNotFound, PresetError):
        return None


def user_preset_path(name: str) -> Path:
    return paths.user_presets_dir() / f"{slug(name)}.toml"


def save_user_preset(preset: Preset, force: bool = False) -> Path:
    """Save into the user preset folder. Replacing a user preset of the same name, or hiding a
    bundled one, needs `force` (PresetExists otherwise: the TUI asks, the CLI wants --force)."""
    key = slug(preset.name)
    same = next((p.source for p in user_presets() if slug(p.name) == key and p.source), None)
    if same is not None:
        target = same  # a hand-named file keeps its name
    else:  # never replace a file holding another preset (or a broken one being edited)
        target, n = user_preset_path(preset.name), 2
        while target.exists():
            target, n = target.with_name(f"{key}-{n}.toml"), n + 1
    if not force:
        if same is not None:
            raise PresetExists(
                f"a user preset named `{preset.name}` already exists ({target}); "
                "use --force to replace it"
            )
        if any(slug(p.name) == key for p in bundled_presets()):
            raise PresetExists(
                f"`{preset.name}` is the name of a bundled preset; use --force to save yours "
                "in its place (the bundled one comes back if you delete yours)"
            )
    path = save_preset(preset, target, force=same is not None)
    preset.source, preset.origin = path, "user"
    return path


# ------------------------------------------------------------------------------ importing
@dataclass
class Imported:
    """What importing did: `saved` under its own name, `renamed` (saved under a free name
    because another preset has that name), or `same` (nothing saved: `existing` already has
    this content)."""

    outcome: str
    preset: Preset
    path: Path | None = None
    existing: Preset | None = None


def same_content(a: Preset, b: Preset) -> bool:
    """Everything but the name (and where the file lies) is equal."""
    first, second = preset_to_dict(a), preset_to_dict(b)
    first.pop("name", None)
    second.pop("name", None)
    return first == second


def import_preset(preset: Preset, name: str | None = None, force: bool = False) -> Imported:
    """Save a friend's preset among the user's. A name that is taken by the same content
    (a share line of a bundled preset, a line imported twice) saves nothing; taken by other
    content, the preset goes under the first free `Name (2)`, `Name (3)`... unless the user
    chose the name (`name`: PresetExists then) or `force` replaces it."""
    if name is not None:
        preset.name = name.strip()
    if force:
        return Imported("saved", preset, save_user_preset(preset, force=True))
    taken = {slug(p.name): p for p in list_presets()}
    wanted = preset.name
    for n in range(1, 1000):
        if n > 1:
            suffix = f" ({n})"
            preset.name = wanted[: MAX_NAME - len(suffix)].rstrip() + suffix
        existing = taken.get(slug(preset.name))
        if existing is None:
            return Imported("saved" if n == 1 else "renamed", preset,
                            save_user_preset(preset), existing=taken.get(slug(wanted)))
        if same_content(existing, preset):
            return Imported("same", preset, existing.source, existing)
        if name is not None:  # the user's own choice of name: ask, do not rename
            preset.name = wanted
            return Imported("saved", preset, save_user_preset(preset))  # raises PresetExists
    raise PresetExists(f"`{wanted}` and {wanted} (2) to (999) are all taken; pick a name "
                       "with --name")


# ------------------------------------------------------------------------------ last session
def last_session_path() -> Path:
    return paths.user_state_dir() / LAST_SESSION_FILE


def save_last_session(preset: Preset) -> Path:
    """Atomically replace the last-session file (the caller debounces: see `Debouncer`)."""
    return save_preset(preset, last_session_path(), force=True)


def load_last_session(on_warning: Callable[[str], None] | None = None) -> Preset | None:
    """The mix saved at the end of the previous run, or None. A corrupt file is moved aside to
    `last-session.toml.corrupt-<timestamp>` and reported through `on_warning`: it never stops
    the program from starting."""
    path = last_session_path()
    if not path.exists():
        return None
    try:
        preset = load_preset(path)
    except PresetError as exc:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{LAST_SESSION_FILE}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = path.with_name(f"{LAST_SESSION_FILE}.corrupt-{stamp}-{n}")
        try:
            os.replace(path, aside)
            moved = f"moved it to {aside}"
        except OSError as move_exc:
            moved = f"could not move it aside ({move_exc.strerror or move_exc})"
        if on_warning is not None:
            first = exc.problems[0].message if exc.problems else str(exc)
            on_warning(f"the last session could not be restored ({first}); {moved}; "
                       "starting with the default mix")
        return None
    preset.origin = "session"
    return preset


class Debouncer:
    """Saves the last session at most once per `interval` seconds while the mix changes.

    `feed(mix)` on every change (writes at once when the last write is old enough, otherwise
    remembers it), `poll()` from a periodic timer (writes a remembered mix when due),
    `flush()` at exit. `base` is the preset the mix came from, so its unknown keys,
    missing layers and layer order are kept (see `preset_from_mix`). A failed write never raises: it lands in `last_error`."""

    def __init__(
        self,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        write: Callable[[Preset], object] = save_last_session,
        base: Preset | None = None,
        catalog=None,
    ):
        self.interval = float(interval)
        self.clock = clock
        self.write = write
        self.base = base
        self.catalog = catalog
        self.writes = 0
        self.last_error: str | None = None
        self._pending: Mix | None = None
        self._written: Mix | None = None
        self._last_write: float | None = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def feed(self, mix: Mix) -> bool:
        if mix == self._written and self._pending is None:
            return False
        self._pending = mix
        return self.poll()

    def poll(self) -> bool:
        if self._pending is None:
            return False
        if self._last_write is not None and self.clock() - self._last_write < self.interval:
            return False
        return self._write()

    def flush(self) -> bool:
        return self._write() if self._pending is not None else False

    def _write(self) -> bool:
        mix = self._pending
        self._last_write = self.clock()
        try:
            name = self.base.name if self.base is not None else LAST_SESSION_NAME
            self.write(preset_from_mix(mix, name, base=self.base, catalog=self.catalog))
        except OSError as exc:  # kept pending: written at the next poll once possible
            folder = last_session_path().parent
            self.last_error = (f"the last session could not be saved in {folder}: "
                               f"{exc.strerror or exc}; trying again")
            return False
        except (PresetError, PresetExists, ValueError) as exc:
            self.last_error = f"the last session could not be saved: {exc}"
            return False
        self._pending = None
        self._written = mix
        self.last_error = None
        self.writes += 1
        return True
