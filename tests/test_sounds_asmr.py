"""The ASMR triggers, the indoor fan and keyboard, and the noise colours do what they say.

Each sound is rendered alone at slider 1.0 (the quality bars live in test_sound_quality.py);
these tests pin the character: phrases and syllables in the whisper, strokes in the
brushing, bursts of handling in the paper (issue 12's rustle and snaps: test_sounds_events.py), short decaying taps, typing rhythm, a steady fan with
a hum, and noise colours whose two channels match and do not waste headroom.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import ndimage, signal

from ambience.library.catalog import load_catalog
from tests import analysis as A
from tests.rendering import render_alone

#: each test renders a minute of its sound; one worker runs the module, so each sound is
#: rendered once (its tests share the render)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sounds-asmr")]

RATE = 48000
CATALOG = load_catalog()


@functools.lru_cache(maxsize=3)
def render(sound: str, seconds: float = 60.0, seed: int = 11) -> np.ndarray:
    return render_alone(sound, seconds, seed).astype(np.float64)


def envelope_db(x: np.ndarray, window: float) -> np.ndarray:
    """Level (dB) of the mono signal over consecutive windows of `window` seconds."""
    return A.short_term_rms_db(A.mono(x), RATE, window)


def runs(active: np.ndarray) -> tuple[list[int], list[int]]:
    """Lengths (in windows) of the runs of True and of False, inner runs only."""
    edges = np.flatnonzero(np.diff(active.astype(int))) + 1
    pieces = np.split(active, edges)[1:-1]
    on = [len(p) for p in pieces if p[0]]
    off = [len(p) for p in pieces if not p[0]]
    return on, off


def onsets(x: np.ndarray, floor_db: float, gap: float = 0.04) -> np.ndarray:
    """Times (s) where the 2 ms level rises above `floor_db` (dB re the loudest window)
    after at least `gap` seconds below it: one per tap or key."""
    level = envelope_db(x, 0.002)
    above = level > level.max() + floor_db
    times, quiet = [], 0
    for i, up in enumerate(above):
        if up and quiet * 0.002 >= gap:
            times.append(i * 0.002)
        quiet = 0 if up else quiet + 1
    return np.array(times)


def centroid(x: np.ndarray) -> float:
    f, p = signal.welch(A.mono(x), fs=RATE, nperseg=min(1024, len(x)))
    return float((f * p).sum() / max(p.sum(), 1e-30))


# ----------------------------------------------------------------- whisper
def test_whisper_comes_in_phrases_separated_by_pauses():
    level = envelope_db(render("whisper"), 0.1)
    # a lone mouth click in a pause (under 0.3 s) is not a phrase
    active = ndimage.binary_opening(level > level.max() - 40, structure=np.ones(3))
    on, off = runs(active)
    assert len(on) >= 8, "fewer than 8 phrases in a minute"
    # phrases of 1.5-4 s and pauses of 1-3 s, with some slack for the soft edges
    assert 1.0 <= np.median(on) * 0.1 <= 4.5, f"median phrase {np.median(on) * 0.1:.1f} s"
    assert 0.7 <= np.median(off) * 0.1 <= 3.5, f"median pause {np.median(off) * 0.1:.1f} s"


def test_whisper_is_articulated_in_syllables_at_speech_rate():
    x = render("whisper")
    level = 10 ** (envelope_db(x, 0.01) / 20)  # 100 Hz envelope
    level = level - level.mean()
    f, p = signal.welch(level, fs=100, nperseg=1024)
    speech = p[(f >= 3.5) & (f <= 7.0)].mean()
    slow = p[(f >= 8.0) & (f <= 20.0)].mean()
    assert speech > 3 * slow, "no syllable rhythm at 4-6 Hz in the whisper's envelope"


def test_whisper_drifts_between_the_ears():
    x = render("whisper")
    w = 5 * RATE
    balance = []
    for i in range(0, len(x) - w + 1, w):
        seg = x[i:i + w]
        if A.rms_db(seg) > -60:
            balance.append(A.rms_db(seg[:, 0]) - A.rms_db(seg[:, 1]))
    assert max(balance) - min(balance) > 4.0, f"balance stays within {np.ptp(balance):.1f} dB"


def test_whisper_has_little_below_its_first_formant():
    x = render("whisper")
    f, p = signal.welch(A.mono(x), fs=RATE, nperseg=8192)
    low = p[f < 200].sum()
    assert low / p.sum() < 0.05, "a whisper has no voicing: too much energy below 200 Hz"


# ----------------------------------------------------------------- brushing
def test_brushing_is_strokes_of_varied_length_with_gaps():
    level = envelope_db(render("brushing"), 0.05)
    active = level > level.max() - 40
    on, off = runs(active)
    assert 20 <= len(on) <= 80, f"{len(on)} strokes in a minute"
    lengths = np.array(on) * 0.05
    assert lengths.min() < 0.6 and lengths.max() > 1.0, "stroke lengths do not vary"


def test_brushing_strokes_sweep_both_up_and_down():
    x = render("brushing")
    level = envelope_db(x, 0.05)
    active = level > level.max() - 30
    edges = np.flatnonzero(np.diff(active.astype(int))) + 1
    ups = downs = 0
    for start, end in zip(edges[::2], edges[1::2]):
        if not active[start] or end - start < 8:
            continue
        a, b = start * 2400, end * 2400
        third = (b - a) // 3
        first, last = centroid(x[a:a + third]), centroid(x[b - third:b])
        if last > first * 1.15:
            ups += 1
        elif last < first / 1.15:
            downs += 1
    assert ups >= 1 and downs >= 1, f"sweeps up {ups}, down {downs}"


# ----------------------------------------------------------------- paper
def test_paper_crinkles_in_bursts():
    level = envelope_db(render("paper"), 0.1)
    loud = level > level.max() - 15
    on, off = runs(loud)
    assert len(on) >= 10, f"{len(on)} bursts in a minute"
    assert max(off) * 0.1 >= 0.5, "no quiet between the bursts"


# ----------------------------------------------------------------- tapping
def test_taps_are_short_and_decay_quickly():
    x = render("tapping")
    times = onsets(x, -35.0)
    assert len(times) >= 30, f"only {len(times)} taps in a minute"
    level = envelope_db(x, 0.002)
    decays = []
    for t in times:
        i = int(t / 0.002)
        seg = level[i:i + 100]  # 200 ms
        if len(seg) == 100:
            peak = seg[:15].max()
            decays.append(peak - seg[60:75].max())  # 120-150 ms later
    assert np.median(decays) > 20.0, f"taps fall only {np.median(decays):.1f} dB in 120 ms"


def test_taps_come_in_irregular_patterns_with_pauses():
    times = onsets(render("tapping"), -35.0)
    gaps = np.diff(times)
    assert np.std(gaps) / np.mean(gaps) > 0.5, "taps are too regular"
    assert gaps.max() > 0.8, "no pause between patterns"
    assert np.median(gaps) < 0.45, "taps within a pattern are too slow"


def test_taps_are_on_both_dull_and_bright_surfaces():
    x = render("tapping")
    cents = []
    for t in onsets(x, -35.0):
        i = int(t * RATE)
        seg = x[i:i + int(0.05 * RATE)]
        if len(seg) == int(0.05 * RATE):
            cents.append(centroid(seg))
    cents = np.array(cents)
    assert np.mean(cents < 1200) > 0.1 and np.mean(cents > 1500) > 0.1, "one surface only"


# ----------------------------------------------------------------- keyboard
def test_keyboard_types_at_a_human_rate_with_pauses():
    x = render("keyboard")
    times = onsets(x, -35.0, gap=0.03)
    gaps = np.diff(times)
    within = gaps[gaps < 0.25]
    assert len(times) >= 60, f"only {len(times)} keys in a minute"
    assert 4.0 <= 1 / np.median(within) <= 15.0, f"{1 / np.median(within):.1f} keys/s"
    assert gaps.max() >= 1.5, "no pause between sentences"
    assert np.sum(gaps > 0.3) >= 5, "no pauses between words"


def test_keyboard_spacebar_is_lower_than_the_keys():
    x = render("keyboard")
    cents = []
    for t in onsets(x, -35.0, gap=0.03):
        i = int(t * RATE)
        seg = x[i:i + int(0.03 * RATE)]
        if len(seg) == int(0.03 * RATE):
            cents.append(centroid(seg))
    assert len(cents) >= 40, f"only {len(cents)} keys"
    cents = np.sort(cents)
    n = len(cents) // 10
    assert cents[-n:].mean() > 1.5 * cents[:n].mean(), "every key sounds alike"


# ----------------------------------------------------------------- fan
def test_fan_is_steady():
    level = envelope_db(render("fan"), 0.4)
    # 400 ms windows of low, broadband air vary by themselves; a fan does not swell
    assert np.std(level) < 1.0, f"fan level varies by {np.std(level):.1f} dB (std)"
    assert np.ptp(level) < 4.5, f"fan level moves {np.ptp(level):.1f} dB"


def test_fan_has_a_faint_motor_hum_above_the_air():
    x = render("fan")
    f, p = signal.welch(A.mono(x), fs=RATE, nperseg=1 << 15)
    band = (f > 100) & (f < 200)
    peak = p[band].max()
    floor = np.median(p[band])
    assert 10 ** 0.3 < peak / floor < 10 ** 3.0, f"hum {10 * np.log10(peak / floor):.1f} dB"


# ----------------------------------------------------------------- noise colours
@pytest.mark.parametrize(("sound", "slope"), [("white", 0.0), ("pink", -3.0), ("brown", -6.0)])
def test_noise_channels_each_have_the_slope_level_and_no_correlation(sound, slope):
    x = render(sound, 30.0)
    left, right = x[:, 0], x[:, 1]
    for name, ch in (("left", left), ("right", right)):
        measured = A.octave_slope(ch, RATE)
        assert abs(measured - slope) <= 1.0, f"{sound} {name}: {measured:.2f} dB/octave"
    assert abs(A.rms_db(left) - A.rms_db(right)) < 0.5, "channels differ in level"
    assert abs(np.corrcoef(left, right)[0, 1]) < 0.1, "channels are correlated"


@pytest.mark.parametrize("sound", ["pink", "brown"])
def test_noise_wastes_no_headroom_below_hearing(sound):
    x = render(sound, 30.0)
    f, p = signal.welch(A.mono(x), fs=RATE, nperseg=1 << 16)
    below = p[f < 20].sum() / p.sum()
    assert below < 0.03, f"{sound}: {below:.1%} of the power below 20 Hz"
    assert A.dc_offset(x) < 0.001
