"""Pieces shared by the subcommands: audio options, `SOUND=LEVEL` layers, error output."""

from __future__ import annotations

import argparse

from ambience.core.durations import DurationError, parse_duration

AUDIO_CHOICES = ("auto", "jack", "null")
#: sample rates sound cards run at (ALSA's standard rates from 22.05 kHz up): a file at
#: another rate would play on nothing without resampling, and the synthesized sounds are
#: tuned for these (at 1 kHz their filters run away: the noise came out 27 dB too loud)
RATES = (22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000)


class CliError(Exception):
    """A problem to print as one clear line (no traceback) and exit with `status`."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def error(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    # escaped: messages quote TOML (`[timer]`, `[[layers]]`), which is not rich markup
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]ambience:[/] {escape(message)}")


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


def add_replace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--replace", action="store_true", default=argparse.SUPPRESS,
        help="if a mixer or player already runs for this user, ask it to quit (it fades out) "
        "and take over",
    )


def add_inhibit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inhibit-sleep", action="store_true", default=argparse.SUPPRESS,
        help="keep the computer from suspending while the sound plays (released on pause "
        "and at the timer's end; needs logind)",
    )


def claim_control(args: argparse.Namespace):
    """One mixer per user: the control socket for this process (None when it cannot be
    made: the sound plays on, without remote control), or a CliError telling how to steer
    the running one; with --replace, the running one is asked to quit first."""
    from ambience.control.client import replace_running
    from ambience.control.server import AlreadyRunning, ControlUnavailable, claim

    try:
        try:
            return claim()
        except AlreadyRunning as exc:
            if not getattr(args, "replace", False):
                raise CliError(str(exc)) from None
            if not replace_running(exc.path):
                raise CliError(f"the running mixer (pid {exc.pid}) did not quit; "
                               f"stop it with Ctrl-C or `kill {exc.pid}`") from None
            try:
                return claim()
            except AlreadyRunning as again:  # a third one was quicker
                raise CliError(str(again)) from None
    except (ControlUnavailable, OSError) as exc:
        error(f"remote control unavailable ({exc}); playing without it")
        return None


#: the commands that play sound, hence take --audio, --device and --replace (None: the mixer)
AUDIO_COMMANDS = (None, "play")


def refuse_inapplicable(parser: argparse.ArgumentParser, args: argparse.Namespace,
                        extras: list[str]) -> None:
    """An option the command does not take is refused with a clear CliError, never ignored:
    `ambience --audio null render ...` would otherwise render as if it had not been said."""
    command = getattr(args, "command", None)
    if command and getattr(args, f"{command}_command", None):  # `preset show`
        command = f"{command} {getattr(args, f'{command}_command')}"
    where = f"`ambience {command}`" if command else "the mixer"
    if command not in AUDIO_COMMANDS:  # theirs would win: this one is never ignored
        given = [o for o in ("audio", "device", "replace", "inhibit_sleep") if hasattr(args, o)]
        if given:
            option = "--" + given[0].replace("_", "-")
            raise CliError(_not_here(option, command, ["the mixer", "`ambience play`"]))
    help_hint = f"`ambience {command + ' ' if command else ''}--help` lists what it takes"
    for arg in extras:
        if not arg.startswith("-") or arg == "-":
            raise CliError(f"unexpected argument {arg!r} for {where}; {help_hint}")
        option = arg.split("=", 1)[0]
        owners = _commands_with(parser, option)
        if owners:
            raise CliError(_not_here(option, command, owners))
        raise CliError(f"unknown option {option} for {where}; {help_hint}")


def _not_here(option: str, command: str | None, owners: list[str]) -> str:
    what = f"`ambience {command}`" if command else "the mixer"
    why = ""
    if command == "render" and option in ("--audio", "--device"):
        why = " (a render writes a file and uses no sound card)"
    listed = owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " and " + owners[-1]
    return f"{option} does not apply to {what}{why}; it is an option of {listed}: leave it out"


def _commands_with(parser: argparse.ArgumentParser, option: str, prefix: str = "") -> list[str]:
    """Where `option` is accepted: "the mixer" (top level) and `ambience COMMAND`s."""
    found = []
    if option in parser._option_string_actions and not prefix:
        found.append("the mixer")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix}{name}"
                if option in sub._option_string_actions:
                    found.append(f"`ambience {full}`")  # its own subcommands go unsaid
                else:
                    found += _commands_with(sub, option, full + " ")
    return list(dict.fromkeys(found))


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


def rate_arg(text: str) -> int:
    """A sample rate from RATES (`48000`, or `48k` / `44.1k`)."""
    shown = ", ".join(str(r) for r in RATES)
    t = text.strip().lower()
    try:
        value = float(t[:-1]) * 1000 if t.endswith("k") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a sample rate; use one of {shown} (Hz)") from None
    if value not in RATES:
        raise argparse.ArgumentTypeError(
            f"{text} Hz is not a rate sound cards use; use one of {shown} (Hz)")
    return int(value)


def duration_arg(text: str) -> float:
    try:
        return parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_mixer(args: argparse.Namespace) -> int:
    """`ambience` with no command: the Textual mixer."""
    from ambience.tui.launch import run  # Textual loads only for the mixer

    audio, device = audio_of(args)
    control = claim_control(args)
    return run(audio=audio, device=device, control=control,
               inhibit_sleep=getattr(args, "inhibit_sleep", False))


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
