"""A render shared by several processes: seams that cannot be heard, fades that run on
across them, nothing left behind when it is interrupted."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from ambience.core.mix import Layer, Mix
from ambience.render.offline import render_to_file
from ambience.render.segment import RenderError
from ambience.render.parts import OVERLAP, segment_bounds
from ambience.core.timer import SleepTimer
from tests import analysis as A

RATE = 48000
SECONDS = 30.0


def render(tmp_path: Path, mix: Mix, workers: int, name: str, **kw) -> np.ndarray:
    path = render_to_file(mix, tmp_path / name, SECONDS, seed=5, workers=workers, **kw)
    return soundfile.read(path, dtype="float32")[0]


def seam(workers: int = 2) -> tuple[int, int]:
    """The first seam's frames: where the second part starts, and where the first ends."""
    end = segment_bounds(int(SECONDS * RATE), workers)[1]
    return end - int(OVERLAP * RATE), end


def test_a_shared_render_has_the_length_and_level_of_one_made_alone_and_no_dip_at_the_seam(
        tmp_path):
    mix = Mix(1.0, (Layer("white", 0.7),))
    alone = render(tmp_path, mix, 1, "alone.wav")
    shared = render(tmp_path, mix, 2, "shared.wav")
    assert shared.shape == alone.shape == (SECONDS * RATE, 2)
    start, end = seam()
    # the first part is the same render as the one made alone, sample for sample
    assert np.array_equal(shared[:start], alone[:start])
    # an equal-power crossfade of two independent noises keeps the level through the seam;
    # a linear one would dip 3 dB in its middle (white noise varies ~0.1 dB in 0.25 s)
    level = A.short_term_rms_db(shared[start - RATE:end + RATE], RATE, 0.25)
    assert np.max(level) - np.min(level) < 0.5, level
    after = A.rms_db(shared[end:end + 5 * RATE])
    assert abs(after - A.rms_db(alone[end:end + 5 * RATE])) < 0.3


@pytest.mark.slow  # starts render-part processes and waits for them (2 CPU-s with the children)
def test_a_shared_render_of_a_busy_mix_has_no_click_and_stays_under_the_ceiling(tmp_path):
    mix = Mix(1.0, (Layer("rain", 1.0), Layer("fire", 1.0), Layer("tapping", 1.0),
                    Layer("brown", 1.0)))
    shared = render(tmp_path, mix, 3, "busy.flac")
    steps = A.isolated_steps(shared, ratio=8.0, floor=0.002)
    assert steps.size == 0, f"isolated steps at {steps[:5] / RATE} s"
    assert A.sample_peak_db(shared) <= -1.0


@pytest.mark.slow  # starts render-part processes and waits for them
def test_the_sleep_timer_fade_runs_on_across_the_seams_as_in_one_render(tmp_path):
    mix = Mix(1.0, (Layer("white", 0.7),))
    timer = SleepTimer(SECONDS - 2.0, 20.0, "quit", start=0.0, clock=lambda: 0.0)
    envelope = timer.envelope_points(0.0, 0.0)
    alone = render(tmp_path, mix, 1, "alone.wav", envelope=envelope)
    shared = render(tmp_path, mix, 3, "shared.wav", envelope=envelope)
    a = A.short_term_rms_db(alone[: int((SECONDS - 3) * RATE)], RATE, 0.5)
    b = A.short_term_rms_db(shared[: int((SECONDS - 3) * RATE)], RATE, 0.5)
    assert np.max(np.abs(a - b)) < 0.5  # the same fade, within white noise's own wobble
    assert np.max(np.abs(shared[int((SECONDS - 1.5) * RATE):])) == 0.0  # silent at the end


@pytest.mark.slow  # two shared renders, four processes (3 CPU-s with the children)
def test_a_seeded_shared_render_repeats(tmp_path):
    mix = Mix(1.0, (Layer("rain", 0.6), Layer("night", 0.4)))
    assert np.array_equal(render(tmp_path, mix, 2, "a.flac"), render(tmp_path, mix, 2, "b.flac"))


class Stop(Exception):
    pass


def test_an_interrupted_shared_render_leaves_no_file_and_no_process(tmp_path):
    calls = []

    def progress(done: float) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise Stop()

    folder = tmp_path / "renders"
    folder.mkdir()
    with pytest.raises(Stop):
        render_to_file(Mix(1.0, (Layer("rain", 0.6),)), folder / "x.flac", SECONDS,
                       workers=3, progress=progress)
    assert list(folder.iterdir()) == []
    assert _render_children() == []


def test_a_mix_that_cannot_be_built_fails_before_any_child_starts(tmp_path):
    folder = tmp_path / "renders"
    folder.mkdir()
    with pytest.raises(RenderError, match="nosuchsound"):
        render_to_file(Mix(1.0, (Layer("nosuchsound", 0.5),)), folder / "x.flac",
                       SECONDS, workers=2)
    assert list(folder.iterdir()) == []
    assert _render_children() == []


def test_long_renders_use_every_core_and_short_ones_one_process():
    from ambience.render.offline import MIN_SEGMENT, default_workers

    assert default_workers(MIN_SEGMENT - 1) == 1
    assert default_workers(8 * 3600) == (os.cpu_count() or 1)


def _render_children() -> list[int]:
    """Our child processes still running the part renderer."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"ambience.render.parts" in cmd:
            found.append(int(entry.name))
    return found


def test_a_render_too_short_to_share_is_made_in_one_process(tmp_path):
    path = render_to_file(Mix(1.0, (Layer("white", 0.5),)), tmp_path / "short.wav", 5.0,
                          workers=4)
    assert soundfile.info(str(path)).frames == 5 * RATE


def test_a_part_that_fails_is_reported_with_its_reason(tmp_path):
    from ambience.render.segment import master_plan
    from ambience.render.parts import _Child

    child = _Child({"mix": Mix(1.0, (Layer("white", 0.5),)), "catalog": None, "seed": 1,
                    "rate": RATE, "plan": master_plan(None, 0.0), "first": RATE,
                    "frames": RATE, "preroll": 256,
                    "path": str(tmp_path / "no such folder" / "part.flac")})
    try:
        while not child.finished(0.5):
            pass
    finally:
        child.stop()
    assert child.error is not None and "no such folder" in child.error
