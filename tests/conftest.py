"""Shared fixtures: user folders in a temporary place, a manual engine, test audio files;
and the order of tests: those of one xdist group run one after another."""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import pytest

# One OpenBLAS thread in the test workers, as in the `ambience` command: OpenBLAS's idle
# threads spin after each call, which cost the numpy-heavy test files 10-15 % more CPU on two
# cores. Set here, in the controller, before pytest-xdist starts its workers (which inherit it);
# a value the developer set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

RATE = 48000


class Clock:
    """A clock the test moves by hand (`clock.t += 5`): sessions and the mixer take one."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests of one `xdist_group` run one after another, at the place of the group's first
    test, with or without xdist (which sends a group to one worker in one piece): a group's
    costly module-scoped fixture, such as a sound rendered for minutes, is then made once."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        marker = item.get_closest_marker("xdist_group")
        group = marker and (marker.args[0] if marker.args else marker.kwargs.get("name"))
        item.stash[_PLACE] = first.setdefault(group, index) if group else index
    items.sort(key=lambda item: item.stash[_PLACE])


_PLACE = pytest.StashKey[int]()


#: objects frozen after the last full collection; the next once the frozen heap doubles
_live_after_collect = [0]
#: the frozen heap is counted every few tests: `gc.get_freeze_count` walks every frozen
#: object, 0.02-0.04 s a test once a worker holds the 250 000 or more the TUI tests leave
COUNT_EVERY = 8
_tests_since_count = [0]


@pytest.fixture(autouse=True)
def collector_scans_only_this_test():
    """Earlier tests' objects are frozen (`gc.freeze`) before each test, as the mixer freezes
    its startup objects after the first frame. `Engine.close` runs a full collection (pyo
    objects must be freed before their server stops); in a test worker the heap holds every
    module imported and Textual's caches, 100-200 000 objects, so each close took 0.2-0.3 s
    (some 30 CPU-s over the quick tier). A full collection of what earlier tests left runs
    once the frozen heap is twice what the last one kept, which bounds memory."""
    import gc

    _tests_since_count[0] += 1
    if _tests_since_count[0] >= COUNT_EVERY:
        _tests_since_count[0] = 0
        if gc.get_freeze_count() > 2 * _live_after_collect[0] + 50_000:
            gc.unfreeze()
            gc.collect()
            _live_after_collect[0] = len(gc.get_objects())
    gc.freeze()
    yield


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
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no desktop's media keys
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
