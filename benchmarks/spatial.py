"""Issue 19: what placing a layer around the head costs, and how the choices compare.

CPU (% of one core in real time, manual server, the empty engine of the same run taken off)
of each close-up trigger still, moving on speakers (plain panning) and moving in headphones
(the spherical-head model of `core.head`), and the ratio binaural / still, against the
budget of 2. For the choice: pyo's own `HRTF` and `Binaural` and this project's placement,
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
SETTINGS = {"full": (60.0, 5), "quick": (10.0, 3), "tiny": (0.5, 1)}
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


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    seconds, repeats = SETTINGS[mode]
    out: dict = {"mode": mode, "seconds": seconds, "copies": COPIES}
    out["empty"] = common.render_cost(Mix(), seconds, repeats)
    sounds = CLOSE[:1] if mode == "tiny" else CLOSE
    out["layers"] = {}
    for sound in sounds:
        cases = {
            "still": Mix(layers=(Layer(sound, 1.0),)),
            "speakers": Mix(layers=(Layer(sound, 1.0, motion=1.0),)),
            "headphones": Mix(layers=(Layer(sound, 1.0, motion=1.0),), headphones=True),
        }
        out["layers"][sound] = {name: common.render_cost(mix, seconds, repeats)
                                for name, mix in cases.items()}
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
        own = {k: max(1e-9, v["pct"] - empty) for k, v in c.items()}
        table.append(Row(part, f"`{sound}` still / moving on speakers / moving in headphones "
                               "(own)",
                         f"{common.fmt_pct(own['still'])} / {common.fmt_pct(own['speakers'])}"
                         f" / {common.fmt_pct(own['headphones'])}"))
        ratio = own["headphones"] / own["still"]
        table.append(Row(part, f"`{sound}` binaural / still (same run)", f"{ratio:.2f}",
                         f"<= {BUDGET:g}", ratio <= BUDGET))
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
