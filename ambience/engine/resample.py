"""Sample-rate conversion for streamed files: a polyphase windowed-sinc resampler in numpy.

pyo's table readers interpolate at most cubically, which leaves the images of a 44.1 kHz file
on a 48 kHz server only 20-40 dB down in the treble. This filter keeps them 80 dB down (Kaiser
design) above `PASS` of the lower Nyquist frequency, and works block by block with its state
carried across blocks, so a stream of any length is converted with bounded memory and the
result does not depend on how it was cut into blocks. No pyo here: numpy only.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

#: the audible band kept flat: 0.4535 of the lower rate is 20 kHz at 44.1 kHz
PASS = 0.4535
#: stop-band attenuation of the prototype filter (dB)
ATTENUATION = 80.0
#: the largest matrix product (rows x inner x columns) OpenBLAS computes on one thread is
#: 65536 x 4; below it with a margin
SINGLE_THREAD_MNK = 200_000
#: rational ratios are approximated with denominators up to this (keeps the filter bank small)
MAX_PHASES = 1000


def kaiser_lowpass(up: int, rate_in: float, rate_out: float) -> np.ndarray:
    """The prototype filter at `up * rate_in`, gain `up`: flat to PASS x the lower rate,
    ATTENUATION dB down from (lower rate - pass edge), where the first image or alias lands."""
    low = min(rate_in, rate_out)
    f_pass = PASS * low
    f_stop = low - f_pass
    fs = up * rate_in
    width = 2 * math.pi * (f_stop - f_pass) / fs
    taps = int(math.ceil((ATTENUATION - 8.0) / (2.285 * width))) + 1
    taps = up * int(math.ceil(taps / up))  # a whole number of taps per phase
    beta = 0.1102 * (ATTENUATION - 8.7)
    cutoff = (f_pass + f_stop) / 2 / fs  # cycles per sample at the upsampled rate
    n = np.arange(taps) - (taps - 1) / 2
    h = 2 * cutoff * np.sinc(2 * cutoff * n) * np.kaiser(taps, beta)
    return h * up / h.sum()


class Resampler:
    """Converts stereo float32 blocks from `rate_in` to `rate_out`; `process(block)` returns
    the output frames whose inputs have all arrived, the filter's delay removed.

    Output frames come in periods of `up` frames per `down` input frames, and within a period
    output `s` always uses the same phase and input offset. So one period is a fixed matrix
    `G` (inputs x outputs) and a block of periods is a few matrix products: BLAS does the
    work, about 4x the multiplications of a loop over phases but far fewer Python steps.
    """

    def __init__(self, rate_in: int, rate_out: int, channels: int = 2):
        ratio = Fraction(int(rate_out), int(rate_in)).limit_denominator(MAX_PHASES)
        self.up, self.down = ratio.numerator, ratio.denominator
        h = kaiser_lowpass(self.up, rate_in, rate_out)
        taps = len(h) // self.up
        self.taps = taps
        bank = h.reshape(taps, self.up).T[:, ::-1]  # bank[p] dotted with inputs in time order
        delay = int(round((len(h) - 1) / 2))  # upsampled samples: removed so that out 0 = in 0
        t = np.arange(self.up) * self.down + delay
        newest, phase = t // self.up, t % self.up  # input index and phase of output s
        lo = int(newest[0]) - taps + 1
        width = int(newest[-1]) - lo + 1
        G = np.zeros((width, self.up), dtype=np.float64)
        for s in range(self.up):
            first = int(newest[s]) - taps + 1 - lo
            G[first:first + taps, s] = bank[phase[s]]
        self.G = G.astype(np.float32)
        self.width = width
        self.channels = channels
        # OpenBLAS runs a product of more than 262144 multiply-adds on all cores, and its
        # threads spin while they wait: 8 % of a core instead of 0.1 % for a 44.1 kHz layer.
        # Products kept under that size stay on this thread.
        self._rows = max(channels, (SINGLE_THREAD_MNK // (width * self.up)) // channels * channels)
        # the buffer starts at input index q*down + lo for the next period q; before the
        # first real input frame there are zeros
        self._buf = np.zeros((max(0, -lo), channels), dtype=np.float32)
        self._skip = max(0, lo)

    def process(self, block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32)
        if self._skip:
            cut = min(self._skip, len(block))
            block, self._skip = block[cut:], self._skip - cut
        buf = np.concatenate([self._buf, block]) if len(self._buf) else block
        n = len(buf)
        periods = (n - self.width) // self.down + 1 if n >= self.width else 0
        if periods <= 0:
            self._buf = buf.copy()
            return np.zeros((0, self.channels), dtype=np.float32)
        s0, s1 = buf.strides
        frames = np.lib.stride_tricks.as_strided(
            buf, shape=(periods, self.channels, self.width), strides=(self.down * s0, s1, s0),
            writeable=False)
        rows = frames.reshape(periods * self.channels, self.width)
        y = np.empty((len(rows), self.up), dtype=np.float32)
        step = self._rows
        for i in range(0, len(rows), step):
            np.matmul(rows[i:i + step], self.G, out=y[i:i + step])
        out = y.reshape(periods, self.channels, self.up).transpose(0, 2, 1)
        self._buf = buf[periods * self.down:].copy()
        return np.ascontiguousarray(out.reshape(periods * self.up, self.channels))
