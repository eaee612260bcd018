"""Pieces shared by the subcommands: audio options, `SOUND=LEVEL` layers, error output."""

from __future__ import annotations

import argparse

from ambience.core.durations import DurationError, parse_duration

AUDIO_CHOICES = ("auto", "jack", "null")


class CliError(Exception):
    """A problem to print as one clear line (no traceback) and exit with `status`."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def error(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]ambience:[/] {message}")


def add_audio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audio", choices=AUDIO_CHOICES, default=argparse.SUPPRESS,
        help="output back-end: auto (PipeWire/PulseAudio/ALSA via PortAudio, the default), "
        "jack (a running JACK server), null (no sound)",
    )
    parser.add_argument(
        "--device", default=argparse.SUPPRESS,
        help="output device by name or index (`ambience devices` lists them)",
    )


def audio_of(args: argparse.Namespace) -> tuple[str, str | None]:
    return getattr(args, "audio", "auto"), getattr(args, "device", None)


def layer_arg(text: str) -> tuple[str, float]:
    """`rain=0.6` -> ("rain", 0.6); SOUND may be a catalog id or a path to an audio file."""
    sound, sep, level = text.rpartition("=")
    if not sep or not sound:
        raise argparse.ArgumentTypeError(
            f"expected SOUND=LEVEL (for example rain=0.6), got {text!r}"
        )
    try:
        value = float(level)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"LEVEL in {text!r} must be a number between 0 and 1"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"LEVEL in {text!r} must be between 0 and 1")
    return sound, value


def level_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a level between 0 and 1, got {text!r}")
    return value


def duration_arg(text: str) -> float:
    try:
        return parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_mixer(args: argparse.Namespace) -> int:
    """`ambience` with no command: the Textual mixer."""
    from ambience.tui.launch import run  # Textual loads only for the mixer

    audio, device = audio_of(args)
    return run(audio=audio, device=device)


def mix_from_args(args: argparse.Namespace, base=None):
    """The mix the command line asks for: `base` (a preset's mix, if any) with `--layer`
    options added or overriding, and `--master`. Unknown sounds stop here, before any audio."""
    from ambience.library.catalog import UnknownSound, load_catalog
    from ambience.core.mix import Mix

    catalog = load_catalog()
    mix = base if base is not None else Mix()
    for sound, level in getattr(args, "layer", None) or []:
        try:
            catalog.resolve(sound)
        except UnknownSound as exc:
            raise CliError(str(exc)) from None
        mix = mix.with_level(sound, level)
    master = getattr(args, "master", None)
    if master is not None:
        mix = mix.with_master(master)
    return mix, catalog


def add_layer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layer", "-l", action="append", type=layer_arg, metavar="SOUND=LEVEL",
        help="a layer: a sound id (`ambience sounds`) or an audio file path, and a slider "
        "position 0..1; repeat for more layers",
    )
    parser.add_argument("--master", type=level_arg, default=None, metavar="LEVEL",
                        help="master slider position 0..1 (default 1.0)")
