"""A layer's place around the head: the stage between a sound's output and its gain.

Idle (motion 0 and no binaural rendering asked for) it costs nothing: the gain reads the
sound itself and no object of the stage plays. Otherwise the sound's two channels become two
sources, each at its own point of the path coordinate (`core.motion.level_of`):

    channel L at m * path(t) - (1 - m) * W(90 deg), channel R at m * path(t) + (1 - m) * W(90)

where m is the layer's `motion` (ramped) and path(t) its seeded path (`core.motion`, a
looping `Linseg`). At m = 0 the channels sit at the ears: the sound as it is, its own
stereo image kept. As m grows both channels join the path and the sound narrows to mono
(L' = (1 - m/2) L + m/2 R): the path alone places it. Per channel and ear, lookup tables
sampled from pure functions give what to apply, so nothing is computed per sample but table
reads, products, four short delays and two one-pole filters:

- speakers ("pan"): each channel panned with equal power at its lateral position sin(az)
  (at m = 0 exactly the sound as it is; no time difference between the ears).
- headphones ("binaural": close-up triggers, and any moving layer): each channel placed by
  the spherical head of `core.head`: a delay, a 1/path gain and a head-shadow share per
  ear, at `head.CLOSE` for close-up sounds and `head.FAR` for the others.

Every change glides: `motion` ramps m (the sound drifts to its new range), and a switch
between idle, pan and binaural crossfades the renderings over `GLIDE` seconds; when a glide
has ended (`settle`) the renderings no longer heard are stopped and, back at idle, the gain
reads the sound itself again.

Settled in headphones at motion 1 or 0, the same binaural rendering costs half or less as
one of two cheaper equivalents (linear, so sample for sample the same sound): at motion 1
both channels sit on the path, so L + R is placed once ("mono": two delays and six table
reads instead of four and twelve); at motion 0 they sit still at the ears, so the tables'
values are constants ("fixed": no table reads, no path). The equivalent plays during the
glide that leads to it (its delay lines are full when it takes over) and hands back to the
crossfade, where it has its own weight, when the next change starts.
"""

from __future__ import annotations

import functools
import math

from ambience.core import head, motion as paths
from ambience.engine.source import pyo

#: seconds for a switch (headphones on/off, motion on/off or changed) to glide
GLIDE = 1.5
#: entries of each lookup table (the path coordinate's whole range, about 0.1 dB apart)
TABLE_SIZE = 1001
#: the longest interaural delay any table holds, with room to spare (seconds)
MAX_DELAY = 0.0015
#: the low-frequency delay of the head-shadow low-pass (seconds)
_SHADOW_DELAY = 1.0 / (2 * math.pi * head.SHADOW_CORNER)


def _azimuth_of_entry(k: int, size: int = TABLE_SIZE) -> float:
    """The azimuth that pyo's `Lookup` reads at table entry k. `Lookup` maps an index i in
    -1..1 to position (0.495 i + 0.5) * size; the index here is the path coordinate W
    over its range."""
    return paths.azimuth_of(paths.w_max() * (k / size - 0.5) / 0.495)


def pan_gains(azimuth: float) -> tuple[float, float]:
    """(left, right) equal-power gains of a source at `azimuth` on speakers."""
    phi = (math.sin(math.radians(azimuth)) + 1.0) * math.pi / 4
    return math.cos(phi), math.sin(phi)


def binaural_parts(azimuth: float, distance: float) -> tuple[tuple[float, float, float], ...]:
    """Per ear (left, right): (delay s, direct gain, shadowed gain). The ear hears
    direct * delayed + lowpass(shadowed * delayed), i.e. gain * (alpha * x + (1 - alpha) *
    lowpass(x)) = gain * (lowpass(x) + alpha * highpass(x)) (Brown and Duda)."""
    d = head.delays(azimuth, distance)
    g = head.gains(azimuth, distance)
    alphas = [head.shadow(azimuth, ear) for ear in (-1, 1)]
    # the shadow's low-pass delays what it passes by up to 1 / (2 pi fc) (0.13 ms), which is
    # about right: low frequencies go round a sphere later than high ones (Kuhn: 3 against 2
    # times radius / c x sin(azimuth)); half of it is taken off, so that the low-frequency
    # time difference stays within 0.8 ms at the ear
    late = [d[i] - 0.5 * (1.0 - alphas[i]) * _SHADOW_DELAY for i in range(2)]
    first = min(late)
    return tuple((late[i] - first, g[i] * alphas[i], g[i] * (1.0 - alphas[i]))
                 for i in range(2))


@functools.lru_cache(maxsize=1)
def _pan_columns() -> tuple[list[float], list[float]]:
    """The speakers' gain tables (left ear, right ear), computed once."""
    rows = [pan_gains(_azimuth_of_entry(k)) for k in range(TABLE_SIZE)]
    return [r[0] for r in rows], [r[1] for r in rows]


@functools.lru_cache(maxsize=4)
def _binaural_columns(distance: float, rate: int) -> dict[tuple[int, int], list[float]]:
    """The headphones' tables per (ear, field), computed once per distance. Delays get pyo's
    one-sample minimum added (every path gets it, so it changes no difference)."""
    rows = [binaural_parts(_azimuth_of_entry(k), distance) for k in range(TABLE_SIZE)]
    return {(ear, field): [r[ear][field] + (1.0 / rate if field == 0 else 0.0) for r in rows]
            for ear in range(2) for field in range(3)}


@functools.lru_cache(maxsize=16)
def _path(seed: int) -> list[tuple[float, float]]:
    """The layer's path at motion 1 in pyo's index units (W / its range)."""
    top = paths.w_max()
    return [(t, w / top) for t, w in paths.path_points(seed)]


def _read(column: list[float], index: float) -> float:
    """What `Lookup` reads from `column` at `index` (-1..1), linearly interpolated."""
    pos = (0.495 * index + 0.5) * len(column)
    k = min(int(pos), len(column) - 2)
    return column[k] + (pos - k) * (column[k + 1] - column[k])


def _table(values):
    return pyo.DataTable(size=len(values), init=list(values))


class Placement:
    """The placement stage of one layer (see the module's docstring)."""

    def __init__(self, source, *, seed: int, close: bool, rate: int = 48000):
        self.source = source
        self.seed = seed
        self.near = close
        self.rate = rate
        #: what the layer's gain reads: the sound itself while idle, the crossfade while
        #: gliding, the one rendering heard once settled
        self.output = source
        self.mode = "idle"  # where it is heading: idle, pan or binaural
        self.motion = 0.0
        self.settle_at: float | None = None
        self._objs: list = []
        self._parts: dict[str, list] = {}
        self._renderings: dict = {}
        self._weights: dict = {}
        #: the rendering heard once settled: the mode, or its cheaper equivalent
        self.heard = "idle"
        # built now, before the gain that reads it (pyo computes objects in the order they
        # were made: built later, the stage would reach the gain one buffer late), stopped
        # until needed: a stopped object costs nothing
        self._build()
        self.stop()

    # --------------------------------------------------------------- building
    def _own(self, obj, part: str):
        self._objs.append(obj)
        self._parts.setdefault(part, []).append(obj)
        return obj

    def _build(self) -> None:
        own = self._own
        src = self.source
        self._scale = own(pyo.SigTo(0.0, time=GLIDE, init=0.0), "path")
        # the path itself is drawn when the layer first moves (a few ms, not at every start)
        path = own(pyo.Linseg([(0.0, 0.0), (1.0, 0.0)], loop=True, mul=self._scale), "path")
        self._path = path
        self._drawn = False
        # each channel's point: the path, pulled apart to the ears as motion goes to 0 (at
        # motion 1 both channels are at the path: the sound is placed as one, L + R)
        ear = paths.level_of(90.0) / paths.w_max()
        spread = own(pyo.Sig(self._scale, mul=ear, add=-ear), "spread")  # -(1 - m) * ear
        idx_l = own(path + spread, "spread")
        idx_r = own(path - spread, "spread")
        # streams in the order (L -> left ear, R -> right ear) and (R -> left, L -> right):
        # each pair adds up to the two ears
        near_in, cross_in = [src[0], src[1]], [src[1], src[0]]
        near_idx, cross_idx = [idx_l, idx_r], [idx_r, idx_l]

        def lookups(columns, idx, part):
            return own(pyo.Lookup([own(_table(c), "tables") for c in columns], idx), part)

        # speakers
        left, right = _pan_columns()
        # (sums go through `add`: an object's own add costs less than an extra sum object)
        cross = own(pyo.Sig(cross_in, mul=lookups((left, right), cross_idx, "pan")), "pan")
        pan = own(pyo.Sig(near_in, mul=lookups((left, right), near_idx, "pan"), add=cross),
                  "pan")

        # headphones
        distance = head.CLOSE if self.near else head.FAR
        cols = _binaural_columns(distance, int(self.rate))

        def field(i, idx, part="binaural"):
            return lookups((cols[(0, i)], cols[(1, i)]), idx, part)

        part = "binaural"
        near_d = own(pyo.Delay(near_in, delay=field(0, near_idx), maxdelay=MAX_DELAY), part)
        cross_d = own(pyo.Delay(cross_in, delay=field(0, cross_idx), maxdelay=MAX_DELAY), part)
        direct = own(pyo.Sig(near_d, mul=field(1, near_idx),
                             add=own(pyo.Sig(cross_d, mul=field(1, cross_idx)), part)), part)
        # the shadow's low-pass is linear and fixed: one per ear after the sum (its gains
        # move slowly enough to commute with it)
        shaded = own(pyo.Sig(near_d, mul=field(2, near_idx),
                             add=own(pyo.Sig(cross_d, mul=field(2, cross_idx)), part)), part)
        binaural = own(pyo.Tone(shaded, freq=head.SHADOW_CORNER, add=direct), part)

        # its equivalent at motion 1: both channels on the path, L + R placed once
        part = "mono"
        both = own(pyo.Sig(src[0], add=src[1]), part)
        both_d = own(pyo.Delay(both, delay=field(0, path, part), maxdelay=MAX_DELAY), part)
        mono = own(pyo.Tone(own(pyo.Sig(both_d, mul=field(2, path, part)), part),
                            freq=head.SHADOW_CORNER,
                            add=own(pyo.Sig(both_d, mul=field(1, path, part)), part)), part)

        # its equivalent at motion 0: each channel still at its ear, the tables' values
        # there as constants
        part = "fixed"
        at = {0: -ear, 1: ear}  # the index of channel L and of channel R

        def const(fld, chans):  # per ear (left, right): channel chans[ear]'s value
            return [_read(cols[(e, fld)], at[c]) for e, c in enumerate(chans)]

        near_f = own(pyo.Delay(near_in, delay=const(0, (0, 1)), maxdelay=MAX_DELAY), part)
        cross_f = own(pyo.Delay(cross_in, delay=const(0, (1, 0)), maxdelay=MAX_DELAY), part)
        direct_f = own(pyo.Sig(near_f, mul=const(1, (0, 1)),
                               add=own(pyo.Sig(cross_f, mul=const(1, (1, 0))), part)), part)
        shaded_f = own(pyo.Sig(near_f, mul=const(2, (0, 1)),
                               add=own(pyo.Sig(cross_f, mul=const(2, (1, 0))), part)), part)
        fixed = own(pyo.Tone(shaded_f, freq=head.SHADOW_CORNER, add=direct_f), part)

        # the crossfade between the sound itself and its renderings, used only while a
        # switch glides (settled, the gain reads the one rendering heard)
        self._renderings = {"idle": src, "pan": pan, "binaural": binaural, "mono": mono,
                            "fixed": fixed}
        terms = []
        for name, signal in self._renderings.items():
            start = 1.0 if name == "idle" else 0.0  # idle is where every stage starts
            # (the weights keep playing once settled: a settled equivalent sets its own to 1
            # at once, so that the next glide starts from it)
            w = own(pyo.SigTo(start, time=GLIDE, init=start), "weights")
            self._weights[name] = w
            terms.append(own(pyo.Sig(signal, mul=w), "mix " + name))
        total = terms[0]
        for term in terms[1:]:
            total = own(total + term, "mix")
        self._mix = total

    def _play(self, *parts: str) -> None:
        for part in parts:
            for obj in self._parts.get(part, []):
                if not obj.isPlaying():  # (tables are kept apart: they do not play)
                    obj.play()

    def _stop(self, *parts: str) -> None:
        for part in parts:
            for obj in self._parts.get(part, []):
                obj.stop()

    # --------------------------------------------------------------- control
    #: what each settled rendering needs playing
    NEEDS = {"pan": ("path", "spread", "pan"), "binaural": ("path", "spread", "binaural"),
             "mono": ("path", "mono"), "fixed": ("fixed",)}

    def _equivalent(self) -> str:
        """The rendering to hear once settled: the mode or its cheaper equivalent."""
        if self.mode == "binaural" and self.motion in (0.0, 1.0):
            return "mono" if self.motion == 1.0 else "fixed"
        return self.mode

    def target(self, motion: float, binaural: bool) -> str:
        """The mode that `motion` and headphones call for."""
        if binaural and (self.near or motion > 0):
            return "binaural"
        return "pan" if motion > 0 else "idle"

    def set(self, motion: float, binaural: bool, now: float, glide: float = GLIDE) -> bool:
        """Head for `motion` (0..1) and, with headphones, binaural rendering. Returns True
        when `output` changed (the gain must read it from now on)."""
        mode = self.target(motion, binaural)
        if mode == self.mode and motion == self.motion:
            return False
        if self.output is self.source and mode == "idle":
            self.motion = motion
            return False
        changed = False
        if self.output is not self._mix:
            # from a settled state: the weights start at 1 for what is heard, 0 for the rest,
            # and the path's scale rests at the motion heard, so the crossfade starts exactly
            # where the sound is; from there it glides
            if self.output is self.source and not self._drawn:
                self._path.setList(_path(self.seed))
                self._drawn = True
            self._play("path", "spread", "weights", "mix", "mix " + self.heard)
            self.output = self._mix
            changed = True
        self.mode, self.motion = mode, motion
        # the rendering to glide to and, if cheaper, its equivalent (filled while it glides)
        self.heard = self._equivalent()
        self._play(mode, "mix " + mode, self.heard)
        for name, w in self._weights.items():
            w.setTime(max(glide, 0.001))
            w.setValue(1.0 if name == mode else 0.0)
        self._scale.setTime(max(glide, 0.001))
        self._scale.setValue(motion)
        self.settle_at = now + max(glide, 0.0) + 0.05
        return changed

    def hold(self, azimuth: float, binaural: bool) -> None:
        """Keep the layer at `azimuth` (motion 1, no glide): for measurements."""
        self.set(1.0, binaural, 0.0, glide=0.0)
        level = paths.level_of(azimuth) / paths.w_max()
        self._path.setList([(0.0, level), (1.0, level)])
        self._drawn = True
        self._path.play()
        self.settle(self.settle_at)

    def settle(self, now: float) -> bool:
        """After a glide: stop the renderings no longer heard and the crossfade; the gain
        reads the one rendering heard, or the sound itself (returns True when `output`
        changed)."""
        if self.settle_at is None or now < self.settle_at:
            return False
        self.settle_at = None
        if self.mode == "idle":
            self.output = self.source
            self.heard = "idle"
            self.stop()
            return True
        needs = self.NEEDS[self.heard] + ("weights",)
        self._stop(*(part for part in self._parts
                     if part != "tables" and part not in needs))
        if self.heard != self.mode:  # the crossfade's next start: the equivalent heard
            for name, w in self._weights.items():
                w.setTime(0.0)
                w.setValue(1.0 if name == self.heard else 0.0)
        self.output = self._renderings[self.heard]
        return True

    @property
    def active(self) -> bool:
        return self.output is not self.source

    def objects(self) -> list:
        return list(self._objs)

    def play(self) -> None:
        """Play what is heard now (after the layer itself was stopped)."""
        if not self.active:
            return
        if self.output is self._mix:
            self._play(*(p for p in self._parts if p != "tables"))
        else:
            self._play("weights", *self.NEEDS[self.heard])

    def stop(self) -> None:
        for part, objs in self._parts.items():
            if part != "tables":
                for obj in objs:
                    obj.stop()

    def close(self) -> None:
        self.stop()
        self._objs.clear()
        self._parts.clear()
        self._weights.clear()
        self._renderings.clear()
        self.output = self.source = None
