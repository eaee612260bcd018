"""A long render cut into segments rendered side by side, one process per core.

This process renders the first segment straight into the file; each later segment is
rendered by a child process (a fresh interpreter running this module, so no audio state is
forked and the caller's script is not re-imported) into a FLAC part beside the output. A
child starts PREROLL seconds early, so that filters, delays, the sounds' own event clocks and
the limiter have settled, and throws that away; it then overlaps the segment before it by
OVERLAP seconds, where the two are crossfaded at equal power (they are independent renders
of the same noise-like mix, so the level holds through the seam). Every segment has its own
seed (derived from the render's, so a seeded render repeats) and follows the one master
plan (start fade, sleep timer) from its own start, so fades run on across seams exactly.
The first segment is a little shorter than the others, because this process also writes the
file and joins the parts.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from ambience.render.segment import RenderError, open_engine, write_frames

OVERLAP = 2.0
PREROLL = 2.0
#: the first segment's share of the work, relative to a child's
FIRST_SHARE = 0.85
#: parts are lossless; 24 bits put their rounding 140 dB down
PART_FORMAT = ("FLAC", "PCM_24")


def segment_bounds(total: int, workers: int) -> list[int]:
    """Frame boundaries of `workers` segments: the first FIRST_SHARE of the others."""
    weights = [FIRST_SHARE] + [1.0] * (workers - 1)
    whole = sum(weights)
    bounds, done = [0], 0.0
    for w in weights[:-1]:
        done += w
        bounds.append(int(round(total * done / whole)))
    bounds.append(total)
    return bounds


def part_seed(seed: int | None, index: int) -> int | None:
    return None if seed is None else seed + 7919 * index


def shareable(total: int, workers: int, rate: int) -> bool:
    """Whether every segment is longer than its two crossfades."""
    bounds = segment_bounds(total, workers)
    return min(b - a for a, b in zip(bounds, bounds[1:])) > 2 * OVERLAP * rate


def render_in_parts(mix, sink, total: int, *, catalog, seed, rate, plan, progress, workers,
                    folder: Path, name: str) -> None:
    """Render `total` frames of `mix` into the open `sink` with `workers` processes (a
    `shareable` split)."""
    overlap = int(OVERLAP * rate)
    bounds = segment_bounds(total, workers)
    engine = open_engine(mix, catalog, seed, rate, plan, 0.0)  # a bad mix fails here, first
    # the pre-roll in whole buffers, so that each later segment starts on its exact frame
    preroll = math.ceil(PREROLL * rate / engine.buffer) * engine.buffer
    children, paths = [], []
    try:
        for k in range(1, workers):
            fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=f".part{k}.flac", dir=folder)
            os.close(fd)
            paths.append(part)
            first = bounds[k] - overlap
            spec = {"mix": mix, "catalog": catalog, "seed": part_seed(seed, k), "rate": rate,
                    "plan": plan, "first": first, "frames": bounds[k + 1] - first,
                    "preroll": preroll, "path": part}
            children.append(_Child(spec))

        def report(own: int) -> None:
            if progress is not None:
                progress((own + sum(child.frames for child in children)) / rate)

        tail = _Tail(overlap)
        write_frames(engine, bounds[1], tail.feed(sink), report)
        engine.close()
        engine = None
        for k, child in enumerate(children, start=1):
            while not child.finished(0.2):
                report(bounds[1])
            if child.error is not None:
                raise RenderError(f"rendering part {k + 1} of {workers} failed: {child.error}")
            _join_part(paths[k - 1], tail, sink, overlap, keep_tail=k < workers - 1)
    finally:
        if engine is not None:
            engine.close()
        for child in children:
            child.stop()
        for part in paths:
            if os.path.exists(part):
                os.unlink(part)


class _Child:
    """A child interpreter rendering one part: the spec goes in pickled on stdin, the frames
    done come back one line a block, and an error as the last line on stderr (a file, so a
    chatty child can never fill a pipe and stall)."""

    def __init__(self, spec: dict):
        self.frames = 0
        self.error: str | None = None
        self.stderr = tempfile.TemporaryFile()
        # one OpenBLAS thread (unless the user chose): the parts already use every core, and
        # OpenBLAS's idle threads spin (see `ambience.cli.single_threaded_blas`)
        env = {"OPENBLAS_NUM_THREADS": "1", **os.environ}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ambience.render.parts"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, env=env,
            start_new_session=True,  # Ctrl-C at the terminal reaches the parent alone
        )
        self.proc.stdin.write(pickle.dumps(spec))
        self.proc.stdin.close()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                self.frames = int(line)
            except ValueError:
                pass

    def finished(self, wait: float) -> bool:
        try:
            status = self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            return False
        self._reader.join(5.0)
        if status != 0:
            self.stderr.seek(0)
            lines = self.stderr.read().decode(errors="replace").strip().splitlines()
            self.error = lines[-1] if lines else f"exit status {status}"
        return True

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5.0)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


class _Tail:
    """Holds back the last `overlap` frames written, for the crossfade with the next part."""

    def __init__(self, overlap: int):
        self.overlap = overlap
        self.held = np.zeros((0, 2), dtype=np.float32)

    def feed(self, sink):
        def write(block: np.ndarray) -> None:
            joined = np.concatenate([self.held, block])
            cut = max(0, len(joined) - self.overlap)
            if cut:
                sink.write(joined[:cut])
            self.held = joined[cut:]

        return write


def crossfade(out_going: np.ndarray, in_coming: np.ndarray) -> np.ndarray:
    """Equal-power crossfade of two independent signals of one length, kept under the
    limiter's ceiling (two peaks meeting mid-fade could add up past it)."""
    from ambience.engine.master import CEILING

    x = (np.arange(len(out_going), dtype=np.float64) + 0.5) / len(out_going)
    fade_out = np.cos(0.5 * np.pi * x)[:, None]
    fade_in = np.sin(0.5 * np.pi * x)[:, None]
    mixed = out_going * fade_out + in_coming * fade_in
    return np.clip(mixed, -CEILING, CEILING).astype(np.float32)


def _join_part(path: str, tail: _Tail, sink, overlap: int, keep_tail: bool) -> None:
    import soundfile

    with soundfile.SoundFile(path) as part:
        head = part.read(overlap, dtype="float32", always_2d=True)
        sink.write(crossfade(tail.held, head))
        tail.held = tail.held[:0]
        write = tail.feed(sink) if keep_tail else sink.write
        while True:
            block = part.read(part.samplerate, dtype="float32", always_2d=True)
            if not len(block):
                break
            write(block)


def render_part(spec: dict, report) -> None:
    """Render one segment (pre-roll first, thrown away) into a FLAC part."""
    import soundfile

    rate = spec["rate"]
    preroll = spec["preroll"]
    engine = open_engine(spec["mix"], spec["catalog"], spec["seed"], rate, spec["plan"],
                         (spec["first"] - preroll) / rate)
    try:
        engine.render(preroll / rate, capture=False)
        with soundfile.SoundFile(spec["path"], "w", samplerate=rate, channels=2,
                                 format=PART_FORMAT[0], subtype=PART_FORMAT[1]) as sink:
            write_frames(engine, spec["frames"], sink.write, report)
    finally:
        engine.close()


def main() -> int:
    """The child: a spec on stdin; frames done on stdout; an error as one line on stderr."""
    try:
        spec = pickle.loads(sys.stdin.buffer.read())
        render_part(spec, lambda frames: print(frames, flush=True))
    except Exception as exc:  # noqa: BLE001 - one line for the parent to quote
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
