"""Issue 6, part 3: memory. Peak RSS (VmHWM) of the headless player, `ambience play --audio
null`, as a child process: with the standard mix, then with the standard mix plus eight user
sound files of three minutes each (stereo 48 kHz FLAC, made here with numpy). Budget: under
100 MB for the standard mix.

A file layer streams from disk through a ring of 11 s (4 MiB at 48 kHz) whatever the file's
length (issue 16; `benchmarks.streaming` plays one-hour files); the figure shows what eight
file layers add.

    python -m benchmarks.memory [--quick | --tiny] [--json]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: (seconds of play after start-up, number of user files, seconds of each file)
SETTINGS = {"full": (10.0, 8, 180.0), "quick": (5.0, 8, 30.0), "tiny": (1.0, 2, 2.0)}
BUDGET_MB = 100.0


def run_player(extra: list[str], seconds: float, env: dict) -> dict:
    """Start the player, wait for it to say it plays, let it play `seconds`, read its peak
    RSS, then stop it with SIGTERM (its calm stop) and collect what it said."""
    cmd = [sys.executable, "-m", "ambience", "play", "--audio", "null",
           str(common.STANDARD_MIX), *extra]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=str(common.REPO))
    lines: list[str] = []
    started = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("playing"):
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while not started.is_set() and proc.poll() is None and time.monotonic() < deadline:
        started.wait(0.05)
    startup = time.monotonic() - t0
    result: dict = {"startup_s": startup}
    if not started.is_set():
        proc.kill()
        _, err = proc.communicate()
        result["error"] = (err.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return result
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and proc.poll() is None:
        samples.append(common.proc_status("VmRSS", proc.pid) or 0)
        time.sleep(0.25)
    hwm = common.proc_status("VmHWM", proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    reader.join(timeout=1)
    result.update({
        "hwm_mib": (hwm or 0) / 1024, "rss_last_mib": (samples[-1] if samples else 0) / 1024,
        "exit": proc.returncode, "said": lines[:1], "warnings": err.strip().splitlines()[:3],
    })
    return result


def measure(mode: str = "full") -> dict:
    seconds, n_files, file_seconds = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "seconds": seconds, "label": common.mix_label(mix, missing),
                 "missing": missing, "files": n_files, "file_seconds": file_seconds}
    if not mix.layers:
        out["error"] = "no layer of the standard mix exists yet"
        return out
    with tempfile.TemporaryDirectory(prefix="ambience-memory-") as tmp:
        env = {**os.environ, "PYO_GUI_WX": "0"}
        # a private config/state so the player neither reads nor writes the user's
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            env[var] = str(Path(tmp) / var.lower())
        out["standard"] = run_player([], seconds, env)
        files = [common.write_noise_file(Path(tmp) / f"user-{i}.flac", file_seconds, seed=100 + i)
                 for i in range(n_files)]
        out["files_mib_on_disk"] = sum(f.stat().st_size for f in files) / 2**20
        extra = []
        for f in files:
            extra += ["--layer", f"{f}=0.3"]
        out["with_files"] = run_player(extra, seconds, env)
    return out


def rows(r: dict) -> list[Row]:
    part = "3. memory (headless player)"
    if "error" in r:
        return [Row(part, "standard mix", f"not run: {r['error']}")]
    table = []
    std = r["standard"]
    label = f"peak RSS, standard mix ({r['label']})"
    if "error" in std:
        table.append(Row(part, label, f"failed: {std['error']}", f"< {BUDGET_MB:g} MB", False))
    else:
        mb = std["hwm_mib"] * 2**20 / 1e6
        table.append(Row(part, label, f"{std['hwm_mib']:.0f} MiB ({mb:.0f} MB; "
                         f"{std['rss_last_mib']:.0f} MiB once playing); started in "
                         f"{std['startup_s']:.1f} s", f"< {BUDGET_MB:g} MB",
                         mb < BUDGET_MB if not r["missing"] else None))
    wf = r["with_files"]
    label = f"peak RSS, standard mix + {r['files']} user FLAC files of {common.span(r['file_seconds'])}"
    if "error" in wf:
        table.append(Row(part, label, f"failed: {wf['error']}"))
    else:
        added = wf["hwm_mib"] - std.get("hwm_mib", 0.0)
        table.append(Row(part, label, f"{wf['hwm_mib']:.0f} MiB (+{added:.0f} MiB; "
                         f"{wf['rss_last_mib']:.0f} MiB once playing); started in "
                         f"{wf['startup_s']:.1f} s"))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
