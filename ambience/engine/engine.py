"""The engine: makes a `Mix` audible. The TUI, the headless player and the renderer all use it.

Public surface: `apply(mix, ramp)`, `set_master_envelope(points)` / `fade_master(...)`,
`levels()`, `time()`, `render(seconds)` (manual back-end), `close()`.

Signal flow: each layer's stereo output x its gain ramp x its alive envelope (drift and
"now and then", `alive`) -> a mixer -> x master slider ramp
-> x master envelope (exact long fades) -> limiter -> output.
"""

from __future__ import annotations

import gc
import math
import sys
import threading
import time as _time
import weakref
from collections.abc import Callable

import numpy as np

from ambience.core import fades
from ambience.library.catalog import Catalog, SoundInfo, load_catalog
from ambience.engine import seeding
from ambience.engine.alive import AliveStage
from ambience.engine.backends import (
    AudioUnavailable,
    Booted,
    open_server,
    signals_blocked,
    stop_server,
)
from ambience.engine.file_layer import FileLayer
from ambience.engine.source import Source, pyo
from ambience.engine.master import MasterChain
from ambience.engine.pacer import Pacer
from ambience.engine.placement import Placement
from ambience.engine.sounds import SYNTHS
from ambience.core.mix import Mix
from ambience.core.playback import Levels, PlaybackError

#: ramp for a slider move (reaches 90 % in 45 ms, well inside one 60 ms budget)
SLIDER_RAMP = 0.05
#: ramp for mute/unmute and for a layer that appears or disappears
TOGGLE_RAMP = 1.5
#: fade-in at the start of playback
START_FADE = 3.0
#: glide of an intensity change (a sound's character moves over seconds, not in steps)
INTENSITY_GLIDE = 2.0
#: how long after its ramp a silent layer is stopped
STOP_MARGIN = 0.1


class EngineError(PlaybackError):
    """A request the engine cannot carry out (unknown sound, broken file); `problems` names
    the sounds, one reason each."""


class _Slot:
    """A playing layer with its gain ramp, its metered output and its mixer voice."""

    def __init__(self, sound: str, layer: Source, close: bool = False, rate: int = 48000):
        self.sound = sound
        self.layer = layer
        # where the layer sits around the head (idle, and free, unless it moves or is placed
        # binaurally); made before the gain, which reads `place.output`
        self.place = Placement(layer.output, seed=layer.seed, close=close, rate=rate)
        # a Linseg restarted from its current value for every change: exact, any shape
        self.gain = pyo.Linseg([(0.0, 0.0), (0.001, 0.0)])
        # drift and "now and then" (see `alive`): a second gain, the slider's stays the centre
        self.alive = AliveStage(getattr(layer, "seed", None))
        self._gains = self.gain * self.alive.env  # the product must stay referenced
        self.post = pyo.Sig(self.place.output, mul=self._gains)
        self.meter = None  # created on the first `levels()` call: renders never pay for it
        self.target = 0.0
        self.stop_at: float | None = None

    def objects(self):
        return tuple(o for o in (self.gain, self.alive.env, self._gains, self.post, self.meter)
                     if o is not None)

    def enable_meter(self) -> None:
        if self.meter is None:
            self.meter = pyo.Follower(self.post, freq=6)

    def play(self) -> None:
        self.layer.play()
        self.place.play()
        for obj in self.objects():
            obj.play()

    def place_at(self, motion: float, headphones: bool, now: float,
                 glide: float | None = None) -> None:
        """Move towards `motion` and (headphones) binaural placement, gliding."""
        if self.place.set(motion, headphones, now, *(() if glide is None else (glide,))):
            self.post.setValue(self.place.output)

    def settle(self, now: float) -> None:
        if self.place.settle(now):
            self.post.setValue(self.place.output)

    def ramp(self, target: float, seconds: float) -> None:
        start = float(self.gain.get())
        points = fades.crossfade_points(start, target, max(seconds, 0.0))
        if points[-1][0] <= 0.0:
            points = [(0.0, start), (1.0 / 48000, target)]
        self.gain.setList(points)
        self.gain.play()

    def tend_alive(self, now: float) -> None:
        """Stop the layer and its gains while "now and then" has it away (it then costs
        nothing), start them again before it returns."""
        run = self.alive.tend(now)
        if run == self.layer.playing:
            return
        parts = [self.gain, self._gains, self.post] + ([self.meter] if self.meter else [])
        if run:
            self.alive.resume(now)
            self.gain.setList([(0.0, self.target), (0.001, self.target)])
            self.layer.play()
            self.place.play()
            for obj in parts:
                obj.play()
        else:
            for obj in parts:
                obj.stop()
            self.alive.pause()
            self.place.stop()
            self.layer.stop()

    def close(self) -> None:
        for obj in self.objects():
            obj.stop()
        self.place.close()
        self.layer.close()


class Engine:
    """One pyo server, its layers and its master chain.

    `seed` makes a render reproducible (`ambience render --seed`, the tests): the same in
    any process, also after other engines ran in it (see `seeding`).
    """

    def __init__(
        self,
        audio: str = "manual",
        *,
        device: str | int | None = None,
        rate: int = 48000,
        buffer: int | None = None,
        catalog: Catalog | None = None,
        seed: int | None = None,
        fade_in: float | None = START_FADE,
        layer_factory: Callable[[SoundInfo, dict], Source] | None = None,
    ):
        self._booted: Booted = open_server(audio, device, rate, buffer)
        self.server = self._booted.server
        self.backend = self._booted.backend
        self.device = self._booted.device
        self.rate = self._booted.rate
        self.buffer = self._booted.buffer
        self.catalog = catalog if catalog is not None else load_catalog()
        self._layer_factory = layer_factory or self._make_layer
        self._seed = seed
        self._seeds = 0
        # seeded: the same sound as any other engine with this seed, in this process or
        # another; unseeded (playback): pyo seeds from the clock
        global_seed = 0 if seed is None else int(seed) or 1
        self.server.setGlobalSeed(global_seed)
        if global_seed:
            seeding.restart(self.server, global_seed)
        self._lock = threading.RLock()
        self._slots: dict[str, _Slot] = {}
        self._metering = False
        #: sounds of the current mix that could not be built, with the reason
        self.problems: dict[str, str] = {}
        self._mix = Mix()
        self._applying = self._mix  # the mix `apply` is moving to (new layers' intensity)
        self._frames = 0
        #: engine time of the next drift/presence chore (`_tend_alive`)
        self._alive_due = math.inf
        self._t0 = _time.monotonic()
        self._closed = False
        self._stop_event = threading.Event()
        #: engine time after which the server stops computing (`rest`), and whether it has
        self._rest_at: float | None = None
        self.resting = False
        self._awake = threading.Event()  # set whenever the engine is not resting
        self._awake.set()
        silent = fade_in is None or fade_in > 0
        self.master = MasterChain(self.server, initial=0.0 if silent else 1.0)
        #: the breathing pacer (`Mix.breathing`), ticked at each buffer's start while on
        self.pacer = Pacer(self.master.pacer, self.buffer / self.rate, self.master.use_pacer)
        #: stream ids of newly built layers, to be computed ahead of the master chain
        self._ahead: list[set[int]] = []
        #: called at the start of every buffer in the audio thread (benchmarks time it)
        self.buffer_hook: Callable[[], None] | None = None
        self.server.setCallback(_buffer_callback(weakref.ref(self)))
        self._capture = None
        self._thread: threading.Thread | None = None
        with signals_blocked():  # threads started here inherit the mask
            self.server.start()
            if self.backend != "manual":
                # a CPU-busy Python thread delays the audio callback: switch the GIL more often
                sys.setswitchinterval(0.0005)
                self._thread = threading.Thread(
                    target=self._run_null if self.backend == "null" else self._run_housekeeping,
                    name="ambience-engine",
                    daemon=True,
                )
                self._thread.start()
        if fade_in is None:  # silent until told (a session restoring itself decides)
            self.set_master_envelope([(0.0, 0.0)])
        elif fade_in > 0:
            self.fade_master(1.0, fade_in, curve="loudness")
        else:
            self.set_master_envelope([(0.0, 1.0)])

    # ----------------------------------------------------------------- time
    def time(self) -> float:
        """Seconds of audio since the engine started (sample-exact on manual back-ends)."""
        if self.backend in ("manual", "null"):
            return self._frames / self.rate
        return _time.monotonic() - self._t0

    # ----------------------------------------------------------------- mix
    @property
    def mix(self) -> Mix:
        return self._mix

    def apply(self, mix: Mix, ramp: float | None = None) -> None:
        """Move every layer and the master towards `mix`.

        With `ramp=None` a slider move ramps in 50 ms and a layer that appears, disappears,
        mutes or unmutes in 1.5 s; a given `ramp` (seconds) is used for every change, so a
        whole new mix crossfades from the old one.

        A layer that cannot be built (unknown sound, broken file) does not stop the others:
        they all move, then one `EngineError` names every failure, per sound id. A sound that
        failed is not tried again at each later slider move (see `problems`).
        """
        failures: dict[str, str] = {}
        if self.resting or self._rest_at is not None:
            self.wake()
        with self._lock:
            if self._closed:
                return
            old = self._mix
            old_gains = old.gains()
            new_gains = mix.gains()
            now = self.time()
            self._applying = mix
            before = set(self._slots)
            for sound in list(dict.fromkeys([*old_gains, *new_gains, *self._slots])):
                target = new_gains.get(sound, 0.0)
                if sound in self.problems:
                    if sound in new_gains:
                        continue
                    del self.problems[sound]  # gone from the mix: may be tried again later
                    continue
                if ramp is not None:
                    t = ramp
                else:
                    was = old_gains.get(sound, 0.0)
                    toggled = (was == 0.0) != (target == 0.0)
                    t = TOGGLE_RAMP if toggled else SLIDER_RAMP
                try:
                    self._move(sound, target, t, now)
                    self._shape(sound, mix, ramp)
                except EngineError as exc:
                    self.problems[sound] = str(exc)
                    failures[sound] = str(exc)
            for sound, slot in self._slots.items():
                layer = mix.layer(sound)
                # a layer just started is placed at once (it fades in); others glide
                slot.place_at(layer.motion if layer is not None else slot.place.motion,
                              mix.headphones, now, glide=None if sound in before else 0.0)
            self.pacer.set(mix.breathing, mix.inhale, now)
            self.master.set_gain(mix.master_gain, SLIDER_RAMP if ramp is None else ramp)
            self._mix = mix
            self._shape_alive(mix, now)
        if failures:
            raise EngineError(failures)

    def _move(self, sound: str, target: float, ramp: float, now: float) -> None:
        slot = self._slots.get(sound)
        if slot is None:
            if target <= 0.0:
                return
            slot = self._start(sound)
        if target == slot.target and slot.stop_at is None:
            return
        slot.target = target
        slot.ramp(target, ramp)
        slot.stop_at = now + ramp + STOP_MARGIN if target <= 0.0 else None

    def _shape_alive(self, mix: Mix, now: float) -> None:
        """Hand each layer's drift and presence to its slot's alive stage."""
        for layer in mix.layers:
            slot = self._slots.get(layer.sound)
            if slot is not None:
                slot.alive.set(now, layer.drift, layer.presence)
        self._tend_alive()

    def _tend_alive(self) -> None:
        """Plan the alive envelopes ahead; stop and start layers as they go and come."""
        with self._lock:
            now = self.time()
            due = math.inf
            for slot in self._slots.values():
                if slot.stop_at is None:  # a layer fading away is left to `housekeep`
                    slot.tend_alive(now)
                    due = min(due, slot.alive.due(now))
            self._alive_due = due

    def _shape(self, sound: str, mix: Mix, ramp: float | None) -> None:
        """Glide a playing layer's intensity to the mix's (a crossfading `ramp` sets the
        glide, at least 50 ms; otherwise `INTENSITY_GLIDE`)."""
        slot, layer = self._slots.get(sound), mix.layer(sound)
        if (slot is not None and layer is not None and hasattr(slot.layer, "set_intensity")
                and layer.intensity != slot.layer.intensity):
            glide = INTENSITY_GLIDE if ramp is None else max(ramp, SLIDER_RAMP)
            slot.layer.set_intensity(layer.intensity, glide)

    def _start(self, sound: str) -> _Slot:
        try:
            info = self.catalog.resolve(sound)
        except LookupError as exc:
            raise EngineError(str(exc)) from None
        self._seeds += 1
        seed = None if self._seed is None else self._seed * 1000 + self._seeds
        known = self.master.stream_ids()
        extra: dict = {"seed": seed}
        shaped = self._applying.layer(sound)  # built at the intensity it is asked for
        if info.intensity is not None and shaped is not None:
            extra["intensity"] = shaped.intensity
        layer = self._layer_factory(info, extra)
        slot = _Slot(sound, layer, close=info.close, rate=self.rate)
        if self._metering:
            slot.enable_meter()
        slot.play()
        # pyo computes its objects in the order they were made, and the master chain was
        # made first: moved ahead of it at the next buffer's start, the layer reaches the
        # mixer in the same buffer rather than one later (5.3 ms at 256 frames, 21 ms at
        # 1024, for the sound and every slider move)
        self._ahead.append(self.master.stream_ids() - known)
        self.master.mixer.addInput(sound, slot.post)
        self.master.mixer.setAmp(sound, 0, 1.0)
        self._slots[sound] = slot
        return slot

    def _make_layer(self, info: SoundInfo, extra: dict) -> Source:
        from ambience.engine.file_layer import AudioFileError

        if info.kind == "file":
            try:
                return FileLayer(path=info.path, crossfade=info.crossfade, sr=self.rate,
                                 realtime=self.backend != "manual", **extra)
            except AudioFileError as exc:
                raise EngineError(str(exc)) from None
        cls = SYNTHS.get(info.id)
        if cls is None:
            raise EngineError(f"sound `{info.id}` has no synthesizer in this version")
        return cls(sr=self.rate, **extra)

    def failures(self) -> dict[str, str]:
        """Sounds that could not be built or stopped while playing (a file gone or cut
        short), with the reason: a copy, safe from any thread."""
        with self._lock:
            return dict(self.problems)

    def playable_sounds(self) -> frozenset[str]:
        """The synthesizers of this version and the catalog's audio files."""
        files = {info.id for info in self.catalog if info.kind == "file"}
        return frozenset(SYNTHS) | files

    def playing(self) -> list[str]:
        """Ids of the layers whose pyo objects are running (a silent layer is stopped)."""
        with self._lock:
            return [s for s, slot in self._slots.items() if slot.layer.playing]

    def housekeep(self) -> None:
        """Stop layers whose fade to silence has ended; a layer that failed while playing
        (a file gone or cut short) is faded out and its reason kept in `problems`; rest once
        asked to and silent."""
        if self.time() >= self._alive_due:
            self._tend_alive()
        with self._lock:
            now = self.time()
            for sound, slot in list(self._slots.items()):
                slot.settle(now)
                problem = slot.layer.problem
                if problem is not None and sound not in self.problems:
                    self.problems[sound] = problem
                    slot.target = 0.0
                    slot.ramp(0.0, TOGGLE_RAMP)
                    slot.stop_at = now + TOGGLE_RAMP + STOP_MARGIN
                if slot.stop_at is not None and now >= slot.stop_at:
                    self.master.mixer.delInput(sound)
                    slot.close()
                    del self._slots[sound]
            due = self._rest_at is not None and now >= self._rest_at and not self._slots
        if due:
            self._go_to_rest()

    # ----------------------------------------------------------------- rest
    def rest(self, after: float = 0.0) -> None:
        """Stop computing altogether once `after` seconds have passed and every layer has
        stopped (the sleep timer's end): a live server then costs no CPU at all. Any later
        `apply`, envelope or `wake` starts it again."""
        with self._lock:
            self._rest_at = self.time() + max(0.0, after)

    def wake(self) -> None:
        """Compute again after `rest` (the sound starts from the master's silence)."""
        with self._lock:
            self._rest_at = None
            if not self.resting or self._closed:
                return
            self.resting = False
            self._awake.set()
            if self.backend not in ("manual", "null"):
                with signals_blocked():
                    self.server.start()

    def _go_to_rest(self) -> None:
        with self._lock:
            if self.resting or self._closed or self._rest_at is None:
                return
            self.resting = True
            self._awake.clear()
            self._rest_at = None
            if self.backend in ("manual", "null"):
                return  # the null thread stops processing; a manual server only when asked
        stop_server(self.server)

    # ----------------------------------------------------------------- master fades
    def set_master_envelope(self, points: fades.Points) -> None:
        """Play an exact piecewise-linear envelope on the master, (seconds from now, gain),
        starting from wherever the envelope is now. Minutes or hours, sample-accurate."""
        if self.resting or self._rest_at is not None:
            self.wake()
        with self._lock:
            self.master.envelope(points, self.time())

    def fade_master(self, to: float, seconds: float, curve: str = "db") -> None:
        """Fade the master envelope from its current gain to `to` over `seconds`."""
        start = self.master_envelope_value()
        self.set_master_envelope(fades.curve_points(start, to, seconds, curve))

    def master_envelope_value(self) -> float:
        """The master envelope's gain now (the fade, not the master slider)."""
        with self._lock:
            return self.master.envelope_value(self.time())

    def breath_time(self) -> float | None:
        """Seconds on `core.breathing`'s clock now, for `breathing.guide(t, mix.breathing,
        mix.inhale)` to show what the pacer does (None while it is off). Also in
        `levels().breath`, which reaches a mixer whose engine runs in a child process."""
        return self.pacer.breath_time(self.time())

    # ----------------------------------------------------------------- meters
    def levels(self) -> Levels:
        """A consistent snapshot, safe to call from any thread (the TUI polls it at ~10 Hz)."""
        with self._lock:
            if not self._metering:  # meters cost CPU: made only once somebody looks
                self._metering = True
                self.master.enable_meter()
                for slot in self._slots.values():
                    slot.enable_meter()
            layers = {}
            for sound, slot in self._slots.items():
                if slot.layer.playing:
                    vals = slot.meter.get(all=True)
                    layers[sound] = (float(vals[0]), float(vals[1]))
            now = self.time()
            away = frozenset(s for s, slot in self._slots.items()
                             if slot.stop_at is None and slot.alive.away(now))
            return Levels(master=self.master.levels(), layers=layers,
                          breath=self.pacer.breath_time(now), away=away)

    # ----------------------------------------------------------------- manual rendering
    def render(self, seconds: float, on_block: Callable[[np.ndarray], None] | None = None,
               capture: bool = True) -> np.ndarray | None:
        """Advance a manual engine by `seconds` (whole buffers) and return the output
        (frames x 2, float32). With `on_block`, blocks are handed over as they come and
        nothing is kept; with `capture=False` nothing is recorded at all."""
        if self.backend != "manual":
            raise EngineError("render() needs the manual back-end")
        buffers = max(0, math.ceil(seconds * self.rate / self.buffer - 1e-9))
        if not capture:
            for _ in range(buffers):
                self._process_one()
            return None
        if self._capture is None:
            self._capture = _Capture(self.master.output, self.rate, self.buffer)
        chunks: list[np.ndarray] = []
        sink = on_block or chunks.append
        self._capture.run(buffers, self._process_one, sink)
        if on_block is not None:
            return None
        if not chunks:
            return np.zeros((0, 2), dtype=np.float32)
        return np.concatenate(chunks)

    def _process_one(self) -> None:
        self.server.process()
        self._frames += self.buffer
        if self._frames >= self._alive_due * self.rate:
            self._tend_alive()
        # cheap check each buffer; the lock is only taken when a stop may be due
        if self._slots and any(s.stop_at is not None or s.layer.problem is not None
                               or s.place.settle_at is not None
                               for s in self._slots.values()):
            self.housekeep()

    def _on_buffer(self) -> None:
        """pyo calls this at the start of every buffer, before computing any object and
        holding the interpreter: the one moment when the order of its objects can change
        without a buffer half computed (from another thread, a stream moved mid-buffer
        could be computed twice or not at all)."""
        try:
            while self._ahead:
                self.master.run_first(self._ahead.pop(0))
            pacer = self.pacer
            if pacer.active:
                pacer.tick(self.time())
            hook = self.buffer_hook
            if hook is not None:
                hook()
        except Exception:  # an exception left set here would surface inside pyo's C code
            pass

    # ----------------------------------------------------------------- threads
    def _run_null(self) -> None:
        """Process buffers in real time without a sound card."""
        period = self.buffer / self.rate
        deadline = _time.monotonic()
        while not self._stop_event.is_set():
            if self.resting:  # nothing to compute until `wake` (or `close`)
                self._awake.wait(1.0)
                deadline = _time.monotonic()
                continue
            with self._lock:
                if self._closed:
                    return
                self.server.process()
                self._frames += self.buffer
            self.housekeep()
            deadline += period
            delay = deadline - _time.monotonic()
            if delay > 0:
                _time.sleep(delay)
            elif delay < -0.5:  # fell far behind (suspend): do not race to catch up
                deadline = _time.monotonic()

    def _run_housekeeping(self) -> None:
        while not self._stop_event.wait(0.05):
            self.housekeep()

    # ----------------------------------------------------------------- shutdown
    def close(self) -> None:
        """Stop the server and free every layer. Fade out first (`fade_master`) for calm."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            # from now on the audio thread runs no Python code of ours, not even while the
            # interpreter shuts down: a C builtin (pyo ignores what it returns)
            self.server.setCallback(int)
        self._stop_event.set()
        self._awake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        with self._lock:
            for sound, slot in list(self._slots.items()):
                self.master.mixer.delInput(sound)
                slot.close()
            self._slots.clear()
            # pyo objects freed after their server shut down crash the process: free them
            # all first, then stop the server
            self.master.close()
            self._capture = None
            gc.collect()
        stop_server(self.server)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _buffer_callback(engine_ref: weakref.ref) -> Callable[[], None]:
    """The server's per-buffer callback; it holds the engine weakly, since the server
    outlives engines (one per process) and keeps its callback until the next one is set."""

    def on_buffer() -> None:
        engine = engine_ref()
        if engine is not None:
            engine._on_buffer()

    return on_buffer


class _Capture:
    """Records the master output of a manual server in whole-table chunks (TableRec restarts
    at each chunk boundary without losing a sample)."""

    CHUNK_BUFFERS = 64

    def __init__(self, source, rate: int, buffer: int):
        self.frames = self.CHUNK_BUFFERS * buffer
        self.table = pyo.NewTable(length=self.frames / rate, chnls=2)
        size = self.table.getSize()
        size = size[0] if isinstance(size, list) else size
        if size != self.frames:
            raise EngineError(f"capture table has {size} frames, expected {self.frames}")
        self.rec = pyo.TableRec(source, self.table)
        # no lasting numpy views of the table: a view that outlives its table crashes pyo

    def run(self, buffers: int, process_one, sink) -> None:
        done = 0
        while done < buffers:
            n = min(self.CHUNK_BUFFERS, buffers - done)
            self.rec.play()
            for _ in range(n):
                process_one()
            frames = n * (self.frames // self.CHUNK_BUFFERS)
            block = np.empty((frames, 2), dtype=np.float32)
            for ch in range(2):
                view = np.asarray(self.table.getBuffer(ch))
                block[:, ch] = view[:frames]
                del view
            sink(block)
            done += n
        self.rec.stop()


__all__ = ["Engine", "EngineError", "Levels", "AudioUnavailable"]
