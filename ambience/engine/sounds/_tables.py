"""White noise without a random draw in the audio loop.

pyo 1.1.0 looks its module state up in a Python dict for every random number it draws at
audio rate (measured: 27 % of the standard mix's DSP time). Here the randomness is drawn
once, by numpy, into two tables of prime lengths read one sample per sample; their product
is white (each factor is uncorrelated with itself at every shift but zero) and repeats only
after the product of the lengths: 99991 x 100003 samples, 58 hours at 48 kHz.
"""

from __future__ import annotations

import numpy as np

from ambience.engine.layer import pyo

LENGTHS = (99991, 100003)


def _table_product(layer, freq: float, interp: int, gain: float):
    """Two tables of uniform values read `freq` values a second, multiplied; every object
    owned by the layer, seeded from the layer's own generator."""
    rng = np.random.default_rng(layer.rng.randrange(2**32))
    factors = []
    for i, length in enumerate(LENGTHS):
        table = pyo.DataTable(size=length)
        view = np.asarray(table.getBuffer())
        view[:] = rng.uniform(-1.0, 1.0, length)
        del view  # a view that outlives its table crashes pyo
        layer.own(table)
        factors.append(layer.own(pyo.Osc(table, freq=freq / length, phase=float(rng.random()),
                                         interp=interp, mul=gain if i == 0 else 1.0)))
    return layer.own(pyo.Sig(factors[0], mul=factors[1]))


def table_noise(layer, amplitude: float = 1.0):
    """Uniform-product white noise in [-amplitude, amplitude] (RMS amplitude / 3): one new
    value per sample."""
    return _table_product(layer, float(layer.options.get("sr", 48000)), 1, amplitude)


def table_random(layer, freq: float, interpolate: bool):
    """A stand-in for `Randh(-1, 1, freq)` (held) or `Randi(-1, 1, freq)` (interpolated):
    a new independent value `freq` times a second, with the same RMS as a uniform value in
    [-1, 1] (no random draw in the audio loop, no repetition within days)."""
    # the product of two uniforms has a third of the power of one; interpolated, each
    # factor keeps two thirds of its power, the product four ninths, against two thirds
    gain = 3.0**0.5 * (1.5**0.5 if interpolate else 1.0)
    return _table_product(layer, freq, 2 if interpolate else 1, gain)
