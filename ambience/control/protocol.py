"""The control protocol: one JSON line asks, one JSON line answers (pure: no sockets here).

A request is an object with `cmd` and the command's arguments, for example
`{"cmd": "set", "sound": "rain", "level": 0.5}`; levels and durations may be numbers or the
text a user types (`"0.5"`, `"45m"`). `validate` turns a request into a `Command` or raises
`BadRequest` with the same words the command line uses, so a script and `ambience ctl` read
the same messages. A reply is `{"ok": true, "message": ..., "status": {...}}` or
`{"ok": false, "error": ..., "code": 2}`.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field

from ambience.core.durations import EXAMPLES, DurationError, format_duration, parse_duration
from ambience.core.mix import BREATHING_RANGE

#: the longest request line a server reads (bytes, newline included): a command is tiny
MAX_REQUEST = 4096
#: exit codes of `ambience ctl` (and `code` in a failed reply)
OK, BAD_INPUT, NOT_RUNNING = 0, 2, 3

#: command -> its arguments (in order, as `ambience ctl` takes them)
COMMANDS: dict[str, tuple[str, ...]] = {
    "status": (),
    "set": ("sound", "level"),
    "master": ("level",),
    "mute": ("sound",),
    "unmute": ("sound",),
    "drift": ("sound", "amount"),
    "intensity": ("sound", "amount"),
    "presence": ("sound", "amount"),
    "motion": ("sound", "amount"),
    "breathing": ("rate",),
    "headphones": ("state",),
    "preset": ("name",),
    "timer": ("duration", "fade", "then"),
    "extend": ("by",),
    "shorten": ("by",),
    "cancel-timer": (),
    "pause": (),
    "resume": (),
    "toggle": (),
    "quit": (),
}
OPTIONAL = {("timer", "fade"), ("timer", "then")}


class BadRequest(ValueError):
    """A request that cannot be carried out; the message says what to give instead."""


@dataclass(frozen=True)
class Command:
    """A validated request: `args` holds parsed values (levels 0..1, seconds)."""

    name: str
    args: dict = field(default_factory=dict)


def suggest(word: str, choices, n: int = 2) -> list[str]:
    return difflib.get_close_matches(str(word).lower(), list(choices), n=n, cutoff=0.6)


def did_you_mean(close: list[str]) -> str:
    return (" (did you mean " + " or ".join(f"`{s}`" for s in close) + "?)") if close else ""


def parse_level(value) -> float:
    """A slider position 0..1, worded as `--master` words it."""
    if isinstance(value, bool):
        raise BadRequest(f"expected a level between 0 and 1, got {value!r}")
    try:
        level = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"expected a level between 0 and 1, got {value!r}") from None
    if not 0.0 <= level <= 1.0:  # NaN fails this too
        raise BadRequest(f"expected a level between 0 and 1, got {value!r}")
    return level


def parse_amount(value, what: str) -> float:
    """A layer setting 0..1 (drift, intensity, presence, motion)."""
    if isinstance(value, bool):
        raise BadRequest(f"{what}: expected an amount between 0 and 1, got {value!r}")
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{what}: expected an amount between 0 and 1, got {value!r}") from None
    if not 0.0 <= amount <= 1.0:
        raise BadRequest(f"{what}: expected an amount between 0 and 1, got {value!r}")
    return amount


def parse_breathing(value) -> float:
    """Breaths a minute for the pacer: 4 to 10, or 0 / "off"."""
    low, high = BREATHING_RANGE
    if isinstance(value, str) and value.strip().lower() in ("off", "no", "none"):
        return 0.0
    rate = math.nan
    if not isinstance(value, bool):
        try:
            rate = float(value)
        except (TypeError, ValueError):
            pass
    if rate != 0.0 and not low <= rate <= high:
        raise BadRequest(f"breathing: expected {low:g} to {high:g} breaths a minute (6 is "
                         f"slow, calm breathing) or off, got {value!r}")
    return rate


HEADPHONES_STATES = {"on": True, "off": False, "true": True, "false": False, "toggle": None}


def parse_state(value) -> bool | None:
    """on/off (True/False) or toggle (None)."""
    if isinstance(value, bool):
        return value
    key = value.strip().lower() if isinstance(value, str) else None
    if key not in HEADPHONES_STATES:
        raise BadRequest(f"headphones: expected on, off or toggle, got {value!r}")
    return HEADPHONES_STATES[key]


def parse_seconds(value, what: str = "duration", allow_zero: bool = False) -> float:
    """A duration as the command line takes it (`45m`, `1h30m`, a bare number of minutes)."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise BadRequest(f"{what}: not a duration: {value!r} (try {EXAMPLES})")
    if allow_zero and _is_zero(value):
        return 0.0
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise BadRequest(f"{what}: {exc}") from None


def _is_zero(value) -> bool:
    if isinstance(value, (int, float)):
        return value == 0
    text = value.strip().lower().rstrip("hms").strip()
    try:
        return float(text) == 0.0
    except ValueError:
        return False


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 512:
        raise BadRequest(f"{what}: expected a name, got {value!r}")
    return value.strip()


def validate(request) -> Command:
    """The `Command` a decoded request asks for, or `BadRequest` saying what is wrong."""
    if not isinstance(request, dict):
        raise BadRequest("a request is a JSON object such as {\"cmd\": \"status\"}")
    name = request.get("cmd")
    if not isinstance(name, str) or name not in COMMANDS:
        close = suggest(name, COMMANDS) if isinstance(name, str) else []
        raise BadRequest(f"unknown command {name!r}{did_you_mean(close)}; commands: "
                         + ", ".join(COMMANDS))
    wanted = COMMANDS[name]
    extra = sorted(k for k in request if k != "cmd" and k not in wanted)
    if extra:
        raise BadRequest(f"`{name}` takes no {extra[0]!r}"
                         + (f"; it takes {', '.join(wanted)}" if wanted else ""))
    for arg in wanted:
        if (name, arg) not in OPTIONAL and request.get(arg) is None:
            raise BadRequest(f"`{name}` needs {arg}")
    args: dict = {}
    if "sound" in wanted:
        args["sound"] = _text(request["sound"], "sound")
    if "name" in wanted:
        args["name"] = _text(request["name"], "preset")
    if "level" in wanted:
        args["level"] = parse_level(request["level"])
    if "amount" in wanted:
        args["amount"] = parse_amount(request["amount"], name)
    if "rate" in wanted:
        args["rate"] = parse_breathing(request["rate"])
    if "state" in wanted:
        args["state"] = parse_state(request["state"])
    if "by" in wanted:
        args["by"] = parse_seconds(request["by"], name)
    if name == "timer":
        args["duration"] = parse_seconds(request["duration"], "timer")
        fade = request.get("fade")
        args["fade"] = None if fade is None else parse_seconds(fade, "--fade", allow_zero=True)
        if args["fade"] is not None and args["fade"] > args["duration"]:
            raise BadRequest(
                f"--fade {format_duration(args['fade'])} is longer than the timer "
                f"({format_duration(args['duration'])}); use a shorter --fade or a longer timer")
        then = request.get("then")
        then = "stop" if then is None else then
        if then not in ("stop", "quit"):
            raise BadRequest(f"--then: unknown end action {then!r} (use 'stop' or 'quit')")
        args["then"] = then
    return Command(name, args)


def decode(line: bytes) -> Command:
    """One request line -> a Command (BadRequest for anything else)."""
    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("a request is one line of JSON such as {\"cmd\": \"status\"}") from None
    return validate(request)


def encode(obj: dict) -> bytes:
    """One JSON line (no NaN or infinity: a script's parser may refuse them)."""
    return (json.dumps(_finite(obj), separators=(",", ":")) + "\n").encode("utf-8")


def _finite(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def ok(message: str = "", status: dict | None = None) -> dict:
    reply: dict = {"ok": True, "message": message}
    if status is not None:
        reply["status"] = status
    return reply


def failed(error: str, code: int = BAD_INPUT) -> dict:
    return {"ok": False, "error": error, "code": code}
