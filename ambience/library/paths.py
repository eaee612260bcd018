"""Where things live: the bundled library and presets, and the user's own folders.

Pure (platformdirs only). The user folders follow XDG on Linux, so tests point them at a
temporary directory with XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_STATE_HOME.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "ambience"
_PACKAGE = Path(__file__).resolve().parent.parent  # ambience/
_REPO = _PACKAGE.parent


def _bundled(name: str) -> Path:
    """An installed wheel carries `sounds/` and `presets/` under `ambience/_data`; a checkout has
    them at the top of the repository."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _REPO / name


def bundled_sounds_dir() -> Path:
    return _bundled("sounds")


def bundled_presets_dir() -> Path:
    return _bundled("presets")


def user_sounds_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "sounds"


def user_presets_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "presets"


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP))


def user_state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))
