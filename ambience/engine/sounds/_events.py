"""Event timing shared by the synthesized sounds."""

from __future__ import annotations

from ambience.engine.source import pyo


def alternating_ticks(layer, gap_min, gap_max, voices, dist=None, scale=None):
    """Random events on `voices` voices that take turns: one metro whose next gap is drawn
    at every tick (uniform, or a `TrigXnoise` distribution `dist`), its ticks dealt out
    round-robin; a `scale` signal (an intensity knob) stretches every gap. (pyo's own
    `Metro(poly=n)` runs n phase-shifted metros instead, which two events can hit at once
    when the time changes.) Returns the (voices)-stream trigger."""
    own = layer.own
    beat = own(pyo.Metro(time=gap_min))
    if dist is None:
        gap = own(pyo.TrigRand(beat, gap_min, gap_max, init=gap_min))
    else:
        gap = own(pyo.TrigXnoise(beat, dist=dist, x1=4, mul=gap_max - gap_min, add=gap_min))
    beat.setTime(gap if scale is None else own(gap * scale))
    if voices == 1:
        return beat
    turn = own(pyo.Counter(beat, min=0, max=voices))
    return own(pyo.Select(turn, value=list(range(voices))))
