"""What the mixer needs from the preset store, in the words the interface uses.

Thin: presets, the last session and share lines live in `ambience.library.presets`,
`ambience.library.preset` and `ambience.library.share`; this adds the theme file and short texts for toasts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ambience.core.mix import Mix
from ambience.library import paths
from ambience.library.preset import PresetError, missing_message, preset_from_mix
from ambience.library.presets import (
    LAST_SESSION_NAME,
    Debouncer,
    PresetNotFound,
    bundled_presets,
    default_preset,
    find_preset,
    keeps_credits,
    list_presets,
    load_last_session,
    save_user_preset,
    slug,
    user_preset_path,
    user_presets,
)
from ambience.library.share import decode_share_line, is_share_line

THEME_FILE = "tui.json"


def start_preset(warn: Callable[[str], None]):
    """The last session, else the bundled default preset, else None."""
    try:
        session = load_last_session(on_warning=warn)
    except OSError as exc:
        warn(f"the last session could not be read ({exc}); starting with the default mix")
        session = None
    return session if session is not None else default_preset()


def reference_mix(preset, catalog, mix: Mix) -> Mix:
    """The mix a restored session is compared with for the header's 'changed' mark: the
    named preset it came from, when that still exists."""
    if getattr(preset, "origin", "") != "session" or preset.name == LAST_SESSION_NAME:
        return mix
    try:
        return find_preset(preset.name).to_mix(catalog)[0]
    except (PresetNotFound, PresetError, OSError):
        return mix


def session_debouncer(base, interval: float, catalog):
    return Debouncer(interval=interval, base=base, catalog=catalog)


def missing_text(missing) -> str:
    return missing_message(missing)


def preset_exists(name: str) -> bool:
    """Would saving under `name` replace or hide a preset (so the user must confirm)?"""
    key = slug(name)
    if user_preset_path(name).exists():
        return True
    return any(slug(p.name) == key for p in user_presets() + bundled_presets())


def skipped_text(catalog) -> str | None:
    """One line naming the sound files and presets that were skipped at start (broken,
    undecodable, duplicate), for one toast; None when nothing was."""
    problems = list(getattr(catalog, "problems", []))
    list_presets(problems)
    if not problems:
        return None
    shown = "; ".join(problems[:4])
    more = f"; and {len(problems) - 4} more (`ambience sounds`, `ambience presets`)" \
        if len(problems) > 4 else ""
    return f"skipped {len(problems)}: {shown}{more}"


def plain_reason(exc: BaseException) -> str:
    """What went wrong in words, not a temporary file's name."""
    if isinstance(exc, OSError):
        where = exc.filename
        folder = Path(where).parent if where else None
        reason = exc.strerror or str(exc)
        return f"{reason} in {folder}" if folder else reason
    return str(exc)


def save_mix(mix: Mix, name: str, base, overwrite: bool, catalog):
    preset = preset_from_mix(mix, name, base=base, catalog=catalog,
                             keep_credits=keeps_credits(base, name))
    path = save_user_preset(preset, force=overwrite)
    return preset, path


def all_presets() -> list:
    return list_presets()


def resolve_text(text: str):
    """A preset from what the user typed or pasted: a share line, a file path or a name."""
    text = text.strip()
    if is_share_line(text):
        preset = decode_share_line(text)
        preset.origin = "share"
        return preset
    return find_preset(text)


def mix_summary(mix: Mix, limit: int = 8) -> str:
    """The mix in one line for the save dialog (with each living layer's marks)."""
    from ambience.library.describe import glyphs

    parts = [
        f"{layer.sound} {round(layer.level * 100)} %" + (" (muted)" if layer.muted else "")
        + (f" {glyphs(layer, sep='')}" if layer.shaping else "")
        for layer in mix.layers
    ]
    if len(parts) > limit:
        parts = parts[:limit] + [f"+{len(parts) - limit} more"]
    if mix.breathing:
        parts.append(f"breathing {mix.breathing:g} a minute")
    return " · ".join(parts) or "no layers"


def timer_defaults(preset) -> tuple[str, str, str]:
    """(duration, fade, then) as the preset's `[timer]` table writes them, to prefill the
    timer dialog; empty strings when the preset has none."""
    timer = getattr(preset, "timer", None)
    if timer is None:
        return "", "", "stop"

    def text(value) -> str:
        if value is None:
            return ""
        return str(value) if isinstance(value, str) else f"{value}m"  # numbers mean minutes

    return text(timer.duration), text(timer.fade), timer.then or "stop"


# ------------------------------------------------------------------ theme
def _theme_path():
    return paths.user_config_dir() / THEME_FILE


def saved_theme() -> str | None:
    try:
        data = json.loads(_theme_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) else None


def save_theme(name: str) -> None:
    path = _theme_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"theme": name}) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only config folder only costs the remembered theme


def apply_saved_theme(app) -> None:
    theme = saved_theme()
    if theme and theme in app.available_themes:
        app.theme = theme
