"""Signal analysis for the audio tests: loudness, peaks, slopes, repetition, clicks.

Everything takes float arrays shaped (frames, 2) or (frames,) at `rate` Hz.
"""

from __future__ import annotations

import numpy as np
from scipy import signal


def mono(x: np.ndarray) -> np.ndarray:
    return x.mean(axis=1) if x.ndim == 2 else x


def db(value: float) -> float:
    return 20 * np.log10(max(float(value), 1e-12))


def rms_db(x: np.ndarray) -> float:
    return db(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def sample_peak_db(x: np.ndarray) -> float:
    return db(np.max(np.abs(x)))


def true_peak_db(x: np.ndarray, rate: int | None = None, oversample: int = 4) -> float:
    """ITU-R BS.1770 true peak: the peak of the signal upsampled 4x (each channel on its
    own: the same samples as upsampling the frames at once, in half the time)."""
    x2 = x if x.ndim == 2 else x[:, None]
    peaks = []
    for c in range(x2.shape[1]):
        up = signal.resample_poly(np.ascontiguousarray(x2[:, c]), oversample, 1)
        peaks += [up.max(), -up.min()]  # the largest |sample|, without a copy of |up|
    return db(np.max(peaks))


def dc_offset(x: np.ndarray) -> float:
    x2 = x if x.ndim == 2 else x[:, None]
    return float(np.max(np.abs(x2.mean(axis=0))))


def _k_weighting(rate: int):
    """The two BS.1770 pre-filters (high shelf + high pass), designed for `rate`."""
    # shelf
    f0, g, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * f0 / rate)
    vh = 10 ** (g / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    b1 = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    a1 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    # high pass
    f0, q = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    b2 = [1.0, -2.0, 1.0]
    a2 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return (b1, a1), (b2, a2)


def integrated_lufs(x: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4): K-weighting, 400 ms blocks with 75 % overlap,
    absolute gate at -70 LUFS and relative gate at -10 LU."""
    x2 = (x if x.ndim == 2 else x[:, None]).astype(np.float64)
    (b1, a1), (b2, a2) = _k_weighting(rate)
    y = signal.lfilter(b2, a2, signal.lfilter(b1, a1, x2, axis=0), axis=0)
    block, hop = int(0.4 * rate), int(0.1 * rate)
    if len(y) < block:
        return -np.inf
    sq = np.square(y)
    csum = np.concatenate([np.zeros((1, sq.shape[1])), np.cumsum(sq, axis=0)])
    starts = np.arange(0, len(y) - block + 1, hop)
    z = (csum[starts + block] - csum[starts]) / block  # mean square per channel per block
    power = z.sum(axis=1)  # L and R weights are 1
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(power)
    gated = power[loud > -70]
    if gated.size == 0:
        return -np.inf
    rel = -0.691 + 10 * np.log10(gated.mean()) - 10
    with np.errstate(divide="ignore"):
        final = power[(loud > -70) & (loud > rel)]
    return float(-0.691 + 10 * np.log10(final.mean()))


def octave_slope(x: np.ndarray, rate: int, lo: float = 100.0, hi: float = 10000.0) -> float:
    """Spectral slope in dB per octave between `lo` and `hi` (least squares over the
    power spectral density on a log-frequency axis)."""
    f, p = signal.welch(mono(x), fs=rate, nperseg=8192)
    sel = (f >= lo) & (f <= hi)
    # equal weight per octave: resample the log-PSD on a log-spaced grid
    grid = np.geomspace(lo, hi, 64)
    logp = np.interp(np.log2(grid), np.log2(f[sel]), 10 * np.log10(p[sel]))
    slope, _ = np.polyfit(np.log2(grid), logp, 1)
    return float(slope)


def max_autocorrelation(x: np.ndarray, rate: int, min_lag: float, max_lag: float) -> float:
    """The largest normalised autocorrelation of the (mono) signal at lags in
    [min_lag, max_lag] seconds: a loop or a short-period generator shows a peak near 1."""
    m = mono(x).astype(np.float64)
    m = m - m.mean()
    n = len(m)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(m, size)
    ac = np.fft.irfft(spec * np.conj(spec), size)
    del spec
    # unbiased: divide by the overlap length, then by the zero-lag value (only the lags
    # looked at: five minutes hold 14 million)
    lo, hi = int(min_lag * rate), min(int(max_lag * rate), n - rate)
    if hi <= lo:
        return 0.0
    zero = ac[0] / n
    return float(np.max(np.abs(ac[lo:hi] / (n - np.arange(lo, hi)) / zero)))


def short_term_rms_db(x: np.ndarray, rate: int, window: float = 0.05) -> np.ndarray:
    """RMS in dB over consecutive windows of `window` seconds."""
    w = int(window * rate)
    m = x if x.ndim == 2 else x[:, None]
    n = len(m) // w
    sq = np.square(m[: n * w].astype(np.float64)).mean(axis=1).reshape(n, w).mean(axis=1)
    return 10 * np.log10(np.maximum(sq, 1e-24))


def highpass(x: np.ndarray, rate: int, cutoff: float = 4000.0) -> np.ndarray:
    sos = signal.butter(4, cutoff, "highpass", fs=rate, output="sos")
    return signal.sosfilt(sos, x, axis=0)


def isolated_steps(x: np.ndarray, ratio: float = 8.0, radius: int = 32,
                   floor: float = 1e-3) -> np.ndarray:
    """Indices of sample-to-sample steps that stand alone: larger than `floor` and more than
    `ratio` times the largest other step within `radius` samples. A click is one such step;
    a loud but continuous sound has neighbours of similar size."""
    m = x if x.ndim == 2 else x[:, None]
    d = np.max(np.abs(np.diff(m, axis=0)), axis=1)
    if len(d) < 2 * radius + 1:
        return np.array([], dtype=int)
    from scipy.ndimage import maximum_filter1d

    # largest neighbour excluding the step itself: max of left and right windows
    left = maximum_filter1d(np.concatenate([[0.0], d[:-1]]), size=radius, origin=(radius - 1) // 2)
    right = maximum_filter1d(np.concatenate([d[1:], [0.0]]), size=radius, origin=-(radius // 2))
    neighbours = np.maximum(left, right)
    return np.flatnonzero((d > floor) & (d > ratio * np.maximum(neighbours, 1e-9)))


def click_energy(x: np.ndarray, rate: int, cutoff: float = 6000.0) -> float:
    """The peak of the high-passed signal relative to its median magnitude (dB): a hard step
    in a smooth signal puts a spike in the highs far above their normal level."""
    h = np.abs(highpass(mono(x), rate, cutoff))
    return db(np.max(h)) - db(np.median(h) + 1e-12)
