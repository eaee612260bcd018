"""The user's own settings: `settings.toml` in the config folder (`~/.config/ambience/`).

Pure (tomllib/tomli-w only). Today it holds one thing, what the user listens on:

    output = "headphones"     # or "speakers"; left out: never said

A damaged file or a bad value costs only that setting (a warning names file, line and fix);
keys this version does not know are kept when the file is saved again. Saving is atomic.

How the listening mode is chosen (`headphones_mode`): a command-line flag wins, then the
user's setting, then the preset's hint (`output = "headphones"` in a preset): a preset made
for headphones turns headphones mode on only for someone who never said what they use.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from ambience.library import paths

SETTINGS_FILE = "settings.toml"
OUTPUTS = ("headphones", "speakers")


@dataclass
class Settings:
    #: "headphones", "speakers", or None when the user never said
    output: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def settings_path() -> Path:
    return paths.user_config_dir() / SETTINGS_FILE


def load_settings(on_warning: Callable[[str], None] | None = None) -> Settings:
    """The user's settings (defaults when there is no file); problems go to `on_warning`."""
    warn = on_warning or (lambda text: None)
    path = settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        warn(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc}); "
             "using the default settings")
        return Settings()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        warn(f"{path}: TOML syntax error: {exc}; using the default settings until it is fixed")
        return Settings()
    output = doc.get("output")
    if output is not None and output not in OUTPUTS:
        line = next((n for n, raw in enumerate(text.splitlines(), 1)
                     if raw.strip().startswith("output")), None)
        shown = repr(output) if isinstance(output, str) else type(output).__name__
        warn(f"{path}{f':{line}' if line else ''}: output: {shown} is not allowed; write "
             'output = "headphones" or output = "speakers" (ignored until then)')
        output = None
    extra = {k: v for k, v in doc.items() if k != "output"}
    return Settings(output=output, extra=extra)


def save_settings(settings: Settings) -> Path:
    """Write the settings atomically (a crash leaves the old file or the new one)."""
    from ambience.library.preset import atomic_write

    doc: dict[str, Any] = {}
    if settings.output is not None:
        doc["output"] = settings.output
    doc.update({k: v for k, v in settings.extra.items() if k != "output"})
    path = settings_path()
    atomic_write(path, tomli_w.dumps(doc).encode("utf-8"), force=True)
    return path


def remember_output(headphones: bool) -> Path:
    """Save what the user listens on (keeping the rest of the file)."""
    settings = load_settings()
    settings.output = "headphones" if headphones else "speakers"
    return save_settings(settings)


def headphones_mode(flag: bool | None, settings: Settings, preset_hint: bool = False) -> bool:
    """Headphones mode on or off: the flag (`--headphones`/`--speakers`) if given, else the
    user's setting if they have one, else the preset's hint."""
    if flag is not None:
        return flag
    if settings.output is not None:
        return settings.output == "headphones"
    return preset_hint
