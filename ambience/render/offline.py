"""Offline rendering of a mix to a file, through the same engine as live playback.

The file is written beside its destination under a temporary name and renamed at the end,
so an interrupted render never leaves a half-written file.

On a machine with more than one core a long render is cut into segments rendered side by
side (`ambience.render.parts`): this process renders the first segment and writes the
file, child processes render the others, and their seams are crossfaded.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ambience.core.mix import Mix
from ambience.render.parts import render_in_parts, shareable
from ambience.render.segment import RenderError, master_plan, open_engine, write_frames

FORMATS = {".wav": ("WAV", "PCM_24"), ".flac": ("FLAC", "PCM_24"), ".ogg": ("OGG", "VORBIS")}
#: a render shorter than this per core stays in one process (a child takes ~1 s to start)
MIN_SEGMENT = 120.0


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
    force: bool = True,
) -> Path:
    """Render `seconds` of `mix` into `output`; `envelope` (seconds, gain) shapes the master
    (the sleep timer's fade); `progress(seconds_done)` is called after every block.
    `workers` processes share the work (default: one per core, for renders long enough).
    Without `force` an existing `output` is never replaced (RenderError), even one that
    appears while rendering."""
    import soundfile

    output = Path(output)
    check_output(output, force)
    fmt = FORMATS[output.suffix.lower()]
    folder = output.parent
    plan = master_plan(envelope, fade_in)
    total = int(round(seconds * rate))
    count = workers if workers is not None else default_workers(seconds)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=output.suffix, dir=folder)
    os.close(fd)
    try:
        with soundfile.SoundFile(tmp, "w", samplerate=rate, channels=2, format=fmt[0],
                                 subtype=fmt[1]) as sink:
            if count <= 1 or not shareable(total, count, rate):
                _render_alone(mix, sink, total, catalog, seed, rate, plan, progress)
            else:
                render_in_parts(mix, sink, total, catalog=catalog, seed=seed, rate=rate,
                                plan=plan, progress=progress, workers=count,
                                folder=folder, name=output.name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a render is an ordinary file
        if force:
            os.replace(tmp, output)
        else:
            _link_new(tmp, output)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return output


def check_output(output: Path, force: bool = True) -> None:
    """RenderError unless `output` can be written: a known extension, an existing folder (a
    mistyped folder is not created), and no file there already unless `force`."""
    output = Path(output)
    if output.suffix.lower() not in FORMATS:
        raise RenderError(f"{output}: unknown extension {output.suffix!r}; use .wav, .flac or .ogg")
    folder = output.parent
    if not folder.is_dir():
        raise RenderError(f"{output}: the folder {folder} does not exist; create it first "
                          "or pick another --output")
    if not force and (output.exists() or output.is_symlink()):
        raise RenderError(f"{output} already exists; add --force to replace it")


def _link_new(tmp: str, output: Path) -> None:
    """Give the finished file its name only if nothing took the name meanwhile."""
    try:
        os.link(tmp, output)
    except FileExistsError:
        raise RenderError(f"{output} appeared while rendering; kept it (add --force to "
                          "replace it)") from None
    except OSError:  # a file system without hard links: check, then rename
        if output.exists():
            raise RenderError(f"{output} already exists; add --force to replace it") from None
        os.replace(tmp, output)
        return
    os.unlink(tmp)


def default_workers(seconds: float) -> int:
    """One process per core, while each gets at least MIN_SEGMENT seconds to render."""
    return max(1, min(os.cpu_count() or 1, int(seconds // MIN_SEGMENT)))


def _render_alone(mix, sink, total, catalog, seed, rate, plan, progress) -> None:
    engine = open_engine(mix, catalog, seed, rate, plan, 0.0)
    try:
        write_frames(engine, total, sink.write,
                     None if progress is None else (lambda done: progress(done / rate)))
    finally:
        engine.close()
