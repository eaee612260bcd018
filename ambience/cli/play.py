"""`ambience play`: play a mix in real time without the interface, with an optional sleep timer.

Also home of what `play` and `render` share: a PRESET argument (name or file) merged with
`--layer` options, and the timer settings (flags first, then the preset's `[timer]` table).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from ambience.cli import common
from ambience.core.durations import DurationError, format_duration, parse_duration


def add_parser(sub) -> None:
    p = sub.add_parser(
        "play", help="play a mix without the interface (Ctrl-C fades out)",
        description="Play a preset or layers without the interface. Ctrl-C or SIGTERM fades "
        "out over a second and exits; a second Ctrl-C exits at once.",
    )
    add_preset_argument(p)
    common.add_layer_options(p)
    common.add_shaping_options(p)
    add_timer_options(p, then_help="at the timer's end: quit (default here) or stop "
                      "(stay open, silent, until Ctrl-C)")
    common.add_listening_options(p)
    common.add_audio_options(p)
    common.add_replace_option(p)
    common.add_inhibit_option(p)
    p.set_defaults(run=run)


def add_preset_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("preset", nargs="?", default=None, metavar="PRESET",
                   help="a preset name or a preset file (.toml); --layer adds or overrides layers")


def add_timer_options(p: argparse.ArgumentParser, then_help: str | None = None) -> None:
    p.add_argument("--timer", "-t", type=common.duration_arg, default=None, metavar="DURATION",
                   help="sleep timer, e.g. 45m, 1h30m, 90s (a bare number is minutes)")
    p.add_argument("--fade", type=fade_arg, default=None, metavar="DURATION",
                   help="fade-out before the timer's end (default: the last 10 minutes, or the "
                   "last third of a shorter timer; 0 for none)")
    if then_help is not None:
        p.add_argument("--then", choices=("quit", "stop"), default=None, help=then_help)


#: frames computed at a time by the headless player: nobody moves a slider there, so it takes
#: big buffers, which wake the audio thread less often (each wake-up has a fixed cost); JACK
#: keeps its server's period, the null output its default
PLAYER_BUFFER = {"auto": 8192}
#: back-ends whose engine runs in a child process (see `open_engine`)
GUARDED = ("auto", "jack")


@dataclass(frozen=True)
class TimerSettings:
    duration: float
    fade: float | None
    then: str


@dataclass(frozen=True)
class Request:
    """What the command line asks for: a mix, its catalog, a label and maybe a timer."""

    mix: object
    catalog: object
    label: str
    timer: TimerSettings | None


def load_preset(name: str):
    """The preset called `name` (or stored in the file `name`), or a one-line CliError."""
    from ambience.library.presets import find_preset

    try:
        return find_preset(name)
    except (LookupError, ValueError, OSError) as exc:  # not found, broken file, unreadable
        raise common.CliError(str(exc).strip("'\"")) from None


def _preset_duration(preset, field: str) -> float | None:
    """The preset's `[timer]` value in seconds (a fade of 0 means none), or a one-line error."""
    timer = getattr(preset, "timer", None)
    raw = getattr(timer, field, None)
    if raw is None or raw == "":
        return None
    try:
        seconds = getattr(timer, f"{field}_seconds", None)
        if seconds is None:
            seconds = fade_seconds(raw) if field == "fade" else parse_duration(raw)
        return float(seconds)
    except ValueError as exc:
        where = getattr(preset, "source", None) or getattr(preset, "name", "the preset")
        raise common.CliError(f"{where}: [timer] {field}: {exc}") from None


def fade_seconds(text) -> float:
    """Like `parse_duration`, but an explicit zero (`0`, `0s`) means no fade at all."""
    if isinstance(text, str) and re.fullmatch(r"\s*0+(\.0*)?\s*[hms]?\s*", text):
        return 0.0
    if isinstance(text, (int, float)) and not isinstance(text, bool) and text == 0:
        return 0.0
    return parse_duration(text)


def fade_arg(text: str) -> float:
    try:
        return fade_seconds(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; 0 means no fade") from None


def timer_settings(args: argparse.Namespace, preset=None, then_default: str = "quit",
                   preset_needs_flag: bool = False) -> TimerSettings | None:
    """Flags win; the preset's `[timer]` fills what the user did not give (with
    `preset_needs_flag`, only once the user asked for a timer with --timer or --fade)."""
    duration = args.timer
    fade = args.fade
    then = getattr(args, "then", None)
    preset_timer = getattr(preset, "timer", None) if preset is not None else None
    if preset_needs_flag and duration is None and fade is None:
        preset_timer = None
    if preset_timer is not None:
        p_duration = _preset_duration(preset, "duration")
        p_fade = _preset_duration(preset, "fade")
        if duration is None:
            duration = p_duration
        if fade is None and p_fade is not None and duration is not None and p_fade <= duration:
            fade = p_fade
        p_then = getattr(preset_timer, "then", None)
        if then is None and p_then in ("quit", "stop"):
            then = p_then
    if duration is None:
        if args.fade is not None:
            raise common.CliError("--fade needs a timer: add --timer, e.g. --timer 45m --fade 10m")
        return None
    if fade is not None and fade > duration:
        raise common.CliError(
            f"--fade {format_duration(fade)} is longer than the timer "
            f"({format_duration(duration)}); use a shorter --fade or a longer --timer"
        )
    return TimerSettings(duration, fade, then or then_default)


def request_from_args(args: argparse.Namespace, then_default: str = "quit",
                      preset_needs_flag: bool = False) -> Request:
    preset = None
    base = None
    label = "custom mix"
    catalog = None
    if args.preset:
        preset = load_preset(args.preset)
    headphones = listening_mode(args, preset)
    if preset is not None:
        from ambience.library.catalog import load_catalog

        catalog = load_catalog()
        base, missing = preset.to_mix(catalog, headphones=headphones)
        label = getattr(preset, "name", None) or args.preset
        if missing:
            common.error(f"preset {label!r}: {_missing_text(missing)}")
        said = getattr(args, "headphones", None) is not None  # --speakers: no need to tell
        if getattr(preset, "for_headphones", False) and not headphones and not said:
            common.note(f"“{label}” is made for headphones; --headphones plays it so")
    mix, catalog = common.mix_from_args(args, base=base)
    mix = mix.with_headphones(headphones)
    timer = timer_settings(args, preset, then_default, preset_needs_flag)
    return Request(mix, catalog, label, timer)


def listening_mode(args: argparse.Namespace, preset=None) -> bool:
    """Headphones or speakers: --headphones/--speakers, else the user's setting, else the
    preset's hint (`ambience.library.settings.headphones_mode`)."""
    from ambience.library.settings import headphones_mode, load_settings

    settings = load_settings(on_warning=common.error)
    hint = bool(getattr(preset, "for_headphones", False))
    flag = getattr(args, "headphones", None)
    return headphones_mode(flag, settings, hint)


def _missing_text(missing) -> str:
    from ambience.library.preset import missing_message

    return missing_message(missing)


def open_engine(audio: str, device, catalog):
    """A sound card's output runs in a child process (`GuardedEngine`): a sound server that
    goes away then ends only that child, and the player reopens the output when it is back.
    The null output runs here."""
    if audio in GUARDED:
        from ambience.guarded import GuardedEngine

        return GuardedEngine(audio, device=device, buffer=PLAYER_BUFFER.get(audio))
    from ambience.engine import Engine

    return Engine(audio, device=device, catalog=catalog, buffer=PLAYER_BUFFER.get(audio))


def run(args: argparse.Namespace) -> int:
    request = request_from_args(args, then_default="quit")
    if not request.mix.audible():
        raise common.CliError(
            "nothing to play: give a preset or layers with --layer SOUND=LEVEL "
            "(`ambience sounds` lists the sounds)"
        )
    audio, device = common.audio_of(args)
    from ambience.cli import player
    from ambience.core.playback import AudioUnavailable, PlaybackError
    from ambience.core.timer import SleepTimer

    timer = None
    if request.timer is not None:
        t = request.timer
        timer = SleepTimer(t.duration, t.fade, t.then)
    # one player per user: claimed before the engine boots (or told how to steer the other)
    control = common.claim_control(args)
    # signals are caught before the engine boots, so an early Ctrl-C is calm too
    interrupts = player.Interrupts().install()
    try:
        try:
            engine = open_engine(audio, device, request.catalog)
        except AudioUnavailable as exc:
            raise common.CliError(str(exc), status=2) from None
        if interrupts.stop.is_set():
            engine.close()
            return 0
        try:
            played, control = control, None  # play() releases it
            return player.play(engine, request.mix, timer=timer, label=request.label,
                               interrupts=interrupts, control=played, catalog=request.catalog,
                               inhibit_sleep=getattr(args, "inhibit_sleep", False))
        except PlaybackError as exc:
            raise common.CliError(str(exc)) from None
    finally:
        interrupts.restore()
        if control is not None:
            control.release()
