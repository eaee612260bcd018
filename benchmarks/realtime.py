"""Issue 6, part 2: the real-time cost. The standard mix plays through a JACK server with the
dummy driver (48 kHz, 256-frame periods, the engine's default buffer) while a second thread of
the same process moves a slider 20 times a second, like a dragging user. Figures: the
process's CPU (% of one core), JACK's xruns, the largest gap between audio callbacks, and
JACK's peak DSP load.

The benchmark starts its own private dummy server (`jackd -n ambience-bench-PID -d dummy`)
so it neither depends on nor disturbs another JACK server on the machine. Xruns are counted
by a tiny JACK client in a child process (its xrun callback) and from jackd's own messages.
Callback gaps are timed inside pyo: the server calls a one-line Python function at the start
of every buffer, which appends the time. The same client in the child also times its own
process callbacks, a reference for gaps that are the server's or the machine's, not ours.

Before the measured minute the process runs the empty engine and then the mix without the
slider (a quarter of the time each), so the table shows where the CPU goes; in the full and
quick modes a shorter second run at 1024-frame buffers shows what a larger buffer saves.
A row renders the same mix on a manual server with and without sleeping one period
between buffers: the same work costs more when the thread wakes for every buffer; the next
does the same for an engine with no layer and for eight plain file layers, the floor that
no synthesis pays. The last rows play the mix on the desktop path instead (`--audio auto`,
PortAudio into a private PulseAudio null sink) at 512, 1024 (the default) and 2048 frames,
and GStreamer's `audiomixer` (Blanket's engine) playing the same layers from Ogg files into
the same sink through its own `pulsesink`: a live-against-live comparison.

    python -m benchmarks.realtime [--quick | --tiny] [--json]
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

SETTINGS = {"full": 60.0, "quick": 15.0, "tiny": 1.0}
#: the breakdown runs (empty engine; mix without the slider) last this share of the main run
BREAKDOWN = 0.25
RATE, PERIOD = 48000, 256
#: a second, shorter run at this period shows what a larger buffer would save
LARGER = 1024
SLIDER_HZ = 20.0


def _jack_env(name: str) -> dict:
    return {**os.environ, "JACK_NO_START_SERVER": "1", "JACK_DEFAULT_SERVER": name}


def start_jack(name: str, log: Path, period: int = PERIOD) -> tuple[subprocess.Popen | None, bool]:
    """A private dummy JACK server with real-time scheduling if the system grants it (as a
    real JACK setup has), else without; (None, False) when jackd is missing or fails."""
    if shutil.which("jackd") is None:
        return None, False
    for realtime in (True, False):
        proc = _start_jack(name, log, realtime, period)
        if proc is not None:
            return proc, realtime
    return None, False


def _start_jack(name: str, log: Path, realtime: bool, period: int) -> subprocess.Popen | None:
    flags = [] if realtime else ["--no-realtime"]
    proc = subprocess.Popen(
        # -t: a generous client time-out, so a busy machine does not evict a slow client
        ["jackd", "-n", name, *flags, "-t", "2000", "-d", "dummy", "-r", str(RATE),
         "-p", str(period)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env=_jack_env(name),
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        probe = subprocess.run(["jack_lsp"], capture_output=True, env=_jack_env(name))
        if probe.returncode == 0 and b"system:playback" in probe.stdout:
            return proc
        time.sleep(0.1)
    stop_process(proc)
    return None


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------ xrun counter
def xrun_counter() -> int:
    """Child process: a JACK client that counts xruns, samples JACK's DSP load and times its
    own process callbacks (a reference for the server's cycle, free of our engine), answering
    `xruns peak_load largest_gap_ms` to each line on stdin; the peak and gap restart."""
    import ctypes
    import ctypes.util

    lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
    lib.jack_client_open.restype = ctypes.c_void_p
    lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.jack_cpu_load.restype = ctypes.c_float
    lib.jack_cpu_load.argtypes = [ctypes.c_void_p]
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
    process_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint32, ctypes.c_void_p)
    lib.jack_set_xrun_callback.argtypes = [ctypes.c_void_p, callback_type, ctypes.c_void_p]
    lib.jack_set_process_callback.argtypes = [ctypes.c_void_p, process_type, ctypes.c_void_p]
    lib.jack_activate.argtypes = [ctypes.c_void_p]
    lib.jack_client_close.argtypes = [ctypes.c_void_p]
    status = ctypes.c_int(0)
    client = lib.jack_client_open(b"xrun-counter", 0x01, ctypes.byref(status))  # JackNoStartServer
    if not client:
        print("-1 -1", flush=True)
        return 1
    count = [0]

    def on_xrun(_arg):
        count[0] += 1
        return 0

    gap = [0.0, None]  # largest gap since the last read, time of the last callback
    clock = time.perf_counter

    def on_process(_frames, _arg):
        now = clock()
        if gap[1] is not None and now - gap[1] > gap[0]:
            gap[0] = now - gap[1]
        gap[1] = now
        return 0

    keep = callback_type(on_xrun)
    keep_process = process_type(on_process)
    lib.jack_set_xrun_callback(client, keep, None)
    lib.jack_set_process_callback(client, keep_process, None)
    lib.jack_activate(client)
    print("ready", flush=True)
    peak = [0.0]
    done = threading.Event()

    def sample_load():
        while not done.wait(0.25):
            peak[0] = max(peak[0], float(lib.jack_cpu_load(client)))

    sampler = threading.Thread(target=sample_load, daemon=True)
    sampler.start()
    for _line in sys.stdin:  # each line asks for the figures so far; the peak restarts
        print(f"{count[0]} {peak[0]:.2f} {1000 * gap[0]:.2f}", flush=True)
        peak[0] = 0.0
        gap[0] = 0.0
    done.set()
    sampler.join()
    lib.jack_client_close(client)
    return 0


class Counter:
    """The xrun-counter child, asked for its figures at the start and end of the window."""

    def __init__(self, env: dict):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.realtime", "--xrun-counter"],
            cwd=str(common.REPO), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env=env,
        )
        self.ready = self.proc.stdout.readline().strip() == "ready"

    def read(self) -> tuple[int, float, float] | None:
        """(xruns so far, peak DSP load and the reference client's largest callback gap in
        ms since the last read)."""
        if not self.ready:
            return None
        try:
            self.proc.stdin.write("?\n")
            self.proc.stdin.flush()
            xruns, load, gap = self.proc.stdout.readline().split()
            return int(xruns), float(load), float(gap)
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


# ------------------------------------------------------------------------------ the run
def play(seconds: float, mix, counter: Counter | None = None, period: int = PERIOD) -> dict:
    """Play `mix` through the running JACK server for `seconds` with a slider thread."""
    from ambience.engine import AudioUnavailable, Engine

    for attempt in range(3):  # joining a server on a busy machine can time out
        try:
            engine = Engine("jack", buffer=period)
            break
        except AudioUnavailable:
            if attempt == 2:
                raise
            time.sleep(1.0)
    stamps: list[float] = []
    stamp = stamps.append
    clock = time.perf_counter
    engine.buffer_hook = lambda: stamp(clock())  # runs in the audio thread: keep it tiny
    moves = [0]
    stop = threading.Event()
    layer = mix.layers[0]

    def drag():
        t0 = time.monotonic()
        period = 1.0 / SLIDER_HZ
        nxt = t0
        while not stop.is_set():
            t = time.monotonic() - t0
            level = min(1.0, max(0.05, layer.level + 0.2 * math.sin(2 * math.pi * t / 3.0)))
            engine.apply(mix.with_level(layer.sound, level))
            moves[0] += 1
            nxt += period
            stop.wait(max(0.0, nxt - time.monotonic()))

    def process_pct(span: float) -> float:
        c0, w0 = common.cpu(), time.monotonic()
        time.sleep(span)
        return common.pct(common.cpu() - c0, time.monotonic() - w0)

    # Python's garbage collector holds the interpreter while it runs, and pyo's callback
    # needs the interpreter for every buffer: a long collection delays the sound
    collections: list[tuple[int, float]] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            on_gc.t = clock()
        elif collecting.is_set():
            collections.append((info["generation"], 1000 * (clock() - on_gc.t)))

    collecting = threading.Event()
    gc.callbacks.append(on_gc)
    marks: dict[str, tuple[int, tuple | None]] = {}

    def mark(name: str) -> None:
        marks[name] = (len(stamps), counter.read() if counter else None)

    try:
        time.sleep(0.2)
        mark("idle")
        idle_pct = process_pct(seconds * BREAKDOWN)
        engine.apply(mix)
        time.sleep(0.5)  # layers built, fade-in started
        mark("still")
        still_pct = process_pct(seconds * BREAKDOWN)
        mark("dragged")
        slider = threading.Thread(target=drag, name="slider", daemon=True)
        wall0, cpu0, ticks0 = time.monotonic(), common.cpu(), common.cpu_times()
        collecting.set()
        slider.start()
        time.sleep(seconds)
        cpu1, wall1, ticks1 = common.cpu(), time.monotonic(), common.cpu_times()
        mark("end")
        collecting.clear()
        stop.set()
        slider.join()
        playing = engine.playing()
        threads = realtime_threads()
    finally:
        gc.callbacks.remove(on_gc)
        engine.close()
    period = engine.buffer / engine.rate
    phases = {}
    names = ["idle", "still", "dragged", "end"]
    for a, b in zip(names, names[1:]):
        (i, ca), (j, cb) = marks[a], marks[b]
        gaps = [y - x for x, y in zip(stamps[i:j], stamps[i + 1:j])]
        phases[a] = {
            "max_gap_ms": 1000 * max(gaps) if gaps else None,
            "late": sum(1 for g in gaps if g > 2 * period),
            "xruns": cb[0] - ca[0] if ca and cb else None,
            "server_gap_ms": cb[2] if cb else None,
        }
    main = phases["dragged"]
    i, j = marks["dragged"][0], marks["end"][0]
    return {
        "cpu_s": cpu1 - cpu0, "wall_s": wall1 - wall0,
        "pct": common.pct(cpu1 - cpu0, wall1 - wall0),
        "idle_pct": idle_pct, "still_pct": still_pct, "phases": phases,
        "machine": common.machine_busy(ticks0, ticks1),
        "callbacks": j - i, "expected_callbacks": (wall1 - wall0) / period,
        "max_gap_ms": main["max_gap_ms"], "late_callbacks": main["late"],
        "period_ms": 1000 * period, "buffer": engine.buffer, "rate": engine.rate,
        "slider_moves": moves[0], "playing": playing, "threads": threads,
        "xruns": main["xruns"],
        "gc": {"count": len(collections),
               "full": sum(1 for g, _ in collections if g == 2),
               "longest_ms": max((ms for _, ms in collections), default=0.0)},
        "dsp_load_peak": marks["end"][1][1] if marks["end"][1] else None,
    }


def realtime_threads() -> list[str]:
    """This process's threads that run with a real-time policy ("name FIFO/99")."""
    policies = {1: "FIFO", 2: "RR"}
    found = []
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        policy, prio = int(fields[38]), int(fields[37])
        if policy in policies:
            found.append(f"{name} {policies[policy]}/{prio}")
    return found


def run_at(period: int, seconds: float, mix) -> dict:
    """Start a private dummy JACK server at `period` frames and play `mix` through it."""
    out: dict = {}
    name = f"ambience-bench-{os.getpid()}-{period}"
    os.environ["JACK_NO_START_SERVER"] = "1"
    os.environ["JACK_DEFAULT_SERVER"] = name
    with tempfile.TemporaryDirectory(prefix="ambience-jack-") as tmp:
        log = Path(tmp) / "jackd.log"
        jackd, out["jack_realtime"] = start_jack(name, log, period)
        if jackd is None:
            out["error"] = ("jackd is missing or did not start (apt-get install jackd2); "
                            + (log.read_text()[-300:] if log.exists() else ""))
            return out
        counter = None
        try:
            counter = Counter(_jack_env(name))
            out.update(play(seconds, mix, counter, period))
        except Exception as exc:  # noqa: BLE001 - the table says what went wrong
            out["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            if counter is not None:
                counter.close()
            stop_process(jackd)
        text = log.read_text(errors="replace") if log.exists() else ""
        out["jackd_xrun_lines"] = sum(1 for line in text.splitlines() if "xrun" in line.lower())
    return out


def paced(mix, seconds: float, period: int = PERIOD) -> dict:
    """The same mix on a manual server in this process, its buffers computed back to back
    (as a render does) and then one per period with the thread asleep in between (as an
    audio callback is called): CPU % of one core for each. The difference is the price of
    waking up for every buffer (most likely cold caches), not of JACK."""
    from ambience.engine import Engine

    engine = Engine("manual", buffer=period, fade_in=0, seed=1)
    try:
        engine.apply(mix, ramp=0)
        engine.render(1.0, capture=False)
        buffers = max(1, int(seconds * engine.rate / period))
        c0 = common.cpu()
        for _ in range(buffers):
            engine.server.process()
        back_to_back = common.cpu() - c0
        step = period / engine.rate
        c0, deadline = common.cpu(), time.monotonic()
        for _ in range(buffers):
            engine.server.process()
            deadline += step
            time.sleep(max(0.0, deadline - time.monotonic()))
        sleeping = common.cpu() - c0
    finally:
        engine.close()
    audio = buffers * step
    return {"back_to_back_pct": common.pct(back_to_back, audio),
            "paced_pct": common.pct(sleeping, audio), "seconds": audio}


def paced_floor(seconds: float) -> dict:
    """`paced` for an engine with no layer and for eight plain file layers (20 s noise files,
    the cheapest way to play eight sounds): the wake-up price that no synthesis pays."""
    from ambience.core.mix import Layer, Mix

    out = {"empty": paced(Mix(layers=()), seconds)}
    with tempfile.TemporaryDirectory(prefix="ambience-paced-") as tmp:
        paths = [common.write_noise_file(Path(tmp) / f"file{i}.wav", 20.0, seed=i)
                 for i in range(8)]
        out["files"] = paced(Mix(layers=tuple(Layer(str(p), 0.5) for p in paths)), seconds)
    return out


def measure(mode: str = "full") -> dict:
    seconds = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "seconds": seconds, "label": common.mix_label(mix, missing),
                 "missing": missing, "load_start": common.load_average()}
    if not mix.layers:
        out["error"] = "no layer of the standard mix exists yet"
        return out
    out["paced"] = paced(mix, seconds / 2)
    if mode != "tiny":
        out["paced_floor"] = paced_floor(seconds / 4)
    out.update(run_at(PERIOD, seconds, mix))
    if mode != "tiny" and "error" not in out:
        out["larger"] = run_at(LARGER, seconds / 2, mix)
        out["pulse"] = through_pulse(seconds / 2)
    out["load_end"] = common.load_average()
    return out


# ------------------------------------------------------------------------------ PulseAudio
#: buffer sizes compared on the desktop path (`--audio auto`'s default is 1024 frames)
PULSE_BUFFERS = (512, 1024, 2048)


def through_pulse(seconds: float) -> dict:
    """The default desktop path: `--audio auto` (PortAudio -> ALSA -> PulseAudio) into a
    private PulseAudio null sink, the standard mix at each of PULSE_BUFFERS, each in a fresh
    process (one server per process): process CPU %."""
    pulseaudio = shutil.which("pulseaudio")
    if pulseaudio is None:
        return {"error": "pulseaudio is missing (apt-get install pulseaudio libasound2-plugins)"}
    with tempfile.TemporaryDirectory(prefix="ambience-pulse-") as tmp:
        runtime = Path(tmp) / "runtime"
        runtime.mkdir(mode=0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": tmp,
               "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
        env.pop("PULSE_SERVER", None)
        started = subprocess.run(
            [pulseaudio, "--daemonize=yes", "--exit-idle-time=-1", "-n", "--disallow-exit",
             "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=bench"],
            env=env, capture_output=True, timeout=30)
        if started.returncode != 0:
            return {"error": "pulseaudio did not start: " + started.stderr.decode()[-200:]}
        out: dict = {"seconds": seconds, "pct": {}}  # keyed by str(frames), as JSON keeps them
        try:
            for frames in PULSE_BUFFERS:
                child = subprocess.run(
                    [sys.executable, "-m", "benchmarks.realtime", "--pulse-child", str(frames),
                     str(seconds)], cwd=str(common.REPO), env=env, capture_output=True,
                    text=True, timeout=seconds + 60)
                lines = child.stdout.strip().splitlines()
                if child.returncode != 0 or not lines:
                    out["pct"][str(frames)] = None
                    out.setdefault("errors", []).append(child.stderr.strip()[-200:])
                else:
                    out["pct"][str(frames)] = float(lines[-1])
            try:
                out["gstreamer"] = gstreamer_live(env, seconds)
            except Exception as exc:  # noqa: BLE001 - the row says what went wrong
                out["gstreamer"] = {"error": f"{type(exc).__name__}: {exc}"}
            try:
                out["player"] = player_live(env, seconds)
            except Exception as exc:  # noqa: BLE001 - the row says what went wrong
                out["player"] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            subprocess.run([pulseaudio, "--kill"], env=env, capture_output=True, timeout=15)
    return out


def gstreamer_live(env: dict, seconds: float) -> dict:
    """GStreamer's `audiomixer` (Blanket's engine) playing the same eight layers from Ogg
    files in real time into the same null sink through `pulsesink`, GStreamer's own desktop
    path: its process CPU %, for a live-against-live comparison (part 1 compares renders)."""
    from benchmarks import compare

    problem = compare.tool_status("gstreamer audiomixer", install=False)
    if problem is None and subprocess.run(["gst-inspect-1.0", "pulsesink"],
                                          capture_output=True).returncode != 0:
        problem = ("GStreamer's pulsesink is missing "
                   "(Debian: apt-get install gstreamer1.0-plugins-good)")
    if problem:
        return {"error": problem}
    mix, _ = common.standard_mix()
    with tempfile.TemporaryDirectory(prefix="ambience-gst-live-") as tmp:
        files, _, gains = compare.render_layer_files(mix, Path(tmp), seconds + 5.0)
        # settle as ours: started, files open, playing
        pct, problem = process_cpu(compare.gst_command(files, gains, ("pulsesink",)), env,
                                   3.0, seconds)
    return {"error": "gst-launch-1.0 " + problem} if pct is None else {"pct": pct}


def process_cpu(command: list[str], env: dict, settle: float, seconds: float,
                cpu=common.proc_cpu) -> tuple[float | None, str]:
    """Start `command`, wait `settle` seconds, then measure `cpu(pid)` over `seconds`: its
    CPU % of one core, or None and why (it stopped early)."""
    proc = subprocess.Popen(command, env=env, cwd=str(common.REPO), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(settle)
        c0, w0 = cpu(proc.pid), time.monotonic()
        time.sleep(seconds)
        c1, w1 = cpu(proc.pid), time.monotonic()
        alive = proc.poll() is None
    finally:
        stop_process(proc)
        err = proc.stderr.read()
        proc.stderr.close()
    if not alive or c0 is None or c1 is None:
        return None, "stopped early: " + (err or "").strip()[-200:]
    return common.pct(c1 - c0, w1 - w0), ""


def player_live(env: dict, seconds: float) -> dict:
    """`ambience play` itself (its own buffer size, status line and session) playing the
    standard mix into the same sink: the CPU of its process and of its engine's child process
    while playing, and for `seconds` after its sleep timer ended with "stop" (layers stopped,
    the engine at rest)."""
    command = [sys.executable, "-m", "ambience", "play", str(common.STANDARD_MIX),
               "--audio", "auto"]

    def run(extra: list[str], settle: float) -> tuple[float | None, str]:
        pct, problem = process_cpu(command + extra, env, settle, seconds, common.tree_cpu)
        return pct, "ambience play " + problem

    playing, problem = run([], 3.0)
    if playing is None:
        return {"error": problem}
    ended, problem = run(["--timer", "6s", "--fade", "3s", "--then", "stop"], 8.0)
    if ended is None:
        return {"error": problem}
    return {"pct": playing, "ended_pct": ended}


def pulse_child(frames: int, seconds: float) -> int:
    """Child: play the standard mix through `--audio auto` at `frames`; print process CPU %."""
    from ambience.engine import Engine

    mix, _ = common.standard_mix()
    engine = Engine("auto", buffer=frames)
    try:
        engine.apply(mix)
        time.sleep(3.0)  # layers built, fade-in under way
        c0, w0 = common.cpu(), time.monotonic()
        time.sleep(seconds)
        print(f"{common.pct(common.cpu() - c0, time.monotonic() - w0):.3f}", flush=True)
        engine.fade_master(0.0, 0.3)
        time.sleep(0.4)
    finally:
        engine.close()
    return 0


def _ms(value) -> str:
    return "?" if value is None else f"{value:.1f} ms"


def rows(r: dict) -> list[Row]:
    part = "2. real time (JACK dummy)"
    if "error" in r:
        return [Row(part, "standard mix through JACK", f"not run: {r['error']}")]
    label = f"standard mix ({r['label']}), {r['seconds']:g} s, slider moved 20/s"
    complete = not r["missing"]
    xruns = r.get("xruns")
    load = r.get("dsp_load_peak")
    phases = r["phases"]
    table = [
        Row(part, f"{label}: process CPU", common.fmt_pct(r["pct"]), "< 3 %",
            r["pct"] < 3.0 if complete else None),
        Row(part, f"xruns at {r['buffer']} frames / {r['rate']} Hz during the run (jackd "
            f"{'with' if r.get('jack_realtime') else 'without'} real-time scheduling)",
            f"{'?' if xruns is None else xruns} (jackd logged {r['jackd_xrun_lines']} "
            "xrun lines in all, start-up included)", "0",
            xruns == 0 if xruns is not None else None),
        Row(part, f"largest gap between audio callbacks (period {r['period_ms']:.2f} ms)",
            f"{r['max_gap_ms']:.1f} ms; {r['late_callbacks']} gaps > 2 periods; "
            f"{r['callbacks']} callbacks of {r['expected_callbacks']:.0f} expected"
            if r["max_gap_ms"] is not None else "no callbacks recorded"),
        Row(part, "Python garbage collections while the slider moved (each holds the "
            "interpreter, which pyo needs for every buffer): count, of them full, longest",
            f"{r['gc']['count']}, {r['gc']['full']}, {r['gc']['longest_ms']:.1f} ms"
            if "gc" in r else "not measured"),
        Row(part, "JACK DSP load, peak of 4 samples a second",
            "?" if load is None else f"{load:.1f} %"),
        Row(part, "slider moves applied",
            f"{r['slider_moves']} ({r['slider_moves'] / r['wall_s']:.1f}/s)"),
        Row(part, "the same process before: empty engine / mix with the slider still",
            f"{common.fmt_pct(r['idle_pct'])} / {common.fmt_pct(r['still_pct'])}"),
        Row(part, "largest callback gap and xruns then: empty engine / mix still",
            " / ".join(f"{_ms(phases[k]['max_gap_ms'])}, {phases[k]['xruns']} xruns"
                       for k in ("idle", "still"))),
        Row(part, "largest gap seen by a second, trivial JACK client (the server's own cycle): "
            "empty / still / dragged",
            " / ".join(_ms(phases[k].get("server_gap_ms")) for k in ("idle", "still", "dragged"))),
        Row(part, "the whole machine meanwhile (all processes, both cores): busy / idle / "
            "stolen by the hypervisor",
            " / ".join(f"{r.get('machine', {}).get(k, float('nan')):.0f} %"
                       for k in ("busy_pct", "idle_pct", "steal_pct"))),
        Row(part, "real-time threads in the process",
            ", ".join(r["threads"]) or "none (the audio callback runs without real-time priority)"),
    ]
    p = r.get("paced")
    if p:
        table.append(Row(
            part, f"why live costs more than a render: the mix on a manual server, {PERIOD}-frame "
            f"buffers back to back / one per period with the thread asleep between "
            f"({p['seconds']:.0f} s each, no JACK)",
            f"{common.fmt_pct(p['back_to_back_pct'])} / {common.fmt_pct(p['paced_pct'])} "
            f"(x{p['paced_pct'] / p['back_to_back_pct']:.1f})"))
    floor = r.get("paced_floor")
    if floor:
        e, f = floor["empty"], floor["files"]
        table.append(Row(
            part, "the same without synthesis: an engine with no layer / eight plain file "
            f"layers, back to back / asleep between ({e['seconds']:.0f} s each)",
            f"{common.fmt_pct(e['back_to_back_pct'])} / {common.fmt_pct(e['paced_pct'])}; "
            f"{common.fmt_pct(f['back_to_back_pct'])} / {common.fmt_pct(f['paced_pct'])}"))
    pulse = r.get("pulse")
    if pulse and "error" not in pulse:
        table.append(Row(
            part, f"the desktop path instead (`--audio auto` into a PulseAudio null sink, "
            f"{pulse['seconds']:g} s each): process CPU at "
            + " / ".join(str(f) for f in pulse["pct"]) + " frames (default 1024)",
            " / ".join(common.fmt_pct(v) if v is not None else "failed"
                       for v in pulse["pct"].values())))
        gst = pulse.get("gstreamer") or {}
        ours = pulse["pct"].get("1024")
        table.append(Row(
            part, "GStreamer `audiomixer` playing the same layers from Ogg files into the same "
            "sink (`pulsesink`): its process CPU; ours at 1024 frames / theirs",
            f"not run: {gst['error']}" if "error" in gst or not gst else
            f"{common.fmt_pct(gst['pct'])}; ours/theirs = "
            + (f"{ours / gst['pct']:.2f}" if ours and gst["pct"] > 0 else "n/a")))
        player = pulse.get("player") or {}
        theirs = gst.get("pct") if "error" not in gst else None
        table.append(Row(
            part, "`ambience play` (the headless player, its big buffers) into the same sink: "
            "process CPU playing / after its timer ended with stop; ours/GStreamer",
            f"not run: {player['error']}" if "error" in player or not player else
            f"{common.fmt_pct(player['pct'])} / {common.fmt_pct(player['ended_pct'])}; "
            "ours/theirs = " + (f"{player['pct'] / theirs:.2f}" if theirs else "n/a")))
    elif pulse:
        table.append(Row(part, "the desktop path (PulseAudio)", f"not run: {pulse['error']}"))
    big = r.get("larger")
    if big and "error" not in big:
        table.append(Row(
            part, f"for comparison, {big['buffer']}-frame buffers ({big['wall_s']:.0f} s): "
            "process CPU (empty / still / dragged), xruns, largest gap",
            f"{common.fmt_pct(big['idle_pct'])} / {common.fmt_pct(big['still_pct'])} / "
            f"{common.fmt_pct(big['pct'])}; {big.get('xruns', '?')} xruns; "
            f"{big['max_gap_ms']:.1f} ms (period {big['period_ms']:.1f} ms)"))
    elif big:
        table.append(Row(part, f"for comparison, {LARGER}-frame buffers", f"not run: {big['error']}"))
    return table


if __name__ == "__main__":
    if sys.argv[1:2] == ["--xrun-counter"]:
        raise SystemExit(xrun_counter())
    if sys.argv[1:2] == ["--pulse-child"]:
        raise SystemExit(pulse_child(int(sys.argv[2]), float(sys.argv[3])))
    raise SystemExit(common.main(__import__(__name__), __doc__))
