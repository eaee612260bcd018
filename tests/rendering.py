"""Rendering one sound alone, as every sound test does: slider 1.0, master 1.0, no fades."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ambience.library.catalog import load_catalog
from ambience.engine import Engine
from ambience.core.mix import Layer, Mix

RATE = 48000
CATALOG = load_catalog()


def render_in_windows(engine: Engine, seconds: float, frames: int,
                      measure: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Render `seconds` and return `measure` of the output cut into consecutive windows of
    `frames` (given windows x frames x 2, float64; one row each), without keeping the audio
    (half an hour of it is 700 MB)."""
    rows: list[np.ndarray] = []
    rest = np.zeros((0, 2), dtype=np.float64)

    def take(block: np.ndarray) -> None:
        nonlocal rest
        data = np.concatenate([rest, block.astype(np.float64)])
        k = len(data) // frames
        if k:
            rows.append(measure(data[: k * frames].reshape(k, frames, 2)))
        rest = data[k * frames:]

    engine.render(seconds, on_block=take)
    return np.concatenate(rows) if rows else np.zeros(0)


def window_levels_db(engine: Engine, seconds: float, window: float = 1.0) -> np.ndarray:
    """Render `seconds` and return the output's level (dB, both channels) in consecutive
    `window`s (see `render_in_windows`)."""
    def level(windows: np.ndarray) -> np.ndarray:
        return 10 * np.log10(np.maximum(np.square(windows).mean(axis=(1, 2)), 1e-30))

    return render_in_windows(engine, seconds, int(round(window * engine.rate)), level)


def render_alone(sound: str, seconds: float, seed: int) -> np.ndarray:
    """`seconds` of `sound` alone (frames x 2, float32). The seed repeats a render from one
    process to the next, not within one process (see `Engine`)."""
    engine = Engine("manual", rate=RATE, seed=seed, fade_in=0.0, catalog=CATALOG)
    try:
        engine.apply(Mix(1.0, (Layer(sound, 1.0),)), ramp=0.0)
        return engine.render(seconds)
    finally:
        engine.close()


#: the mix both real-time tests play, and its offline reference
PLAYED_MIX = Mix(1.0, (Layer("pink", 0.6), Layer("brown", 0.3)))
PLAYED_ARGS = ["--layer", "pink=0.6", "--layer", "brown=0.3"]


def reference_of_played_mix(seconds: float = 5.0) -> np.ndarray:
    """The real-time tests' mix rendered offline, its first second dropped."""
    engine = Engine("manual", rate=RATE, seed=1, fade_in=0.0, catalog=CATALOG)
    try:
        engine.apply(PLAYED_MIX, ramp=0.0)
        return engine.render(seconds)[RATE:]
    finally:
        engine.close()


def stop_player(player) -> tuple[str, str]:
    """Ctrl-C a player subprocess; one that does not stop within 15 s is killed and fails."""
    import signal
    import subprocess

    player.send_signal(signal.SIGINT)
    try:
        return player.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        player.kill()
        _, err = player.communicate()
        raise AssertionError(f"the player did not stop within 15 s of Ctrl-C: {err}") from None
