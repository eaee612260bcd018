"""The master chain: sum of layers -> master slider gain -> master envelope -> limiter.

The envelope is one `Linseg` whose breakpoints are replaced for every fade: it stays
sample-exact over hours (pyo's `SigTo` does not: a 600 s ramp undershoots in float32).
The limiter is a look-ahead compressor set hard, followed by a clip a little above its
ceiling that only ever catches what the compressor's attack lets through, so the output
never exceeds -1 dBFS whatever the sliders say.
"""

from __future__ import annotations

from ambience import fades
from ambience.engine.layer import pyo

#: the compressor's threshold (dBFS) and the hard ceiling behind it
LIMIT_DB = -3.0
CEILING = 10 ** (-1.5 / 20)


class MasterChain:
    def __init__(self, server, initial: float = 0.0):
        self.mixer = pyo.Mixer(outs=1, chnls=2, time=0.02)
        self.sum = self.mixer[0]
        self.gain = pyo.SigTo(value=1.0, time=0.05, init=1.0)
        self.env = pyo.Linseg([(0.0, initial), (0.001, initial)])
        self.env.play()
        self.pre = pyo.Sig(self.sum, mul=self.gain * self.env)
        self._gain_env = self.pre.mul  # the product object must stay referenced
        self.limiter = pyo.Compress(
            self.pre, thresh=LIMIT_DB, ratio=100, risetime=0.002, falltime=0.25,
            lookahead=5.0, knee=0.3, outputAmp=False,
        )
        self.output = pyo.Clip(self.limiter, min=-CEILING, max=CEILING)
        self.meter = pyo.Follower(self.output, freq=6)
        self.output.out()

    def set_gain(self, gain: float, ramp: float) -> None:
        self.gain.setTime(max(ramp, 0.001))
        self.gain.setValue(gain)

    def envelope(self, points: fades.Points) -> None:
        """Replace the envelope by `points` (seconds from now, gain), starting where it is."""
        current = self.envelope_value()
        pts = [(0.0, current)] + [(max(t, 1e-6), g) for t, g in points if t > 0]
        if len(pts) == 1:
            pts.append((0.001, points[-1][1] if points else current))
        # Linseg needs strictly increasing times
        clean = [pts[0]]
        for t, g in pts[1:]:
            if t <= clean[-1][0]:
                t = clean[-1][0] + 1e-6
            clean.append((t, g))
        self.env.setList(clean)
        self.env.play()

    def envelope_value(self) -> float:
        return float(self.env.get())

    def levels(self) -> tuple[float, float]:
        vals = self.meter.get(all=True)
        return (float(vals[0]), float(vals[1]))

    def close(self) -> None:
        """Stop and release every object of the chain (before the server shuts down)."""
        for name in ("output", "meter", "limiter", "pre", "_gain_env", "env", "gain", "sum",
                     "mixer"):
            obj = getattr(self, name, None)
            if hasattr(obj, "stop"):
                obj.stop()
            setattr(self, name, None)
