"""Run every benchmark and print one table, with the machine it was measured on.

    python -m benchmarks [--quick | --tiny] [--only NAMES] [--output FILE] [--install-tools]

Each benchmark runs in its own process (a fresh pyo server, its own memory figures, and a
crash in one cannot take the table down); the runner collects their JSON and formats it.
`--quick` keeps the whole table under five minutes; the committed `RESULTS.md` is a full run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.common import Row

#: module name -> what it measures (in the order of the table)
PARTS = {
    "engine": "the engine's own cost (issue 2)",
    "sounds": "each sound's cost (issue 3)",
    "intensity": "each sound's cost across its intensity (issue 18)",
    "profile": "where the CPU goes (perf)",
    "compare": "1. engine vs file-playing mixers",
    "realtime": "2. real-time cost through JACK",
    "memory": "3. memory of the headless player",
    "latency": "4. control latency",
    "render_speed": "5. offline render speed",
    "soak": "6. soak",
    "streaming": "file layers streamed from disk (issue 16)",
    "alive": "drift and now and then (issue 18)",
    "spatial": "motion and headphones placement (issue 19)",
    "tui": "the mixer's interface (issue 5)",
}


def run_part(name: str, mode: str, install_tools: bool) -> tuple[dict | None, str, float]:
    """(figures, error text, seconds taken) of one benchmark run in a child process."""
    cmd = [sys.executable, "-m", f"benchmarks.{name}", "--json"]
    if mode != "full":
        cmd.append(f"--{mode}")
    if install_tools and name == "compare":
        cmd.append("--install-tools")
    env = {**os.environ, "PYO_GUI_WX": "0"}
    t0 = time.monotonic()
    done = subprocess.run(cmd, cwd=str(common.REPO), capture_output=True, text=True, env=env)
    took = time.monotonic() - t0
    for line in done.stdout.splitlines():
        if line.startswith(common.JSON_MARK):
            return json.loads(line[len(common.JSON_MARK):]), "", took
    lines = (done.stderr or done.stdout).strip().splitlines()
    reason = lines[-1] if lines else f"exit status {done.returncode}"
    if done.returncode < 0:
        reason = f"killed by signal {-done.returncode}; {reason}"
    return None, reason, took


def header(mode: str, machine: dict, loads: list[str], started: str, took: float,
           missing: list[str] | None, reused: dict) -> str:
    lines = [
        f"# ambience benchmarks ({mode} run)",
        "",
        f"- machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}",
        f"- software: Python {machine['python']}, pyo {machine['pyo']}, numpy {machine['numpy']}, "
        f"soundfile {machine['soundfile']}",
        (f"- run: {started} UTC, {took / 60:.1f} min"
         + (f" (parts {', '.join(reused)} taken from an earlier run)" if reused else "")
         if took >= 1.0 else f"- assembled at {started} UTC from saved runs of the parts")
        + f"; 1-minute load average before each part (other work on this machine): "
        f"{', '.join(x.split()[0] for x in loads)}",
        "- CPU is % of one core in real time. Offline figures are CPU time (least disturbed of "
        "several runs), so other load on the machine inflates them only a little; real-time "
        "figures (part 2) depend on the load shown above.",
    ]
    if missing:
        lines.append(f"- **the standard mix is incomplete**: these layers do not exist yet and "
                     f"were left out everywhere: {', '.join(missing)}; budgets that need the "
                     "whole mix are not judged")
    elif missing is not None:
        lines.append("- the standard mix is complete (all 8 layers)")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    group = p.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="shorter runs: under five minutes")
    group.add_argument("--tiny", action="store_true", help="seconds-long runs (smoke test)")
    p.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(PARTS)}")
    p.add_argument("--output", type=Path, default=None,
                   help="also write the table (Markdown) to this file")
    p.add_argument("--save-json", type=Path, default=None, help="save every raw figure as JSON")
    p.add_argument("--reuse", type=Path, action="append", default=[],
                   help="take the figures of the parts not run now (not in --only) from a file "
                   "saved earlier with --save-json, so one part can be re-measured alone; "
                   "repeat to merge several files (later ones win)")
    p.add_argument("--format-only", action="store_true",
                   help="run nothing: print the table of the --reuse files")
    p.add_argument("--install-tools", action="store_true",
                   help="apt-get install missing gstreamer/ffmpeg/sox (root only)")
    args = p.parse_args(argv)
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(PARTS)
    unknown = [n for n in names if n not in PARTS]
    if unknown:
        p.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if args.format_only:
        if not args.reuse:
            p.error("--format-only needs --reuse FILE")
        names = []
    reused: dict = {}
    for path in args.reuse:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            p.error(f"--reuse {path}: cannot read it ({exc})")
        parts = saved.get("parts", {}) if "parts" in saved else {"soak": saved}
        reused.update({k: v for k, v in parts.items() if k not in names})
    if args.reuse:
        names = [n for n in PARTS if n in names or n in reused]
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    t0 = time.monotonic()
    rows: list[Row] = []
    raw: dict = {"mode": mode, "machine": common.machine(), "parts": {}}
    loads: list[str] = []
    missing: list[str] | None = None
    for name in names:
        module = __import__(f"benchmarks.{name}", fromlist=["rows"])
        if name in reused:
            result = reused[name]
            error = result.get("failed", "") if isinstance(result, dict) else ""
            result = None if error else result
            load = (result.get("load_before") or result.get("load_start", "?")) if result else "?"
            loads.append(load)
        else:
            load = common.load_average()
            loads.append(load)
            print(f"running {name}: {PARTS[name]} ...", file=sys.stderr, flush=True)
            result, error, took = run_part(name, mode, args.install_tools)
            if result is not None:
                result["load_before"] = load
            print(f"  {name} took {took:.0f} s" + (f" and FAILED: {error}" if error else ""),
                  file=sys.stderr, flush=True)
        raw["parts"][name] = result if result is not None else {"failed": error}
        if result is None:
            rows.append(Row(PARTS[name], "run", f"failed: {error}", "", False))
            continue
        if missing is None and "missing" in result:
            missing = result["missing"]
        try:
            rows.extend(module.rows(result))
        except Exception as exc:  # a figure missing from an odd result must not lose the table
            rows.append(Row(PARTS[name], "format", f"could not format: {exc!r}", "", False))
    took = time.monotonic() - t0
    modes = {v.get("mode") for v in raw["parts"].values() if isinstance(v, dict) and v.get("mode")}
    if modes:
        mode = "/".join(sorted(modes))
    text = header(mode, raw["machine"], loads, started, took, missing, reused) + "\n" \
        + common.markdown(rows)
    verdicts = [r.holds for r in rows if r.holds is not None]
    text += (f"\n{sum(verdicts)} of {len(verdicts)} judged budgets hold"
             + (f"; missed: {', '.join(r.measure.split(':')[0] for r in rows if r.holds is False)}"
                if False in verdicts else "") + ".\n")
    print(text, end="", flush=True)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    if args.save_json:
        args.save_json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
