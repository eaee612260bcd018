"""Shared fixtures: user folders in a temporary place, a manual engine, test audio files."""

from __future__ import annotations

import shutil
import tempfile

import numpy as np
import pytest

RATE = 48000


@pytest.fixture(autouse=True)
def user_folders(tmp_path, monkeypatch):
    """Every test gets empty user config, data, state and runtime folders (XDG on Linux)."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / var.lower()
        folder.mkdir()
        monkeypatch.setenv(var, str(folder))
    # a runtime folder of its own (the control socket): short, as socket paths must be
    runtime = tempfile.mkdtemp(prefix="amb-rt-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    yield tmp_path
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def engine():
    from ambience.engine import Engine

    eng = Engine("manual", rate=RATE, seed=11, fade_in=0.0)
    yield eng
    eng.close()


def write_audio(path, data: np.ndarray, rate: int, **kw) -> str:
    import soundfile

    soundfile.write(str(path), data, rate, **kw)
    return str(path)
