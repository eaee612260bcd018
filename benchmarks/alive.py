"""Issue 18: what drift and "now and then" cost. CPU (% of one core in real time, manual
server) of a pink noise layer still, drifting, there and away (stopped), and of the per-layer
alive stage itself (its envelope and the product with the slider's gain), against the empty
engine of the same run.

    python -m benchmarks.alive [--quick | --tiny] [--json]
"""

from __future__ import annotations

from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds rendered per measurement, repeats)
SETTINGS = {"full": (60.0, 5), "quick": (10.0, 3), "tiny": (0.5, 1)}
#: alive stages built for the per-stage figure
STAGES = 32


def stage_cost(seconds: float, repeats: int) -> dict:
    """The empty engine with `STAGES` alive stages multiplied with slider gains, as `_Slot`
    builds them, each playing a drift envelope."""
    from ambience.engine import Engine
    from ambience.engine.alive import AliveStage
    from ambience.engine.source import pyo
    from ambience.render.segment import RENDER_BUFFER

    engine = Engine("manual", buffer=RENDER_BUFFER, fade_in=0, seed=1)
    try:
        kept = []
        for i in range(STAGES):
            stage = AliveStage(i)
            stage.set(0.0, 1.0, 1.0)
            gain = pyo.Linseg([(0.0, 1.0), (0.001, 1.0)]).play()
            kept.append((stage, gain, gain * stage.env))
        engine.render(1.0, capture=False)
        best = common.best_cpu(lambda: engine.render(seconds, capture=False), repeats)
        return {"pct": common.pct(best, seconds)}
    finally:
        kept = None
        engine.close()


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    seconds, repeats = SETTINGS[mode]
    cases = {
        "empty": Mix(),
        "still": Mix(layers=(Layer("pink", 1.0),)),
        "drifting": Mix(layers=(Layer("pink", 1.0, drift=1.0),)),
        "there": Mix(layers=(Layer("pink", 1.0, drift=1.0, presence=0.5),)),
        "away": Mix(layers=(Layer("pink", 1.0, presence=0.0),)),
    }
    out: dict = {"mode": mode, "seconds": seconds, "stages": STAGES}
    for name, mix in cases.items():
        out[name] = common.render_cost(mix, seconds, repeats)
    out["stage_engine"] = stage_cost(seconds, repeats)
    out["machine_load"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "alive (issue 18)"
    empty = r["empty"]["pct"]
    table = [Row(part, "empty engine (paid once)", common.fmt_pct(empty))]
    words = {"still": "`pink` still (drift 0, always there)",
             "drifting": "`pink` drifting (drift 1)",
             "there": "`pink` now and then, while there (presence 0.5, drift 1)",
             "away": "`pink` now and then, while away (stopped)"}
    for name, what in words.items():
        c = r[name]
        table.append(Row(part, f"{what}: own / with master",
                         f"{common.fmt_pct(max(0.0, c['pct'] - empty))} / "
                         f"{common.fmt_pct(c['pct'])} ({c['playing']} running)"))
    per = max(0.0, r["stage_engine"]["pct"] - empty) / r["stages"]
    table.append(Row(part, "alive stage while drifting (its envelope x the slider gain), per layer",
                     f"{per:.4f} % ({r['stages']} stages: "
                     f"{common.fmt_pct(r['stage_engine']['pct'])} with master)"))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
