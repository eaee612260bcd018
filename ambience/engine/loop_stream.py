"""The endless loop of one audio file, decoded block by block from disk (no pyo here).

A file is opened with `soundfile` (its libsndfile decodes WAV, FLAC, Ogg Vorbis, Opus and MP3;
pyo's own reads none of the compressed ones). Digital silence at both ends is found once and
skipped (MP3 encoder padding would gap the loop). Then the loud part is played over and over:
its last `crossfade` seconds are mixed with its first ones under equal-power gains, and the
next pass goes on from just after that head. The head is decoded once and kept, so the seam
never waits for a seek; seeks in all five formats land on the exact frame (checked with
libsndfile 1.2). Blocks come out at the server's rate (see `resample`). Opening reads only the
header; `prepare` (both ends) and the head wait until they are needed.

Memory holds one block, the head and the resampler's state, whatever the file's length.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ambience.engine.resample import Resampler

DEFAULT_CROSSFADE = 3.0
#: digital silence trimmed from both ends (MP3 encoder padding would gap the loop)
SILENCE = 10 ** (-90 / 20)
#: file frames decoded per step: small enough to keep each step short
BLOCK = 8192


class AudioFileError(Exception):
    """A file that cannot be played; the message names it and says why."""


def crossfade_for(seconds: float, wanted: float | None = None) -> float:
    """The loop crossfade: `wanted` (default 3 s), at most a quarter of the file."""
    wanted = DEFAULT_CROSSFADE if wanted is None else max(0.0, wanted)
    return min(wanted, seconds / 4.0)


def stereo(data: np.ndarray) -> np.ndarray:
    """frames x 2 float32: mono spread to both channels, channels past two dropped."""
    if data.shape[1] == 1:
        return np.repeat(data, 2, axis=1)
    return data[:, :2]


def _loud(data: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.max(np.abs(data), axis=1) > SILENCE)


def open_soundfile(path: Path):
    """The decoder of `path` (tests replace it to throttle or break reading)."""
    import soundfile

    return soundfile.SoundFile(str(path))


class LoopStream:
    """`next_block()` gives the next stretch of the endless crossfaded loop of `path` at
    `out_rate`, as frames x 2 float32; it raises `AudioFileError` naming the file when the
    file cannot be decoded, or disappears or is cut short while playing."""

    def __init__(self, path: str | Path, out_rate: int, crossfade: float | None = None,
                 opener=open_soundfile, prepare: bool = True):
        self.path = Path(path)
        self.out_rate = int(out_rate)
        self._wanted = crossfade
        try:
            self._file = opener(self.path)
            self.rate = int(self._file.samplerate)
            self._frames = int(self._file.frames)
            self._size = os.stat(self.path).st_size
        except Exception as exc:  # soundfile raises RuntimeError, LibsndfileError, TypeError...
            raise AudioFileError(f"{self.path}: cannot decode this file ({exc})") from None
        self._resampler = Resampler(self.rate, self.out_rate) if self.rate != out_rate else None
        self._head: np.ndarray | None = None
        self.prepared = False
        self.passes = 0  # seams crossed
        if prepare:
            self.prepare()

    def prepare(self) -> None:
        """Find the loud part and the crossfade (reads both ends of the file: done by the
        reader thread when playing live, so that opening stays quick)."""
        try:
            start, end = self._loud_span(self._frames)
        except AudioFileError:
            raise
        except Exception as exc:
            raise AudioFileError(f"{self.path}: cannot decode this file ({exc})") from None
        self.start, self.end = start, end
        length = end - start
        if length < 64:
            raise AudioFileError(f"{self.path}: the file is too short to loop ({length} samples)")
        self.frames = length
        self.duration = length / self.rate
        self.crossfade = crossfade_for(self.duration, self._wanted)
        self.xfade = int(round(self.crossfade * self.rate))
        self._seek(start)
        self._pos = start  # file frame of the next one decoded
        self.prepared = True

    def _load_head(self) -> None:
        """The head that fades in at every seam, decoded once, when the first seam comes."""
        self._seek(self.start)
        self._head = self._read(self.xfade)
        self._seek(self._pos)
        t = (np.arange(self.xfade, dtype=np.float64) + 0.5) / self.xfade
        self._fade_in = np.sin(0.5 * math.pi * t).astype(np.float32)[:, None]
        self._fade_out = np.cos(0.5 * math.pi * t).astype(np.float32)[:, None]

    # --------------------------------------------------------------- opening
    def _loud_span(self, frames: int) -> tuple[int, int]:
        """[first, last + 1) of the frames above digital silence."""
        if frames <= 0:
            raise AudioFileError(f"{self.path}: the file holds no audio")
        pos = 0
        start = None
        while pos < frames:  # from the front
            data = self._file.read(min(BLOCK, frames - pos), dtype="float32", always_2d=True)
            if len(data) == 0:
                break
            loud = _loud(data)
            if loud.size:
                start = pos + int(loud[0])
                break
            pos += len(data)
        if start is None:
            raise AudioFileError(f"{self.path}: the file is silent")
        end = frames
        while end > start:  # from the back
            lo = max(start, end - BLOCK)
            self._file.seek(lo)
            data = self._file.read(end - lo, dtype="float32", always_2d=True)
            loud = _loud(data)
            if loud.size:
                return start, lo + int(loud[-1]) + 1
            end = lo
        return start, start + 1  # pragma: no cover - start itself is loud

    # --------------------------------------------------------------- reading
    def _check(self) -> None:
        """Notice a file that was deleted, unmounted or shortened under us."""
        try:
            size = os.stat(self.path).st_size
        except OSError:
            raise AudioFileError(f"{self.path}: the file disappeared while playing") from None
        if size < self._size:
            raise AudioFileError(f"{self.path}: the file was cut short while playing")

    def _seek(self, frame: int) -> None:
        try:
            self._file.seek(frame)
        except Exception as exc:
            raise AudioFileError(f"{self.path}: the file cannot be read any more ({exc})") \
                from None

    def _read(self, n: int) -> np.ndarray:
        try:
            data = self._file.read(n, dtype="float32", always_2d=True)
        except Exception as exc:
            raise AudioFileError(f"{self.path}: the file cannot be read any more ({exc})") \
                from None
        if len(data) < n:
            raise AudioFileError(f"{self.path}: the file was cut short while playing")
        return stereo(data)

    def next_block_native(self) -> np.ndarray:
        """The next stretch at the file's own rate (at most BLOCK frames)."""
        if not self.prepared:
            self.prepare()
        self._check()
        if self._pos >= self.end:  # no crossfade: straight back to the start
            self._pos = self.start
            self._seek(self._pos)
            self.passes += 1
        seam = self.end - self.xfade  # where the tail starts fading out
        if self._pos < seam:
            n = min(BLOCK, seam - self._pos)
            data = self._read(n)
            self._pos += n
            return data
        # inside the tail: mix with the head under equal-power gains
        if self._head is None:
            self._load_head()
        j = self._pos - seam
        n = min(BLOCK, self.end - self._pos)
        tail = self._read(n)
        data = tail * self._fade_out[j:j + n] + self._head[j:j + n] * self._fade_in[j:j + n]
        self._pos += n
        if self._pos >= self.end:  # the head has faded in: go on just after it
            self._pos = self.start + self.xfade
            self._seek(self._pos)
            self.passes += 1
        return data

    def next_block(self) -> np.ndarray:
        """The next stretch at the output rate (may be empty while the resampler fills)."""
        data = self.next_block_native()
        if self._resampler is not None:
            data = self._resampler.process(data)
        return data

    def close(self) -> None:
        try:
            self._file.close()
        except Exception:  # noqa: BLE001 - closing a file whose drive is gone
            pass
