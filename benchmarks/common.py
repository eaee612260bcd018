"""What every benchmark shares: the standard mix, CPU and memory probes, the machine, the table.

Each benchmark module has `measure(mode) -> dict` (JSON-able figures) and `rows(result) ->
list[Row]`; run alone it prints its rows, with `--json` it prints the figures for the runner.
Modes: "full" (the committed table), "quick" (whole table under five minutes), "tiny" (the
smoke test: seconds). Nothing here imports pyo; modules that measure the engine import it in
`measure`, so the runner can format results without loading audio.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import sys
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANDARD_MIX = REPO / "benchmarks" / "standard-mix.toml"
MODES = ("full", "quick", "tiny")
JSON_MARK = "BENCHMARK-JSON "


# ------------------------------------------------------------------------------ the table
@dataclass
class Row:
    """One line of the table. `holds` is True/False against `budget`, None when no budget."""

    part: str
    measure: str
    value: str
    budget: str = ""
    holds: bool | None = None


def verdict(holds: bool | None) -> str:
    return {True: "yes", False: "**NO**", None: ""}[holds]


def markdown(rows: list[Row]) -> str:
    head = "| part | measure | result | budget | holds |\n|---|---|---|---|---|\n"
    body = "".join(
        f"| {r.part} | {r.measure} | {r.value} | {r.budget} | {verdict(r.holds)} |\n" for r in rows
    )
    return head + body


# ------------------------------------------------------------------------------ the mix
def standard_levels(path: Path = STANDARD_MIX) -> tuple[float, list[tuple[str, float]]]:
    """(master, [(sound, level), ...]) exactly as `standard-mix.toml` writes them."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return float(doc.get("master", 1.0)), [(x["sound"], float(x["level"])) for x in doc["layers"]]


def playable_sounds() -> set[str]:
    """Sound ids this checkout can play now: in the catalog and, if synthesized, with code.
    (Imports the engine's sound package, hence pyo.)"""
    from ambience.library.catalog import load_catalog
    from ambience.engine.sounds import SYNTHS

    return {info.id for info in load_catalog() if info.kind == "file" or info.id in SYNTHS}


def standard_mix(path: Path = STANDARD_MIX):
    """(Mix of the standard layers that exist, [missing sound ids])."""
    from ambience.core.mix import Layer, Mix

    master, layers = standard_levels(path)
    have = playable_sounds()
    present = tuple(Layer(s, v) for s, v in layers if s in have)
    missing = [s for s, _ in layers if s not in have]
    return Mix(master, present), missing


def mix_label(mix, missing: list[str]) -> str:
    n = len(mix.layers)
    total = n + len(missing)
    if not missing:
        return f"all {total} layers"
    return f"{n} of {total} layers; missing: {', '.join(missing)}"


# ------------------------------------------------------------------------------ probes
def cpu() -> float:
    """CPU seconds of this process (all threads), user + system."""
    return time.process_time()


def children_cpu() -> float:
    """CPU seconds of all waited-for child processes so far (user + system)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_cpu(pid: int) -> float | None:
    """CPU seconds (user + system, all threads) of another process so far; None once gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def tree_cpu(pid: int) -> float | None:
    """CPU seconds of a process and its living children (the player's engine runs in a
    child process on a sound card's output); None once the process is gone."""
    own = proc_cpu(pid)
    if own is None:
        return None
    total = own
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += tree_cpu(int(entry)) or 0.0
    return total


def proc_status(field: str, pid: int | str = "self") -> int | None:
    """A `/proc/PID/status` field in KiB (VmRSS, VmHWM...), None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def rss_mib(pid: int | str = "self") -> float:
    kib = proc_status("VmRSS", pid)
    return (kib or 0) / 1024


def cpu_times() -> list[int]:
    """The machine's CPU ticks from /proc/stat: user nice system idle iowait irq softirq steal."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            return [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return []


def machine_busy(before: list[int], after: list[int]) -> dict:
    """Share of the machine's CPU time that was busy, idle and stolen by the hypervisor."""
    if not before or not after:
        return {}
    d = [b - a for a, b in zip(before, after)]
    total = sum(d) or 1
    return {"busy_pct": 100.0 * (total - d[3] - d[4] - d[7]) / total,
            "idle_pct": 100.0 * (d[3] + d[4]) / total, "steal_pct": 100.0 * d[7] / total}


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> dict:
    """What the numbers were measured on."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib import metadata

    versions = {}
    for dist in ("pyo", "numpy", "soundfile"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        **versions,
    }


def best_cpu(work, repeats: int) -> float:
    """The smallest CPU time of `repeats` runs of `work()`: on a shared machine the minimum
    is the run least disturbed by the neighbours, and the best estimate of the real cost."""
    best = math.inf
    for _ in range(max(1, repeats)):
        t0 = cpu()
        work()
        best = min(best, cpu() - t0)
    return best


def pct(cpu_seconds: float, audio_seconds: float) -> float:
    """CPU use as % of one core in real time."""
    return 100.0 * cpu_seconds / audio_seconds if audio_seconds > 0 else math.nan


def fmt_pct(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f} %"


def db(value: float) -> str:
    return "-inf dBFS (digital silence)" if value <= 0 else f"{20 * math.log10(value):.1f} dBFS"


# ------------------------------------------------------------------------------ running
def parse_args(description: str, argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="shorter runs (the quick table)")
    group.add_argument("--tiny", action="store_true", help="seconds-long runs (smoke test)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON for the runner")
    p.add_argument("--install-tools", action="store_true",
                   help="apt-get install missing command-line tools (root only)")
    args = p.parse_args(argv)
    args.mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    return args


def main(module, description: str, argv=None) -> int:
    """Run `module.measure(mode)` and print its rows (or its JSON for the runner)."""
    args = parse_args(description, argv)
    os.environ.setdefault("PYO_GUI_WX", "0")
    kwargs = {"install_tools": args.install_tools} if "install_tools" in \
        module.measure.__code__.co_varnames else {}
    result = module.measure(args.mode, **kwargs)
    if args.json:
        print(JSON_MARK + json.dumps(result), flush=True)
    else:
        print(markdown(module.rows(result)), end="", flush=True)
    return 0


def row_dicts(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]


def ensure_repo_on_path() -> None:
    """Let `python benchmarks/x.py` import the `benchmarks` package like `-m` does."""
    root = str(REPO)
    if root not in sys.path:
        sys.path.insert(0, root)


# ------------------------------------------------------------------------------ engine probes
def render_cost(mix, seconds: float, repeats: int, warm: float = 1.0) -> dict:
    """CPU seconds (least disturbed of `repeats`) for a manual engine to render `seconds`
    of `mix` with nothing recorded, at the buffer size renders use, and the process's RSS
    with the mix built."""
    from ambience.engine import Engine
    from ambience.render.segment import RENDER_BUFFER

    rss_before = rss_mib()
    engine = Engine("manual", buffer=RENDER_BUFFER, fade_in=0, seed=1)
    try:
        engine.apply(mix, ramp=0)
        engine.render(warm, capture=False)
        rss_built = rss_mib()
        best = best_cpu(lambda: engine.render(seconds, capture=False), repeats)
        return {"cpu_s": best, "audio_s": seconds, "pct": pct(best, seconds),
                "rss_mib": rss_built, "rss_delta_mib": rss_built - rss_before,
                "playing": len(engine.playing()), "census": census(engine),
                "streams": int(engine.server.getNumberOfStreams())}
    finally:
        engine.close()


#: pyo classes that draw random numbers: in pyo 1.1.0 every draw looks the module state up in
#: a Python dict by name (pyorand -> PyoState_Get -> PyDict_GetItemString), which is most of
#: their cost; `Mix` calls a Python method per input per buffer
RANDOM_CLASSES = {"Noise", "PinkNoise", "BrownNoise", "Randi", "Randh", "RandInt", "RandDur",
                  "TrigRand", "TrigRandInt", "TrigXnoise", "TrigXnoiseMidi", "Xnoise",
                  "XnoiseMidi", "XnoiseDur", "Cloud", "TrigChoice", "Choice", "Urn", "LogiMap"}


def census(engine) -> dict[str, int]:
    """pyo objects per class that the engine's layers own (for profiling; reads the engine's
    private slots, so an engine change may leave it empty rather than failing)."""
    counts: dict[str, int] = {}
    try:
        slots = list(engine._slots.values())
    except AttributeError:
        return counts
    for slot in slots:
        for obj in getattr(slot.layer, "_objects", []):
            name = type(obj).__name__
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def census_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    rand = sum(n for c, n in counts.items() if c in RANDOM_CLASSES)
    mixes = counts.get("Mix", 0)
    return f"{total} objects, {rand} random, {mixes} Mix"


def write_noise_file(path: Path, seconds: float, seed: int, rate: int = 48000) -> Path:
    """A stereo file of soft, smoothed noise (a stand-in for a user's recording): its end
    does not match its start, like a real one."""
    import numpy as np
    import soundfile

    rng = np.random.default_rng(seed)
    frames = int(seconds * rate)
    noise = rng.standard_normal((frames, 2)).astype(np.float32)
    # a one-pole low-pass done with a cumulative trick is slow in Python; a short moving
    # average is enough to make it sound like a dull roar and to compress well in FLAC
    kernel = np.ones(8, dtype=np.float32) / 8
    for ch in range(2):
        noise[:, ch] = np.convolve(noise[:, ch], kernel, mode="same")
    noise *= 0.05
    soundfile.write(str(path), noise, rate, subtype="PCM_16")
    return path


def span(seconds: float) -> str:
    """`3600` -> "1 h", `600` -> "10 min", `10` -> "10 s"."""
    if seconds >= 3600 and seconds % 360 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 6 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
