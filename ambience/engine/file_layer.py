"""A layer that loops an audio file of any length, streamed from disk.

The file is never decoded whole: `LoopStream` decodes it block by block (crossfaded at the loop
point, resampled to the server's rate) and this layer copies the blocks into a ring table that
pyo reads one sample per sample (`Count` -> `TableIndex`, no interpolation). Memory is the ring,
RING_SECONDS of stereo float32 (4 MiB at 48 kHz), whatever the file's length.

Who does what:
- a reader thread keeps the ring filled up to MARGIN behind the read position, in small steps
  (one block per lock), so the audio thread never waits on the disk; a stalled disk is covered
  for as long as the ring holds (the design's hold-out, `holdout_seconds`, ~10.5 s);
- a watchdog in the audio thread (a `Pattern`, every WATCH seconds) tracks the read position;
  if the reader falls LOW seconds short it fades the rest of the ring out and silences it (no
  click), and the reader fades back in when data comes again (`stalls` counts these);
- a file that disappears or is cut short while playing is faded out the same way and kept in
  `problem` (the engine reports it per sound id); the layer then stays silent;
- live, building the layer reads only the file's header (a broken file is still refused at
  once); the thread finds the loud part and fills RESUME_SECONDS before the layer fades in, a
  fraction of a second later, under the engine's own fade-in;
- with a manual (offline) server there is no thread: the watchdog decodes in line, so a render
  never starves and repeats exactly.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import numpy as np

from ambience.engine.loop_stream import (  # noqa: F401 - re-exported
    BLOCK,
    DEFAULT_CROSSFADE,
    SILENCE,
    AudioFileError,
    LoopStream,
    crossfade_for,
    open_soundfile,
    stereo,
)
from ambience.engine.resample import MAX_PHASES
from ambience.engine.source import Source, pyo

#: the ring's length: what the reader keeps ahead of the sound, hence how long a stalled disk
#: is covered without a dropout
RING_SECONDS = 11.0
#: the reader stays this far behind the (last seen) read position: the watchdog's period plus
#: the largest server buffer it may lag by
MARGIN_SECONDS = 0.25
#: how often the audio thread looks at the read position
WATCH = 0.05
#: the watchdog fades out when less than this is left ahead of the read position
LOW_SECONDS = 0.3
#: fades start this far ahead of the last seen read position (covers WATCH plus one buffer)
SAFE_SECONDS = 0.15
#: fade-out when the file fails or the reader starves; fade-in when it recovers
FADE_OUT = 0.25
FADE_IN = 0.05
#: once this much is ahead the reader pauses PACE seconds between blocks
COMFORT_SECONDS = 1.0
PACE = 0.02
#: decoded before the sound starts or comes back after a stall (more than LOW_SECONDS)
RESUME_SECONDS = 0.6


def decode(path: Path) -> tuple[np.ndarray, int]:
    """The whole file: (frames x 2 float32, sample rate), end silence trimmed. For tools and
    tests; playing never loads a whole file."""
    import soundfile

    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises RuntimeError, LibsndfileError, TypeError...
        raise AudioFileError(f"{path}: cannot decode this file ({exc})") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{path}: the file holds no audio")
    data = stereo(data)
    loud = np.flatnonzero(np.max(np.abs(data), axis=1) > SILENCE)
    if loud.size == 0:
        raise AudioFileError(f"{path}: the file is silent")
    return np.ascontiguousarray(data[loud[0] : loud[-1] + 1]), int(rate)


class FileLayer(Source):
    """Loops `path` from disk. Options: `crossfade` (seconds, default 3), `sr` (the
    server's rate), `realtime` (False: decode in line, for manual servers), `ring` (seconds,
    default RING_SECONDS), `opener` (how the file is opened; tests throttle it)."""

    def build(self):
        opts = self.options
        self.sr = int(opts["sr"])
        self.realtime = bool(opts.get("realtime", False))
        # live, only the header is read here: the reader thread does the rest, and the layer
        # fades in when its first data is in the ring (the engine's own fade-in hides it)
        self.stream = LoopStream(Path(opts["path"]), self.sr, opts.get("crossfade"),
                                 opener=opts.get("opener") or open_soundfile,
                                 prepare=not self.realtime)
        self.problem: str | None = None
        self.stalls = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._ended = False
        self._starved = self.realtime  # nothing in the ring yet
        seconds = float(opts.get("ring") or RING_SECONDS)
        self.table = self.own(pyo.NewTable(length=seconds, chnls=2))
        size = self.table.getSize()
        self.ring = int(size[0] if isinstance(size, list) else size)
        self._margin = int(MARGIN_SECONDS * self.sr)
        self._safe = int(SAFE_SECONDS * self.sr)
        self._low = int(LOW_SECONDS * self.sr)
        ratio = self.sr / self.stream.rate
        # the most one decoded block can give: a resampler may add up to two periods
        self._max_block = int(math.ceil(BLOCK * ratio)) + 2 * MAX_PHASES + 16
        #: read position: frames the ring has given since the start (updated by the watchdog)
        self._r = 0
        self._w = 0  # frames written since the start
        self._wraps = 0
        self._last_count = 0
        self._zeroed = 0  # slots of frames before this one are silent (after a fade-out)
        self._trig = self.own(pyo.Trig())
        self._count = self.own(pyo.Count(self._trig, min=0, max=self.ring - 1))
        self._watch = self.own(pyo.Pattern(self.quietly(self._on_watch), time=WATCH))
        self._resume = int(RESUME_SECONDS * self.sr)
        if not self.realtime:
            self._fill()
            if self.problem is not None:
                self.stream.close()
                raise AudioFileError(self.problem)
        self._thread = None
        if self.realtime:
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name=f"ambience-reader-{Path(opts['path']).name}")
            self._thread.start()
        return self.own(pyo.TableIndex(self.table, self._count))

    # ------------------------------------------------------------------ figures
    @property
    def holdout_seconds(self) -> float:
        """How long the reader may stall, from a full ring, before the layer fades out."""
        full = self.ring - self._margin - self._max_block
        return (full - self._low) / self.sr

    def ahead_seconds(self) -> float:
        """Decoded sound waiting in the ring."""
        return (self._w - self._r) / self.sr

    # ------------------------------------------------------------------ the ring
    def _segments(self, a: int, b: int):
        """[a, b) in frames since the start -> (ring from, ring to, offset in the block)."""
        off = 0
        while a < b:
            i = a % self.ring
            n = min(b - a, self.ring - i)
            yield i, i + n, off
            a += n
            off += n

    def _write(self, block: np.ndarray) -> None:
        """Copy a block in after what was written (lock held, not closed)."""
        if self._starved:  # (re)starting: ahead of the sound (if it runs yet), faded in
            self._w = max(self._w, self._r + self._safe if self._r else 0)
            n = min(len(block), int(FADE_IN * self.sr))
            block = block.copy()
            block[:n] *= (np.sin(0.5 * math.pi * (np.arange(n) + 0.5) / n)[:, None]) \
                .astype(np.float32)
            self._starved = False
        views = [np.asarray(self.table.getBuffer(ch)) for ch in range(2)]
        try:
            for i, j, off in self._segments(self._w, self._w + len(block)):
                for ch in range(2):
                    views[ch][i:j] = block[off:off + j - i, ch]
        finally:
            del views  # a view that outlives its table crashes pyo
        self._w += len(block)

    def _fade_from(self, start: int) -> None:
        """Fade what was written out from `start` and silence the rest of the ring (lock
        held): the sound ends smoothly however the reading stopped."""
        n = max(0, min(self._w - start, int(FADE_OUT * self.sr)))
        views = [np.asarray(self.table.getBuffer(ch)) for ch in range(2)]
        try:
            if n:
                gain = np.cos(0.5 * math.pi * (np.arange(n) + 0.5) / n).astype(np.float32)
                for i, j, off in self._segments(start, start + n):
                    for ch in range(2):
                        views[ch][i:j] *= gain[off:off + j - i]
            # up to the slots of the buffer being read now, which `_zero_behind` does later
            behind = self._r - self._safe
            for i, j, _ in self._segments(start + n, behind + self.ring):
                for ch in range(2):
                    views[ch][i:j] = 0.0
        finally:
            del views
        self._w = start + n
        self._zeroed = behind

    def _zero_behind(self) -> None:
        """While nothing new comes, silence the slots played since the last look, so that
        they are not heard again a ring later (lock held)."""
        upto = self._r - self._safe
        if upto <= self._zeroed:
            return
        views = [np.asarray(self.table.getBuffer(ch)) for ch in range(2)]
        try:
            for i, j, _ in self._segments(max(self._zeroed, upto - self.ring), upto):
                for ch in range(2):
                    views[ch][i:j] = 0.0
        finally:
            del views
        self._zeroed = upto

    def _fill(self) -> bool:
        """Decode blocks until the ring is full; False when there was no room for one. Disk
        reads happen outside the lock. Live, one block per call (the audio thread gets the
        interpreter often), except when (re)starting: RESUME_SECONDS at once, so that the
        watchdog does not find the ring short again at once."""
        did = False
        while not (self._closed or self._ended):
            if self._w > self._r + self.ring - self._margin - self._max_block:
                break
            blocks, got, error = [], 0, None
            try:
                while True:
                    block = self.stream.next_block()
                    blocks.append(block)
                    got += len(block)
                    if not (self._starved and got < self._resume):
                        break
            except AudioFileError as exc:
                error = str(exc)
            with self._lock:
                if self._closed:
                    break
                if error is not None:
                    self.problem = error
                    self._ended = True
                    self._fade_from(max(self._w if self._starved else 0, self._r + self._safe))
                    break
                if got:
                    self._write(np.concatenate(blocks) if len(blocks) > 1 else blocks[0])
            did = True
            if self.realtime:
                break
        return did

    def _run(self) -> None:
        """The reader thread: fill, and sleep while the ring is full. With COMFORT seconds
        ahead it pauses between blocks (still ~8x faster than the sound), so that the first
        fill of several layers does not crowd out the thread that builds the mix."""
        comfort = int(COMFORT_SECONDS * self.sr)
        try:
            while not (self._closed or self._ended):
                if not self._fill():
                    self._wake.wait(WATCH)
                    self._wake.clear()
                elif self._w - self._r > comfort:
                    time.sleep(PACE)
        finally:
            self.stream.close()

    def _on_watch(self) -> None:
        """The audio thread, every WATCH seconds: where the sound is, and is enough ahead."""
        count = int(self._count.get())
        if count < self._last_count:
            self._wraps += 1
        self._last_count = count
        self._r = self._wraps * self.ring + count + 1
        if not self.realtime:
            self._fill()
            if self._ended:
                with self._lock:
                    self._zero_behind()
            return
        self._wake.set()
        quiet = self._starved or self._ended
        if not quiet and self._w - self._r >= self._low:
            return
        if self._lock.acquire(blocking=False):  # busy: the reader is writing right now
            try:
                if self._starved or self._ended:
                    self._zero_behind()
                elif self._w - self._r < self._low:
                    self._fade_from(self._r + self._safe)
                    self._starved = True
                    self.stalls += 1
            finally:
                self._lock.release()

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=0.5)  # a thread stuck on a dead disk closes its file itself
        else:
            self.stream.close()
        super().close()
        # no pyo object may outlive the server: drop every reference (a thread still stuck
        # on a dead disk keeps this object, but finds it closed and touches nothing)
        self.table = self._count = self._trig = self._watch = None
