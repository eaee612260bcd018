"""The engine in a child process of its own: `python -m ambience.engine.host`.

When the sound server goes away (PulseAudio or PipeWire restarted, a headset switched,
suspend), PortAudio's ALSA host API asserts and aborts the whole process; no Python code can
catch that. So the live engine runs here, and the mixer or the player talks to it through
`ambience.guarded.GuardedEngine`: a dead sound server then takes only this process down.

Protocol (framing in `ambience.guarded`): length-prefixed pickles on stdin/stdout. The first message is the engine's keyword
arguments; the reply is `("ready", device, playable sounds)` or `("unavailable", reason)`.
Then each request `(method, args, kwargs)` gets `("ok", value)`, `("problems", dict, text)`
for a `PlaybackError`, or `("error", text)`. End of input closes the engine and exits.
Nothing else is ever written: pyo's and the audio libraries' output goes to /dev/null.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

from ambience.guarded import METHODS, receive, send


def _private_pipes() -> tuple[BinaryIO, BinaryIO]:
    """The protocol keeps the real stdin/stdout; fds 1 and 2 go to /dev/null, so that no
    library can write into the protocol or onto the user's terminal."""
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    sys.stderr = sys.stdout
    return inp, out


def main() -> int:
    inp, out = _private_pipes()
    spec = receive(inp)
    if spec is None:
        return 0
    from ambience.core.playback import AudioUnavailable, PlaybackError
    from ambience.engine import Engine

    try:
        engine = Engine(**spec)
    except AudioUnavailable as exc:
        send(out, ("unavailable", str(exc)))
        return 2
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which says it
        send(out, ("unavailable", f"the audio engine failed to start ({exc})"))
        return 2
    send(out, ("ready", engine.device, engine.playable_sounds()))
    try:
        while True:
            request = receive(inp)
            if request is None:
                return 0
            method, args, kwargs = request
            if method not in METHODS:
                send(out, ("error", f"unknown engine method {method!r}"))
                continue
            try:
                send(out, ("ok", getattr(engine, method)(*args, **kwargs)))
            except PlaybackError as exc:
                send(out, ("problems", exc.problems, str(exc)))
            except Exception as exc:  # noqa: BLE001 - the parent decides what to say
                send(out, ("error", f"{type(exc).__name__}: {exc}"))
    except (BrokenPipeError, EOFError):
        return 0
    finally:
        engine.close()


if __name__ == "__main__":
    raise SystemExit(main())
