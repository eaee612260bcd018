"""Offline rendering of a mix to a file, through the same engine as live playback.

The file is written beside its destination under a temporary name and renamed at the end,
so an interrupted render never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ambience.mix import Mix

FORMATS = {".wav": ("WAV", "PCM_24"), ".flac": ("FLAC", "PCM_24"), ".ogg": ("OGG", "VORBIS")}


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
) -> Path:
    """Render `seconds` of `mix` into `output`; `envelope` (seconds, gain) shapes the master
    (the sleep timer's fade); `progress(seconds_done)` is called after every block."""
    import soundfile

    from ambience.engine import Engine, EngineError

    output = Path(output)
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise RenderError(f"{output}: unknown extension {output.suffix!r}; use .wav, .flac or .ogg")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(f"{output}: the folder {folder} does not exist")
    engine = Engine("manual", rate=rate, catalog=catalog, seed=seed, fade_in=fade_in)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=output.suffix, dir=folder)
    os.close(fd)
    try:
        try:
            engine.apply(mix, ramp=0.0)
        except EngineError as exc:
            raise RenderError(str(exc)) from None
        if envelope is not None:
            engine.set_master_envelope(envelope)
        with soundfile.SoundFile(tmp, "w", samplerate=rate, channels=2, format=fmt[0],
                                 subtype=fmt[1]) as sf:
            total = int(round(seconds * rate))
            block = engine.buffer * max(1, rate // engine.buffer)  # about one second
            written = 0
            while written < total:
                data = engine.render(block / rate)
                take = min(len(data), total - written)
                sf.write(data[:take])
                written += take
                if progress is not None:
                    progress(written / rate)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a render is an ordinary file
        os.replace(tmp, output)
        tmp = None
    finally:
        engine.close()
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return output
