"""Human durations: `90s`, `45m`, `1h30m`, `1.5h`, and a bare number meaning minutes.

Pure: used by the CLI, presets and the sleep timer alike.
"""

from __future__ import annotations

import math
import re

EXAMPLES = "90s, 45m, 1h30m, 1.5h, or a bare number of minutes such as 20"
MAX_SECONDS = 24 * 3600

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s)", re.ASCII)
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?\s*[hms]\s*)+$", re.ASCII)
#: a bare number of minutes: plain ASCII digits only (`float` would also take 1e3, 1_0, inf)
_BARE = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)


class DurationError(ValueError):
    """A duration string that cannot be used; the message shows valid examples."""


def parse_duration(text: str | float | int, *, maximum: float = MAX_SECONDS) -> float:
    """Seconds for a duration string; refuses zero, negative, too long and nonsense."""
    if isinstance(text, bool):
        raise DurationError(f"not a duration: {text!r} (try {EXAMPLES})")
    if isinstance(text, (int, float)):
        seconds = float(text) * 60.0
        shown = str(text)
    else:
        shown = str(text).strip().lower()
        if not shown:
            raise DurationError(f"empty duration (try {EXAMPLES})")
        if shown.startswith("-"):
            raise DurationError(f"a duration cannot be negative: {text!r} (try {EXAMPLES})")
        if _BARE.match(shown):
            seconds = float(shown) * 60.0
        else:
            if not _WHOLE.match(shown):
                raise DurationError(f"not a duration: {text!r} (try {EXAMPLES})")
            units = [u for _, u in _PART.findall(shown)]
            if len(units) != len(set(units)) or units != sorted(units, key="hms".index):
                raise DurationError(f"not a duration: {text!r} (try {EXAMPLES})")
            scale = {"h": 3600.0, "m": 60.0, "s": 1.0}
            seconds = sum(float(n) * scale[u] for n, u in _PART.findall(shown))
    if math.isnan(seconds) or math.isinf(seconds):
        raise DurationError(f"not a duration: {text!r} (try {EXAMPLES})")
    if seconds < 0:
        raise DurationError(f"a duration cannot be negative: {text!r} (try {EXAMPLES})")
    if seconds == 0:
        raise DurationError(f"a duration must be longer than zero: {text!r} (try {EXAMPLES})")
    if seconds > maximum:
        raise DurationError(
            f"{text!r} is longer than {format_duration(maximum)} (try {EXAMPLES})"
        )
    return seconds


def format_duration(seconds: float) -> str:
    """`1h30m`, `45m`, `1m30s`, `20s`: the inverse of `parse_duration` for whole seconds."""
    total = int(round(max(0.0, seconds)))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{s}s" if s else "")
    return out or "0s"


def format_clock(seconds: float) -> str:
    """`1:02:03` or `4:05`: a countdown display, rounded up so it never shows 0:00 early."""
    total = int(math.ceil(max(0.0, seconds)))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
