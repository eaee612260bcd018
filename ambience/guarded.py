"""The live engine behind a process boundary, so that a dying sound server cannot end the night.

PortAudio's ALSA host API aborts the process when PulseAudio or PipeWire goes away (exit 134,
`pa_linux_alsa.c: OnExit: Assertion 'data' failed`). `GuardedEngine` runs the real engine in a
child process (`ambience.engine.host`) and stands in for it here (it is a `Playback`): when
the child dies, calls are answered with silence, `on_state("lost")` is called, and a thread
starts a new child every `RETRY` seconds until one opens the output; then `on_state("back")`
is called and the front end asks its session to `restore()` the sound (which fades in).
This module imports no pyo: the parent process never opens an audio device.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from ambience.core.mix import Mix
from ambience.core.playback import AudioUnavailable, Levels, PlaybackError

HEADER = struct.Struct("!I")
#: the only engine methods a parent may call
METHODS = frozenset({"apply", "set_master_envelope", "fade_master", "master_envelope_value",
                     "levels", "playing", "rest", "wake", "failures"})
#: seconds between two tries to reopen a lost output
RETRY = 2.0
#: how long a child may take to open the output before it counts as failed
OPEN_TIMEOUT = 20.0
#: how long one request may take (building a layer can take a good part of a second)
CALL_TIMEOUT = 10.0
#: what a call returns while the output is lost
SILENT = {"master_envelope_value": 0.0, "playing": [], "levels": None, "failures": {}}


def send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> Any:
    """The next message, or None at the end of the stream."""
    head = _read(stream, HEADER.size)
    if head is None:
        return None
    (size,) = HEADER.unpack(head)
    data = _read(stream, size)
    return None if data is None else pickle.loads(data)


def _read(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Lost(Exception):
    """The child process is gone."""


class _Child:
    """One engine process: started, asked, stopped."""

    def __init__(self, spec: dict):
        env = {**os.environ, "PYTHONFAULTHANDLER": ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ambience.engine.host"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True,  # a Ctrl-C in the terminal is the parent's to handle
        )
        self.device = ""
        self.playable: frozenset[str] = frozenset()
        try:
            send(self.proc.stdin, spec)
            reply = self._reply(OPEN_TIMEOUT)
        except _Lost:
            self.stop()
            raise AudioUnavailable("the audio engine stopped while opening the output") from None
        if reply[0] != "ready":
            self.stop()
            raise AudioUnavailable(reply[1])
        _, self.device, self.playable = reply

    def _reply(self, timeout: float):
        box: list = []
        reader = threading.Thread(target=lambda: box.append(self._receive()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or box[0] is None:
            raise _Lost()
        return box[0]

    def _receive(self):
        try:
            return receive(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None

    def call(self, method: str, args: tuple, kwargs: dict):
        try:
            send(self.proc.stdin, (method, args, kwargs))
        except (OSError, ValueError):
            raise _Lost() from None
        reply = self._receive()
        if reply is None:
            raise _Lost()
        return reply

    def stop(self, timeout: float = 3.0) -> None:
        """Close the engine (end of input), then make sure the process is gone."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            self.proc.stdout.close()
        except OSError:
            pass


class GuardedEngine:
    """A `Playback` whose engine lives in a child process and comes back when it dies.
    Thread-safe: one request at a time."""

    def __init__(self, audio: str = "auto", *, device: str | int | None = None,
                 rate: int = 48000, buffer: int | None = None,
                 on_state: Callable[[str], None] | None = None, retry: float = RETRY):
        self._spec = {"audio": audio, "device": device, "rate": rate, "buffer": buffer}
        #: called with "lost" or "back", from any thread
        self.on_state = on_state
        self._retry = retry
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._mix = Mix()
        self.lost = False
        self._child: _Child | None = _Child(self._spec)  # AudioUnavailable: no sound at all
        self.device = self._child.device
        self._playable = self._child.playable
        self._watch(self._child)

    # ------------------------------------------------------------------ Playback
    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        self._mix = mix
        self._call("apply", mix, ramp=ramp)

    def playable_sounds(self) -> frozenset[str]:
        return self._playable

    def set_master_envelope(self, points) -> None:
        self._call("set_master_envelope", list(points))

    def fade_master(self, to: float, seconds: float, curve: str = "db") -> None:
        self._call("fade_master", to, seconds, curve)

    def master_envelope_value(self) -> float:
        return self._call("master_envelope_value")

    def levels(self) -> Levels:
        return self._call("levels") or Levels()

    def playing(self) -> list[str]:
        return self._call("playing")

    def failures(self) -> dict[str, str]:
        return self._call("failures")

    def rest(self, after: float = 0.0) -> None:
        self._call("rest", after)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.stop()

    # ------------------------------------------------------------------ the child
    def _call(self, method: str, *args, **kwargs):
        with self._lock:
            child = self._child
            if child is None:
                return SILENT.get(method)
            try:
                reply = child.call(method, args, kwargs)
            except _Lost:
                self._child = None
                reply = None
        if reply is None:
            self._lose(child)
            return SILENT.get(method)
        if reply[0] == "problems":
            raise PlaybackError(reply[1])
        if reply[0] == "error":
            raise PlaybackError(reply[1])
        return reply[1]

    def _watch(self, child: _Child) -> None:
        """Notice a child that dies while nobody asks it anything (a player at night)."""

        def wait() -> None:
            child.proc.wait()
            with self._lock:
                current = self._child is child
                if current:
                    self._child = None
            if current:
                self._lose(child)

        threading.Thread(target=wait, name="ambience-engine-watch", daemon=True).start()

    def _lose(self, child: _Child) -> None:
        child.stop(timeout=1.0)
        if self._closed.is_set():
            return
        self.lost = True
        self._tell("lost")
        threading.Thread(target=self._reconnect, name="ambience-reconnect", daemon=True).start()

    def _reconnect(self) -> None:
        """Try a new child every `retry` seconds: it starts silent (the session restores the
        sound and fades it in)."""
        spec = {**self._spec, "fade_in": None}
        while not self._closed.wait(self._retry):
            try:
                child = _Child(spec)
            except AudioUnavailable:
                continue
            with self._lock:
                if self._closed.is_set():
                    child.stop()
                    return
                self._child = child
                self.device = child.device
                self.lost = False
            self._watch(child)
            self._tell("back")
            return

    def _tell(self, state: str) -> None:
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:  # noqa: BLE001 - a front end's display must not stop this
                pass

    def __enter__(self) -> GuardedEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
