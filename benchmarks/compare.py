"""Issue 6, part 1: our engine against the file-playing mixers people use today.

The standard mix is rendered by a manual engine (nothing written) at the buffer size renders
use (`ambience.render.RENDER_BUFFER`; the others also run flat out): CPU seconds. In the same
run each of its layers is rendered once, alone at slider 1.0, to an Ogg Vorbis file, and the
files are decoded and mixed at the mix's gains, writing nothing (GStreamer's fakesink with
sync=false, ffmpeg's null muxer, sox to /dev/null), by GStreamer's `audiomixer` (Blanket's
engine), ffmpeg's `amix` and `sox -m`: CPU seconds of each child process.

Starting a tool costs CPU that a long-running mixer pays once, so each tool also mixes
one-second cuts of the same files, and its steady cost is (long - short) scaled to the full
length. Ratios compare steady costs. Every measurement is the least disturbed of several
interleaved runs, so a neighbour's load hits all contestants alike.

    python -m benchmarks.compare [--quick | --tiny] [--json] [--install-tools]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ambience.render.segment import RENDER_BUFFER
from benchmarks import common
from benchmarks.common import Row

#: (seconds mixed, repeats)
SETTINGS = {"full": (60.0, 3), "quick": (20.0, 2), "tiny": (2.0, 1)}
SHORT = 1.0
#: tool -> (commands that must exist, Debian packages that provide them)
TOOLS = {
    "gstreamer audiomixer": (("gst-launch-1.0", "gst-inspect-1.0"),
                             ("gstreamer1.0-tools", "gstreamer1.0-plugins-base")),
    "ffmpeg amix": (("ffmpeg",), ("ffmpeg",)),
    "sox -m": (("sox",), ("sox", "libsox-fmt-all")),
}


def gst_command(files: list[Path], gains: list[float],
                sink: tuple[str, ...] = ("fakesink", "sync=false")) -> list[str]:
    """`audiomixer` decoding and mixing `files` at `gains` into `sink` (by default as fast as
    it can, writing nothing; `("pulsesink",)` plays them in real time)."""
    cmd = ["gst-launch-1.0", "-q", "audiomixer", "name=m"]
    cmd += [f"sink_{i}::volume={g:.6f}" for i, g in enumerate(gains)]
    cmd += ["!", "audio/x-raw,format=F32LE,rate=48000,channels=2", "!", *sink]
    for i, f in enumerate(files):
        cmd += ["filesrc", f"location={f}", "!", "oggdemux", "!", "vorbisdec", "!",
                "audioconvert", "!", f"m.sink_{i}"]
    return cmd


def ffmpeg_command(files: list[Path], gains: list[float]) -> list[str]:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"]
    for f in files:
        cmd += ["-i", str(f)]
    weights = " ".join(f"{g:.6f}" for g in gains)
    cmd += ["-filter_complex",
            f"amix=inputs={len(files)}:duration=longest:normalize=0:weights={weights}",
            "-f", "null", "-"]
    return cmd


def sox_command(files: list[Path], gains: list[float]) -> list[str]:
    cmd = ["sox", "-q", "-V1"] + (["-m"] if len(files) > 1 else [])
    for f, g in zip(files, gains):
        cmd += ["-v", f"{g:.6f}", str(f)]
    # `-n` (the null file) lets sox skip reading its inputs altogether: write raw floats to
    # /dev/null instead, the same nothing that fakesink and `-f null` write
    return cmd + ["-t", "f32", "/dev/null"]


COMMANDS = {"gstreamer audiomixer": gst_command, "ffmpeg amix": ffmpeg_command,
            "sox -m": sox_command}


def tool_status(name: str, install: bool) -> str | None:
    """None when the tool is usable, else why not (after an install attempt if allowed)."""
    commands, packages = TOOLS[name]

    def missing() -> list[str]:
        gone = [c for c in commands if shutil.which(c) is None]
        if not gone and name.startswith("gstreamer"):
            for element in ("audiomixer", "vorbisdec", "oggdemux"):
                probe = subprocess.run(["gst-inspect-1.0", element], capture_output=True)
                if probe.returncode != 0:
                    gone.append(f"GStreamer element {element}")
        return gone

    gone = missing()
    if gone and install:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            return f"missing {', '.join(gone)}; --install-tools needs root and apt-get"
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        gone = missing()
    if gone:
        return (f"missing {', '.join(gone)} (apt-get install {' '.join(packages)}, "
                "or run with --install-tools as root)")
    return None


def child_cpu(cmd: list[str]) -> float:
    """CPU seconds of one run of `cmd`; raises with its error output when it fails."""
    before = common.children_cpu()
    done = subprocess.run(cmd, capture_output=True, text=True)
    spent = common.children_cpu() - before
    if done.returncode != 0:
        err = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(err[-1] if err else f"exit status {done.returncode}")
    return spent


def render_layer_files(mix, folder: Path, seconds: float) -> tuple[list[Path], list[Path], list[float]]:
    """Each layer alone at slider 1.0 to `<id>.ogg`, plus a one-second cut; the mix's gains."""
    import soundfile

    from ambience.core.mix import Layer, Mix
    from ambience.render.offline import render_to_file

    long_files, short_files, gains = [], [], []
    for i, layer in enumerate(mix.layers):
        path = folder / f"{i}-{Path(layer.sound).stem}.ogg"
        render_to_file(Mix(layers=(Layer(layer.sound, 1.0),)), path, seconds, seed=i + 1,
                       fade_in=0.0)
        data, rate = soundfile.read(str(path), frames=int(SHORT * 48000), dtype="float32")
        cut = folder / f"{i}-short.ogg"
        soundfile.write(str(cut), data, rate, format="OGG", subtype="VORBIS")
        long_files.append(path)
        short_files.append(cut)
        gains.append(layer.gain * mix.master_gain)
    return long_files, short_files, gains


def measure(mode: str = "full", install_tools: bool = False) -> dict:
    seconds, repeats = SETTINGS[mode]
    mix, missing = common.standard_mix()
    out: dict = {"mode": mode, "seconds": seconds, "label": common.mix_label(mix, missing),
                 "missing": missing, "load_start": common.load_average(), "tools": {}}
    if not mix.layers:
        out["ours"] = None
        return out
    status = {name: tool_status(name, install_tools) for name in TOOLS}
    with tempfile.TemporaryDirectory(prefix="ambience-compare-") as tmp:
        long_files, short_files, gains = render_layer_files(mix, Path(tmp), seconds)
        out["ogg_mib"] = sum(f.stat().st_size for f in long_files) / 2**20
        ours_best = float("inf")
        best = {name: [float("inf"), float("inf")] for name in TOOLS}
        errors: dict[str, str] = {}
        for _ in range(repeats):  # interleaved: a burst of load hits every contestant
            ours_best = min(ours_best, common.render_cost(mix, seconds, 1)["cpu_s"])
            for name, build in COMMANDS.items():
                if status[name] or name in errors:
                    continue
                try:
                    best[name][0] = min(best[name][0], child_cpu(build(long_files, gains)))
                    best[name][1] = min(best[name][1], child_cpu(build(short_files, gains)))
                except (RuntimeError, OSError) as exc:
                    errors[name] = str(exc)
    out["ours"] = {"cpu_s": ours_best, "pct": common.pct(ours_best, seconds)}
    out["buffer"] = RENDER_BUFFER
    for name in TOOLS:
        if status[name] or name in errors:
            out["tools"][name] = {"error": status[name] or errors[name]}
            continue
        full, short = best[name]
        steady = max(0.0, full - short) * seconds / (seconds - SHORT)
        out["tools"][name] = {"cpu_s": full, "startup_s": short, "steady_s": steady,
                              "pct": common.pct(steady, seconds),
                              "ratio": ours_best / steady if steady > 0 else None}
    out["load_end"] = common.load_average()
    return out


def rows(r: dict) -> list[Row]:
    part = "1. engine vs file mixers"
    s = r["seconds"]
    if r.get("ours") is None:
        return [Row(part, "standard mix", f"nothing to play ({r['label']})")]
    ours = r["ours"]
    table = [Row(part, f"ours: standard mix ({r['label']}), {s:g} s, manual server at "
                 f"{r.get('buffer', '?')}-frame buffers (as renders use)",
                 f"{ours['cpu_s']:.3f} CPU s ({common.fmt_pct(ours['pct'])})")]
    for name, t in r["tools"].items():
        if "error" in t:
            table.append(Row(part, f"{name}: same layers from Ogg files", f"not run: {t['error']}"))
            continue
        budget = "ours cheaper" if name.startswith("gstreamer") else ""
        ratio = t["ratio"]
        holds = (ratio < 1.0) if budget and ratio is not None and not r["missing"] else None
        table.append(Row(
            part, f"{name}: same layers from Ogg files, {s:g} s",
            f"{t['steady_s']:.3f} CPU s steady ({common.fmt_pct(t['pct'])}; "
            f"+{t['startup_s']:.3f} s start-up); ours/theirs = "
            + (f"{ratio:.2f}" if ratio is not None else "n/a"),
            budget, holds))
    return table


if __name__ == "__main__":
    raise SystemExit(common.main(__import__(__name__), __doc__))
