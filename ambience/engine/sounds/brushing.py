"""Brushing: soft brush strokes on a microphone, back and forth, slow and uneven.

Each stroke is a burst of noise through a band that sweeps while the stroke crosses part of
the stereo image, with a rounded swell, a quick irregular flutter where the bristles catch
and release, dense tiny scratches (0.2-1 ms clicks from a 2 ms metro thinned in proportion to
the stroke, as real mic brushing is: the audit heard dense micro-transients) and a little
woolly body. The brush goes back and forth: strokes alternate, one sweeping up and the next
down, and each has its own colour (where its band lies and how far it sweeps). Strokes last
0.35-1.4 s with 0.15-1.3 s between them, over the quiet of the room. One full-rate table
noise feeds it all.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

# Gain that puts the brushing at -23 LUFS at slider 1.0 (measured by the loudness test).
BRUSHING_GAIN = 6.8
#: the scratches: chance (%) per 2 ms at the height of a stroke, and their level
SCRATCH_CHANCE = 30.0
SCRATCH = 0.03
#: the room's floor (RMS)
ROOM_TONE = 0.0004


class Brushing(Source):
    def build(self):
        own = self.own
        raw = table_noise(self, 3.0)
        hiss = own(pyo.ButHP(raw, 700))
        # strokes: 0.35-1.4 s long, 0.15-1.3 s apart, each at its own level
        tick = own(pyo.Metro(1.5))
        length = own(pyo.TrigRand(tick, 0.35, 1.4, init=0.8))
        period = own(pyo.TrigRand(tick, 0.15, 1.3, init=0.5, add=length))
        tick.setTime(period)
        level = own(pyo.TrigRand(tick, 0.45, 1.0, init=0.8, mul=BRUSHING_GAIN))
        shape = own(pyo.CosTable([(0, 0.0), (2500, 1.0), (5000, 0.8), (8191, 0.0)]))
        env = own(pyo.TrigEnv(tick, shape, dur=length, mul=level))
        # back and forth: strokes alternate, the band sweeping up on one and down on the
        # next (pos runs 0 -> 1 or 1 -> 0), and each has its own colour
        ramp_shape = own(pyo.LinTable([(0, 0.0), (8191, 1.0)]))
        ramp = own(pyo.TrigEnv(tick, ramp_shape, dur=length))
        way = own(pyo.Counter(tick, min=0, max=2))
        sign = own(pyo.Sig(way, mul=2.0, add=-1.0))
        start = own(pyo.Sig(way, mul=-1.0, add=1.0))
        pos = own(pyo.Sig(ramp, mul=sign, add=start))
        f_low = own(pyo.TrigRand(tick, 800.0, 3500.0, init=1500.0))
        f_span = own(pyo.TrigRand(tick, 700.0, 3000.0, init=1500.0))
        freq = own(pyo.Sig(pos, mul=f_span, add=f_low))
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
        # scratches: tiny clicks, denser where the stroke presses hardest
        fast = own(pyo.Metro(0.002))
        chance = own(pyo.Sig(env, mul=SCRATCH_CHANCE / BRUSHING_GAIN))
        catch = own(pyo.Percent(fast, percent=chance))
        size = own(pyo.TrigRand(catch, 0.0002, 0.001, init=0.0005))
        force = own(pyo.TrigRand(catch, 0.1, 1.0, init=0.5, mul=env))
        click_t = own(pyo.CosTable([(0, 0.0), (500, 1.0), (8191, 0.0)]))
        click = own(pyo.TrigEnv(catch, click_t, dur=size, mul=force))
        scratch = own(pyo.Sig(hiss, mul=click))
        scratches = own(pyo.Sig(scratch, mul=SCRATCH))
        stroke = own(pyo.Mix([band, body, scratches], voices=1))
        brush = own(pyo.Pan(stroke, outs=2, pan=pan, spread=0.25))
        room = floor(self, ROOM_TONE, high=4000.0, noise=raw)
        return own(pyo.Mix([brush, room], voices=2))


SOUNDS = {"brushing": Brushing}
