"""Issue 3: what each bundled sound costs (% of one core in real time, manual server, slider
1.0) and what the standard 8-layer mix costs. Budgets: no sound above 0.6 %, the standard mix
under 3 %. A sound's own cost is its total minus the empty engine's (the master chain is paid
once, whatever plays); the standard mix is measured whole, master chain included.

    python -m benchmarks.sounds [--quick | --tiny] [--json]
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
MIX_BUDGET = 3.0


def measure(mode: str = "full") -> dict:
    from ambience.engine.sounds import SYNTHS
    from ambience.core.mix import Layer, Mix

    seconds, repeats = SETTINGS[mode]
    empty = common.render_cost(Mix(), seconds, repeats)
    sounds = {}
    ids = sorted(SYNTHS)
    if mode == "tiny":
        ids = ids[:2]
    for sound in ids:
        try:
            cost = common.render_cost(Mix(layers=(Layer(sound, 1.0),)), seconds, repeats)
        except Exception as exc:  # a sound being written right now may not build yet
            sounds[sound] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        cost["own_pct"] = max(0.0, cost["pct"] - empty["pct"])
        sounds[sound] = cost
    mix, missing = common.standard_mix()
    standard = common.render_cost(mix, seconds, repeats) if mix.layers else None
    return {"mode": mode, "seconds": seconds, "empty": empty, "sounds": sounds,
            "standard": standard, "standard_label": common.mix_label(mix, missing),
            "missing": missing, "machine_load": common.load_average()}


def rows(r: dict) -> list[Row]:
    part = "sounds (issue 3)"
    table = [Row(part, "empty engine (paid once)", common.fmt_pct(r["empty"]["pct"]))]
    for sound, c in r["sounds"].items():
        if "error" in c:
            table.append(Row(part, f"`{sound}` alone", f"failed: {c['error']}",
                             f"<= {SOUND_BUDGET} %", False))
            continue
        table.append(Row(part, f"`{sound}` alone (own / with master)",
                         f"{common.fmt_pct(c['own_pct'])} / {common.fmt_pct(c['pct'])} "
                         f"({common.census_text(c.get('census', {}))})",
                         f"<= {SOUND_BUDGET} %", c["own_pct"] <= SOUND_BUDGET))
    std = r["standard"]
    if std is None:
        table.append(Row(part, f"standard mix ({r['standard_label']})", "nothing to play",
                         f"< {MIX_BUDGET} %", None))
    else:
        table.append(Row(part, f"standard mix ({r['standard_label']})",
                         common.fmt_pct(std["pct"]), f"< {MIX_BUDGET} %",
                         std["pct"] < MIX_BUDGET if not r["missing"] else None))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
