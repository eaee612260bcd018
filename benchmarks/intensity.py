"""Issue 18: what each sound with an intensity costs at intensity 0, 0.5 and 1 (% of one core,
manual server, slider 1.0, its own cost: the total minus the empty engine's, measured in the
same run). Budget: no sound above 0.6 % at any intensity (issue 12's per-sound budget).
Intensity moves rates and levels, not the graph, so the cost should hardly move; birds'
fifth voice (the dawn chorus) runs only from intensity 0.6 up.

    python -m benchmarks.intensity [--quick | --tiny] [--json]
"""

from __future__ import annotations

from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

SETTINGS = {"full": (60.0, 5), "quick": (10.0, 3), "tiny": (0.5, 1)}
SOUND_BUDGET = 0.6
INTENSITIES = (0.0, 0.5, 1.0)


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix
    from ambience.library.catalog import load_catalog

    seconds, repeats = SETTINGS[mode]
    empty = common.render_cost(Mix(), seconds, repeats)
    ids = sorted(info.id for info in load_catalog() if info.intensity is not None)
    if mode == "tiny":
        ids = ids[:2]
    sounds: dict[str, dict] = {}
    for sound in ids:
        costs = {}
        for x in INTENSITIES:
            try:
                mix = Mix(layers=(Layer(sound, 1.0, intensity=x),))
                cost = common.render_cost(mix, seconds, repeats)
            except Exception as exc:  # a sound being written right now may not build yet
                costs[str(x)] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            costs[str(x)] = {"own_pct": max(0.0, cost["pct"] - empty["pct"]),
                             "pct": cost["pct"]}
        sounds[sound] = costs
    return {"mode": mode, "seconds": seconds, "empty": empty, "sounds": sounds,
            "machine_load": common.load_average()}


def rows(r: dict) -> list[Row]:
    part = "intensity (issue 18)"
    table = [Row(part, "empty engine (paid once)", common.fmt_pct(r["empty"]["pct"]))]
    for sound, costs in r["sounds"].items():
        failed = [c["error"] for c in costs.values() if "error" in c]
        if failed:
            table.append(Row(part, f"`{sound}` at intensity 0 / 0.5 / 1",
                             f"failed: {failed[0]}", f"<= {SOUND_BUDGET} %", False))
            continue
        own = [costs[str(x)]["own_pct"] for x in INTENSITIES]
        table.append(Row(part, f"`{sound}` at intensity 0 / 0.5 / 1 (own)",
                         " / ".join(common.fmt_pct(c) for c in own),
                         f"<= {SOUND_BUDGET} %", max(own) <= SOUND_BUDGET))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
