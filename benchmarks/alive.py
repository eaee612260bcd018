"""Issue 18: what drift and "now and then" cost, and how they behave. CPU (% of one core in
real time, manual server) of a pink noise layer still, drifting, there and away (stopped), and
of the per-layer alive stage itself (its envelope and the product with the slider's gain),
against the empty engine of the same run. Then the behaviour, measured on renders of white
noise (a steady level, read in 1 s windows): drift's range, spread, fastest change and time
constant; the share of time a "now and then" layer is heard (within 10 dB of its slider).

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
#: seconds of drift rendered, and of each presence share (0: the pure schedule only)
BEHAVIOUR = {"full": (1800.0, 3600.0), "quick": (300.0, 0.0), "tiny": (10.0, 0.0)}
SHARES = (0.25, 0.5, 0.75)


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


def levels(engine, seconds: float) -> list[float]:
    """The output's level in dB per second, without keeping the audio."""
    from tests.rendering import window_levels_db

    return list(window_levels_db(engine, seconds))


def rendered(layer, seconds: float, seed: int = 3) -> list[float]:
    """dB per second of `layer` (white noise) re the same layer still."""
    from ambience.core.mix import Layer, Mix
    from ambience.engine import Engine

    engine = Engine("manual", seed=seed, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(layer.sound, layer.level),)), ramp=0.0)
        base = sum(levels(engine, 6.0)[1:]) / 5
        engine.apply(Mix(1.0, (layer,)))
        return [x - base for x in levels(engine, seconds)]
    finally:
        engine.close()


def behaviour(mode: str) -> dict:
    import math

    import numpy as np

    from ambience.core.alive import Presence
    from ambience.core.mix import Layer

    drift_s, share_s = BEHAVIOUR[mode]
    db = np.array(rendered(Layer("white", 1.0, drift=1.0), drift_s))
    x = db - db.mean()
    ac = np.correlate(x, x, "full")[len(x) - 1:] / max(np.dot(x, x), 1e-30)
    below = np.flatnonzero(ac < 1 / math.e)
    out = {"drift_seconds": drift_s, "drift_min_db": float(db.min()),
           "drift_max_db": float(db.max()),
           "drift_p10_p90_db": float(np.percentile(db, 90) - np.percentile(db, 10)),
           "drift_max_speed_db_s": float(np.abs(db[2:] - db[:-2]).max() / 2) if len(db) > 2
           else math.nan,
           "drift_decay_s": float(below[0]) if below.size else math.nan,
           "share_seconds": share_s, "shares": {}}
    for share in SHARES:
        pure = Presence(1, share).there_share(0, 100 * 3600, step=5.0)
        heard = math.nan
        if share_s:
            heard = float(np.mean(np.array(rendered(Layer("white", 1.0, presence=share),
                                                    share_s, seed=7)) >= -10.0))
        out["shares"][str(share)] = {"schedule_100h": pure, "rendered": heard}
    return out


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    seconds, repeats = SETTINGS[mode]
    cases = {
        "empty": Mix(),
        "still": Mix(layers=(Layer("pink", 1.0),)),
        "drifting": Mix(layers=(Layer("pink", 1.0, drift=1.0),)),
        # a share this high keeps the first span (there) longer than the measurement
        "there": Mix(layers=(Layer("pink", 1.0, drift=1.0, presence=0.99),)),
        "away": Mix(layers=(Layer("pink", 1.0, presence=0.0),)),
    }
    out: dict = {"mode": mode, "seconds": seconds, "stages": STAGES}
    for name, mix in cases.items():
        out[name] = common.render_cost(mix, seconds, repeats)
    out["stage_engine"] = stage_cost(seconds, repeats)
    out["behaviour"] = behaviour(mode)
    out["machine_load"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "alive (issue 18)"
    empty = r["empty"]["pct"]
    table = [Row(part, "empty engine (paid once)", common.fmt_pct(empty))]
    words = {"still": "`pink` still (drift 0, always there)",
             "drifting": "`pink` drifting (drift 1)",
             "there": "`pink` now and then, while there (presence 0.99, drift 1)",
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
    b = r["behaviour"]
    span = common.span(b["drift_seconds"])
    table.append(Row(part, f"drift 1 over {span}: range / p10-p90 spread (dB re slider)",
                     f"{b['drift_min_db']:+.2f} .. {b['drift_max_db']:+.2f} / "
                     f"{b['drift_p10_p90_db']:.2f} dB", "-6 .. +3",
                     b["drift_min_db"] >= -6.1 and b["drift_max_db"] <= 3.1))
    table.append(Row(part, f"drift 1 over {span}: fastest change (2 s) / time to 1/e",
                     f"{b['drift_max_speed_db_s']:.3f} dB/s / {b['drift_decay_s']:.0f} s",
                     "<= 0.5 dB/s, 20-120 s",
                     b["drift_max_speed_db_s"] <= 0.5 and 20 <= b["drift_decay_s"] <= 120
                     if b["drift_seconds"] >= 300 else None))
    for share, c in b["shares"].items():
        heard = ("" if c["rendered"] != c["rendered"] else
                 f"{c['rendered']:.3f} heard in {common.span(b['share_seconds'])} rendered, ")
        table.append(Row(part, f"now and then {share}: share of time there",
                         f"{heard}{c['schedule_100h']:.3f} over 100 h of schedule",
                         f"{float(share):.2f} +- 0.1 an hour",
                         None if heard == "" else abs(c["rendered"] - float(share)) <= 0.1))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
