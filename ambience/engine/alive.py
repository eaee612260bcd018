"""The per-layer "alive" gain stage: plays a layer's drift and comings and goings (the pure
schedules of `ambience.core.alive`) as one envelope, and says when the layer is away long
enough to be stopped.

The envelope is a `Linseg` (exact over minutes; `SigTo` is not, see the pyo field notes)
holding the next `AHEAD` seconds of breakpoints; the engine asks again (`tend`) at `due`, and
the stage plans the next stretch from where the envelope is, so a night needs no more
breakpoints than ten minutes do. A layer away (silent) for longer than `MIN_AWAY` is stopped
`STOP_MARGIN` after its fade out ends and started again `PREROLL` before its fade in, while
the envelope still holds it silent.
"""

from __future__ import annotations

import math

from ambience.core.alive import Life
from ambience.engine.source import pyo

#: seconds of envelope planned at a time, and how long before their end the next are planned
AHEAD = 600.0
RENEW = 120.0
#: a stopped layer starts again this long before its fade in (silently, the envelope at 0)
PREROLL = 2.0
#: stop a layer only for silences at least this long
MIN_AWAY = 10.0
#: stop a layer this long after its fade out ended
STOP_MARGIN = 0.1
#: a layer counts as away while its presence gain is under this (-20 dB): faded out, or
#: stopped; the fade's mid-point (-10 dB, where the schedule counts it come or gone) is not
AWAY_GAIN = 0.1


class AliveStage:
    """One layer's drift and presence envelope (`env`, a gain to multiply with the slider's)."""

    def __init__(self, seed: int | None):
        self.seed = seed
        self.env = pyo.Linseg([(0.0, 1.0), (0.001, 1.0)])
        self.life: Life | None = None
        self.settings = (0.0, 1.0)
        self._t0 = 0.0
        self._until = math.inf  # engine time the planned envelope lasts until
        self._quiet = (math.inf, math.inf)  # the next silence, engine times
        self._paused = False
        self._playing = False  # the envelope is playing a plan (not its initial 1)

    def set(self, now: float, drift: float, presence: float) -> None:
        """Follow `drift` and `presence` from engine time `now` (the first call starts the
        layer's schedule; later ones glide to the new settings)."""
        settings = (float(drift), float(presence))
        if self.life is None:
            if settings == (0.0, 1.0):
                return  # nothing alive about it (yet): the envelope stays at 1
            self._t0 = now
            self.life = Life(self.seed, *settings)
        elif settings == self.settings:
            return
        else:
            self.life.set(now - self._t0, *settings)
        self.settings = settings
        self._plan(now)

    def _plan(self, now: float) -> None:
        tau = now - self._t0
        life = self.life
        if life.still_after(tau):
            points = [(0.0, 1.0), (0.001, 1.0)]
            self._until = math.inf
        else:
            points = [(t - tau, g) for t, g in life.points(tau, tau + AHEAD)]
            self._until = now + AHEAD
        if self._playing:
            # from where the envelope really is: a live server's clock (`now`) and its audio
            # may part by a stalled buffer or two, and the plan must not step to meet it
            points[0] = (0.0, float(self.env.get()))
        self.env.setList(points)
        self._playing = not self._paused
        if self._playing:
            self.env.play()
        self._find_quiet(tau)

    def _find_quiet(self, tau: float) -> None:
        """The silence at or after schedule time `tau` that is still worth stopping for."""
        a, b = self.life.presence.quiet(tau)
        while b != math.inf and tau >= b - PREROLL:
            a, b = self.life.presence.quiet(b)
        self._quiet = (a + self._t0, b + self._t0)

    def away(self, now: float) -> bool:
        """True while "now and then" has the layer out at engine time `now`: its presence
        gain under `AWAY_GAIN` (-20 dB), which also holds the whole time the engine has it
        stopped. A layer in the middle of a fade is not away; drift plays no part."""
        if self.life is None:
            return False
        return self.life.presence.gain(now - self._t0) < AWAY_GAIN

    def tend(self, now: float) -> bool:
        """Plan ahead when due; True when the layer should be running at `now`."""
        if self.life is None:
            return True
        if now >= self._until - RENEW:
            self._plan(now)
        elif now >= self._quiet[1] - PREROLL:  # this silence is over: find the next
            self._find_quiet(now - self._t0)
        a, b = self._quiet
        if b - a < MIN_AWAY:
            return True
        return not (a + STOP_MARGIN <= now < b - PREROLL)

    def due(self, now: float) -> float:
        """The engine time after `now` of the next `tend` that has something to do."""
        if self.life is None:
            return math.inf
        a, b = self._quiet
        edges = [self._until - RENEW, b - PREROLL]  # a short silence is passed over there
        if b - a >= MIN_AWAY:
            edges.append(a + STOP_MARGIN)
        later = [e for e in edges if e > now]
        return min(later) if later else now + 1.0

    def pause(self) -> None:
        """Stop the envelope while the layer is away (a stopped object costs nothing)."""
        self._paused = True
        self._playing = False
        self.env.stop()

    def resume(self, now: float) -> None:
        """Play the envelope again from where the schedule is at `now`."""
        self._paused = False
        self._plan(now)

    def close(self) -> None:
        self.env.stop()
