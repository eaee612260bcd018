"""Creating and booting a pyo server for each output back-end, without crashes or noise.

- `auto`: PortAudio through the system's ALSA (so PulseAudio and PipeWire are visible),
  preferring the `pipewire`, `pulse` and `default` devices, output only. pyo segfaults when
  PortAudio boots with no output device, so we ask for the device list first.
- `jack`: a running JACK server; with none, pyo stays unbooted (no crash) and we say so.
- `null`: a manual server paced in real time by a thread: everything runs, nothing is heard.
- `manual`: a manual server driven by the caller (offline rendering, tests, benchmarks).
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import threading
from dataclasses import dataclass

from ambience.core.playback import AudioUnavailable
from ambience.engine.quiet import fds_to_devnull, import_pyo

pyo = import_pyo()

BACKENDS = ("auto", "jack", "null", "manual")
PREFERRED = ("pipewire", "pulse", "default")
DEFAULT_RATE = 48000
#: frames per buffer. Through PortAudio (the desktop's sound server) every buffer wakes the
#: audio thread, and each wake-up costs more than the buffer's own work: the standard mix
#: played through a PulseAudio null sink took 6.1-7.9 % of a core at 512 frames, 4.4-5.7 %
#: at 1024 and 3.7-4.9 % at 2048 (`python -m benchmarks.realtime`). At 1024 frames (21 ms)
#: a slider move waits at most one buffer more before its 50 ms ramp starts.
#: JACK's period is the JACK server's to choose.
DEFAULT_BUFFER = {"auto": 1024, "jack": 256, "null": 256, "manual": 256}


@dataclass(frozen=True)
class OutputDevice:
    index: int
    name: str
    is_default: bool = False


def output_devices() -> list[OutputDevice]:
    """PortAudio's output devices (probing ALSA is noisy, so fds are muted meanwhile)."""
    with fds_to_devnull():
        names, indexes = pyo.pa_get_output_devices()
        default = pyo.pa_get_default_output() if indexes else -1
    return [OutputDevice(i, n, i == default) for n, i in zip(names, indexes)]


def pick_device(devices: list[OutputDevice], wanted: str | int | None) -> OutputDevice:
    if not devices:
        raise AudioUnavailable(
            "No audio output device was found. Play through a JACK server with "
            "`--audio jack`, or run without sound with `--audio null`."
        )
    if wanted is not None and str(wanted).strip() != "":
        text = str(wanted).strip()
        if text.isdigit():
            for dev in devices:
                if dev.index == int(text):
                    return dev
        for dev in devices:
            if dev.name.lower() == text.lower():
                return dev
        for dev in devices:
            if text.lower() in dev.name.lower():
                return dev
        listing = ", ".join(f"{d.index}: {d.name}" for d in devices)
        raise AudioUnavailable(
            f"No output device matches {text!r}. Devices: {listing}. "
            "`ambience devices` lists them."
        )
    for name in PREFERRED:
        for dev in devices:
            if dev.name.lower() == name:
                return dev
    for dev in devices:
        if dev.is_default:
            return dev
    return devices[0]


@dataclass
class Booted:
    server: object
    backend: str
    device: str
    rate: int
    buffer: int


#: one server at a time for the whole process, kept and restarted by each engine: new pyo
#: objects attach to the newest server, so two live servers would steal each other's objects
_SERVERS: dict[tuple, Booted] = {}


def _shutdown_all() -> None:
    """Stop and shut down the servers, in a thread with a time limit: a stuck sound server
    must never keep the program from exiting."""

    def work(booted: Booted) -> None:
        try:
            if booted.server.getIsStarted():
                booted.server.stop()
            booted.server.shutdown()
        except Exception:
            pass

    with stop_watchdog():
        for booted in list(_SERVERS.values()):
            t = threading.Thread(target=work, args=(booted,), name="ambience-shutdown",
                                 daemon=True)
            t.start()
            t.join(timeout=2.0)
    _SERVERS.clear()


atexit.register(_shutdown_all)


@contextlib.contextmanager
def signals_blocked():
    """Block SIGINT/SIGTERM in the calling thread meanwhile, so that the audio threads it
    starts (PortAudio's callback thread inherits the mask) never receive them: a Ctrl-C that
    lands in ALSA's pulse plugin leaves `Pa_StopStream` waiting forever."""
    wanted = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    except (AttributeError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def stop_server(server) -> None:
    """Stop (not shut down: the server is reused by the next engine of this process).
    stop() once deadlocked inside ALSA's pulse plugin: do it in a thread with a timeout, and
    behind a watchdog that ends the process if even that cannot return."""

    def work():
        try:
            server.stop()
        except Exception:
            pass

    with stop_watchdog():
        t = threading.Thread(target=work, name="ambience-stop", daemon=True)
        t.start()
        t.join(timeout=3.0)


@contextlib.contextmanager
def stop_watchdog(seconds: float = 10.0):
    """If a sound server's stop hangs in C while holding the interpreter, no Python code can
    run again: faulthandler's own C thread then ends the process (status 1) after `seconds`,
    silently, instead of leaving it hanging forever."""
    import faulthandler
    import os

    with open(os.devnull, "w") as sink:
        faulthandler.dump_traceback_later(seconds, exit=True, file=sink)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()


def open_server(
    audio: str = "auto",
    device: str | int | None = None,
    rate: int = DEFAULT_RATE,
    buffer: int | None = None,
) -> Booted:
    """A booted server for `audio`, reusing this process's server of that kind if any."""
    if audio not in BACKENDS:
        raise AudioUnavailable(f"unknown audio back-end {audio!r}; use one of {', '.join(BACKENDS)}")
    buffer = buffer or DEFAULT_BUFFER[audio]
    kind = "manual" if audio in ("null", "manual") else audio
    key = (kind, rate, buffer, None if kind == "manual" else device)
    cached = _SERVERS.get(key)
    if cached is not None and cached.server.getIsBooted():
        label = {"null": "no sound (null output)", "manual": "manual"}.get(audio, cached.device)
        return Booted(cached.server, audio, label, cached.rate, cached.buffer)
    _shutdown_all()
    booted = _boot_new(audio, device, rate, buffer)
    _SERVERS[key] = booted
    return booted


def _boot_new(audio: str, device: str | int | None, rate: int, buffer: int) -> Booted:
    if audio in ("null", "manual"):
        server = pyo.Server(
            sr=rate, nchnls=2, buffersize=buffer, duplex=0, audio="manual", verbosity=0
        )
        server.deactivateMidi()
        server.boot()
        label = "no sound (null output)" if audio == "null" else "manual"
        return Booted(server, audio, label, rate, buffer)
    if audio == "jack":
        server = pyo.Server(
            sr=rate, nchnls=2, buffersize=buffer, duplex=0, audio="jack",
            jackname="ambience", verbosity=0,
        )
        server.deactivateMidi()
        with fds_to_devnull():
            server.boot()
        if not server.getIsBooted():
            raise AudioUnavailable(
                "No JACK server is running. Start one (for example `jackd -d alsa`, or "
                "PipeWire's JACK), use `--audio auto` for the desktop's sound, or `--audio null`."
            )
        actual = int(server.getSamplingRate())
        return Booted(server, audio, "JACK", actual, int(server.getBufferSize()))
    chosen = pick_device(output_devices(), device)
    server = pyo.Server(sr=rate, nchnls=2, buffersize=buffer, duplex=0, audio="portaudio",
                        verbosity=0)
    server.deactivateMidi()
    server.setOutputDevice(chosen.index)
    with fds_to_devnull():
        server.boot()
    if not server.getIsBooted():
        raise AudioUnavailable(
            f"The output device {chosen.name!r} could not be opened. Pick another with "
            "`--device` (`ambience devices` lists them), or use `--audio jack` or `--audio null`."
        )
    return Booted(server, audio, chosen.name, rate, buffer)
