"""Issue 2: the engine's own cost. CPU (% of one core in real time, manual server) of the
empty engine (master chain only), of 1, 8 and 32 file layers and of each noise layer, and the
memory they take.

    python -m benchmarks.engine [--quick | --tiny] [--json]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds rendered per measurement, repeats, seconds of each test file)
SETTINGS = {"full": (60.0, 5, 20.0), "quick": (10.0, 3, 10.0), "tiny": (0.5, 1, 1.0)}
FILE_COUNTS = {"full": (1, 8, 32), "quick": (1, 8, 32), "tiny": (1, 8)}
NOISES = ("white", "pink", "brown")


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    seconds, repeats, file_seconds = SETTINGS[mode]
    out: dict = {"mode": mode, "seconds": seconds, "file_seconds": file_seconds}
    rss_start = common.rss_mib()
    empty = common.render_cost(Mix(), seconds, repeats)
    out["empty"] = empty
    out["rss_idle_mib"] = empty["rss_mib"]
    out["rss_start_mib"] = rss_start
    out["noise"] = {}
    for sound in NOISES:
        cost = common.render_cost(Mix(layers=(Layer(sound, 1.0),)), seconds, repeats)
        cost["marginal_pct"] = max(0.0, cost["pct"] - empty["pct"])
        out["noise"][sound] = cost
    all_noise = Mix(layers=tuple(Layer(s, 1.0) for s in NOISES))
    out["noise_all"] = common.render_cost(all_noise, seconds, repeats)
    out["files"] = {}
    with tempfile.TemporaryDirectory(prefix="ambience-bench-") as tmp:
        counts = FILE_COUNTS[mode]
        paths = [common.write_noise_file(Path(tmp) / f"file{i:02d}.wav", file_seconds, seed=i)
                 for i in range(max(counts))]
        for n in counts:
            mix = Mix(layers=tuple(Layer(str(p), 0.5) for p in paths[:n]))
            rss0 = common.rss_mib()
            cost = common.render_cost(mix, seconds, repeats)
            cost["per_layer_pct"] = max(0.0, cost["pct"] - empty["pct"]) / n
            cost["rss_growth_mib"] = cost["rss_mib"] - rss0
            out["files"][str(n)] = cost
    out["machine_load"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "engine (issue 2)"
    fs = r["file_seconds"]
    table = [Row(part, "empty engine (master chain, limiter, meters)", common.fmt_pct(r["empty"]["pct"]))]
    for sound, c in r["noise"].items():
        table.append(Row(part, f"`{sound}` noise layer (marginal / with master)",
                         f"{common.fmt_pct(c['marginal_pct'])} / {common.fmt_pct(c['pct'])}"))
    table.append(Row(part, "white + pink + brown together", common.fmt_pct(r["noise_all"]["pct"])))
    for n, c in r["files"].items():
        table.append(Row(part, f"{n} file layer{'s' if n != '1' else ''} ({fs:g} s files): total"
                         " / per layer", f"{common.fmt_pct(c['pct'])} / "
                         f"{common.fmt_pct(c['per_layer_pct'])}"))
    table.append(Row(part, "memory: engine idle (process RSS)", f"{r['rss_idle_mib']:.0f} MiB"))
    biggest = max(r["files"], key=int)
    c = r["files"][biggest]
    per_file = c["rss_growth_mib"] / int(biggest)
    table.append(Row(part, f"memory: {biggest} file layers of {fs:g} s (growth, per layer)",
                     f"{c['rss_growth_mib']:.0f} MiB, {per_file:.1f} MiB per layer (streamed: "
                     "the same for a file of any length)"))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
