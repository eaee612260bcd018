"""A layer that loops an audio file forever with an equal-power crossfade at the seam.

Files are decoded with `soundfile` (pyo's own libsndfile reads no FLAC, Ogg or MP3) into a
pyo table at the file's own rate, and played with `pitch = file_rate / server_rate` so that
they keep their true pitch on any server. Only `Looper` with a crossfade loops material whose
end does not match its start without a click; equal power keeps noise-like ambience within
0.2 dB through the crossfade.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ambience.engine.source import Source, pyo

DEFAULT_CROSSFADE = 3.0
#: digital silence trimmed from both ends (MP3 encoder padding would gap the loop)
SILENCE = 10 ** (-90 / 20)


class AudioFileError(Exception):
    """A file that cannot be played; the message names it and says why."""


def decode(path: Path) -> tuple[np.ndarray, int]:
    """(frames x 2 float32, sample rate), mono spread to both channels, end silence trimmed."""
    import soundfile

    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises RuntimeError, LibsndfileError, TypeError...
        raise AudioFileError(f"{path}: cannot decode this file ({exc})") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{path}: the file holds no audio")
    if data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    elif data.shape[1] > 2:
        data = data[:, :2]
    loud = np.flatnonzero(np.max(np.abs(data), axis=1) > SILENCE)
    if loud.size == 0:
        raise AudioFileError(f"{path}: the file is silent")
    data = np.ascontiguousarray(data[loud[0] : loud[-1] + 1])
    return data, int(rate)


def crossfade_for(seconds: float, wanted: float | None = None) -> float:
    """The loop crossfade: `wanted` (default 3 s), at most a quarter of the file."""
    wanted = DEFAULT_CROSSFADE if wanted is None else max(0.0, wanted)
    return min(wanted, seconds / 4.0)


class FileLayer(Source):
    """Loops `path`; option `crossfade` (seconds) overrides the default 3 s."""

    def build(self):
        path = Path(self.options["path"])
        data, rate = decode(path)
        server_rate = float(self.options["sr"])
        frames = data.shape[0]
        if frames < 64:
            raise AudioFileError(f"{path}: the file is too short to loop ({frames} samples)")
        table = self.own(pyo.NewTable(length=frames / server_rate, chnls=2))
        size = table.getSize()
        size = size[0] if isinstance(size, list) else size
        n = min(size, frames)
        for ch in range(2):
            buf = np.asarray(table.getBuffer(ch))
            buf[:n] = data[:n, ch]
            buf[n:] = data[n - 1, ch] if n < size else buf[n:]
            del buf  # a view that outlives its table crashes pyo
        self.duration = frames / rate
        self.crossfade = crossfade_for(self.duration, self.options.get("crossfade"))
        self.pitch = rate / server_rate
        table_dur = size / server_rate
        # Looper's xfade is a percentage of the loop (at most 50)
        xfade = 100.0 * self.crossfade / self.duration if self.crossfade > 0 else 0.0
        return self.own(
            pyo.Looper(
                table,
                pitch=self.pitch,
                start=0,
                dur=table_dur,
                xfade=min(50.0, xfade),
                mode=1,
                xfadeshape=1,
                startfromloop=False,
                interp=4,
                autosmooth=False,
            )
        )

