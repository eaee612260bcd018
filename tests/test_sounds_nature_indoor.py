"""The nature and indoor sounds do what they say: fire crackles over a roar, crickets chirp
at a cricket's pitch and pulse rate, birds sing songs of varied phrases over a forest bed, the clock ticks
once a second and the heart beats 55-65 times a minute with no two consecutive events
alike, the cat purrs at ~25 Hz in breaths. Each sound rendered alone by the real engine.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import signal

from ambience.library.catalog import load_catalog
from tests import analysis as A
from tests.rendering import render_alone

#: each test renders a minute of its sound; one worker runs the module, so each sound is
#: rendered once (its tests share the render)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sounds-nature-indoor")]

RATE = 48000
CATALOG = load_catalog()
#: rhythmic sounds pass the repetition bar only if no two consecutive events are this alike
MAX_EVENT_CORRELATION = 0.9


@functools.lru_cache(maxsize=3)
def render(sound: str, seconds: float = 60.0, seed: int = 5) -> np.ndarray:
    return render_alone(sound, seconds, seed)


def envelope(m: np.ndarray, cutoff: float) -> np.ndarray:
    sos = signal.butter(2, cutoff, "lowpass", fs=RATE, output="sos")
    return signal.sosfiltfilt(sos, np.abs(m))


def onsets(m: np.ndarray, min_gap: float, smooth: float = 30.0, rise: float = 3.0) -> np.ndarray:
    """Sample indices where an event starts: the smoothed envelope jumps to `rise` times its
    mean over the previous 100 ms (so a room's tail does not count) and is above a tenth of
    the top level; events at least `min_gap` seconds apart."""
    e = envelope(m, smooth)
    back = int(0.1 * RATE)
    csum = np.concatenate([[0.0], np.cumsum(e)])
    before = np.full(len(e), np.inf)
    before[back:] = (csum[back:-1] - csum[:-back - 1]) / back
    hot = (e > rise * before) & (e > 0.1 * np.percentile(e, 99.9))
    rises = np.flatnonzero(hot[1:] & ~hot[:-1]) + 1
    kept: list[int] = []
    for i in rises:
        if not kept or i - kept[-1] > min_gap * RATE:
            kept.append(int(i))
    return np.array(kept)


def event_similarity(a: np.ndarray, b: np.ndarray, max_lag: float = 0.01) -> float:
    """Largest normalised cross-correlation of two events within +-`max_lag` seconds (so a
    small error in finding the onsets cannot hide a repeat)."""
    c = signal.correlate(a, b, mode="full", method="fft")
    mid, lag = len(b) - 1, int(max_lag * RATE)
    peak = np.max(np.abs(c[mid - lag: mid + lag + 1]))
    return float(peak / np.sqrt(np.sum(a * a) * np.sum(b * b)))


def lubs(m: np.ndarray) -> np.ndarray:
    """Starts of heartbeats: of the thumps (lub, dub, lub, dub...), those that follow a
    pause of more than half a second (the dub comes ~0.3 s after its lub)."""
    thumps = onsets(m, 0.15)
    return np.array([t for prev, t in zip(thumps, thumps[1:]) if t - prev > 0.5 * RATE])


def consecutive_similarities(x: np.ndarray, window: float, starts_of):
    m = A.mono(x).astype(np.float64)
    starts = starts_of(m)
    pre, length = int(0.02 * RATE), int(window * RATE)
    events = [m[s - pre: s + length] for s in starts if s >= pre and s + length <= len(m)]
    return starts, [event_similarity(a, b) for a, b in zip(events, events[1:])]


# ------------------------------------------------------------------ clock and heartbeat
@pytest.mark.parametrize("seed", [5, 23])
def test_clock_ticks_once_a_second_and_no_two_consecutive_ticks_are_alike(seed):
    x = render("clock", 60.0, seed)
    starts, sims = consecutive_similarities(x, 0.25, lambda m: onsets(m, 0.6, 300.0))
    intervals = np.diff(starts) / RATE
    assert 55 <= len(starts) <= 62, f"{len(starts)} ticks in 60 s"
    assert np.all((intervals > 0.95) & (intervals < 1.05)), intervals
    assert max(sims) < MAX_EVENT_CORRELATION, f"consecutive ticks correlate {max(sims):.3f}"


@pytest.mark.parametrize("seed", [5, 23])
def test_heart_beats_55_to_65_a_minute_and_no_two_consecutive_beats_are_alike(seed):
    x = render("heartbeat", 60.0, seed)
    starts, sims = consecutive_similarities(x, 0.6, lubs)
    bpm = 60.0 / (np.diff(starts) / RATE)
    assert np.all((bpm > 53) & (bpm < 67)), bpm
    assert np.std(bpm) > 0.3, "the pulse never varies"
    assert max(sims) < MAX_EVENT_CORRELATION, f"consecutive beats correlate {max(sims):.3f}"


def test_heartbeat_is_a_lub_and_a_dub():
    m = A.mono(render("heartbeat", 60.0, 5)).astype(np.float64)
    e = envelope(m, 40.0)
    beat = lubs(m)[10]
    # within one beat, two separate thumps: the envelope falls well below both between them
    part = e[beat: beat + int(0.6 * RATE)]
    peaks, _ = signal.find_peaks(part, height=0.3 * part.max(), distance=int(0.15 * RATE))
    assert len(peaks) == 2, f"{len(peaks)} thumps in one beat"
    gap = (peaks[1] - peaks[0]) / RATE
    assert 0.2 < gap < 0.45
    assert part[peaks[0]: peaks[1]].min() < 0.2 * part[peaks].min()


# ------------------------------------------------------------------ fire
def test_fire_crackles_at_irregular_times_over_a_low_roar():
    x = render("fire", 60.0)
    m = A.mono(x).astype(np.float64)
    low = signal.sosfilt(signal.butter(4, 300, "lowpass", fs=RATE, output="sos"), m)
    high = np.abs(A.highpass(m, RATE, 2000.0))
    # roar and crackles both clearly there (issue 12: a roar no longer swamping the fire)
    assert abs(A.rms_db(low) - A.rms_db(high)) < 8
    peaks, _ = signal.find_peaks(high, height=10 ** ((A.rms_db(high) + 12) / 20),
                                 distance=int(0.01 * RATE))
    rate = len(peaks) / 60.0
    assert 5 < rate < 80, f"{rate:.1f} crackles a second"
    gaps = np.diff(peaks) / RATE
    assert np.std(gaps) / np.mean(gaps) > 0.6, "crackles come at regular times"


# ------------------------------------------------------------------ night
def test_crickets_chirp_at_a_crickets_pitch_and_pulse_rate():
    x = render("night", 60.0)
    m = A.mono(x).astype(np.float64)
    f, p = signal.welch(m, fs=RATE, nperseg=8192)
    carrier = f[np.argmax(p)]
    assert 3800 < carrier < 4900, f"loudest tone at {carrier:.0f} Hz"
    # the envelope of the cricket band pulses at 40-50 Hz (pulses within a chirp)
    band = signal.sosfilt(signal.butter(4, [3800, 4900], "bandpass", fs=RATE, output="sos"), m)
    e = envelope(band, 150.0)[::48]
    spec = np.abs(np.fft.rfft(e - e.mean()))
    freqs = np.fft.rfftfreq(len(e), 48 / RATE)
    sel = (freqs > 20) & (freqs < 80)
    assert 38 < freqs[sel][np.argmax(spec[sel])] < 52


def test_crickets_are_on_both_sides_and_never_in_step():
    x = render("night", 60.0).astype(np.float64)
    left, right = x[:, 0], x[:, 1]
    # different crickets on each side: the two envelopes are far from identical
    el, er = envelope(left, 20.0), envelope(right, 20.0)
    assert np.corrcoef(el, er)[0, 1] < 0.9
    # chirp pattern of the whole night does not repeat at any lag of a few seconds
    e = envelope(A.mono(x), 20.0)[::480]
    e = e - e.mean()
    ac = np.correlate(e, e, "full")[len(e) - 1:] / np.dot(e, e)
    assert np.max(ac[300:3000]) < 0.5  # lags 3-30 s


# ------------------------------------------------------------------ birds
def test_birds_sing_in_songs_with_pauses_between():
    # issue 12: the wood keeps a bed of leaves and air, so the pauses are in the song band
    # (1.8-8 kHz) only: song stands 10 dB over that band's own quiet part of the time
    x = render("birds", 60.0)
    sos = signal.butter(4, [1800, 8000], "bandpass", fs=RATE, output="sos")
    rms = A.short_term_rms_db(signal.sosfilt(sos, A.mono(x).astype(np.float64)), RATE, 0.05)
    active = rms > np.percentile(rms, 10) + 10
    assert 0.25 < active.mean() < 0.8, f"{active.mean():.0%} of the time singing"
    songs = np.flatnonzero(active[1:] & ~active[:-1])
    assert 8 <= len(songs) <= 200, f"{len(songs)} phrases in a minute"


def test_bird_calls_vary_in_pitch():
    m = A.mono(render("birds", 60.0)).astype(np.float64)
    f, t, s = signal.spectrogram(m, fs=RATE, nperseg=1024, noverlap=512)
    loud = s.sum(axis=0) > 0.05 * s.sum(axis=0).max()
    pitch = f[np.argmax(s[:, loud], axis=0)]
    assert np.percentile(pitch, 90) - np.percentile(pitch, 10) > 1000
    assert 1500 < np.median(pitch) < 7000


# ------------------------------------------------------------------ purr
def test_cat_purrs_at_about_25_hz():
    m = A.mono(render("purr", 60.0)).astype(np.float64)
    e = envelope(m, 80.0)[::48]
    e = e - e.mean()
    spec = np.abs(np.fft.rfft(e))
    freqs = np.fft.rfftfreq(len(e), 48 / RATE)
    sel = (freqs > 10) & (freqs < 60)
    assert 22 < freqs[sel][np.argmax(spec[sel])] < 30


def test_purr_comes_in_breaths_of_two_to_three_seconds():
    m = A.mono(render("purr", 60.0)).astype(np.float64)
    e = envelope(m, 5.0)[::480]  # 100 values a second
    e = e - e.mean()
    ac = np.correlate(e, e, "full")[len(e) - 1:] / np.dot(e, e)
    lags = np.arange(len(ac)) / 100.0
    sel = (lags > 0.5) & (lags < 4.0)
    peaks, _ = signal.find_peaks(ac[sel])
    best = np.argmax(ac[sel][peaks])
    # the loudness pattern comes back one breath (out and in) later, and clearly
    assert 1.7 < lags[sel][peaks][best] < 3.3
    assert ac[sel][peaks][best] > 0.4


def test_purr_stays_low():
    m = A.mono(render("purr", 60.0)).astype(np.float64)
    f, p = signal.welch(m, fs=RATE, nperseg=8192)
    below = p[f < 1000].sum() / p.sum()
    assert below > 0.9
