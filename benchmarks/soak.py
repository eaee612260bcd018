"""Issue 6, part 6: the soak. Eight hours of the standard mix with an eight-hour sleep timer
and a 30-minute fade, rendered offline by a manual engine (nothing written to disk) while a
slider moves every simulated minute (each layer in turn, between its standard level and 80 %
of it, with the ordinary 50 ms slider ramp). Every sample is checked as it comes.

Figures: RSS and the number of pyo streams every simulated 10 minutes, and their growth;
NaN/infinite samples; the largest sample-to-sample step after the first minute, per hour and
overall, against the largest step of the same mix in a reference render without moves or
timer; CPU per simulated hour (a leak of objects shows as growing cost); the level after the
timer's end. Budgets: RSS growth under 5 MB, no NaN, no step larger than the sound's own,
silence at the end. With AMBIENCE_SOAK_PROGRESS=FILE the figures so far are written to FILE
every RSS sample, so a soak stopped early still tells how far it got and what it saw.

"The sound's own" steps: a render of hours meets rarer, larger events (a loud crackle, a
knock) than any short reference does, so the verdict compares like with like inside the soak:
the largest step in the 100 ms after each slider move (where the engine could click) against
the largest step everywhere else. The short reference render's largest step is shown beside.

    python -m benchmarks.soak [--quick | --tiny] [--json]
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (simulated seconds, fade, reference seconds, seconds between slider moves, RSS every)
SETTINGS = {
    "full": (8 * 3600.0, 1800.0, 300.0, 60.0, 600.0),
    "quick": (10 * 60.0, 150.0, 30.0, 60.0, 60.0),
    "tiny": (8.0, 3.0, 3.0, 1.0, 2.0),
}
BLOCK = 10.0
AFTER_END = 2.0
RSS_BUDGET_MB = 5.0


#: after a slider move, this long counts as "near the move" (ramp 50 ms, look-ahead, margin)
NEAR = 0.1


class Checker:
    """Looks at every block: non-finite samples, the largest step (after `skip` seconds, block
    boundaries included), per reporting period, near slider moves and away from them, and the
    peak of the last second."""

    def __init__(self, rate: int, skip: float, period: float):
        self.rate = rate
        self.near_left = 0
        self.max_near = 0.0
        self.max_away = 0.0
        self.skip = int(skip * rate)
        self.period = int(period * rate)
        self.frames = 0
        self.nonfinite = 0
        self.last = None
        self.max_step = 0.0
        self.max_step_at = 0.0
        self.steps_by_period: dict[int, float] = {}
        self.tail: deque = deque(maxlen=4)  # blocks of 64 buffers: over a second

    def __call__(self, block) -> None:
        import numpy as np

        n = len(block)
        if not np.isfinite(block.sum()):  # one cheap pass; count only when something is off
            bad = ~np.isfinite(block)
            self.nonfinite += int(bad.sum())
            block = np.where(bad, 0.0, block)
        if self.last is not None:
            joined = np.concatenate([self.last[None, :], block])
            first_frame = self.frames - 1
        else:
            joined, first_frame = block, 0
        steps = np.diff(joined, axis=0)  # row i: frame first_frame + i -> first_frame + i + 1
        np.abs(steps, out=steps)
        start = max(0, self.skip - first_frame)
        if start < len(steps):
            region = steps[start:]
            value = float(region.max())
            near = min(len(steps), self.near_left)
            if near > start:
                self.max_near = max(self.max_near, float(steps[start:near].max()))
                if len(steps) > near:
                    self.max_away = max(self.max_away, float(steps[near:].max()))
            else:
                self.max_away = max(self.max_away, value)
            key = (first_frame + start) // self.period
            if value > self.steps_by_period.get(key, -1.0):
                self.steps_by_period[key] = value
            if value > self.max_step:
                i = int(np.argmax(region)) // region.shape[1]
                self.max_step = value
                self.max_step_at = (first_frame + start + i + 1) / self.rate
        self.near_left = max(0, self.near_left - n)
        self.last = block[-1].copy()
        self.frames += n
        self.tail.append(block)  # the engine hands over a fresh array per block

    def mark_move(self) -> None:
        """A slider moves now: the next NEAR seconds (and the step into them) are watched."""
        self.near_left = int(NEAR * self.rate) + 1

    def last_second_peak(self) -> float:
        import numpy as np

        if not self.tail:
            return 0.0
        data = np.concatenate(list(self.tail))[-self.rate:]
        return float(np.max(np.abs(data)))


def reference_step(mix, seconds: float) -> float:
    """Largest step of `mix` held still, after its first second (the start has no fade-in)."""
    from ambience.engine import Engine

    engine = Engine("manual", fade_in=0, seed=12)
    try:
        engine.apply(mix, ramp=0)
        check = Checker(engine.rate, skip=1.0, period=max(seconds, 1.0))
        done = 0.0
        while done < seconds:
            step = min(BLOCK, seconds - done)
            engine.render(step, on_block=check)
            done += step
        return check.max_step
    finally:
        engine.close()


def measure(mode: str = "full") -> dict:
    from ambience.engine import Engine
    from ambience.core.timer import SleepTimer

    total, fade, ref_seconds, move_every, rss_every = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "seconds": total, "fade": fade, "label":
                 common.mix_label(mix, missing), "missing": missing,
                 "load_start": common.load_average()}
    if not mix.layers:
        out["error"] = "no layer of the standard mix exists yet"
        return out
    out["reference_seconds"] = ref_seconds
    out["reference_step"] = reference_step(mix, ref_seconds)

    progress = os.environ.get("AMBIENCE_SOAK_PROGRESS")
    engine = Engine("manual", fade_in=0, seed=11)
    rss, streams, cpu_by_hour = [], [], []
    moves = 0
    try:
        engine.apply(mix, ramp=0)
        timer = SleepTimer(total, fade, "quit", start=0.0, clock=lambda: 0.0)
        engine.set_master_envelope(timer.envelope_points(0.0, 1.0))
        hour = min(3600.0, total)
        check = Checker(engine.rate, skip=min(60.0, total / 4), period=hour)
        current = mix
        visits = [0] * len(mix.layers)
        t = 0.0
        next_move = move_every
        next_rss = 0.0
        hour_cpu0, next_hour = common.cpu(), hour
        end = total + AFTER_END
        while t < end - 1e-9:
            if t >= next_move - 1e-9 and t < total:
                k = moves % len(mix.layers)
                layer = mix.layers[k]
                visits[k] += 1
                level = layer.level * (0.8 if visits[k] % 2 else 1.0)
                current = current.with_level(layer.sound, level)
                engine.apply(current)
                check.mark_move()
                moves += 1
                next_move += move_every
            step = min(BLOCK, end - t, next_move - t if next_move > t else BLOCK)
            engine.render(step, on_block=check)
            t = check.frames / engine.rate
            if t >= next_rss - 1e-9:
                rss.append((t, common.rss_mib()))
                streams.append((t, int(engine.server.getNumberOfStreams())))
                next_rss += rss_every
                if progress:  # a long soak leaves its figures so far, in case it is stopped
                    snap = {**out, **figures(check, rss, streams, moves, cpu_by_hour, hour,
                                             total, rss_every), "partial": True}
                    Path(progress).write_text(json.dumps(snap))
            if t >= next_hour - 1e-9 or t >= end - 1e-9:
                now = common.cpu()
                cpu_by_hour.append(now - hour_cpu0)
                hour_cpu0, next_hour = now, next_hour + hour
        out["playing_at_end"] = engine.playing()
        out["envelope_at_end"] = engine.master_envelope_value()
    finally:
        engine.close()
    out.update(figures(check, rss, streams, moves, cpu_by_hour, hour, total, rss_every))
    out["end_peak"] = check.last_second_peak()
    return out


def figures(check: Checker, rss, streams, moves, cpu_by_hour, hour, total, rss_every) -> dict:
    """What the soak has seen so far (the final result, or a progress snapshot)."""
    return {
        "rss": rss, "streams": streams, "moves": moves, "nonfinite": check.nonfinite,
        "max_step": check.max_step, "max_step_at": check.max_step_at,
        "max_step_near_moves": check.max_near, "max_step_away": check.max_away,
        "steps_by_hour": [check.steps_by_period[k] for k in sorted(check.steps_by_period)
                          if k * hour < total],
        "skip": min(60.0, total / 4), "rss_every": rss_every,
        "cpu_by_hour": list(cpu_by_hour), "hour": hour, "frames": check.frames,
        "simulated_s": check.frames / check.rate, "load_end": common.load_average(),
    }


def clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def rows(r: dict) -> list[Row]:
    part = "6. soak"
    if "error" in r:
        return [Row(part, "standard mix", f"not run: {r['error']}")]
    complete = not r["missing"]
    partial = r.get("partial", False)
    head = (f"{common.span(r['seconds'])}, timer + {common.span(r['fade'])} fade, "
            f"{r['moves']} slider moves ({r['label']})")
    if partial:
        head = (f"STOPPED EARLY at {clock(r['simulated_s'])} of {common.span(r['seconds'])} "
                f"(timer + {common.span(r['fade'])} fade), {r['moves']} slider moves "
                f"({r['label']})")
    rss = r["rss"]
    first, last = rss[0][1], rss[-1][1]
    growth_mb = (last - first) * 2**20 / 1e6
    peak = max(v for _, v in rss)
    streams = [s for _, s in r["streams"]]
    table = [
        Row(part, f"{head}: RSS growth (sampled every {common.span(r['rss_every'])})",
            f"{growth_mb:+.2f} MB ({first:.1f} -> {last:.1f} MiB, peak {peak:.1f} MiB); pyo "
            f"streams {min(streams)}..{max(streams)}",
            f"< {RSS_BUDGET_MB:g} MB", growth_mb < RSS_BUDGET_MB),
        Row(part, "NaN or infinite samples (both channels)", f"{r['nonfinite']} of {2 * r['frames']}", "0",
            r["nonfinite"] == 0),
    ]
    ref = r["reference_step"]
    hours = ", ".join(f"{s:.3f}" for s in r["steps_by_hour"])
    near, away = r["max_step_near_moves"], r["max_step_away"]
    table.append(Row(
        part, f"largest sample-to-sample step after the first {common.span(r['skip'])}",
        f"{r['max_step']:.4f} at {clock(r['max_step_at'])} (per {common.span(r['hour'])}: "
        f"{hours}); the still mix in a {common.span(r['reference_seconds'])} reference: "
        f"{ref:.4f}"))
    table.append(Row(
        part, f"the same, within {NEAR * 1000:.0f} ms after each slider move / everywhere else",
        f"{near:.4f} / {away:.4f}", "near <= the mix's own",
        near <= away if complete else None))
    per_hour = [100 * c / r["hour"] for c in r["cpu_by_hour"]]
    if not partial and len(per_hour) > 1:
        per_hour = per_hour[:-1]  # the last entry is the couple of seconds after the end
    if per_hour:
        table.append(Row(part, f"CPU per simulated {common.span(r['hour'])} (first .. last)",
                         f"{per_hour[0]:.2f} % .. {per_hour[-1]:.2f} %"))
    if partial:
        table.append(Row(part, "level after the timer's end", "not reached", "silence", None))
        return table
    silent = r["end_peak"] == 0.0
    table.append(Row(part, "level after the timer's end (peak of the last second)",
                     f"{common.db(r['end_peak'])}; layers still running: "
                     f"{len(r['playing_at_end'])}", "silence", silent))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
