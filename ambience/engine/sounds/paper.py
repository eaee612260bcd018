"""Paper: handled in squeezes, a continuous rustle under each with crackles and a few snaps.

Crumpling paper is crackling noise (Houle & Sethna 1996): many small snaps whose energies
follow a power law, clustered while the sheet is being squeezed; a recording also holds a
continuous 1-12 kHz "shh" of friction under each handling (the audit: bursts of 0.3-0.4 s
with a snap near the end, over a floor about 35 dB down) and no silence between.

Here a squeeze (0.3-2 s, a rounded swell with a flutter) drives three things together: the
friction (full-rate noise band-passed to 1-10 kHz), the chance of a crackle (a 4 ms metro
thinned by `Percent`, so crackles cluster where the squeeze is strong) and, through the
crackles' levels (exponential in dB, mean about 7 dB under the loudest, so their energies
follow a power law with alpha about 1.6), a few snaps that stand clear. Each crackle is a
0.3-3 ms burst of the same noise high-passed at 1.5 kHz, placed near the squeeze's spot.
Every 9-30 s a page turns with a soft sweeping whoosh; under it all, the room's quiet.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

#: calibrates the layer to about -23 LUFS at slider 1.0
PAPER_GAIN = 1.9
#: the friction under a squeeze, against the crackles
FRICTION = 0.09
#: crackles: chance (%) per 4 ms tick at the height of a squeeze, their range and mean (dB)
CHANCE = 22.0
RANGE_DB = 30.0
MEAN_DB = 7.0
#: input scale of the tanh that rounds off the loudest snaps
SOFT = 5.0
#: the page turn's level, relative to the friction
WHOOSH_GAIN = 0.5
#: the room's floor (RMS)
ROOM_TONE = 0.0005


class Paper(Source):
    def build(self):
        own = self.own
        raw = table_noise(self, 3.0)
        # squeezes: 0.3-2 s of handling, 0.3-3 s apart
        tick = own(pyo.Metro(1.0))
        length = own(pyo.TrigRand(tick, 0.3, 2.0, init=1.0))
        period = own(pyo.TrigRand(tick, 0.3, 3.0, init=1.0, add=length))
        tick.setTime(period)
        level = own(pyo.TrigRand(tick, 0.5, 1.0, init=0.8))
        shape = own(pyo.CosTable([(0, 0.0), (1500, 1.0), (4000, 0.6), (6000, 0.9), (8191, 0.0)]))
        squeeze = own(pyo.TrigEnv(tick, shape, dur=length, mul=level))
        flutter = own(pyo.Randi(0.35, 1.0, freq=9.0))
        grip = own(pyo.Sig(squeeze, mul=flutter))
        # the friction: a continuous 1-10 kHz rustle while the sheet moves
        band = own(pyo.ButLP(own(pyo.ButHP(raw, 1000.0)), 10000.0))
        rub = own(pyo.Sig(band, mul=grip))
        spot = own(pyo.TrigRand(tick, 0.25, 0.75, init=0.5))
        friction = own(pyo.Pan(rub, outs=2, pan=spot, spread=0.4, mul=FRICTION))
        # crackles: a 4 ms metro thinned in proportion to the grip
        fast = own(pyo.Metro(0.004))
        chance = own(pyo.Sig(grip, mul=CHANCE))
        crack = own(pyo.Percent(fast, percent=chance))
        drop = own(pyo.TrigXnoise(crack, dist=4, x1=RANGE_DB / MEAN_DB, mul=-RANGE_DB))
        loud = own(pyo.DBToA(drop))
        width = own(pyo.TrigRand(crack, 0.0003, 0.003, init=0.001))
        burst_t = own(pyo.CosTable([(0, 0.0), (300, 1.0), (1500, 0.35), (8191, 0.0)]))
        burst = own(pyo.TrigEnv(crack, burst_t, dur=width, mul=loud))
        bright = own(pyo.ButHP(raw, 1500.0))
        snaps = own(pyo.Sig(bright, mul=burst, add=0.0))
        rounded = own(pyo.Tanh(own(pyo.Sig(snaps, mul=SOFT)), mul=1.0 / SOFT))
        place = own(pyo.TrigRand(crack, -0.1, 0.1, init=0.0, add=spot))
        crackle = own(pyo.Pan(rounded, outs=2, pan=place, spread=0.1))

        # now and then a page turns: a soft whoosh that sweeps up and across
        page_tick = own(pyo.Metro(20.0))
        page_period = own(pyo.TrigRand(page_tick, 9.0, 30.0, init=15.0))
        page_tick.setTime(page_period)
        page_len = own(pyo.TrigRand(page_tick, 0.5, 0.9, init=0.7))
        page_level = own(pyo.TrigRand(page_tick, 0.5, 1.0, init=0.0, mul=WHOOSH_GAIN))
        page_shape = own(pyo.CosTable([(0, 0.0), (4500, 1.0), (6500, 0.5), (8191, 0.0)]))
        page_env = own(pyo.TrigEnv(page_tick, page_shape, dur=page_len, mul=page_level))
        page_ramp_shape = own(pyo.LinTable([(0, 0.0), (8191, 1.0)]))
        page_ramp = own(pyo.TrigEnv(page_tick, page_ramp_shape, dur=page_len))
        page_freq = own(pyo.Sig(page_ramp, mul=1800.0, add=700.0))
        page_pan = own(pyo.Sig(page_ramp, mul=0.5, add=0.25))
        air = own(pyo.ComplexRes(raw, freq=page_freq, decay=0.0006, mul=page_env))
        whoosh = own(pyo.Pan(air, outs=2, pan=page_pan, spread=0.3))
        room = floor(self, ROOM_TONE, high=4000.0, noise=raw)
        return own(pyo.Mix([friction, crackle, whoosh, room], voices=2, mul=PAPER_GAIN))


SOUNDS = {"paper": Paper}
