"""Pieces shared by the subcommands: audio options, `SOUND=LEVEL` layers, error output."""

from __future__ import annotations

import argparse
import math

from ambience.core.durations import DurationError, parse_duration
from ambience.core.mix import BREATHING_RANGE, LAYER_SHAPING

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


def note(message: str) -> None:
    """A hint on standard error, not an error."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[dim]{escape(message)}[/]")


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


def add_listening_options(parser: argparse.ArgumentParser) -> None:
    """`--headphones` / `--speakers`: this run's listening mode, over the user's setting
    (`output` in settings.toml) and a preset's hint."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--headphones", dest="headphones", action="store_const", const=True,
        default=argparse.SUPPRESS,
        help="headphones mode: close-up sounds (whisper, brushing, paper, tapping) are "
        "placed around your head binaurally (default: your setting, else the preset's hint, "
        "else speakers)")
    group.add_argument(
        "--speakers", dest="headphones", action="store_const", const=False,
        default=argparse.SUPPRESS,
        help="speakers mode (plain panning), whatever your setting or the preset says")


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
#: the commands that take --headphones / --speakers
LISTENING_COMMANDS = (None, "play", "render")


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
    if command not in LISTENING_COMMANDS and hasattr(args, "headphones"):
        option = "--headphones" if args.headphones else "--speakers"
        raise CliError(_not_here(option, command,
                                 ["the mixer", "`ambience play`", "`ambience render`"]))
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
               inhibit_sleep=getattr(args, "inhibit_sleep", False),
               headphones=getattr(args, "headphones", None))


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
    for name in LAYER_SHAPING:
        for sound, value in getattr(args, name, None) or []:
            mix = _shape(mix, catalog, name, sound, value)
    breathing = getattr(args, "breathing", None)
    inhale = getattr(args, "inhale", None)
    if breathing is not None or inhale is not None:
        mix = mix.with_breathing(mix.breathing if breathing is None else breathing, inhale)
    master = getattr(args, "master", None)
    if master is not None:
        mix = mix.with_master(master)
    return mix, catalog


#: a layer setting's option, as the user types it
SHAPING_OPTION = {"drift": "--drift", "intensity": "--intensity", "presence": "--now-and-then",
                  "motion": "--motion"}


def _shape(mix, catalog, name: str, sound: str, value: float):
    option = f"{SHAPING_OPTION[name]} {sound}={value:g}"
    if mix.layer(sound) is None:
        raise CliError(f"{option}: `{sound}` is not in the mix; add it with "
                       f"--layer {sound}=LEVEL (or pick a preset that has it)")
    if name == "intensity":
        info = catalog.get(sound) if sound in catalog else None
        if info is None or info.intensity is None:
            having = ", ".join(i.id for i in catalog if i.intensity is not None)
            raise CliError(f"{option}: `{sound}` has no intensity to change; sounds that "
                           f"have one: {having}")
    return mix.with_shaping(sound, **{name: value})


def amount_arg(text: str) -> tuple[str, float]:
    """`rain=0.6` for a layer setting (0..1)."""
    sound, sep, amount = text.rpartition("=")
    if not sep or not sound:
        raise argparse.ArgumentTypeError(
            f"expected SOUND=AMOUNT (for example rain=0.5), got {text!r}")
    try:
        value = float(amount)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # NaN too
        raise argparse.ArgumentTypeError(f"AMOUNT in {text!r} must be between 0 and 1")
    return sound, value


def breathing_arg(text: str) -> float:
    """Breaths a minute for the pacer: 4 to 10, or 0 / off."""
    low, high = BREATHING_RANGE
    if text.strip().lower() in ("off", "0", "0.0", "no", "none"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"expected {low:g} to {high:g} breaths a minute (6 is slow, calm breathing) or "
            f"off, got {text!r}")
    return value


def inhale_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.2 <= value <= 0.8:
        raise argparse.ArgumentTypeError(
            f"expected the share of each breath spent breathing in, 0.2 to 0.8 (0.4 = 4 s in, "
            f"6 s out at 6 a minute), got {text!r}")
    return value


def add_shaping_options(parser: argparse.ArgumentParser) -> None:
    """Per-layer settings that make a mix live, and the breathing pacer."""
    group = parser.add_argument_group(
        "living mix", "per-layer settings (SOUND=AMOUNT, 0..1, repeat for more layers; the "
        "sound must be in the mix) and the breathing pacer")
    group.add_argument("--drift", action="append", type=amount_arg, metavar="SOUND=AMOUNT",
                       help="the layer's level wanders slowly (1: up to 6 dB around its level)")
    group.add_argument("--intensity", action="append", type=amount_arg, metavar="SOUND=AMOUNT",
                       help="the sound's character: 0 gentlest (drizzle), 1 strongest "
                       "(downpour); 0.5 as designed; the level stays the slider's")
    group.add_argument("--now-and-then", "--presence", dest="presence", action="append",
                       type=amount_arg, metavar="SOUND=SHARE",
                       help="the layer comes and goes with slow fades, there SHARE of the time "
                       "(1 = always)")
    group.add_argument("--motion", action="append", type=amount_arg, metavar="SOUND=AMOUNT",
                       help="the sound moves slowly around your head (best with --headphones)")
    group.add_argument("--breathing", type=breathing_arg, default=None, metavar="N|off",
                       help="breathing pacer: the mix swells gently N times a minute (4-10); "
                       "off turns a preset's pacer off")
    group.add_argument("--inhale", type=inhale_arg, default=None, metavar="SHARE",
                       help="share of each breath spent breathing in (default 0.4)")


def add_layer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layer", "-l", action="append", type=layer_arg, metavar="SOUND=LEVEL",
        help="a layer: a sound id (`ambience sounds`) or an audio file path, and a slider "
        "position 0..1; repeat for more layers",
    )
    parser.add_argument("--master", type=level_arg, default=None, metavar="LEVEL",
                        help="master slider position 0..1 (default 1.0)")
