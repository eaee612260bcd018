"""Every benchmark script runs in its tiny mode and prints its figures as one table.

The scripts run side by side in child processes (each boots its own pyo server, the
real-time one its own private JACK server), so the whole module takes about as long as the
slowest script. The figures of a tiny run mean little; what is pinned is that each script
works end to end on this checkout, every part of it (so the peers compared against must be
installed: GStreamer, ffmpeg, sox, JACK, and perf where `.ci/run` installs it), and the few figures
that do not depend on load.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: one worker runs the module (its fixture starts every script once) and the other real-time
#: tests, one after another (tests/test_realtime_jack.py)
pytestmark = [pytest.mark.slow, pytest.mark.realtime, pytest.mark.xdist_group("realtime")]

REPO = Path(__file__).resolve().parents[1]

#: script -> measures its table must hold, each with a figure (matched in the measure column:
#: a part's title, such as "2. real time (JACK dummy)", proves nothing)
EXPECTED = {
    "engine": ["empty engine", "`pink` noise layer", "1 file layer", "8 file layers",
               "memory: engine idle"],
    "sounds": ["empty engine (paid once)", "`brown` alone", "standard mix"],
    "intensity": ["`birds` at intensity 0 / 0.5 / 1"],
    "profile": ["all pyo objects' processing", "busiest functions", "DSP time by pyo class"],
    "compare": ["ours: standard mix", "gstreamer audiomixer: same layers",
                "ffmpeg amix: same layers", "sox -m: same layers"],
    "realtime": ["slider moved 20/s: process CPU", "xruns at 256 frames",
                 "largest gap between audio callbacks", "slider moves applied",
                 "why live costs more than a render"],
    "memory": ["peak RSS, standard mix", "user FLAC files"],
    "latency": ["slider 0.2 -> 0.6", "slider 0.6 -> 0.2"],
    "render_speed": ["of the standard mix"],
    "soak": ["RSS growth", "NaN or infinite samples", "largest sample-to-sample step",
             "level after the timer's end"],
    "streaming": ["peak RSS, standard mix + 8 Ogg files", "CPU per streamed layer",
                  "reader hung"],
    "alive": ["`pink` drifting", "while away (stopped)", "alive stage"],
    "spatial": ["`whisper` binaural / still", "headphones stage (ours) on one source",
                "pyo `HRTF` at -90 deg"],
}
#: a result that says a part, or a piece of it, did not run (a missing peer tool, a JACK
#: server that never came up, a sound that no longer exists)
DID_NOT_RUN = re.compile(r"not run|failed|nothing to play|not measured|no callbacks recorded")
#: measures whose result is words by nature
WORDS = ("real-time threads in the process",)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Run every script (and the runner on one of them) at once; collect what each printed."""
    home = tmp_path_factory.mktemp("bench-home")
    env = {**os.environ, "PYO_GUI_WX": "0"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    commands = {name: [sys.executable, "-m", f"benchmarks.{name}", "--tiny"] for name in EXPECTED}
    commands["runner"] = [sys.executable, "-m", "benchmarks", "--tiny", "--only", "sounds"]
    procs = {
        name: subprocess.Popen(cmd, cwd=str(REPO), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        for name, cmd in commands.items()
    }
    done = {}
    for name, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        done[name] = (proc.returncode, out, err)
    return done


def table_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ") and not line.startswith("| part")]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_benchmark_script_runs_every_part_in_tiny_mode(outputs, name):
    status, out, err = outputs[name]
    assert status == 0, f"benchmarks.{name} failed:\n{err[-2000:]}"
    assert "Traceback" not in err
    if name == "profile" and shutil.which("perf") is None:
        # the README's command does not install perf (its package name differs between
        # Debian and Ubuntu; `.ci/run` installs it): the table must say what is missing
        assert "perf is not installed" in out, out
        return
    rows = table_rows(out)
    assert rows, f"benchmarks.{name} printed no table:\n{out}"
    for wanted in EXPECTED[name]:
        found = [row for row in rows if wanted in row[1]]
        assert found, f"no `{wanted}` row in benchmarks.{name}:\n{out}"
        assert all(re.search(r"\d", row[2]) for row in found), found
    for part, measure, result, *_ in rows:
        # every part ran, whole: each result is a figure, never an excuse
        assert not DID_NOT_RUN.search(result), (part, measure, result)
        assert "missing:" not in measure, (part, measure)  # the standard mix lacks a layer
        assert re.search(r"\d", result) or measure.startswith(WORDS), (part, measure, result)


def test_control_latency_is_within_its_budget_and_measured_sample_exactly(outputs):
    _, out, _ = outputs["latency"]
    rows = table_rows(out)
    assert len(rows) == 2, out  # both slider moves
    for row in rows:
        ms = float(re.match(r"([\d.]+) ms", row[2]).group(1))
        assert 40.0 < ms < 60.0, row
        assert "sample-exact" in row[2], row


def test_soak_in_tiny_mode_finds_no_nan_and_ends_in_digital_silence(outputs):
    _, out, _ = outputs["soak"]
    rows = {row[1].split(":")[0]: row for row in table_rows(out)}
    assert rows["NaN or infinite samples (both channels)"][2].startswith("0 of ")
    assert "digital silence" in rows["level after the timer's end (peak of the last second)"][2]


def test_runner_describes_the_machine_and_prints_one_table(outputs):
    status, out, err = outputs["runner"]
    assert status == 0, err[-2000:]
    assert re.search(r"machine: .+, \d+ cores", out)
    assert re.search(r"Python 3\.\d+\.\d+, pyo \d", out)
    assert out.count("| part | measure |") == 1
    assert "judged budgets hold" in out
