"""Brushing: soft brush strokes on a microphone, slow and uneven.

Each stroke is a burst of noise through a band that sweeps up or down while the stroke
crosses part of the stereo image (its direction), with a rounded swell, a quick irregular
flutter where the bristles catch and release, and a little woolly body. Strokes last
0.35-1.4 s with 0.15-1.3 s between them. One half-rate sample-and-hold noise feeds it all.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_random

# Gain that puts the brushing at -23 LUFS at slider 1.0 (measured by the loudness test).
BRUSHING_GAIN = 8.76


class Brushing(Source):
    def build(self):
        own = self.own
        raw = table_random(self, 24000, interpolate=False)
        hiss = own(pyo.ButHP(raw, 700))
        # strokes: 0.35-1.4 s long, 0.15-1.3 s apart, each at its own level
        tick = own(pyo.Metro(1.5))
        length = own(pyo.TrigRand(tick, 0.35, 1.4, init=0.8))
        period = own(pyo.TrigRand(tick, 0.15, 1.3, init=0.5, add=length))
        tick.setTime(period)
        level = own(pyo.TrigRand(tick, 0.45, 1.0, init=0.8, mul=BRUSHING_GAIN))
        shape = own(pyo.CosTable([(0, 0.0), (2500, 1.0), (5000, 0.8), (8191, 0.0)]))
        env = own(pyo.TrigEnv(tick, shape, dur=length, mul=level))
        # the stroke's direction: its band sweeps up or down and it crosses the stereo image
        ramp_shape = own(pyo.LinTable([(0, 0.0), (8191, 1.0)]))
        ramp = own(pyo.TrigEnv(tick, ramp_shape, dur=length))
        f_start = own(pyo.TrigRand(tick, 1200.0, 3800.0, init=2200.0))
        f_span = own(pyo.TrigRand(tick, -800.0, 2500.0, init=800.0))
        freq = own(pyo.Sig(ramp, mul=f_span, add=f_start))
        p_start = own(pyo.TrigRand(tick, 0.1, 0.9, init=0.3))
        p_span = own(pyo.TrigRand(tick, -0.4, 0.4, init=0.2))
        pan = own(pyo.Sig(ramp, mul=p_span, add=p_start))
        # bristles: the brush catches and releases in quick irregular flutters
        rate = own(pyo.Randi(70.0, 260.0, freq=0.7))
        flutter = own(pyo.Randi(0.1, 1.0, freq=rate))
        texture = own(pyo.Sig(flutter, mul=env))
        band = own(pyo.ComplexRes(hiss, freq=freq, decay=0.0006, mul=texture))
        # the soft woolly body of bristles pressing on the microphone's grille
        body_level = own(pyo.Sig(texture, mul=0.07))
        body = own(pyo.ComplexRes(raw, freq=380.0, decay=0.0012, mul=body_level))
        stroke = own(pyo.Mix([band, body], voices=1))
        return own(pyo.Pan(stroke, outs=2, pan=pan, spread=0.25))


SOUNDS = {"brushing": Brushing}
