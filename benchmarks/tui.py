"""Issue 5: the mixer's cost, measured on the installed `ambience --audio null` in a real
terminal (tmux): time from launch to the first drawn frame (budget 0.5 s), idle CPU of the
open mixer with its meters running (budget 5 % of one core) and its memory with the standard
mix playing (budget 100 MB RSS).

The null back-end synthesizes the mix in the same process, so the CPU figure is split by
thread: the main thread is the interface (Textual's loop, the meters at 10 Hz), the other
threads are the engine making sound. Ids of the standard mix the catalog does not have yet are
left out, and the table says so.

    python -m benchmarks.tui [--quick | --tiny] [--json]
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (launches timed, seconds to settle, seconds of CPU measurement)
SETTINGS = {"full": (5, 5.0, 20.0), "quick": (3, 4.0, 10.0), "tiny": (1, 2.0, 2.0)}
FIRST_FRAME_BUDGET = 0.5
CPU_BUDGET = 5.0
RSS_BUDGET_MB = 100.0
#: after the sleep timer's end with "stop", nothing should be computed (issue 14)
ENDED_BUDGET = 0.5
TICKS = os.sysconf("SC_CLK_TCK")


def _command() -> str:
    beside = Path(sys.executable).parent / "ambience"
    found = str(beside) if beside.exists() else shutil.which("ambience")
    if found is None:
        raise SystemExit("the `ambience` command is not installed (pip install -e .)")
    return found


class Terminal:
    """`ambience --audio null` alone in a tmux pane on a private server."""

    def __init__(self, home: Path, size=(100, 32)) -> None:
        self.socket = f"ambience-bench-{os.getpid()}-{time.monotonic_ns()}"
        env = " ".join(f"{k}={shlex.quote(str(home / k.lower()))}"
                       for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"))
        self.started = time.monotonic()
        self.tmux("new-session", "-d", "-s", "b", "-x", str(size[0]), "-y", str(size[1]),
                  f"exec env {env} {shlex.quote(_command())} --audio null")
        self.pid = int(self.tmux("display-message", "-p", "-t", "b", "#{pane_pid}").strip())

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", os.devnull, *args],
                              capture_output=True, text=True, timeout=10).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "b")

    def first_frame(self, timeout: float = 20.0) -> tuple[float, float]:
        """Seconds from launch until the mixer's rows are on the screen, and the CPU seconds
        the process had used by then (less disturbed by a busy machine than the wall time)."""
        end = self.started + timeout
        while time.monotonic() < end:
            if "Master" in self.screen():
                return time.monotonic() - self.started, sum(thread_cpu(self.pid).values())
            time.sleep(0.005)
        raise RuntimeError("the mixer never drew:\n" + self.screen())

    def close(self) -> None:
        self.tmux("send-keys", "-t", "b", "q", "q")
        time.sleep(0.5)
        self.tmux("kill-server")


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds per thread id (user + system)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            out[int(task.name)] = (int(fields[11]) + int(fields[12])) / TICKS
        except (OSError, ValueError, IndexError):
            continue
    return out


def write_session(home: Path, mix) -> None:
    """The standard mix as the last session, so the mixer opens playing it."""
    env = {k: str(home / k.lower()) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from ambience.library.preset import preset_from_mix
        from ambience.library.presets import save_last_session

        save_last_session(preset_from_mix(mix, "standard mix"))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def measure(mode: str) -> dict:
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed (apt-get install tmux)")
    launches, settle, span = SETTINGS[mode]
    mix, missing = common.standard_mix()
    # pip compiles an installed package's modules; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 (as on the build machine) would compile ours at every launch
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(common.REPO / "ambience")],
                   check=False, capture_output=True)
    frames, frame_cpu = [], []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            (home / k.lower()).mkdir()
        write_session(home, mix)
        for _ in range(launches):
            term = Terminal(home)
            try:
                wall, used = term.first_frame()
                frames.append(wall)
                frame_cpu.append(used)
            finally:
                term.close()
        term = Terminal(home)
        try:
            term.first_frame()
            time.sleep(settle)
            before = thread_cpu(term.pid)
            t0 = time.monotonic()
            time.sleep(span)
            after = thread_cpu(term.pid)
            elapsed = time.monotonic() - t0
            rss = common.rss_mib(term.pid)
            screen = term.screen()
            ended = after_timer_end(term, span)
        finally:
            term.close()
    used = {tid: after[tid] - before.get(tid, 0.0) for tid in after}
    ui = used.get(term.pid, 0.0)
    total = sum(used.values())
    return {
        "first_frame_s": statistics.median(frames),
        "first_frame_all_s": frames,
        "first_frame_cpu_s": statistics.median(frame_cpu),
        "load_average": common.load_average(),
        "ui_cpu_pct": common.pct(ui, elapsed),
        "engine_cpu_pct": common.pct(total - ui, elapsed),
        "total_cpu_pct": common.pct(total, elapsed),
        "rss_mib": rss,
        "layers": [layer.sound for layer in mix.layers],
        "missing": missing,
        "mix": common.mix_label(mix, missing),
        "meters_drawn": "█" in screen or "▏" in screen,
        "ended_cpu_pct": ended,
    }


#: the sleep timer the mixer is given, typed into its dialog: it ends with "stop"
END_TIMER = "8s"


def after_timer_end(term: Terminal, span: float) -> float | None:
    """The mixer's whole CPU (interface and engine) once a sleep timer has ended with
    "stop": the layers stopped, the engine at rest, the window still open."""
    term.tmux("send-keys", "-t", "b", "t")
    time.sleep(1.0)
    term.tmux("send-keys", "-t", "b", END_TIMER, "Enter")
    time.sleep(8.0 + 4.0)  # the timer, its end, the layers' stop and the rest margin
    if "sleep" in term.screen().split("\n", 1)[0]:
        return None  # the timer is still running: the keys did not reach the dialog
    before = thread_cpu(term.pid)
    t0 = time.monotonic()
    time.sleep(span)
    after = thread_cpu(term.pid)
    elapsed = time.monotonic() - t0
    return common.pct(sum(after[t] - before.get(t, 0.0) for t in after), elapsed)


def rows(r: dict) -> list[Row]:
    part = "TUI (issue 5)"
    return [
        Row(part, "launch to first frame, `ambience --audio null` in tmux (median)",
            f"{r['first_frame_s']:.2f} s", f"< {FIRST_FRAME_BUDGET} s",
            r["first_frame_s"] < FIRST_FRAME_BUDGET),
        Row(part, f"CPU used up to the first frame (median; load average {r['load_average']})",
            f"{r['first_frame_cpu_s']:.2f} s"),
        Row(part, f"idle CPU of the interface, meters at 10 Hz ({r['mix']})",
            common.fmt_pct(r["ui_cpu_pct"]), f"< {CPU_BUDGET} % of one core",
            r["ui_cpu_pct"] < CPU_BUDGET),
        Row(part, "CPU of the engine threads making the sound (same process, for reference)",
            common.fmt_pct(r["engine_cpu_pct"])),
        Row(part, f"RSS with the mix playing ({r['mix']})", f"{r['rss_mib']:.1f} MiB",
            f"< {RSS_BUDGET_MB:.0f} MB", r["rss_mib"] < RSS_BUDGET_MB),
        Row(part, f"whole process after a {END_TIMER} sleep timer ended with stop (window open)",
            "not run: the timer did not start" if r.get("ended_cpu_pct") is None else
            common.fmt_pct(r["ended_cpu_pct"]), f"< {ENDED_BUDGET} % of one core",
            r.get("ended_cpu_pct") is not None and r["ended_cpu_pct"] < ENDED_BUDGET),
    ]


if __name__ == "__main__":
    sys.exit(common.main(sys.modules[__name__], __doc__.splitlines()[0]))
