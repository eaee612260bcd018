"""The bridge between the interface and the audio engine.

The engine is booted in a thread worker (PortAudio may take a while, or fail) and reports back
with Messages (toolong-style: thread callbacks become messages). After that the UI thread never
calls the engine itself: requests go, in order, to the bridge's own thread, which also takes the
level snapshots the meters read. Starting a layer can hold the engine's lock for a good part of
a second; the window never waits for it. With no engine (no audio device) every request is
dropped: the mixer still edits and saves mixes.

Sounds the engine cannot build (it says which: `playable_sounds()`, and per sound id when one
fails) are left out of what the engine is asked to play, but stay in the mix the user edits
and saves.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from textual.message import Message

from ambience.core.mix import Mix
from ambience.core.playback import AudioUnavailable, Levels, Playback, PlaybackError

EngineFactory = Callable[[], Playback]


class EngineReady(Message):
    """The engine booted and is playing (fading in)."""

    def __init__(self, engine: Playback) -> None:
        super().__init__()
        self.engine = engine


class EngineFailed(Message):
    """No sound: `reason` says why and what to do (from `AudioUnavailable`)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class EngineProblem(Message):
    """The engine could not do something (a sound that cannot be built...): tell the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class OutputState(Message):
    """The output was lost (`lost`: the sound server went away) or is back (`back`)."""

    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state


def start_engine(factory: EngineFactory) -> Message:
    """Run in a thread worker: build the engine, return the message to post. The exception
    comes from `core.playback`, so a mixer whose engine runs in a child process never loads
    pyo here."""
    try:
        return EngineReady(factory())
    except ImportError as exc:  # a broken audio install must not stop the mixer
        return EngineFailed(f"the audio engine cannot load ({exc})")
    except AudioUnavailable as exc:
        return EngineFailed(str(exc))
    except Exception as exc:
        return EngineFailed(f"the audio engine failed to start ({exc})")


_STOP = object()
#: how often the bridge thread takes a level snapshot for the meters (they poll at 10 Hz)
LEVEL_PERIOD = 0.05
#: how often the bridge asks the engine for layers that failed while playing
FAILURE_PERIOD = 1.0
#: level snapshots stop this long after the meters stopped reading them
WANTED_FOR = 1.0


class Bridge:
    """Hands calls to the engine to one thread of its own, in order, or drops them when there
    is no engine. Starting a synthesized layer can take a good fraction of a second (some
    build tables first): on the UI thread that would freeze the window, here it only delays
    the sound. Consecutive slider moves are coalesced: only the newest mix is applied."""

    def __init__(self, on_problem: Callable[[str], None] | None = None) -> None:
        self.engine: Playback | None = None
        self.unplayable: set[str] = set()
        self.problems: list[str] = []
        self._on_problem = on_problem or self.problems.append
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._idle = threading.Condition()
        self._levels = None
        self._levels_at = 0.0
        self._wanted_at = time.monotonic()
        self._failures_at = 0.0
        self._told: dict[str, str] = {}

    @property
    def live(self) -> bool:
        return self.engine is not None

    def attach(self, engine: Playback, catalog_ids: list[str]) -> None:
        known = engine.playable_sounds()
        self.unplayable = {s for s in catalog_ids if s not in known}
        self.engine = engine
        self._thread = threading.Thread(target=self._run, name="ambience-bridge", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ requests
    def _submit(self, kind: str, *args) -> None:
        if self.engine is None:
            return
        with self._idle:
            self._pending += 1
        self._queue.put((kind, args))

    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        self._submit("apply", mix, ramp)

    def fade_master(self, to: float, seconds: float, curve: str = "db") -> None:
        self._submit("call", lambda engine: engine.fade_master(to, seconds, curve))

    def set_master_envelope(self, points) -> None:
        self._submit("call", lambda engine: engine.set_master_envelope(points))

    def call(self, fn: Callable[[Playback], None]) -> None:
        """Run `fn(engine)` on the bridge thread, after everything asked before."""
        self._submit("call", fn)

    def levels(self) -> Levels | None:
        """The latest level snapshot, fetched by the bridge thread: the engine's lock can be
        held for a while by a layer being built, and the window must not wait for it.
        Snapshots are taken only while somebody reads them (meters that stand still cost
        nothing)."""
        self._wanted_at = time.monotonic()
        return self._levels

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every request so far has reached the engine (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    # ------------------------------------------------------------------ the thread
    def _check_failures(self) -> None:
        """A layer that stops while playing (its file gone or cut short) is told once."""
        now = time.monotonic()
        if now - self._failures_at < FAILURE_PERIOD:
            return
        self._failures_at = now
        try:
            failures = self.engine.failures()
        except Exception:  # noqa: BLE001 - the next check tries again
            return
        for sound, reason in failures.items():
            if self._told.get(sound) != reason:
                self._told[sound] = reason
                self._on_problem(reason)

    def _wanted(self) -> bool:
        return time.monotonic() - self._wanted_at < WANTED_FOR

    def _fetch_levels(self) -> None:
        now = time.monotonic()
        if now - self._levels_at >= LEVEL_PERIOD and self._wanted():
            self._levels_at = now
            try:
                self._levels = self.engine.levels()
            except Exception:
                self._levels = None

    def _run(self) -> None:
        carry = None
        while True:
            self._fetch_levels()
            self._check_failures()
            if carry is not None:
                item, carry = carry, None
            else:
                try:  # asleep until a request comes when nobody reads the meters
                    item = self._queue.get(timeout=LEVEL_PERIOD if self._wanted() else 1.0)
                except queue.Empty:
                    continue
            if item is _STOP:
                return
            done = 1
            kind, args = item
            if kind == "apply":  # skip straight to the newest of consecutive slider moves
                while True:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is not _STOP and nxt[0] == "apply" and nxt[1][1] == args[1]:
                        args = nxt[1]
                        done += 1
                        continue
                    carry = nxt  # keeps its place: handled on the next turn
                    break
            try:
                if kind == "apply":
                    self._apply(*args)
                else:
                    args[0](self.engine)
            except Exception as exc:  # never let one bad call end the bridge
                self._on_problem(f"the audio engine refused a change ({exc})")
            with self._idle:
                self._pending -= done
                self._idle.notify_all()

    def _apply(self, mix: Mix, ramp: float | None) -> None:
        """Apply `mix`; a sound that fails is reported once and left out from then on (the
        engine has moved every other layer already)."""
        try:
            self.engine.apply(self.playable(mix), ramp=ramp)
        except PlaybackError as exc:
            self._on_problem(str(exc))
            self.unplayable.update(exc.problems)
            self._told.update(exc.problems)

    def playable(self, mix: Mix) -> Mix:
        if not self.unplayable:
            return mix
        return replace(mix, layers=tuple(l for l in mix.layers if l.sound not in self.unplayable))

    def close(self, timeout: float = 3.0) -> None:
        """Let queued requests finish (a fade-out), stop the thread, close the engine."""
        engine = self.engine
        if engine is None:
            return
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
        self.engine = None
        engine.close()


class LevelFeed:
    """One levels snapshot shared by all meters: fetched at most every `max_age` seconds, so
    a dozen meters polling at 10 Hz cost one engine call per tick."""

    def __init__(self, source: Callable[[], Levels | None], max_age: float = 0.05) -> None:
        self._source = source
        self._max_age = max_age
        self._at = -1.0
        self._snapshot = None

    def snapshot(self):
        now = time.monotonic()
        if now - self._at >= self._max_age:
            try:
                self._snapshot = self._source()
            except Exception:
                self._snapshot = None
            self._at = now
        return self._snapshot

    def layer(self, sound: str) -> float:
        snap = self.snapshot()
        if snap is None:
            return 0.0
        lr = snap.layers.get(sound)
        return max(lr) if lr else 0.0

    def master(self) -> float:
        snap = self.snapshot()
        return max(snap.master) if snap is not None else 0.0

    def away(self) -> frozenset[str]:
        """The layers "now and then" has out now (`Levels.away`; none when not reported)."""
        return frozenset(getattr(self.snapshot(), "away", None) or ())

    def breath(self) -> float | None:
        """Seconds on the engine's breathing-pacer clock (None: off, or not reported)."""
        return getattr(self.snapshot(), "breath", None)
