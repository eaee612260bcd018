"""Keyboard: typing in bursts of words, with spacebar thumps and pauses to think.

A keystroke is three sounds: the finger meeting the key (a soft click), the key bottoming out
5-15 ms later (the loud clack), and the release 40-120 ms after that, 6-12 dB softer. Each is
a millisecond of broadband noise ringing a few broad, low-Q modes of the keycap and case
between 1 and 8 kHz, and a little low body: clicks, not pitched tones (the audit measured a
key 30 dB down in 18 ms, its spectrum highest at 2 kHz, about -25 dB re total at 250-500 Hz).
Each key is one of a small set of keys, so keys differ but recur; the spacebar (after a word)
is lower, longer and heavier.

Timing follows typists: intervals log-normal around 165 ms (about 60 words a minute), the
next key often pressed before the last is released (two voices take turns, so a release is
never cut), longer gaps after a word, and sentences of 2-7 s with 1-5 s pauses between them.
Under it all the room's quiet, 50-60 dB under the clacks.
"""

from __future__ import annotations

import math

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

#: calibrates the layer to about -23 LUFS at slider 1.0
KEYBOARD_GAIN = 20.6
#: time to the next key (s): log-normal quantiles around 180 ms, then the gaps after a word
WITHIN = [round(math.exp(math.log(0.165) + 0.35 * z), 3)
          for z in (-1.5, -1.0, -0.7, -0.45, -0.2, 0.0, 0.2, 0.45, 0.7, 1.0, 1.5)]
INTERVALS = WITHIN + [0.42, 0.5, 0.62]
SPACE_AFTER = 0.4
#: input scale of the tanh that rounds off the tip of each clack
SOFT = 35.0
#: the small set of keys: the first broad mode of each (Hz); the second is 1.6-2.6x higher
KEYS = [1500.0, 1750.0, 1950.0, 2200.0, 2500.0, 2800.0, 3200.0]
SECOND = [1.6, 1.9, 2.2, 2.6, 3.1]
#: the room's floor (RMS)
ROOM_TONE = 0.0004

#: intensity (slow 0, as designed 0.5, busy 1; points spaced evenly from 0 to 1): the time
#: between keys (x), the length of a burst of typing (x) and the pause after it (x)
INT_KEYS = (1.5, 1.0, 0.7)
INT_BURSTS = (0.6, 1.0, 1.8)
INT_PAUSES = (1.5, 1.0, 0.5)
#: the output gain that holds the loudness (measured at intensity 0, 0.25, ... 1)
INT_LOUDNESS = (1.08, 1.06, 1.0, 0.94, 0.89)


def _bump(out: list[float], start: float, rise: float, tail: float, level: float) -> None:
    """Add a click to `out` (positions are fractions of the table): a quick smooth rise
    over `rise`, then the rattle of the key dying away exponentially (time constant
    `tail`), cut to zero by the table's end."""
    size = len(out)
    for i in range(int(start * size), size):
        u = i / size - start
        if u < rise:
            out[i] += level * math.sin(math.pi / 2 * u / rise) ** 2
        else:
            out[i] += level * math.exp(-(u - rise) / tail)
    fade = size // 40
    for k in range(fade):
        out[size - 1 - k] *= k / fade


def _press(size: int = 2048) -> list[float]:
    """Read over three times the key's travel: the finger meeting the key (a soft click
    at 0), then the bottom-out (the loud one) at 0.8 of the travel, each dying away over a
    few milliseconds (30 dB down after about the travel itself)."""
    out = [0.0] * size
    _bump(out, 0.0, 0.012, 0.025, 0.6)
    _bump(out, 0.8 / 3, 0.01, 0.1, 1.0)
    return out


def _release(size: int = 2048) -> list[float]:
    """Silence, then the key coming back up over the last 10 % (read over 1.1 times the
    time to the release, so it lands at the 91 % mark)."""
    out = [0.0] * size
    _bump(out, 0.91, 0.004, 0.02, 1.0)
    return out


class Keyboard(Source):
    def build(self):
        own = self.own
        noise = table_noise(self, 3.0)
        # sentences: 2-7 s of typing, then 1-5 s of thought
        keys_gap = self.knob(*INT_KEYS, log=True)
        bursts = self.knob(*INT_BURSTS, log=True)
        pauses = self.knob(*INT_PAUSES, log=True)
        loudness = self.knob(*INT_LOUDNESS, log=True)
        line_tick = own(pyo.Metro(4.0))
        line_len = own(pyo.TrigRand(line_tick, 2.0, 7.0, init=4.0, mul=bursts))
        line_period = own(pyo.TrigRand(line_tick, 1.0, 5.0, init=2.0, mul=pauses, add=line_len))
        line_tick.setTime(line_period)
        line_level = own(pyo.TrigRand(line_tick, 0.75, 1.0, init=0.9))
        gate_shape = own(pyo.LinTable([(0, 0.0), (100, 1.0), (8091, 1.0), (8191, 0.0)]))
        gate = own(pyo.TrigEnv(line_tick, gate_shape, dur=line_len, mul=line_level))
        # keys, dealt to two voices in turn so the next press never cuts a release
        key_tick = own(pyo.Metro(0.18))
        interval = own(pyo.TrigChoice(key_tick, INTERVALS, init=0.18))
        key_tick.setTime(own(interval * keys_gap))
        turn = own(pyo.Counter(key_tick, min=0, max=2))
        voices = own(pyo.Select(turn, value=[0, 1]))
        space = own(pyo.Compare(interval, SPACE_AFTER, ">"))
        press_t = own(pyo.DataTable(size=2048, init=_press()))
        release_t = own(pyo.DataTable(size=2048, init=_release()))
        # each key's draws are made once, as it is pressed; the voice it goes to reads them
        # then and keeps them (a TrigEnv samples its duration when triggered)
        weight = own(pyo.TrigRand(key_tick, 0.7, 1.0, init=0.85))
        level = own(pyo.Sig(weight, mul=gate))
        travel = own(pyo.TrigRand(key_tick, 0.0075 * 3, 0.018 * 3, init=0.033))
        press = own(pyo.TrigEnv(voices, press_t, dur=travel))
        back = own(pyo.TrigRand(key_tick, 0.045 * 1.1, 0.13 * 1.1, init=0.09))
        soft = own(pyo.TrigRand(key_tick, 0.3, 0.5, init=0.4))
        release = own(pyo.TrigEnv(voices, release_t, dur=back, mul=soft))
        stroke = own(pyo.Mix([press, release], voices=1, mul=level))
        excite = own(pyo.Sig(noise, mul=stroke))
        # the key's modes: broad (a short decay is a low Q), drawn from the set; the
        # spacebar's lower, with more body
        first = own(pyo.TrigChoice(key_tick, KEYS, init=2200.0))
        ratio = own(pyo.TrigChoice(key_tick, SECOND, init=2.0))
        low = own(pyo.Sig(space, mul=-0.45, add=1.0))
        f1 = own(pyo.Sig(first, mul=low))
        f2 = own(pyo.Sig(f1, mul=ratio))
        body_f = own(pyo.TrigRand(key_tick, 300.0, 520.0, init=400.0))
        body_fs = own(pyo.Sig(space, mul=-120.0, add=body_f))
        body_level = own(pyo.Sig(space, mul=0.028, add=0.012))
        parts = [
            own(pyo.ComplexRes(excite, freq=f1, decay=0.001)),
            own(pyo.ComplexRes(excite, freq=f2, decay=0.0006, mul=1.2)),
            own(pyo.ComplexRes(excite, freq=body_fs, decay=0.003, mul=body_level)),
        ]
        key = own(pyo.Mix(parts, voices=1, mul=SOFT))
        # the tip of a hard clack would set the peak level: round it off
        rounded = own(pyo.Tanh(key))
        # the top of a click fades above 14 kHz
        # (and has little below 500 Hz: about -25 dB re total)
        mellow = own(pyo.ButHP(own(pyo.ButLP(rounded, 14000.0)), 300.0,
                               mul=own(loudness * (KEYBOARD_GAIN / SOFT))))
        place = own(pyo.TrigRand(key_tick, 0.3, 0.7, init=0.5, port=0.003))
        keys = own(pyo.Pan(mellow, outs=2, pan=place, spread=0.3))
        room = floor(self, ROOM_TONE, high=3000.0, noise=noise)
        return own(pyo.Mix([keys, room], voices=2))


SOUNDS = {"keyboard": Keyboard}
