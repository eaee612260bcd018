"""Issue 16: file layers streamed from disk. The Ogg Vorbis files are made here at run time
(stereo 48 kHz soft noise; one encoding under eight names, since encoding eight hours of
Vorbis would take this machine about 12 minutes) and deleted afterwards.

Figures and budgets:
- peak RSS of `ambience play --audio null` with the standard mix plus eight one-hour files
  (< 150 MB), against the standard mix alone in the same run, and the time until it says it
  plays (< 1 s), with the time a live engine takes to build the eight file layers;
- CPU per streamed layer (<= 0.3 % of a core): eight streamed layers rendered by a manual
  engine (decoding in line, so the decoder's CPU is counted) minus the empty engine, / 8;
  a 44.1 kHz file (resampled) is shown beside, without a budget;
- a reader stalled (a throttled file whose reads hang) for the designed hold-out less half a
  second, while a manual engine is paced to the wall clock: no dropout (10 ms windows of a
  steady tone more than 1 dB down) and no click (a step larger than the tone's own); and
  stalled a second past it: one fade-out without a click, and the sound back afterwards.

    python -m benchmarks.streaming [--quick | --tiny] [--json]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: file seconds, CPU seconds rendered, repeats, seconds the player plays, ring seconds (None:
#: the default the player uses)
SETTINGS = {
    "full": (3600.0, 60.0, 5, 10.0, None),
    "quick": (600.0, 10.0, 3, 5.0, None),
    "tiny": (20.0, 0.5, 1, 1.0, 2.0),
}
FILES = 8
RSS_BUDGET_MB = 150.0
START_BUDGET_S = 1.0
CPU_BUDGET_PCT = 0.3
RATE = 48000


def write_ogg(path: Path, seconds: float, rate: int = RATE, seed: int = 1) -> Path:
    """Soft stereo noise as Ogg Vorbis, written in pieces (one large write crashes
    libsndfile's Vorbis encoder) and made a minute at a time (bounded memory)."""
    import numpy as np
    import soundfile

    rng = np.random.default_rng(seed)
    kernel = np.ones(8, dtype=np.float32) / 8
    left = int(seconds * rate)
    with soundfile.SoundFile(str(path), "w", rate, 2, format="OGG", subtype="VORBIS",
                             compression_level=1.0) as f:
        while left > 0:
            n = min(left, 60 * rate)
            x = rng.standard_normal((n, 2)).astype(np.float32)
            for ch in range(2):
                x[:, ch] = np.convolve(x[:, ch], kernel, mode="same")
            x *= 0.05
            for i in range(0, n, 65536):
                f.write(x[i:i + 65536])
            left -= n
    return path


def write_tone(path: Path, seconds: float, freq: float = 440.0) -> Path:
    """A steady sine (FLAC): a dropout, a skip or a click shows in its level and its steps."""
    import numpy as np
    import soundfile

    t = np.arange(int(seconds * RATE)) / RATE
    x = (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    soundfile.write(str(path), np.stack([x, x], axis=1), RATE, format="FLAC")
    return path


class Throttle:
    """Opens files whose reads hang while `until` is in the future (a stalled drive)."""

    def __init__(self):
        self.until = 0.0
        self.hung_reads = 0

    def __call__(self, path: Path):
        import soundfile

        throttle = self
        inner = soundfile.SoundFile(str(path))

        class Hanging:
            def __getattr__(self, name):
                return getattr(inner, name)

            def read(self, *args, **kwargs):
                wait = throttle.until - time.monotonic()
                if wait > 0:
                    throttle.hung_reads += 1
                    time.sleep(wait)
                return inner.read(*args, **kwargs)

        return Hanging()


def stalled_run(path: Path, ring: float | None, stall_past_holdout: float) -> dict:
    """Play `path` in real-time mode on a manual engine paced to the wall clock; once the
    ring is full, hang the reader for the hold-out plus `stall_past_holdout` seconds."""
    import numpy as np

    from ambience.core.mix import Layer, Mix
    from ambience.engine import Engine
    from ambience.engine.file_layer import FileLayer

    throttle = Throttle()

    def factory(info, extra):
        return FileLayer(path=info.path, sr=RATE, realtime=True, opener=throttle,
                         **({"ring": ring} if ring else {}), **extra)

    engine = Engine("manual", rate=RATE, seed=1, fade_in=0.0, layer_factory=factory)
    try:
        engine.apply(Mix(1.0, (Layer(str(path), 1.0),)), ramp=0.0)
        layer = engine._slots[str(path)].layer
        holdout = layer.holdout_seconds
        fill = layer.ring / RATE
        stall = max(0.5, holdout + stall_past_holdout)
        step = 0.02
        chunks = []
        t0 = time.monotonic()
        done = 0.0
        total = fill + stall + 1.5
        started = None
        while done < total:
            if started is None and done >= fill:
                started = done
                throttle.until = time.monotonic() + stall
            chunks.append(engine.render(step))
            done += len(chunks[-1]) / RATE  # whole buffers: a little more than `step`
            delay = t0 + done - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        late = max(0.0, time.monotonic() - t0 - total)
        out = np.concatenate(chunks)[int(fill * RATE):]
        w = int(0.01 * RATE)
        n = len(out) // w
        rms = 10 * np.log10(np.maximum(
            np.square(out[:n * w].astype(np.float64)).mean(axis=1).reshape(n, w).mean(axis=1),
            1e-24))
        reference = float(np.median(rms[: int(0.5 / 0.01)]))
        own_step = 0.3 * 2 * np.pi * 440.0 / RATE
        steps = np.abs(np.diff(out[:, 0]))
        return {"holdout_s": holdout, "stall_s": stall, "ring_s": fill,
                "dropouts": int(np.sum(rms < reference - 1.0)), "windows": int(n),
                "clicks": int(np.sum(steps > own_step * 1.05)),
                "stalls": layer.stalls, "hung_reads": throttle.hung_reads,
                "came_back": bool(rms[-20:].min() > reference - 1.0),
                "largest_step": float(np.max(np.abs(np.diff(out, axis=0)))),
                "late_s": late}
    finally:
        engine.close()


def build_time(paths: list[Path]) -> float:
    """Wall seconds for a live (null) engine to build the file layers of `paths`: the part
    of the start-up that streaming adds, less dependent on the machine's load than the
    difference of two player starts."""
    from ambience.core.mix import Layer, Mix
    from ambience.engine import Engine

    engine = Engine("null", rate=RATE, fade_in=0.0)
    try:
        t0 = time.monotonic()
        engine.apply(Mix(1.0, tuple(Layer(str(p), 0.3) for p in paths)))
        return time.monotonic() - t0
    finally:
        engine.close()


def measure(mode: str = "full") -> dict:
    from ambience.core.mix import Layer, Mix

    from benchmarks.memory import run_player

    file_seconds, cpu_seconds, repeats, play_seconds, ring = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "files": FILES, "file_seconds": file_seconds,
                 "label": common.mix_label(mix, missing), "missing": missing}
    with tempfile.TemporaryDirectory(prefix="ambience-streaming-") as tmp:
        folder = Path(tmp)
        t0 = time.monotonic()
        first = write_ogg(folder / "long-0.ogg", file_seconds)
        paths = [first]
        for i in range(1, FILES):
            paths.append(folder / f"long-{i}.ogg")
            os.link(first, paths[-1])
        out["encode_s"] = time.monotonic() - t0
        out["file_mib"] = first.stat().st_size / 2**20
        resampled = write_ogg(folder / "cd-rate.ogg", min(file_seconds, 60.0), rate=44100)

        env = {**os.environ, "PYO_GUI_WX": "0"}
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            env[var] = str(folder / var.lower())
        # a control socket of its own: one player per runtime folder, and other benchmarks
        # (the memory one) may run a player at the same time
        runtime = folder / "runtime"
        runtime.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        extra = []
        for p in paths:
            extra += ["--layer", f"{p}=0.3"]
        out["player_standard"] = run_player([], play_seconds, env)
        out["player_files"] = run_player(extra, play_seconds, env)

        out["build_s"] = build_time(paths)
        empty = common.render_cost(Mix(), cpu_seconds, repeats)
        files = Mix(layers=tuple(Layer(str(p), 0.5) for p in paths))
        eight = common.render_cost(files, cpu_seconds, repeats)
        one_cd = common.render_cost(Mix(layers=(Layer(str(resampled), 0.5),)), cpu_seconds,
                                    repeats)
        out["cpu"] = {"empty_pct": empty["pct"], "eight_pct": eight["pct"],
                      "per_layer_pct": max(0.0, eight["pct"] - empty["pct"]) / FILES,
                      "resampled_pct": max(0.0, one_cd["pct"] - empty["pct"]),
                      "eight_playing": eight["playing"]}
        tone = write_tone(folder / "tone.flac", 60.0)
        out["within"] = stalled_run(tone, ring, -0.5)
        out["beyond"] = stalled_run(tone, ring, +1.0) if mode != "tiny" else None
    out["machine_load"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "streaming (issue 16)"
    span = common.span(r["file_seconds"])
    table = []
    std, wf = r["player_standard"], r["player_files"]
    label = f"peak RSS, standard mix + {r['files']} Ogg files of {span} ({r['label']})"
    if "error" in wf:
        table.append(Row(part, label, f"failed: {wf['error']}", f"< {RSS_BUDGET_MB:g} MB", False))
    else:
        mb = wf["hwm_mib"] * 2**20 / 1e6
        added = wf["hwm_mib"] - std.get("hwm_mib", 0.0)
        table.append(Row(part, label, f"{wf['hwm_mib']:.0f} MiB ({mb:.0f} MB; +{added:.0f} MiB "
                         f"over the standard mix alone, {std.get('hwm_mib', 0):.0f} MiB)",
                         f"< {RSS_BUDGET_MB:g} MB", mb < RSS_BUDGET_MB))
        table.append(Row(part, f"start with the {r['files']} files (until it says it plays)",
                         f"{wf['startup_s']:.2f} s (standard mix alone "
                         f"{std.get('startup_s', 0):.2f} s; building the {r['files']} file layers "
                         f"{r.get('build_s', float('nan')):.2f} s)", f"< {START_BUDGET_S:g} s",
                         wf["startup_s"] < START_BUDGET_S))
    c = r["cpu"]
    table.append(Row(part, f"CPU per streamed layer ({r['files']} Ogg Vorbis 48 kHz layers "
                     "rendered, minus the empty engine, / 8)",
                     f"{common.fmt_pct(c['per_layer_pct'])} ({common.fmt_pct(c['eight_pct'])} "
                     f"with 8, {common.fmt_pct(c['empty_pct'])} empty)",
                     f"<= {CPU_BUDGET_PCT:g} %", c["per_layer_pct"] <= CPU_BUDGET_PCT))
    table.append(Row(part, "CPU of one 44.1 kHz Ogg layer, resampled to 48 kHz",
                     common.fmt_pct(c["resampled_pct"])))
    w = r["within"]
    table.append(Row(part, f"reader hung {w['stall_s']:.1f} s (designed hold-out "
                     f"{w['holdout_s']:.1f} s, ring {w['ring_s']:.1f} s): dropouts",
                     f"{w['dropouts']} of {w['windows']} 10 ms windows more than 1 dB down, "
                     f"{w['clicks']} steps larger than the tone's own; {w['hung_reads']} read "
                     "hung", "0", w["dropouts"] == 0 and w["clicks"] == 0 and w["stalls"] == 0
                     and w["hung_reads"] > 0))
    b = r.get("beyond")
    if b:
        table.append(Row(part, f"reader hung {b['stall_s']:.1f} s (past the hold-out): fades",
                         f"{b['stalls']} fade-out, came back: {'yes' if b['came_back'] else 'no'}"
                         f", {b['clicks']} steps larger than the tone's own", "1 fade, back, 0",
                         b["stalls"] == 1 and b["came_back"] and b["clicks"] == 0))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
