"""Carrying out a control command on a session, the same way for the mixer and the player.

A front end hands `execute` a `Front`: its session, its catalog and a few hooks (change the
mix the way its own keys do, open a preset with its crossfade, show what changed, quit).
`execute` runs on the session's thread (the front end sees to that) and returns a reply.
"""

from __future__ import annotations

from typing import Protocol

from ambience.control.protocol import BadRequest, Command, failed, ok
from ambience.core.mix import LAYER_SHAPING, Mix
from ambience.core.playback import PlaybackError
from ambience.session import Session


class Front(Protocol):
    session: Session
    catalog: object

    def label(self) -> str:
        """The preset's name (or "custom mix")."""

    def change_mix(self, mix: Mix, ramp: float | None = None) -> None:
        """Change the mix as the front end's own controls do (shown, saved)."""

    def open_preset(self, preset) -> None:
        """Switch to `preset` with the usual crossfade."""

    def changed(self) -> None:
        """Pause or the timer changed: show it (and let a shortened timer end)."""

    def quit(self) -> None:
        """Fade out and quit, as the front end's own quit does."""


def status(front: Front) -> dict:
    """What `ambience ctl status` shows: the mix, pause, the timer."""
    session = front.session
    now = session.clock()
    timer = session.timer
    state = None if timer is None else timer.state(now)
    return {
        "preset": front.label(),
        "layers": [_layer_status(front, layer) for layer in session.mix.layers],
        "master": round(session.mix.master, 4),
        "breathing": session.mix.breathing,
        "inhale": session.mix.inhale,
        "headphones": session.mix.headphones,
        "paused": session.paused,
        "stopped": session.ended,
        "timer": None if timer is None else {
            "left": round(state.remaining, 1),
            "duration": timer.duration,
            "fade": timer.fade,
            "then": timer.then,
        },
        "fading": state is not None and state.phase == "fading",
        "fade_progress": 0.0 if state is None else round(state.fade_progress, 3),
    }


def _layer_status(front: Front, layer) -> dict:
    """A layer for `status`: its settings that differ from `LAYER_SHAPING` only (as a preset
    writes them), with the words of its intensity's ends when it has one set."""
    out = {"sound": layer.sound, "level": round(layer.level, 4), "muted": layer.muted,
           **{k: round(v, 4) for k, v in layer.shaping.items()}}
    info = front.catalog.get(layer.sound) if layer.sound in front.catalog else None
    words = getattr(info, "intensity", None)
    if words and "intensity" in out:
        out["intensity_words"] = list(words)
    return out


def execute(front: Front, command: Command) -> dict:
    """Carry `command` out; a reply for the client (never raises for bad input)."""
    try:
        message = _run(front, command)
    except BadRequest as exc:
        return failed(str(exc))
    return ok(message, status(front))


def _known_sound(front: Front, sound: str) -> str:
    catalog = front.catalog
    if sound in catalog or front.session.mix.layer(sound) is not None:
        return sound
    from ambience.library.catalog import UnknownSound

    raise BadRequest(str(UnknownSound(sound, catalog.suggest(sound))))


def _change(front: Front, mix: Mix, ramp: float | None = None) -> str:
    try:
        front.change_mix(mix, ramp)
    except PlaybackError as exc:  # the mix is kept; the other layers play on
        return f"changed, but {exc}"
    return ""


def _shape(front: Front, name: str, sound: str, amount: float) -> str:
    sound = _known_sound(front, sound)
    mix = front.session.mix
    if mix.layer(sound) is None:
        raise BadRequest(f"`{sound}` is not in the mix: raise its level first "
                         f"(`ambience ctl set {sound} 0.5`)")
    info = front.catalog.get(sound) if sound in front.catalog else None
    if name == "intensity" and (info is None or info.intensity is None):
        having = ", ".join(i.id for i in front.catalog if i.intensity is not None)
        raise BadRequest(f"`{sound}` has no intensity to change; sounds that have one: {having}")
    from ambience.library.describe import setting_words

    done = f"{sound}: {setting_words(name, amount, getattr(info, 'intensity', None))}"
    return _change(front, mix.with_shaping(sound, **{name: amount})) or done


def _run(front: Front, command: Command) -> str:
    session = front.session
    name, args = command.name, command.args
    mix = session.mix
    if name == "status":
        return ""
    if name == "set":
        sound = _known_sound(front, args["sound"])
        level = args["level"]
        new = mix.with_slider(sound, level)
        return _change(front, new) or f"{sound} {level:.2f}"
    if name == "master":
        return _change(front, mix.with_master(args["level"])) or f"master {args['level']:.2f}"
    if name in ("mute", "unmute"):
        sound = _known_sound(front, args["sound"])
        if mix.layer(sound) is None:
            raise BadRequest(f"`{sound}` is not in the mix: raise its level first "
                             f"(`ambience ctl set {sound} 0.5`)")
        return _change(front, mix.with_muted(sound, name == "mute")) or f"{name}d {sound}"
    if name in LAYER_SHAPING:
        return _shape(front, name, args["sound"], args["amount"])
    if name == "breathing":
        rate = args["rate"]
        done = (f"breathing pacer: {rate:g} breaths a minute" if rate
                else "breathing pacer off")
        return _change(front, mix.with_breathing(rate)) or done
    if name == "headphones":
        on = (not mix.headphones) if args["state"] is None else args["state"]
        done = "headphones mode on" if on else "headphones mode off (speakers)"
        return _change(front, mix.with_headphones(on)) or done
    if name == "preset":
        from ambience.library.preset import PresetError
        from ambience.library.presets import find_preset

        try:
            preset = find_preset(args["name"])
        except (LookupError, PresetError, OSError) as exc:
            raise BadRequest(str(exc).strip("'\"")) from None
        try:
            front.open_preset(preset)
        except PlaybackError as exc:
            return f"opened “{preset.name}”, but {exc}"
        return f"opened “{preset.name}”"
    if name == "timer":
        session.start_timer(args["duration"], args["fade"], args["then"])
        front.changed()
        return "sleep timer started"
    if name in ("extend", "shorten"):
        by = args["by"] if name == "extend" else -args["by"]
        if not session.adjust_timer(by):
            raise BadRequest("no sleep timer is running: `ambience ctl timer 45m` starts one")
        front.changed()
        return f"sleep timer {name}ed"
    if name == "cancel-timer":
        had = session.cancel_timer()
        front.changed()
        return "sleep timer cancelled" if had else "no sleep timer was running"
    if name == "pause":
        session.pause()
    elif name == "resume":
        session.resume()
    elif name == "toggle":
        session.toggle_pause()
    if name in ("pause", "resume", "toggle"):
        front.changed()
        return "paused" if session.silent else "playing"
    if name == "quit":
        front.quit()
        return "quitting (fading out)"
    raise BadRequest(f"unknown command {name!r}")  # pragma: no cover (validate refuses it)
