"""The quiet continuous background every real recording keeps under its events.

A track that drops to digital silence between events is heard as a fault, not as quiet:
every unedited recording has a floor of its own (room tone indoors, air and leaves outdoors,
the body under a stethoscope). Here that floor is full-rate table noise (flat to 24 kHz, so
no dead band) coloured by a band-pass and, if wanted, breathing very slowly, one noise per
ear so that it is wide without any comb in the mono sum.
"""

from __future__ import annotations

import math

from ambience.engine.source import pyo
from ambience.engine.sounds._tables import table_noise


def floor(layer, level: float, high: float = 3000.0, low: float = 0.0, drift: float = 0.0,
          stereo: bool = True, noise=None, steep: bool = False):
    """A two-stream floor at about `level` RMS per ear: noise low-passed at `high` Hz (a
    gentle one-pole slope) and, if `low` is given, high-passed there; its level wandering
    `drift` (a fraction) over tens of seconds. `stereo=False` gives both ears the same
    noise (half the cost); a layer that already has a table noise of RMS 1 may pass it as
    `noise` for a mono floor at no extra cost; `steep` low-passes twice (12 dB/octave, for
    a floor that must not hiss). About 0.05 % of a core per ear."""
    own = layer.own
    # white noise of RMS 1 through one-pole slopes keeps about pi/2 of the band's share
    rate = float(layer.options.get("sr", 48000))
    scale = 3.0 / (math.pi * max(high - low, 1.0) / rate) ** 0.5
    if noise is not None:
        noises, stereo = [noise], False
        level = level * scale / 3.0
    else:
        noises = [table_noise(layer, scale)]
        if stereo:
            noises.append(table_noise(layer, scale))
    mul = level
    if drift > 0.0:
        mul = own(pyo.Randi(min=level * (1.0 - drift), max=level, freq=0.05))
    band = [own(pyo.Tone(n, freq=high)) for n in noises]
    if steep:
        band = [own(pyo.Tone(b, freq=high, mul=2.0)) for b in band]
    if low > 0.0:
        band = [own(pyo.ButHP(b, freq=low)) for b in band]
    if not stereo:
        band = band * 2
    return own(pyo.Sig(band, mul=mul))
