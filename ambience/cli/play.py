"""`ambience play`: play a mix in real time without the interface, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading

from ambience.cli import common

STOP_FADE = 1.0


def add_parser(sub) -> None:
    p = sub.add_parser("play", help="play a mix without the interface (Ctrl-C fades out)")
    common.add_layer_options(p)
    common.add_audio_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    mix, catalog = common.mix_from_args(args)
    if not mix.layers:
        raise common.CliError("nothing to play: add layers with --layer SOUND=LEVEL")
    audio, device = common.audio_of(args)
    from ambience.engine import AudioUnavailable, Engine, EngineError

    try:
        engine = Engine(audio, device=device, catalog=catalog)
    except AudioUnavailable as exc:
        raise common.CliError(str(exc), status=2) from None
    stop = threading.Event()
    interrupts = {"n": 0}

    def on_signal(signum, frame):
        interrupts["n"] += 1
        if interrupts["n"] > 1:
            raise SystemExit(0)  # a second Ctrl-C leaves at once
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            engine.apply(mix)
        except EngineError as exc:
            raise common.CliError(str(exc)) from None
        while not stop.wait(0.2):
            pass
        engine.fade_master(0.0, STOP_FADE, curve="db")
        stop.clear()
        stop.wait(STOP_FADE + 0.15)
    finally:
        engine.close()
        for s, handler in old.items():
            signal.signal(s, handler)
    return 0
