"""Offline rendering of a mix to a file, through the same engine as live playback.

The file is written beside its destination under a temporary name and renamed at the end,
so an interrupted render never leaves a half-written file.

On a machine with more than one core a long render is cut into segments rendered side by
side (`ambience.render_parts`): this process renders the first segment and writes the
file, child processes render the others, and their seams are crossfaded.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ambience import fades
from ambience.mix import Mix

FORMATS = {".wav": ("WAV", "PCM_24"), ".flac": ("FLAC", "PCM_24"), ".ogg": ("OGG", "VORBIS")}
#: a render shorter than this per core stays in one process (a child takes ~1 s to start)
MIN_SEGMENT = 120.0
#: frames per buffer when rendering. Nobody waits on a buffer offline, and larger ones spread
#: pyo's per-buffer cost: the standard mix cost 2.68-2.94 % of a core at 256 frames (the
#: live default), 2.56 % at 512, 2.37-2.42 % at 1024, 2.34-2.43 % at 2048 and 2.52 % at 4096
#: (20 s renders, best of 3, a process each). Live playback keeps small buffers: a slider
#: move waits for the next one.
RENDER_BUFFER = 1024


class RenderError(Exception):
    """A render that cannot be done; the message names the file or the sound."""


def render_to_file(
    mix: Mix,
    output: Path,
    seconds: float,
    *,
    catalog=None,
    seed: int | None = None,
    rate: int = 48000,
    envelope: list[tuple[float, float]] | None = None,
    progress: Callable[[float], None] | None = None,
    fade_in: float = 3.0,
    workers: int | None = None,
) -> Path:
    """Render `seconds` of `mix` into `output`; `envelope` (seconds, gain) shapes the master
    (the sleep timer's fade); `progress(seconds_done)` is called after every block.
    `workers` processes share the work (default: one per core, for renders long enough)."""
    import soundfile

    output = Path(output)
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise RenderError(f"{output}: unknown extension {output.suffix!r}; use .wav, .flac or .ogg")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(f"{output}: the folder {folder} does not exist")
    plan = master_plan(envelope, fade_in)
    total = int(round(seconds * rate))
    count = workers if workers is not None else default_workers(seconds)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=output.suffix, dir=folder)
    os.close(fd)
    try:
        with soundfile.SoundFile(tmp, "w", samplerate=rate, channels=2, format=fmt[0],
                                 subtype=fmt[1]) as sink:
            from ambience.render_parts import render_in_parts, shareable

            if count <= 1 or not shareable(total, count, rate):
                _render_alone(mix, sink, total, catalog, seed, rate, plan, progress)
            else:
                render_in_parts(mix, sink, total, catalog=catalog, seed=seed, rate=rate,
                                plan=plan, progress=progress, workers=count,
                                folder=folder, name=output.name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a render is an ordinary file
        os.replace(tmp, output)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return output


def default_workers(seconds: float) -> int:
    """One process per core, while each gets at least MIN_SEGMENT seconds to render."""
    return max(1, min(os.cpu_count() or 1, int(seconds // MIN_SEGMENT)))


def master_plan(envelope, fade_in: float) -> fades.Points:
    """The master envelope over the whole render, in seconds from its first sample: what one
    engine plays when it starts with `fade_in` and is then given `envelope`."""
    start = 0.0 if fade_in > 0 else 1.0
    if envelope is not None:
        later = [(t, g) for t, g in envelope if t > 0]
    elif fade_in > 0:
        later = [(t, g) for t, g in fades.curve_points(0.0, 1.0, fade_in, "loudness") if t > 0]
    else:
        later = []
    return [(0.0, start), *later]


def plan_from(plan: fades.Points, start: float) -> fades.Points:
    """`plan` as seen from `start` seconds into the render, for an engine starting then."""
    return [(0.0, fades.value_at(plan, start)),
            *fades.shifted([(t, g) for t, g in plan if t > start], -start)]


def open_engine(mix: Mix, catalog, seed, rate: int, plan: fades.Points, start: float):
    """A manual engine playing `mix` at full from its first sample, its master following
    `plan` from `start` seconds into the render."""
    from ambience.engine import Engine, EngineError

    points = plan_from(plan, start)
    # the master starts silent (any fade_in) when the plan does; otherwise at full, and a
    # later segment steps to the plan's value on its first sample, inside its pre-roll
    silent = points[0][1] == 0.0
    engine = Engine("manual", rate=rate, buffer=RENDER_BUFFER, catalog=catalog, seed=seed,
                    fade_in=1.0 if silent else 0.0)
    try:
        engine.apply(mix, ramp=0.0)
    except EngineError as exc:
        engine.close()
        raise RenderError(str(exc)) from None
    if not silent and points[0][1] != 1.0:
        points[0] = (1e-6, points[0][1])
    engine.set_master_envelope(points)
    return engine


def write_frames(engine, frames: int, write, progress: Callable[[int], None] | None = None):
    """Render `frames` frames in blocks of about a second, handing each to `write`."""
    rate = engine.rate
    block = engine.buffer * max(1, rate // engine.buffer)
    written = 0
    while written < frames:
        data = engine.render(block / rate)
        take = min(len(data), frames - written)
        write(data[:take])
        written += take
        if progress is not None:
            progress(written)


def _render_alone(mix, sink, total, catalog, seed, rate, plan, progress) -> None:
    engine = open_engine(mix, catalog, seed, rate, plan, 0.0)
    try:
        write_frames(engine, total, sink.write,
                     None if progress is None else (lambda done: progress(done / rate)))
    finally:
        engine.close()
