"""The master chain: sum of layers -> master slider gain x breathing pacer -> master envelope
-> limiter.

The envelope is one `Linseg` whose breakpoints are replaced for every fade: it stays
sample-exact over hours (pyo's `SigTo` does not: a 600 s ramp undershoots in float32).
The limiter is a stereo-linked look-ahead true-peak limiter aiming at -1.3 dBTP, followed by
a clip at -1.1 dBFS that only catches its residue, so the output stays under -1 dBTP
whatever the sliders say (issue 12). Each sound meets -1 dBTP by itself (they measure -2.2
to -2.4 dBTP at full slider), so a sound alone at full slider and master passes untouched
and its snaps keep their height: the limiter acts on sums. (It aimed at -3 dBFS before, and
its 4-tap half-sample estimate missed the inter-sample peaks of bright clicks by 2-4 dB: it
trimmed up to 0.8 dB off keyboard, fire and thunder alone yet let a mix of rain, fire,
keyboard and paper at full sliders out at -0.8 dBTP.)
"""

from __future__ import annotations

import functools

import numpy as np

from ambience.core import fades
from ambience.engine.source import pyo

#: the hard ceiling (sample peak) and the true peak the limiter aims a little below it: the
#: detector reads up to 0.15 dB under the 4x meter on full-band noise, so it aims 0.1 dB
#: lower than the follower's residue alone would need
CEILING = 10 ** (-1.1 / 20)
TARGET = 10 ** (-1.3 / 20)
#: look-ahead window of the peak detector (samples, a power of two), gain smoothing and delay
WINDOW = 256
SMOOTH = 128
DELAY = 200
RELEASE = 0.2
#: half the taps of each phase of the true-peak interpolator (its delay, samples)
HALF = 6
#: the points between two samples the detector interpolates (quarters of a sample)
PHASES = (1, 2, 3)
#: the band (share of Nyquist) each phase's filter is fitted to
BAND = 0.9


@functools.cache
def _phases(half: int = HALF, band: float = BAND) -> tuple[tuple[float, ...], ...]:
    """Fractional-delay filters, 2 x `half` taps each, for the `PHASES` (quarters of a
    sample): least-squares fits of a delay of `half` - p/4 samples over 0..`band` x Nyquist,
    scaled to unit gain at DC (so that slow peaks read exactly). A pyo `Convolve` costs in
    proportion to its taps: 12 taps read within 0.15 dB under and 0.5 dB over the 20-tap
    phases of the meter's own 4x filter (scipy's resample_poly, which
    tests.analysis.true_peak_db uses) on sines, clicks, square waves and noise, for two thirds
    of the cost. Phase 0 is the sample itself, `half` samples late. Computed once a process
    (the fits cost about 0.18 CPU-s, which every engine start paid)."""
    w = np.linspace(0.0, band * np.pi, 2000)
    taps = np.arange(2 * half)
    out = []
    for p in PHASES:
        z = np.exp(-1j * np.outer(w, taps))
        want = np.exp(-1j * w * (half - p / 4))
        h = np.linalg.lstsq(np.vstack([z.real, z.imag]),
                            np.concatenate([want.real, want.imag]), rcond=None)[0]
        out.append(tuple(float(v) for v in h / h.sum()))
    return tuple(out)


class Limiter:
    """A look-ahead peak limiter built from pyo primitives, stereo-linked.

    The detector takes the largest of |L| and |R| at each sample and at the three points
    between it and the next (a 4x interpolator: it sees true peaks, not just sample peaks;
    its 6 convolutions of 12 taps cost about 0.25 % of a core, 20 taps cost 0.38 %, the
    half-sample point alone reads up to 1.1 dB low on mixes of clicks), holds every
    peak for WINDOW samples (a running maximum made of log2(WINDOW) delay+max stages),
    follows it with a fast attack and a slow release, and turns it into a gain that is then
    averaged over SMOOTH samples. The audio is delayed by DELAY samples so that the averaged
    gain has fully come down before a peak arrives: no overshoot beyond the follower's
    residue, no click, no distortion below the threshold (the gain is exactly 1 there).
    """

    def __init__(self, source, rate: int):
        self._objs = []
        own = self._own
        # true peak as BS.1770 measures it: each sample (delayed to line up) and the three
        # points between it and the next, from three short fractional-delay filters
        self._kernels = [pyo.DataTable(size=len(k), init=list(k)) for k in _phases()]
        phases = [own(pyo.SDelay(source, delay=(HALF + 0.5) / rate, maxdelay=(HALF + 2) / rate))]
        phases += [own(pyo.Convolve(source, table, size=table.getSize()))
                   for table in self._kernels]
        level = None
        for phase in phases:
            for side in (0, 1):
                a = own(pyo.Abs(phase[side]))
                level = a if level is None else own(pyo.Max(level, a))
        peak = level
        held, span = peak, 1
        while span < WINDOW:
            late = own(pyo.SDelay(held, delay=(span + 0.5) / rate, maxdelay=(span + 2) / rate))
            held = own(pyo.Max(held, late))
            span *= 2
        env = own(pyo.Follower2(held, risetime=0.0001, falltime=RELEASE))
        gain = own(pyo.Div(TARGET, own(pyo.Max(env, TARGET))))
        self.gain = own(pyo.Average(gain, size=SMOOTH))
        late_audio = own(pyo.SDelay(source, delay=(DELAY + 0.5) / rate,
                                    maxdelay=(DELAY + 2) / rate))
        self.output = own(pyo.Sig(late_audio, mul=self.gain))

    def _own(self, obj):
        self._objs.append(obj)
        return obj

    def stop(self) -> None:
        for obj in self._objs:
            obj.stop()

    def close(self) -> None:
        self.stop()
        self._objs.clear()
        self.output = self.gain = None
        self._kernels = []


class MasterChain:
    def __init__(self, server, initial: float = 0.0):
        self.mixer = pyo.Mixer(outs=1, chnls=2, time=0.02)
        self.sum = self.mixer[0]
        self.gain = pyo.SigTo(value=1.0, time=0.05, init=1.0)
        self.env = pyo.Linseg([(0.0, initial), (0.001, initial)])
        self._plan: tuple[float, fades.Points] = (0.0, [(0.0, initial)])
        self.env.play()
        # the breathing pacer's swell (`engine.pacer` drives it): before the envelope, so
        # that the sleep timer's fade takes it down too. While it is off its objects are
        # stopped and the chain multiplies without it (`use_pacer`)
        self.pacer = pyo.SigTo(1.0, time=0.005, init=1.0)
        self._gain_pacer = self.gain * self.pacer
        self._paced = self._gain_pacer * self.env
        self._gain_env = self.gain * self.env  # the product objects must stay referenced
        self.pre = pyo.Sig(self.sum, mul=self._gain_env)
        self.use_pacer(False)
        self.limiter = Limiter(self.pre, int(server.getSamplingRate()))
        # the last guard: only what the limiter's follower lets through (a fraction of a dB)
        self.output = pyo.Clip(self.limiter.output, min=-CEILING, max=CEILING)
        self.meter = None
        self.output.out()

    def use_pacer(self, on: bool) -> None:
        """Multiply by the pacer's swell or not; switch only while the swell is at 1 (the
        products were made before `pre`, so either is computed before it reads it)."""
        parts = (self.pacer, self._gain_pacer, self._paced)
        if on:
            for obj in parts:
                obj.play()
            self.pre.setMul(self._paced)
        else:
            self.pre.setMul(self._gain_env)
            for obj in parts:
                obj.stop()

    def stream_ids(self) -> set[int]:
        """Ids of the server's streams (pyo's per-object computations) now."""
        return {stream.getId() for stream in list(self._server().getStreams())}

    def run_first(self, ids: set[int]) -> None:
        """Compute the streams `ids` before the master chain (keeping their own order), so
        that the mixer reads what they made in the same buffer. Only safe at a buffer's
        start (`Engine._on_buffer`)."""
        server = self._server()
        anchor = self.mixer._base_players[0]._getStream()  # the chain's first stream
        for stream in list(server.getStreams()):
            if stream.getId() in ids:
                server.changeStreamPosition(anchor, stream)

    def _server(self):
        """pyo's own (C) server object, the one that can reorder streams."""
        return self.mixer._base_players[0].getServer()

    def set_gain(self, gain: float, ramp: float) -> None:
        self.gain.setTime(max(ramp, 0.001))
        self.gain.setValue(gain)

    def envelope(self, points: fades.Points, now: float) -> None:
        """Replace the envelope by `points` (seconds from now, gain), starting where it is.
        `now` is the engine's audio clock; the plan is kept to answer `envelope_value`
        exactly, without waiting for the next buffer."""
        current = self.envelope_value(now)
        pts = [(0.0, current)] + [(max(t, 1e-6), g) for t, g in points if t > 0]
        if len(pts) == 1:
            pts.append((0.001, points[-1][1] if points else current))
        # Linseg needs strictly increasing times
        clean = [pts[0]]
        for t, g in pts[1:]:
            if t <= clean[-1][0]:
                t = clean[-1][0] + 1e-6
            clean.append((t, g))
        self.env.setList(clean)
        self.env.play()
        self._plan = (now, clean)

    def envelope_value(self, now: float) -> float:
        """The envelope's gain at audio time `now`, from the plan the Linseg is playing."""
        start, points = self._plan
        return fades.value_at(points, now - start)

    def enable_meter(self) -> None:
        if self.meter is None:
            self.meter = pyo.Follower(self.output, freq=6)

    def levels(self) -> tuple[float, float]:
        vals = self.meter.get(all=True)
        return (float(vals[0]), float(vals[1]))

    def close(self) -> None:
        """Stop and release every object of the chain (before the server shuts down)."""
        if self.limiter is not None:
            self.limiter.close()
            self.limiter = None
        for name in ("output", "meter", "pre", "_gain_env", "_paced", "_gain_pacer", "pacer",
                     "env", "gain", "sum", "mixer"):
            obj = getattr(self, name, None)
            if hasattr(obj, "stop"):
                obj.stop()
            setattr(self, name, None)
