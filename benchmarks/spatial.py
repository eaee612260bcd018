"""Issue 19: what placing a layer around the head costs, and how the choices compare.

CPU (% of one core in real time, manual server, the empty engine taken off) of each close-up
trigger still, moving on speakers (plain panning) and in headphones (the spherical-head model
of `core.head`) moving (motion 1: settled, L + R placed once), half moving (motion 0.5: each
channel placed) and still at the ears (motion 0: constant placement), and the ratio binaural /
still against the budget of 2. A layer's own cost is a few tenths of a percent, the size of
the machine's noise: so the empty engine, the layer still and each placement are rendered in
turn, `repeats` rounds, each case's own cost taken against the empty engine of its round, and
the median over rounds of each ratio is reported. For the choice: pyo's own `HRTF` and `Binaural` and this project's placement,
each on one noise source, cost and cues: time difference between the ears (cross-correlation
below 1.5 kHz), level difference broadband and below 700 Hz, for a source to the left.

    python -m benchmarks.spatial [--quick | --tiny] [--json]
"""

from __future__ import annotations

from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds rendered per measurement, repeats)
SETTINGS = {"full": (30.0, 9), "quick": (5.0, 5), "tiny": (0.5, 1)}
CLOSE = ("whisper", "brushing", "paper", "tapping")
#: the budget: a binaural layer costs at most this many times the same layer still
BUDGET = 2.0
#: objects of one kind built for the per-object cost
COPIES = 4


def _rate_engine():
    from ambience.engine import Engine
    from ambience.render.segment import RENDER_BUFFER

    return Engine("manual", buffer=RENDER_BUFFER, fade_in=0, seed=1)


def _noise(pyo):
    n = pyo.Noise(0.3)
    return n, pyo.Sig([n, n])


def _copies(kind: str) -> int:
    return 1 if kind == "Binaural" else COPIES


def object_cost(kind: str, seconds: float, repeats: int) -> dict:
    """CPU of COPIES noise sources (one for `Binaural`) placed at -60 degrees by `kind`
    ("none", "HRTF", "Binaural", "placement": this project's headphones stage, "pan": its
    speakers stage)."""
    from ambience.engine.placement import Placement
    from ambience.engine.source import pyo

    engine = _rate_engine()
    kept = []
    copies = _copies(kind)
    if kind == "Binaural":  # a third of a core each: ten seconds tell it well enough
        seconds = min(seconds, 10.0)
    try:
        for i in range(copies):
            noise, stereo = _noise(pyo)
            kept += [noise, stereo]
            if kind in ("HRTF", "Binaural"):
                kept.append(getattr(pyo, kind)(noise, azimuth=-60))
            elif kind in ("placement", "pan"):
                stage = Placement(stereo, seed=i + 1, close=True, rate=engine.rate)
                stage.hold(-60.0, binaural=kind == "placement")
                kept.append(stage)
        engine.render(1.0, capture=False)
        best = common.best_cpu(lambda: engine.render(seconds, capture=False), repeats)
        return {"pct": common.pct(best, seconds)}
    finally:
        for obj in kept:
            if hasattr(obj, "close"):
                obj.close()
        kept = None
        engine.close()


def cues(kind: str, azimuth: float, seconds: float = 2.0) -> dict:
    """Time and level differences of a noise placed at `azimuth` by `kind`."""
    import numpy as np
    from scipy.signal import butter, sosfiltfilt

    from ambience.engine.placement import Placement
    from ambience.engine.source import pyo

    engine = _rate_engine()
    kept = []
    try:
        noise, stereo = _noise(pyo)
        kept += [noise, stereo]
        if kind in ("HRTF", "Binaural"):
            out = getattr(pyo, kind)(noise, azimuth=azimuth)
        else:
            stage = Placement(stereo, seed=1, close=kind == "close", rate=engine.rate)
            stage.hold(azimuth, binaural=kind in ("close", "far"))
            kept.append(stage)
            out = stage.output
        kept.append(out)
        rec = pyo.NewTable(length=seconds + 0.5, chnls=2)
        kept.append(rec)
        taker = pyo.TableRec(out, rec).play()
        kept.append(taker)
        engine.render(seconds + 0.4, capture=False)
        x = np.stack([np.asarray(rec.getBuffer(c), dtype=np.float64).copy()
                      for c in range(2)], axis=1)[int(0.2 * engine.rate):
                                                   int((seconds + 0.2) * engine.rate)]
    finally:
        for obj in kept:
            if hasattr(obj, "close"):
                obj.close()
        kept = None
        engine.close()
    rate = 48000

    def band(hz):
        return sosfiltfilt(butter(4, hz, "low", fs=rate, output="sos"), x, axis=0)

    lo = band(1500.0)
    n = int(0.0012 * rate)
    core = slice(n, len(lo) - n)
    scores = [float(np.dot(lo[core, 0], lo[n + k: len(lo) - n + k, 1]))
              for k in range(-n, n + 1)]
    lag = (int(np.argmax(scores)) - n) / rate  # the right ear's lag
    low = band(700.0)

    def ild(y):
        return float(10 * np.log10(np.sum(y[:, 0] ** 2) / np.sum(y[:, 1] ** 2)))

    return {"itd_ms": abs(lag) * 1000, "ild_db": ild(x), "ild_low_db": ild(low)}


def alternated(sound: str, seconds: float, rounds: int) -> dict:
    """Per case, the median over `rounds` of its own cost (total minus the empty engine of
    the same round) and of that against the layer still, the cases rendered in turn."""
    from statistics import median

    from ambience.core.mix import Layer, Mix

    def layer(motion):
        return (Layer(sound, 1.0, motion=motion),)

    cases = {
        "empty": Mix(),
        "still": Mix(layers=layer(0.0)),
        "speakers": Mix(layers=layer(1.0)),
        "headphones": Mix(layers=layer(1.0), headphones=True),
        "headphones half": Mix(layers=layer(0.5), headphones=True),
        "headphones still": Mix(layers=layer(0.0), headphones=True),
    }
    own: dict = {name: [] for name in cases if name != "empty"}
    for _ in range(rounds):
        pct = {name: common.render_cost(mix, seconds, 1)["pct"] for name, mix in cases.items()}
        for name in own:
            own[name].append(pct[name] - pct["empty"])
    out = {name: {"own_pct": median(v), "rounds": v} for name, v in own.items()}
    for name in own:
        if name != "still":  # (a still layer's own cost near 0 gives a wild ratio: medians)
            out[name]["ratio"] = median(o / max(s, 1e-3)
                                        for o, s in zip(own[name], own["still"]))
    return out


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    seconds, repeats = SETTINGS[mode]
    out: dict = {"mode": mode, "seconds": seconds, "copies": COPIES}
    out["empty"] = common.render_cost(Mix(), seconds, repeats)
    sounds = CLOSE[:1] if mode == "tiny" else CLOSE
    out["layers"] = {}
    for sound in sounds:
        out["layers"][sound] = alternated(sound, seconds, repeats)
    kinds = ("none", "pan", "placement", "HRTF", "Binaural")
    places = (("HRTF", -90), ("HRTF", -45), ("Binaural", -90), ("close", -90),
              ("close", -45), ("far", -90), ("pan", -90))
    if mode == "tiny":  # the smoke test: one of each part
        kinds, places = ("none", "placement", "HRTF"), (("HRTF", -90), ("close", -90))
    out["objects"] = {kind: object_cost(kind, seconds, repeats) for kind in kinds}
    out["cues"] = {f"{kind} {az:g}": cues(kind, az) for kind, az in places}
    out["machine_load"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "placement (issue 19)"
    empty = r["empty"]["pct"]
    table = [Row(part, "empty engine (paid once)", common.fmt_pct(empty))]
    for sound, c in r["layers"].items():
        n = len(c["still"]["rounds"])
        how = f"median of {n} rounds, each against its own empty engine"
        own = {k: common.fmt_pct(v["own_pct"]) for k, v in c.items()}
        table.append(Row(part, f"`{sound}` still / moving on speakers / in headphones moving, "
                               f"half moving, still (own, {how})",
                         f"{own['still']} / {own['speakers']} / {own['headphones']}, "
                         f"{own['headphones half']}, {own['headphones still']}"))
        for case, what in (("headphones", "moving"), ("headphones half", "half moving"),
                           ("headphones still", "still at the ears")):
            ratio = c[case]["ratio"]
            table.append(Row(part, f"`{sound}` binaural / still, {what} ({how})",
                             f"{ratio:.2f}", f"<= {BUDGET:g}", ratio <= BUDGET))
    noise = max(0.0, r["objects"]["none"]["pct"] - empty) / r["copies"]  # one source
    for kind, what in (("pan", "speakers stage (ours)"), ("placement", "headphones stage (ours)"),
                       ("HRTF", "pyo `HRTF`"), ("Binaural", "pyo `Binaural`")):
        if kind not in r["objects"]:
            continue
        n = _copies(kind)
        per = max(0.0, r["objects"][kind]["pct"] - empty - n * noise) / n
        table.append(Row(part, f"{what} on one source", common.fmt_pct(per)))
    for name, c in r["cues"].items():
        kind, az = name.split()
        what = {"HRTF": "pyo `HRTF`", "Binaural": "pyo `Binaural`",
                "close": "ours, 0.2 m", "far": "ours, 1.5 m",
                "pan": "ours on speakers"}[kind]
        table.append(Row(part, f"{what} at {az} deg: ITD / ILD / ILD below 700 Hz",
                         f"{c['itd_ms']:.2f} ms / {c['ild_db']:.1f} dB / "
                         f"{c['ild_low_db']:.1f} dB"))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
