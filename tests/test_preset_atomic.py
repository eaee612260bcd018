"""Saving is atomic: a process killed at any moment leaves the old file or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ambience.library.preset import (
    MAX_BYTES,
    Preset,
    PresetError,
    PresetExists,
    PresetLayer,
    dumps_preset,
    load_preset,
    save_preset,
)

WRITER = r"""
import sys
from ambience.library.preset import Preset, PresetLayer, save_preset
path, ready = sys.argv[1], sys.argv[2]
def big(tag):
    layers = [PresetLayer(f"{tag}-{i}", (i % 100) / 100) for i in range(600)]
    return Preset(name=tag, description=tag * 30000, layers=layers)
versions = [big("a"), big("b")]
save_preset(versions[0], path, force=True)
open(ready, "w").close()
n = 0
while True:
    n += 1
    save_preset(versions[n % 2], path, force=True)
"""


def _big(tag: str) -> Preset:
    layers = [PresetLayer(f"{tag}-{i}", (i % 100) / 100) for i in range(600)]
    return Preset(name=tag, description=tag * 30000, layers=layers)


def test_big_test_preset_is_near_the_size_limit():
    size = len(dumps_preset(_big("a")).encode())
    assert MAX_BYTES // 2 < size < MAX_BYTES


def test_save_survives_sigkill_mid_write(tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    path = tmp_path / "big.toml"
    expected = {dumps_preset(_big("a")), dumps_preset(_big("b"))}
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    for attempt in range(6):
        ready = tmp_path / f"ready-{attempt}"
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ready)], env=env)
        try:
            deadline = time.monotonic() + 30
            while not ready.exists():
                assert proc.poll() is None, "the writer died on its own"
                assert time.monotonic() < deadline
                time.sleep(0.01)
            time.sleep(0.05 + 0.037 * attempt)  # land at different points of the write loop
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert path.read_text(encoding="utf-8") in expected
        assert load_preset(path).name in ("a", "b")
    # only temporary files can be left behind, and they are hidden and never .toml
    for leftover in tmp_path.iterdir():
        assert leftover == path or leftover.name.startswith(("ready-", ".big.toml."))
        assert leftover == path or not leftover.name.endswith(".toml")


def test_save_refuses_to_replace_without_force(tmp_path):
    tmp_path = tmp_path / "work"
    path = tmp_path / "p.toml"
    save_preset(Preset(name="one"), path)
    with pytest.raises(PresetExists, match="--force"):
        save_preset(Preset(name="two"), path)
    assert load_preset(path).name == "one"
    save_preset(Preset(name="two"), path, force=True)
    assert load_preset(path).name == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.toml"]


def test_save_refuses_a_preset_that_would_not_load_back(tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    path = tmp_path / "bad.toml"
    with pytest.raises(PresetError, match=r"layers\[1\]\.level"):
        save_preset(Preset(name="x", layers=[PresetLayer("rain", 3.0)]), path)
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_save_creates_missing_folders(tmp_path):
    path = save_preset(Preset(name="x"), tmp_path / "a" / "b" / "x.toml")
    assert load_preset(path).name == "x"
