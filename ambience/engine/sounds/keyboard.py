"""Keyboard: typing in bursts, with spacebar thumps and pauses between words and sentences.

A key is a millisecond-scale burst of noise (the press, then a softer release a few tens of
milliseconds later) ringing a bright click resonance and a low body. The time to the next
key is drawn from typing-like intervals; a long one means the key was the spacebar (the word
ends), which is lower, longer and heavier. Sentences of 2-7 s alternate with 1.5-5 s pauses.
One 16 kHz sample-and-hold noise excites everything (a third of a full-rate generator's cost).
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._tables import table_random

# Gain that puts the keyboard at -23 LUFS at slider 1.0 (measured by the loudness test).
KEYBOARD_GAIN = 15.0
#: input scale of the tanh that rounds off the first millisecond of each click
SOFT_CLIP = 26.7
#: time to the next key: mostly within a word; the long ones follow a space (a word ends)
INTERVALS = [0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.15, 0.17, 0.2, 0.35, 0.5]
SPACE_AFTER = 0.29


class Keyboard(Source):
    def build(self):
        own = self.own
        raw = table_random(self, 16000, interpolate=False)
        # sentences: 2-7 s of typing, then 1.5-5 s of thought
        line_tick = own(pyo.Metro(4.0))
        line_len = own(pyo.TrigRand(line_tick, 2.0, 7.0, init=4.0))
        line_period = own(pyo.TrigRand(line_tick, 1.5, 5.0, init=2.0, add=line_len))
        line_tick.setTime(line_period)
        line_level = own(pyo.TrigRand(line_tick, 0.75, 1.0, init=0.9))
        gate_shape = own(pyo.LinTable([(0, 0.0), (100, 1.0), (8091, 1.0), (8191, 0.0)]))
        gate = own(pyo.TrigEnv(line_tick, gate_shape, dur=line_len, mul=line_level))
        # keys
        key_tick = own(pyo.Metro(0.12))
        interval = own(pyo.TrigChoice(key_tick, INTERVALS, init=0.12))
        key_tick.setTime(interval)
        space = own(pyo.Compare(interval, SPACE_AFTER, ">"))
        weight = own(pyo.TrigRand(key_tick, 0.45, 1.0, init=0.7, mul=gate))
        # press, then the softer release a few tens of milliseconds later
        stroke_shape = own(pyo.CosTable([(0, 0.0), (60, 1.0), (350, 0.0), (5900, 0.0),
                                         (5960, 0.4), (6300, 0.0), (8191, 0.0)]))
        stroke_len = own(pyo.TrigRand(key_tick, 0.05, 0.068, init=0.06))
        stroke = own(pyo.TrigEnv(key_tick, stroke_shape, dur=stroke_len, mul=weight))
        excite = own(pyo.Sig(raw, mul=stroke))
        # each key clicks at its own pitch; the spacebar is lower, longer, heavier
        click_freq = own(pyo.TrigRand(key_tick, 2300.0, 4200.0, init=3000.0))
        click_f = own(pyo.Sig(space, mul=-900.0, add=click_freq))
        body_freq = own(pyo.TrigRand(key_tick, 330.0, 620.0, init=450.0))
        body_f = own(pyo.Sig(space, mul=-190.0, add=body_freq))
        body_decay = own(pyo.Sig(space, mul=0.01, add=0.006))
        body_level = own(pyo.Sig(space, mul=0.6, add=0.3))
        parts = [
            own(pyo.ComplexRes(excite, freq=click_f, decay=0.004)),
            own(pyo.ComplexRes(excite, freq=body_f, decay=body_decay, mul=body_level)),
        ]
        key = own(pyo.Mix(parts, voices=1, mul=SOFT_CLIP))
        rounded = own(pyo.Tanh(key, mul=KEYBOARD_GAIN / SOFT_CLIP))
        place = own(pyo.TrigRand(key_tick, 0.3, 0.7, init=0.5, port=0.003))
        return own(pyo.Pan(rounded, outs=2, pan=place, spread=0.3))


SOUNDS = {"keyboard": Keyboard}
