"""Issue 6, part 5: offline render speed. One hour of the standard mix with a one-hour sleep
timer (15-minute fade) rendered to FLAC through `ambience.render.render_to_file`, the path
`ambience render --timer` takes. Figures: wall-clock seconds and CPU seconds, and how many
times faster than real time each is. Budget: at least 100 times faster than real time.

A long render is shared by one process per core (`ambience.render.parts`): the verdict uses
the wall-clock time, the speed a user waits for; the CPU seconds of all the processes
(children included) show what it costs, and the speed on one core.

    python -m benchmarks.render_speed [--quick | --tiny] [--json]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds rendered = timer length, fade)
SETTINGS = {"full": (3600.0, 900.0), "quick": (300.0, 60.0), "tiny": (10.0, 3.0)}
BUDGET = 100.0


def measure(mode: str = "full") -> dict:
    import numpy as np
    import soundfile

    from ambience.render.offline import default_workers, render_to_file
    from ambience.core.timer import SleepTimer

    seconds, fade = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "seconds": seconds, "fade": fade,
                 "label": common.mix_label(mix, missing), "missing": missing,
                 "load_start": common.load_average()}
    if not mix.layers:
        out["error"] = "no layer of the standard mix exists yet"
        return out
    # the same envelope `ambience render --timer` gives: start-up fade-in, hold, fade, silence
    timer = SleepTimer(seconds, fade, "quit", start=0.0, clock=lambda: 0.0)
    envelope = timer.envelope_points(0.0, 0.0)
    with tempfile.TemporaryDirectory(prefix="ambience-render-") as tmp:
        path = Path(tmp) / "sleep.flac"
        wall0, cpu0 = time.monotonic(), common.cpu() + common.children_cpu()
        render_to_file(mix, path, seconds, seed=3, envelope=envelope)
        cpu1, wall1 = common.cpu() + common.children_cpu(), time.monotonic()
        info = soundfile.info(str(path))
        with soundfile.SoundFile(str(path)) as f:
            f.seek(max(0, info.frames - info.samplerate))
            last = f.read(dtype="float32")
        out.update({
            "wall_s": wall1 - wall0, "cpu_s": cpu1 - cpu0, "workers": default_workers(seconds),
            "speed_wall": seconds / (wall1 - wall0), "speed_cpu": seconds / (cpu1 - cpu0),
            "file_seconds": info.frames / info.samplerate, "file_mib": path.stat().st_size / 2**20,
            "last_second_peak": float(np.max(np.abs(last))) if len(last) else 0.0,
        })
    out["load_end"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "5. offline render"
    if "error" in r:
        return [Row(part, "standard mix to FLAC", f"not run: {r['error']}")]
    return [
        Row(part, f"{common.span(r['seconds'])} of the standard mix ({r['label']}), timer + "
            f"{common.span(r['fade'])} fade, to FLAC",
            f"{r['wall_s']:.1f} s wall ({r['speed_wall']:.0f}x real time) with "
            f"{r.get('workers', 1)} process(es); {r['cpu_s']:.1f} CPU s in all "
            f"({r['speed_cpu']:.0f}x on one core); {r['file_mib']:.0f} MiB, "
            f"{r['file_seconds']:.0f} s long, last second {common.db(r['last_second_peak'])}",
            f">= {BUDGET:g}x", r["speed_wall"] >= BUDGET if not r["missing"] else None),
    ]


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
