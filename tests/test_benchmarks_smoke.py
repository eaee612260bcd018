"""Every benchmark script runs in its tiny mode and prints its figures as one table.

The scripts run side by side in child processes (each boots its own pyo server, the
real-time one its own private JACK server), so the whole module takes about as long as the
slowest script. The figures of a tiny run mean little; what is pinned is that each script
works end to end on this checkout, and the few figures that do not depend on load.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: script -> rows its table must contain
EXPECTED = {
    "engine": ["empty engine", "`pink` noise layer", "1 file layer", "8 file layers",
               "memory: engine idle"],
    "sounds": ["empty engine (paid once)", "`brown` alone", "standard mix"],
    "profile": ["standard mix"],
    "compare": ["ours: standard mix", "gstreamer audiomixer", "ffmpeg amix", "sox -m"],
    "realtime": ["real time"],
    "memory": ["peak RSS, standard mix", "user FLAC files"],
    "latency": ["slider 0.2 -> 0.6", "slider 0.6 -> 0.2"],
    "render_speed": ["of the standard mix"],
    "soak": ["RSS growth", "NaN or infinite samples", "largest sample-to-sample step",
             "level after the timer's end"],
    "streaming": ["peak RSS, standard mix + 8 Ogg files", "CPU per streamed layer",
                  "reader hung"],
}


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
def test_each_benchmark_script_prints_its_table_in_tiny_mode(outputs, name):
    status, out, err = outputs[name]
    assert status == 0, f"benchmarks.{name} failed:\n{err[-2000:]}"
    assert "Traceback" not in err
    rows = table_rows(out)
    assert rows, f"benchmarks.{name} printed no table:\n{out}"
    for wanted in EXPECTED[name]:
        assert any(wanted in row[1] or wanted in row[0] for row in rows), (wanted, out)
    for row in rows:
        assert not row[2].startswith("failed"), row
        # every result carries a figure, or says plainly why it was not run
        assert re.search(r"\d", row[2]) or row[2].startswith("not run") or \
            row[2] == "nothing to play", row


def test_control_latency_is_within_its_budget_and_measured_sample_exactly(outputs):
    _, out, _ = outputs["latency"]
    for row in table_rows(out):
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
