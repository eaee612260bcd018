"""`ambience render`: a mix to an audio file, offline, faster than real time, no sound card.

Honours the sleep timer (`--timer`, `--fade`) so a sleep track for a phone fades exactly like
live playback: the timer's breakpoints go to `render_to_file` as the master envelope.
Ctrl-C (or SIGTERM) stops between blocks; `render_to_file` then removes its temporary file,
so no half-written file is left behind.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from ambience.cli import common
from ambience.cli.play import add_preset_argument, add_timer_options, request_from_args
from ambience.core.durations import format_duration

#: exit status after an interrupted render (the shell's convention for SIGINT)
INTERRUPTED = 130


class RenderInterrupted(Exception):
    """Raised from the progress callback so the render stops at a block boundary."""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "render", help="render a mix to a WAV, FLAC or Ogg file",
        description="Render a preset or layers offline (no sound card needed). The format "
        "follows the output file's extension: .wav, .flac or .ogg. With --timer the file fades "
        "out like the sleep timer does, e.g. `ambience render \"ocean sleep\" --duration 1h "
        "--timer 1h --fade 15m --output sleep.flac`.",
    )
    add_preset_argument(p)
    common.add_layer_options(p)
    common.add_shaping_options(p)
    common.add_listening_options(p)
    p.add_argument("--duration", "-d", type=common.duration_arg, default=None,
                   help="length, e.g. 30s, 45m, 1h30m (default: the timer's length)")
    p.add_argument("--output", "-o", required=True, help="the file to write (.wav, .flac, .ogg)")
    p.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    add_timer_options(p)
    p.add_argument("--seed", type=int, default=None, help="make the render reproducible")
    p.add_argument("--rate", type=common.rate_arg, default=48000, metavar="HZ",
                   help="sample rate: " + ", ".join(str(r) for r in common.RATES)
                   + " (default 48000)")
    p.set_defaults(run=run)


def envelope_for(timer_settings) -> list[tuple[float, float]] | None:
    """The timer's master envelope from the render's first sample (level 0, rising with the
    engine's start-up fade-in, then holding, then the perceptual fade to silence)."""
    if timer_settings is None:
        return None
    from ambience.session import timer_plan

    return timer_plan(timer_settings.duration, timer_settings.fade)


def lives(mix) -> bool:
    """Whether the mix changes over time on its own (drift, comings and goings, motion, the
    breathing pacer). Such a mix renders in one process: the parts of a parallel render each
    start their own schedules and pacer at their own second 0, so at a seam a breath would
    jump phase, a drifting level or a moving whisper would swing within the 2 s crossfade,
    and a "now and then" layer could pop in. Intensity alone is steady, so it may share."""
    return bool(mix.breathing) or any(
        layer.drift > 0 or layer.presence < 1 or layer.motion > 0 for layer in mix.layers)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    # a preset's [timer] shapes a render only when asked (--timer or --fade): a plain
    # `--duration 1h` render of a sleep preset should not go silent at its 45th minute
    request = request_from_args(args, then_default="quit", preset_needs_flag=True)
    if not request.mix.audible():
        raise common.CliError(
            "nothing to render: give a preset or layers with --layer SOUND=LEVEL "
            "(`ambience sounds` lists the sounds)"
        )
    seconds = args.duration
    if seconds is None:
        if request.timer is None:
            raise common.CliError("how long? add --duration (e.g. --duration 45m) or --timer")
        seconds = request.timer.duration
    envelope = envelope_for(request.timer)
    from ambience.render.offline import check_output, render_to_file
    from ambience.render.segment import RenderError

    output = Path(args.output)
    try:  # before an hour of rendering, not after
        check_output(output, force=args.force)
    except RenderError as exc:
        raise common.CliError(str(exc)) from None
    stop = threading.Event()

    def on_signal(signum, frame):
        if stop.is_set():  # a second Ctrl-C: stop now (the temp file is still removed)
            raise RenderInterrupted()
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    bar = _Bar(seconds) if sys.stdout.isatty() else None

    def progress(done: float) -> None:
        if bar is not None:
            bar.update(done)
        if stop.is_set():
            raise RenderInterrupted()

    before = _temp_files(output)
    try:
        try:
            if bar is not None:
                bar.start()
            render_to_file(request.mix, output, seconds, catalog=request.catalog,
                           seed=args.seed, rate=args.rate, envelope=envelope, progress=progress,
                           force=args.force, workers=1 if lives(request.mix) else None)
        finally:
            if bar is not None:
                bar.stop()
    except (RenderInterrupted, KeyboardInterrupt):
        _remove_new_temp_files(output, before)
        common.error(f"render interrupted: {output} was not written")
        return INTERRUPTED
    except RenderError as exc:
        raise common.CliError(str(exc)) from None
    except OSError as exc:
        raise common.CliError(f"{output}: cannot write ({exc.strerror or exc})") from None
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    print(f"wrote {output} ({format_duration(seconds)})", flush=True)
    return 0


def _temp_files(output) -> set:
    """`render_to_file`'s temporary files for `output` (`.NAME.xxxx.EXT`, parts too)."""
    folder = output.parent if str(output.parent) else None
    from pathlib import Path

    folder = folder or Path(".")
    try:
        return set(folder.glob(f".{output.name}.*"))  # the file and its parts
    except OSError:
        return set()


def _remove_new_temp_files(output, before: set) -> None:
    """Belt and braces: a second Ctrl-C can land inside the renderer's own clean-up."""
    for path in _temp_files(output) - before:
        try:
            path.unlink()
        except OSError:
            pass


class _Bar:
    """A rich progress bar in seconds of audio: done, speed (x real time), time left."""

    def __init__(self, total: float):
        from rich.progress import (BarColumn, Progress, ProgressColumn, TaskProgressColumn,
                                   TextColumn, TimeRemainingColumn)
        from rich.text import Text

        class Done(ProgressColumn):
            def render(self, task):
                return Text(f"{format_duration(task.completed)}/{format_duration(task.total)}")

        class Speed(ProgressColumn):
            def render(self, task):
                elapsed = task.elapsed or 0.0
                if elapsed <= 0.0 or not task.completed:
                    return Text("…", style="dim")
                return Text(f"{task.completed / elapsed:.0f}x real time", style="cyan")

        self.total = total
        self.progress = Progress(
            TextColumn("rendering"), BarColumn(), TaskProgressColumn(), Done(), Speed(),
            TimeRemainingColumn(), transient=False,
        )
        self.task = self.progress.add_task("render", total=total)
        self._last = 0.0

    def start(self) -> None:
        self.progress.start()

    def update(self, done: float) -> None:
        now = time.monotonic()
        if now - self._last >= 0.1 or done >= self.total:
            self._last = now
            self.progress.update(self.task, completed=min(done, self.total))

    def stop(self) -> None:
        self.progress.stop()
