"""Where the CPU goes: a `perf` profile (with call graphs) of a manual engine rendering the
standard mix, or the sounds named with `--sound`. Figures are shares of the time spent inside
pyo's `Server_process_buffers` (all the DSP), so start-up and imports do not dilute them.

Two costs found this way are pyo's, not ours: every random draw (`pyorand`) looks pyo's module
state up by name in a Python dict (`PyoState_Get` -> `PyDict_GetItemString`: a string made,
hashed and freed per draw), and `Mix` calls a Python method per input per buffer.

    python -m benchmarks.profile [--quick | --tiny] [--json] [--sound ID ...]

Needs Linux `perf` (Debian: linux-perf); without it, says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds rendered, samples per second)
SETTINGS = {"full": (120.0, 499), "quick": (40.0, 499), "tiny": (1.0, 99)}
#: inclusive shares reported by name: (symbol, what it is)
FOCUS = (
    ("pyorand", "random draws (pyorand), all of it"),
    ("PyoState_Get", "of which the module-state dict lookup per draw"),
    ("PyObject_CallMethod", "Python method calls from inside DSP (pyo Mix inputs)"),
    ("Stream_callFunction", "all pyo objects' processing"),
)


def child(sounds: list[str], seconds: float) -> int:
    """The profiled process: render `sounds` (or the standard mix) for `seconds`."""
    from ambience.engine import Engine
    from ambience.core.mix import Layer, Mix
    from ambience.render.segment import RENDER_BUFFER

    mix = Mix(layers=tuple(Layer(s, 1.0) for s in sounds)) if sounds else common.standard_mix()[0]
    engine = Engine("manual", buffer=RENDER_BUFFER, fade_in=0, seed=1)
    engine.apply(mix, ramp=0)
    engine.render(seconds, capture=False)
    engine.close()
    return 0


def profile(sounds: list[str], seconds: float, rate: int) -> dict:
    if shutil.which("perf") is None:
        return {"error": "perf is not installed (Debian: apt-get install linux-perf; Ubuntu: linux-tools-generic)"}
    with tempfile.TemporaryDirectory(prefix="ambience-perf-") as tmp:
        data = Path(tmp) / "perf.data"
        cmd = ["perf", "record", "-q", "-F", str(rate), "--call-graph", "dwarf,8192", "-o", str(data),
               "--", sys.executable, "-m", "benchmarks.profile", "--child", str(seconds), *sounds]
        done = subprocess.run(cmd, cwd=str(common.REPO), capture_output=True, text=True)
        if done.returncode != 0:
            err = (done.stderr.strip().splitlines() or ["perf record failed"])[-1]
            return {"error": f"perf record: {err}"}
        script = subprocess.run(["perf", "script", "-i", str(data), "-F", "comm,tid,ip,sym"],
                                capture_output=True, text=True)
    return summarise(stacks(script.stdout))


def stacks(text: str) -> list[list[str]]:
    """`perf script` call chains, innermost symbol first."""
    out, current = [], []
    for line in text.splitlines():
        if not line.strip():
            if current:
                out.append(current)
            current = []
        elif line[0] in " \t":
            parts = line.split()
            if len(parts) >= 2:
                current.append(parts[1])
    if current:
        out.append(current)
    return out


def pyo_class(stack: list[str]) -> str | None:
    """The pyo object whose processing a sample falls in (innermost `X_compute_next_...`)."""
    for sym in stack:
        if sym.endswith("_compute_next_data_frame"):
            return sym[: -len("_compute_next_data_frame")]
    return None


def summarise(samples: list[list[str]]) -> dict:
    dsp = [st for st in samples if "Server_process_buffers" in st]
    if not dsp:
        return {"error": "perf saw no pyo processing (symbols missing?)"}
    n = len(dsp)
    shares = {sym: 100.0 * sum(1 for st in dsp if sym in st) / n for sym, _ in FOCUS}
    by_class: dict[str, int] = {}
    random_by_class: dict[str, int] = {}
    own: dict[str, int] = {}
    for st in dsp:
        cls = pyo_class(st) or "(server)"
        by_class[cls] = by_class.get(cls, 0) + 1
        if "pyorand" in st:
            random_by_class[cls] = random_by_class.get(cls, 0) + 1
        own[st[0]] = own.get(st[0], 0) + 1

    def top(counts: dict[str, int], k: int) -> list[tuple[float, str]]:
        return sorted(((100.0 * v / n, c) for c, v in counts.items()), reverse=True)[:k]

    return {"samples": n, "dsp_share_of_process": 100.0 * n / max(1, len(samples)),
            "shares": shares, "by_class": top(by_class, 10),
            "random_by_class": top(random_by_class, 6), "top_self": top(own, 8)}


def measure(mode: str = "full", sounds: list[str] | None = None) -> dict:
    seconds, rate = SETTINGS[mode]
    sounds = sounds or []
    out = {"mode": mode, "seconds": seconds, "sounds": sounds}
    if not sounds:
        mix, missing = common.standard_mix()
        out["label"] = f"standard mix ({common.mix_label(mix, missing)})"
        out["missing"] = missing
        if not mix.layers:
            out["error"] = "no layer of the standard mix exists yet"
            return out
    else:
        out["label"] = " + ".join(f"`{s}`" for s in sounds)
    out.update(profile(sounds, seconds, rate))
    return out


def rows(r: dict) -> list[Row]:
    part = "profile (perf)"
    if "error" in r:
        return [Row(part, r.get("label", "profile"), f"not run: {r['error']}")]
    table = []
    for sym, what in FOCUS:
        table.append(Row(part, f"{r['label']}: {what}", f"{r['shares'][sym]:.0f} % of DSP time"))
    top = ", ".join(f"{name} {share:.0f} %" for share, name in r["top_self"])
    table.append(Row(part, "busiest functions (own time, share of DSP time)", top))
    classes = ", ".join(f"{name} {share:.0f} %" for share, name in r["by_class"])
    table.append(Row(part, "DSP time by pyo class (inclusive)", classes))
    rand = ", ".join(f"{name} {share:.0f} %" for share, name in r["random_by_class"])
    table.append(Row(part, "random draws by pyo class", rand or "0 % (no sample fell in a draw)"))
    return table


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    sounds = []
    while "--sound" in argv:
        i = argv.index("--sound")
        sounds.append(argv[i + 1])
        del argv[i:i + 2]
    args = common.parse_args(__doc__, argv)
    result = measure(args.mode, sounds)
    if args.json:
        import json

        print(common.JSON_MARK + json.dumps(result), flush=True)
    else:
        print(common.markdown(rows(result)), end="", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        raise SystemExit(child(sys.argv[3:], float(sys.argv[2])))
    raise SystemExit(main())
