"""Random signals without a random draw in the audio loop.

pyo 1.1.0 looks its module state up in a Python dict for every random number it draws at
audio rate (measured: 27 % of the standard mix's DSP time; a `Randh` at 24 kHz costs 0.13 %
of a core, the stand-in 0.03 %). Here the randomness is drawn once, by numpy, into two
tables of prime lengths, read in step: one of uniform values in [-1, 1), one of random signs.
A uniform value times an independent random sign is again uniform, and the product is
independent of itself at every shift but zero: at a shift of one table's length that table
repeats but the other does not, and its factor is independent and of mean zero. The product
repeats only after the product of the lengths: 99991 x 100003 values, 58 hours at 48 kHz.

Being uniform like pyo's own generators, a sound keeps its loudness and spectrum when it
moves from `Randh`/`Randi` to these.
"""

from __future__ import annotations

import numpy as np

from ambience.engine.source import pyo

LENGTHS = (99991, 100003)


def _rate(layer) -> float:
    return float(layer.options.get("sr", 48000))


def _held_uniform(layer, freq: float, amplitude: float):
    """Uniform values in [-amplitude, amplitude), a new one `freq` times a second, held in
    between (pyo's `Randh`). Every object is owned by the layer, seeded from its generator."""
    sr = _rate(layer)
    rng = np.random.default_rng(layer.rng.randrange(2**32))
    step = freq / sr  # table entries per sample: both tables step on the same samples
    signs_length, values_length = LENGTHS
    factor = 1.0
    for length, values in (
        (signs_length, lambda n: rng.choice((-amplitude, amplitude), n)),
        (values_length, lambda n: rng.uniform(-1.0, 1.0, n)),
    ):
        table = pyo.DataTable(size=length)
        view = np.asarray(table.getBuffer())
        view[:] = values(length)
        del view  # a view that outlives its table crashes pyo
        layer.own(table)
        # start half a step past an entry so that rounding never splits the two tables' steps
        phase = (int(rng.integers(length)) + min(step, 1.0) / 2) / length
        factor = layer.own(pyo.Osc(table, freq=freq / length, phase=phase, interp=1,
                                   mul=factor))
    return factor


def table_noise(layer, amplitude: float = 1.0):
    """White noise with the RMS of the former uniform product (amplitude / 3), one new value
    per sample; its peak is amplitude / sqrt(3)."""
    return _held_uniform(layer, _rate(layer), amplitude / 3**0.5)


def table_random(layer, freq: float, interpolate: bool):
    """A stand-in for `Randh(-1, 1, freq)` (held) or `Randi(-1, 1, freq)` (joined by straight
    lines): a new uniform value `freq` times a second, no repetition within days.

    The straight lines are the held values through a moving sum of one hold's length
    (a box convolved with a box is the triangle of linear interpolation), built as
    log2(length) one-delay-and-add stages: exact when the hold is a power of two samples
    (12, 24 kHz at 48 kHz), otherwise the nearest power of two, a slightly different
    smoothing of the same noise."""
    if not interpolate:
        return _held_uniform(layer, freq, 1.0)
    sr = _rate(layer)
    span = 2 ** max(0, round(np.log2(max(sr / freq, 1.0))))
    line = _held_uniform(layer, freq, 1.0 / span)
    width = 1
    while width < span:
        line = layer.own(pyo.SDelay(line, delay=(width + 0.5) / sr, maxdelay=(width + 2) / sr,
                                    add=line))
        width *= 2
    return line
