"""The measures of tests/sound_checks.py find what they claim on signals built to have it
(numpy only, no engine): a notch is a hole, a delayed copy fails mono, clicks are events."""

from __future__ import annotations

import numpy as np
from scipy import signal

from tests import sound_checks as S

RATE = 48000


def noise(seconds=10.0, seed=0, channels=2):
    return np.random.default_rng(seed).standard_normal((int(seconds * RATE), channels)) * 0.05


def test_white_noise_has_no_hole_and_a_notch_is_one():
    x = noise()
    assert S.holes(x, RATE) == []
    spectrum = np.fft.rfft(x, axis=0)
    f = np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum[(f > 11220) & (f < 14130)] *= 0.05  # -26 dB over the 12.5 kHz band
    notched = np.fft.irfft(spectrum, len(x), axis=0)
    found = S.holes(notched, RATE)
    assert found and all(10000 <= c <= 16000 for c, _ in found), found


def test_a_delayed_copy_fails_mono_and_shared_lows_pass():
    x = noise()
    delayed = np.stack([x[:, 0], np.roll(x[:, 0], int(0.013 * RATE))], axis=1)
    at, loss = S.mono_loss(delayed, RATE)
    assert loss < -10 and at < 300, (at, loss)
    assert abs(S.low_correlation(delayed, RATE)) < 0.2
    sos = signal.butter(4, 250, "lowpass", fs=RATE, output="sos")
    shared = signal.sosfilt(sos, x[:, :1], axis=0) * 4 + x * 0.3
    assert S.low_correlation(shared, RATE) > 0.8
    assert S.mono_loss(shared, RATE)[1] > -4


def test_clicks_over_a_bed_are_counted_with_their_height_and_width():
    x = noise(20.0) * 0.1
    rng = np.random.default_rng(1)
    times = np.sort(rng.choice(np.arange(1, 19 * 10), 40, replace=False) / 10.0)
    click = rng.standard_normal(int(0.001 * RATE)) * np.exp(-np.arange(48) / 10)
    for t in times:
        i = int(t * RATE)
        x[i: i + len(click)] += click[:, None] * 0.5
    ev = S.events(x, RATE, over_db=10.0)
    assert abs(ev.rate(15.0) * 20 - 40) <= 2
    assert ev.median_width(15.0) <= 0.001


def test_dead_air_is_the_share_of_silent_windows():
    x = noise()
    x[: 3 * RATE] = 0.0
    assert abs(S.dead_air(x, RATE) - 0.3) < 0.01
    assert S.dead_air(noise(), RATE) == 0.0


def test_high_band_ratio_of_white_noise_is_the_width_ratio():
    # 6-12 kHz is twice as wide as 1-4 kHz: +3 dB
    assert abs(S.high_band_ratio(noise(), RATE) - 10 * np.log10(6 / 3)) < 0.3


def test_slow_peaks_are_found_in_a_surging_level():
    t = np.arange(60 * RATE) / RATE
    gaps = np.random.default_rng(2).uniform(2.0, 4.0, 25)
    starts = np.cumsum(gaps)
    env = np.full_like(t, 0.1)
    for s in starts[starts < 58]:
        env += np.exp(-((t - s) / 0.4) ** 2)
    x = noise(60.0) * env[:, None]
    times, heights, _ = S.swells(x, RATE, prominence=6.0)
    assert len(times) == int(np.sum(starts < 58))


def test_a_pulse_of_the_level_is_a_rhythm_and_plain_noise_has_none():
    t = np.arange(30 * RATE) / RATE
    swing_db = 3.0  # peak to peak
    pulsed = noise(30.0) * 10 ** (swing_db / 40 * np.sin(2 * np.pi * 3.4 * t))[:, None]
    rate, stands, swing = S.rhythm(pulsed, RATE)
    assert abs(rate - 3.4) <= 0.1 and stands > 15.0
    assert abs(swing - swing_db) < 0.6, swing
    assert S.rhythm(noise(30.0), RATE)[1] < 12.0


def test_a_roll_is_measured_with_its_decay_and_after_rumbles():
    t = np.arange(40 * RATE) / RATE
    decay = 3.5 / 20 * np.log(10)  # 3.5 dB/s

    def roll(at, height):
        return np.where(t < at, 0.0, height * np.exp(-decay * (t - at)))

    env = np.maximum.reduce([roll(10.0, 1.0), roll(15.0, 0.5), roll(18.5, 0.4),
                             np.full_like(t, 0.05)])
    found = S.rolls(noise(40.0) * env[:, None], RATE)
    assert len(found) == 1, found
    r = found[0]
    assert abs(r["time"] - 10.0) < 0.3 and 22.0 <= r["height_db"] <= 27.0, r
    assert abs(r["decay_db_per_s"] - 3.5) < 0.5 and r["after_rumbles"] == 2, r
