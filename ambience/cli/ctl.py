"""`ambience ctl`: steer the running mixer or player (exit 0 done, 2 bad input, 3 none runs)."""

from __future__ import annotations

import argparse
import json

from ambience.cli import common

#: ctl command -> help
HELP = {
    "status": "the preset, layers, master, pause and timer",
    "set": "set a layer's level 0..1 (0 removes it)",
    "master": "set the master slider 0..1",
    "mute": "mute a layer (its level is kept)",
    "unmute": "unmute a layer",
    "drift": "let a layer's level wander slowly: 0 (steady) to 1 (up to 6 dB)",
    "intensity": "a sound's character 0..1 (rain: drizzle to downpour; 0.5 as designed)",
    "presence": "a layer comes and goes ('now and then'): the share of time it is there, "
                "0..1 (1 = always)",
    "motion": "a layer moves slowly around your head: 0 (still) to 1",
    "breathing": "the breathing pacer: 4 to 10 breaths a minute, or off",
    "headphones": "headphones mode on, off or toggle (for this session)",
    "preset": "switch to a preset (crossfade)",
    "timer": "start a sleep timer",
    "extend": "make the running timer longer",
    "shorten": "make the running timer shorter (past its end: it ends now)",
    "cancel-timer": "cancel the sleep timer",
    "pause": "pause (fades out)",
    "resume": "play again",
    "toggle": "pause or play again",
    "quit": "fade out and quit",
}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ctl", help="steer the running mixer or player (media keys, scripts)",
        description="Steer the mixer or `ambience play` running for this user, through its "
        "private control socket. Exit status: 0 done, 2 bad input, 3 no mixer running.",
    )
    p.add_argument("--json", action="store_true", help="print the reply as JSON (for scripts)")
    cmds = p.add_subparsers(dest="ctl_command", metavar="COMMAND", required=True)
    for name, text in HELP.items():
        c = cmds.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        c.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="print the reply as JSON (for scripts)")
        if name in ("set", "mute", "unmute", "drift", "intensity", "presence", "motion"):
            c.add_argument("sound", metavar="SOUND", help="a sound id (`ambience sounds`)")
        if name in ("drift", "intensity", "presence", "motion"):
            c.add_argument("amount", metavar="AMOUNT", help="0..1")
        if name == "breathing":
            c.add_argument("rate", metavar="N|off", help="breaths a minute (4-10) or off")
        if name == "headphones":
            c.add_argument("state", metavar="on|off|toggle", nargs="?", default="toggle",
                           help="default: toggle")
        if name in ("set", "master"):
            c.add_argument("level", metavar="LEVEL", help="0..1")
        if name == "preset":
            c.add_argument("name", metavar="NAME", help="a preset name or .toml file")
        if name == "timer":
            c.add_argument("duration", metavar="DURATION", help="e.g. 45m, 1h30m, 90s")
            c.add_argument("--fade", default=None, metavar="DURATION",
                           help="fade-out before the end (default: the last 10 minutes, or "
                           "the last third of a shorter timer; 0 for none)")
            c.add_argument("--then", choices=("stop", "quit"), default=None,
                           help="at the end: stop (stay open, silent; default) or quit")
        if name in ("extend", "shorten"):
            c.add_argument("by", metavar="DURATION", help="e.g. 5m")
    p.set_defaults(run=run)


def build_request(args: argparse.Namespace) -> dict:
    from ambience.control.protocol import COMMANDS

    name = args.ctl_command
    req: dict = {"cmd": name}
    for arg in COMMANDS[name]:
        value = getattr(args, arg, None)
        if value is not None:
            req[arg] = value
    if name == "preset" and args.name.endswith(".toml"):
        from pathlib import Path

        req["name"] = str(Path(args.name).expanduser().resolve())  # the mixer's cwd differs
    return req


def run(args: argparse.Namespace) -> int:
    from ambience.control.client import NotRunning, request
    from ambience.control.protocol import NOT_RUNNING, BadRequest

    try:
        reply = request(build_request(args))
    except BadRequest as exc:
        raise common.CliError(str(exc)) from None
    except NotRunning as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc), "code": NOT_RUNNING}))
            return NOT_RUNNING
        raise common.CliError(str(exc), status=NOT_RUNNING) from None
    except OSError as exc:
        raise common.CliError(f"cannot reach the mixer: {exc}", status=1) from None
    if args.json:
        print(json.dumps(reply))
        return 0 if reply.get("ok") else int(reply.get("code", 1))
    if not reply.get("ok"):
        raise common.CliError(str(reply.get("error", "failed")), status=int(reply.get("code", 1)))
    if args.ctl_command == "status":
        print(describe_status(reply.get("status") or {}))
    elif reply.get("message"):
        print(reply["message"])
    return 0


def alive_words(layer: dict) -> str:
    """A layer's non-default settings in words ("drifts ±3.0 dB · now and then, 30 % of
    the time")."""
    from ambience.core.mix import LAYER_SHAPING
    from ambience.library.describe import shaping_words

    shaping = {k: layer[k] for k, v in LAYER_SHAPING.items() if layer.get(k, v) != v}
    return shaping_words(shaping, layer.get("intensity_words"))


def describe_status(status: dict) -> str:
    from ambience.core.durations import format_clock, format_duration

    state = "stopped by the timer" if status.get("stopped") else (
        "paused" if status.get("paused") else "playing")
    lines = [f"{status.get('preset', '?')} · {state}"]
    for layer in status.get("layers", []):
        alive = alive_words(layer)
        lines.append(f"  {layer['sound']:<16} {layer['level']:.2f}"
                     + ("  (muted)" if layer.get("muted") else "")
                     + (f"  {alive}" if alive else ""))
    lines.append(f"  {'master':<16} {status.get('master', 1.0):.2f}")
    if status.get("breathing"):
        inhale = status.get("inhale", 0.4)
        breath = 60.0 / status["breathing"]
        lines.append(f"breathing pacer {status['breathing']:g} a minute "
                     f"({breath * inhale:.1f} s in, {breath * (1 - inhale):.1f} s out)")
    if status.get("headphones"):
        lines.append("headphones mode")
    timer = status.get("timer")
    if timer:
        text = (f"timer {format_clock(timer['left'] or 0)} left, fade "
                f"{format_duration(timer['fade'])}, then {timer['then']}")
        if status.get("fading"):
            text += f" (fading, {status.get('fade_progress', 0) * 100:.0f} %)"
        lines.append(text)
    else:
        lines.append("no timer")
    return "\n".join(lines)
