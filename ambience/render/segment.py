"""One stretch of a render: a manual engine following the master plan from a given second.

Shared by a render made in one process (`offline`) and by the parts of a long one (`parts`).
"""

from __future__ import annotations

from collections.abc import Callable

from ambience.core import fades
from ambience.core.mix import Mix

#: frames per buffer when rendering. Nobody waits on a buffer offline, and larger ones spread
#: pyo's per-buffer cost: the standard mix cost 2.68-2.94 % of a core at 256 frames (the
#: live default), 2.56 % at 512, 2.37-2.42 % at 1024, 2.34-2.43 % at 2048 and 2.52 % at 4096
#: (20 s renders, best of 3, a process each). Live playback keeps small buffers: a slider
#: move waits for the next one.
RENDER_BUFFER = 1024


class RenderError(Exception):
    """A render that cannot be done; the message names the file or the sound."""


def master_plan(envelope, fade_in: float) -> fades.Points:
    """The master envelope over the whole render, in seconds from its first sample: what one
    engine plays when it starts with `fade_in` and is then given `envelope`."""
    start = 0.0 if fade_in > 0 else 1.0
    if envelope is not None:
        later = [(t, g) for t, g in envelope if t > 0]
    elif fade_in > 0:
        later = [(t, g) for t, g in fades.curve_points(0.0, 1.0, fade_in, "loudness") if t > 0]
    else:
        later = []
    return [(0.0, start), *later]


def plan_from(plan: fades.Points, start: float) -> fades.Points:
    """`plan` as seen from `start` seconds into the render, for an engine starting then."""
    return [(0.0, fades.value_at(plan, start)),
            *fades.shifted([(t, g) for t, g in plan if t > start], -start)]


def open_engine(mix: Mix, catalog, seed, rate: int, plan: fades.Points, start: float):
    """A manual engine playing `mix` at full from its first sample, its master following
    `plan` from `start` seconds into the render."""
    from ambience.engine import Engine, EngineError

    points = plan_from(plan, start)
    # the master starts silent (any fade_in) when the plan does; otherwise at full, and a
    # later segment steps to the plan's value on its first sample, inside its pre-roll
    silent = points[0][1] == 0.0
    engine = Engine("manual", rate=rate, buffer=RENDER_BUFFER, catalog=catalog, seed=seed,
                    fade_in=1.0 if silent else 0.0)
    try:
        engine.apply(mix, ramp=0.0)
    except EngineError as exc:
        engine.close()
        raise RenderError(str(exc)) from None
    if not silent and points[0][1] != 1.0:
        points[0] = (1e-6, points[0][1])
    engine.set_master_envelope(points)
    return engine


def write_frames(engine, frames: int, write, progress: Callable[[int], None] | None = None):
    """Render `frames` frames in blocks of about a second, handing each to `write`."""
    rate = engine.rate
    block = engine.buffer * max(1, rate // engine.buffer)
    written = 0
    while written < frames:
        data = engine.render(block / rate)
        take = min(len(data), frames - written)
        write(data[:take])
        written += take
        if progress is not None:
            progress(written)
