"""Issue 12 for the event sounds and triggers: each passes for a recording of its kind.

Every sound is rendered alone for 60 s at three seeds, once per session; the figures each
test needs are measured from those renders (tests/sound_checks.py keeps only the last few
renders: 30 would hold 1.4 GB). The bars are the issue's: a quiet background of its own under the events (no
dead air), no spectral hole in the broadband ones, nothing lost in a mono sum, the loudness
at every seed, and per sound the shape of its events as measured on real recordings.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import signal

from tests import analysis as A
from tests import sound_checks as S

RATE = 48000
SECONDS = 60.0
SEEDS = (3, 7, 11)
#: the sounds rebuilt for issue 12 so far (birds, night, keyboard, paper, tapping, brushing,
#: whisper, purr and heartbeat join as each is delivered)
EVENTS = ("clock", "keyboard", "heartbeat", "tapping", "purr", "paper", "brushing", "whisper",
          "night", "birds")
BROADBAND = tuple(s for s in ("whisper", "brushing", "paper") if s in EVENTS)

#: one worker runs the module, so each render (cached per process) is made once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sounds-events")]


# ----------------------------------------------------------------- measures
def octave_share_db(x: np.ndarray, lo: float, hi: float) -> float:
    return S.band_share_db(x, RATE, lo, hi)


def clock_ticks(x: np.ndarray, frame: float = 0.0005) -> np.ndarray:
    """Per tick (one a second): ms from its peak until it stays 30 dB down, how many clicks
    (peaks of the 0.5 ms level within 12 dB of the tick's, standing 6 dB clear, 5 ms
    apart) and the ms from its first click to its last."""
    level = A.short_term_rms_db(A.mono(x), RATE, frame)
    second = int(1 / frame)
    rows = []
    for k in range(1, int(len(level) * frame) - 1):
        seg = level[k * second - second // 2: k * second + second // 2]
        p = int(np.argmax(seg))
        top = seg[p]
        after = seg[p: p + int(0.15 / frame)]
        fall = np.flatnonzero(after > top - 30)[-1] * frame * 1000
        near = seg[max(0, p - int(0.04 / frame)): p + int(0.06 / frame)]
        clicks, _ = signal.find_peaks(near, height=top - 12, distance=int(0.005 / frame),
                                      prominence=6)
        span = (clicks[-1] - clicks[0]) * frame * 1000 if len(clicks) else 0.0
        rows.append((fall, len(clicks), span))
    return np.array(rows)


def keystrokes(x: np.ndarray, frame: float = 0.0005) -> dict:
    """Each clack (a 0.5 ms level peak, the loudest within 25 ms) with the press before it
    (a peak 4-16 ms earlier, less than 15 dB softer) and its release (the first peak 35-130
    ms later, 3-16 dB softer): the press delays, release delays and release drops found."""
    level = A.short_term_rms_db(A.mono(x), RATE, frame)
    top = np.percentile(level, 99.9)
    peaks, _ = signal.find_peaks(level, height=top - 25, prominence=8, distance=3)
    t = peaks * frame * 1000
    v = level[peaks]
    clacks, presses, releases, drops = 0, [], [], []
    for i in range(len(peaks)):
        near = np.abs(t - t[i]) <= 25
        if v[i] < v[near].max():
            continue
        clacks += 1
        before = (t >= t[i] - 16) & (t <= t[i] - 4) & (v >= v[i] - 15)
        if before.any():
            presses.append(t[i] - t[before][-1])
        after = np.flatnonzero((t >= t[i] + 35) & (t <= t[i] + 130) & (v >= v[i] - 16)
                               & (v <= v[i] - 3))
        if after.size:
            releases.append(t[after[0]] - t[i])
            drops.append(v[i] - v[after[0]])
    return {"clacks": clacks, "presses": np.array(presses), "releases": np.array(releases),
            "drops": np.array(drops)}


def bed_depth_db(x: np.ndarray) -> float:
    """How far (dB) the quiet between events (the 10th percentile of the 50 ms levels) lies
    under the events (the 99th)."""
    level = S.levels_db(x, RATE)
    return float(np.percentile(level, 99) - np.percentile(level, 10))


def knock_falls_ms(x: np.ndarray, frame: float = 0.001) -> np.ndarray:
    """For each knock (a 1 ms level peak within 20 dB of the loudest, 60 ms from others),
    the ms until its level first lies 30 dB under its peak (within 200 ms)."""
    level = A.short_term_rms_db(A.mono(x), RATE, frame)
    top = np.percentile(level, 99.9)
    peaks, _ = signal.find_peaks(level, height=top - 20, distance=int(0.06 / frame))
    falls = []
    for p in peaks:
        after = np.flatnonzero(level[p: p + int(0.2 / frame)] < level[p] - 30)
        if after.size:
            falls.append(after[0] * frame * 1000)
    return np.array(falls)


def deepest_dip_db(x: np.ndarray) -> float:
    """How far (dB) the quietest 50 ms window lies under the median window."""
    level = S.levels_db(x, RATE)
    return float(np.median(level) - level.min())


def rustle_depth_db(x: np.ndarray) -> float:
    """Inside the handling (50 ms windows of the 1-10 kHz band within 20 dB of its loudest),
    the median over windows of how far the window's median 1 ms level lies under its peak 1
    ms level: clicks in silence lie 30-40 dB under their peaks, a rustle with snaps 10-20."""
    sos = signal.butter(4, [1000, 10000], "bandpass", fs=RATE, output="sos")
    band = signal.sosfilt(sos, A.mono(x))
    ms = A.short_term_rms_db(band, RATE, 0.001)
    windows = ms[: len(ms) // 50 * 50].reshape(-1, 50)
    level = 10 * np.log10(np.mean(10 ** (windows / 10), axis=1))
    handled = windows[level > level.max() - 20]
    return float(np.median(handled.max(axis=1) - np.median(handled, axis=1)))


def strokes(x: np.ndarray) -> dict:
    """Each stroke (a run of 50 ms windows within 30 dB of the loudest, at least 0.4 s): its
    spectral centroid, and whether it sweeps up or down (the centroid of its last third
    against its first, by more than 15 %)."""
    level = S.levels_db(x, RATE)
    active = level > level.max() - 30
    edges = np.flatnonzero(np.diff(active.astype(int))) + 1
    ups = downs = 0
    colours = []
    for start, end in zip(edges[:-1], edges[1:]):
        if not active[start] or end - start < 8:
            continue
        a, b = start * 2400, end * 2400
        third = (b - a) // 3
        first = S.centroid(x[a:a + third], RATE)
        last = S.centroid(x[b - third:b], RATE)
        colours.append(S.centroid(x[a:b], RATE))
        ups += last > first * 1.15
        downs += last < first / 1.15
    return {"ups": ups, "downs": downs, "colours": np.array(colours)}


def sibilance(x: np.ndarray) -> dict:
    """50 ms windows where 4-10 kHz holds at least 40 % of the power (a sibilant): their
    share of the windows, and how flat the 4-10 kHz band is over them (the spread, dB, of
    its 1/3-octave levels: a broad hiss is flat, a ringing resonance is not)."""
    m = A.mono(x)
    w = int(0.05 * RATE)
    frames = m[: len(m) // w * w].reshape(-1, w)
    spec = np.abs(np.fft.rfft(frames * np.hanning(w), axis=1)) ** 2
    f = np.fft.rfftfreq(w, 1 / RATE)
    total = spec.sum(axis=1) + 1e-30
    high = spec[:, (f >= 4000) & (f < 10000)].sum(axis=1)
    loud = total > np.percentile(total, 50)
    hiss = loud & (high / total >= 0.4)
    mean = spec[hiss].mean(axis=0) if hiss.any() else spec.mean(axis=0)
    levels = [10 * np.log10(mean[(f >= c * 2 ** (-1 / 6)) & (f < c * 2 ** (1 / 6))].sum() + 1e-30)
              for c in (4000, 5000, 6300, 8000)]
    return {"share": float(hiss.mean()), "flatness": float(np.ptp(levels))}


def line_presence(x: np.ndarray, centre: float, window: float = 5.0) -> float:
    """Share of `window`-second stretches in which a spectral line stands within 40 Hz of
    `centre` (the peak there more than 10 dB over the median of the octave around it)."""
    m = A.mono(x)
    n = int(window * RATE)
    on = []
    for i in range(0, len(m) - n + 1, n):
        f, p = signal.welch(m[i:i + n], fs=RATE, nperseg=8192)
        near = np.abs(f - centre) <= 40
        around = (f > centre / 2 ** 0.5) & (f < centre * 2 ** 0.5)
        on.append(10 * np.log10(p[near].max() / np.median(p[around])) > 10)
    return float(np.mean(on))


def song_share(x: np.ndarray) -> float:
    """Share of 50 ms windows in which the 1.8-8 kHz band (song) stands more than 10 dB over
    its own 10th percentile (the bed)."""
    sos = signal.butter(4, [1800, 8000], "bandpass", fs=RATE, output="sos")
    level = A.short_term_rms_db(signal.sosfilt(sos, A.mono(x)), RATE, 0.05)
    return float(np.mean(level > np.percentile(level, 10) + 10))


SPECIFIC = {
    "birds": lambda x: {"song": song_share(x), "bed": octave_share_db(x, 20, 1000)},
    "night": lambda x: {"air": octave_share_db(x, 20, 1000),
                        "trill": line_presence(x, 2900.0)},
    "whisper": lambda x: {"sibilance": sibilance(x),
                          "clicks": S.events(x, RATE, band=(2000.0, 6000.0), over_db=15.0)},
    "brushing": lambda x: {"strokes": strokes(x)},
    "paper": lambda x: {"rustle": rustle_depth_db(x),
                        "snaps": S.events(x, RATE, band=(1000.0, 10000.0), over_db=10.0)},
    "purr": lambda x: {"dip": deepest_dip_db(x), "swing": S.level_spread(x, RATE)},
    "tapping": lambda x: {"falls": knock_falls_ms(x)},
    "heartbeat": lambda x: {"bed_depth": bed_depth_db(x)},
    "keyboard": lambda x: {"strokes": keystrokes(x), "keys_band": octave_share_db(x, 1000, 8000),
                           "body": octave_share_db(x, 200, 700),
                           "top": octave_share_db(x, 6000, 12000)},
    "clock": lambda x: {"ticks": clock_ticks(x), "body": octave_share_db(x, 350, 700)},
}


@functools.cache
def figures(sound: str, seed: int) -> dict:
    """tests/sound_checks.py's figures of the 60 s render, plus this sound's own (measured
    while the render is still in sound_checks' small cache)."""
    out = dict(S.figures_of(sound, seed, SECONDS))
    if sound in SPECIFIC:
        out.update(SPECIFIC[sound](S.render(sound, seed, SECONDS)))
    return out


def at_every_seed(sound: str, key: str) -> list:
    return [figures(sound, seed)[key] for seed in SEEDS]


# ----------------------------------------------------------------- every event sound
@pytest.mark.parametrize("sound", EVENTS)
def test_sound_is_at_reference_loudness_at_every_seed(sound):
    lufs = at_every_seed(sound, "lufs")
    peaks = at_every_seed(sound, "true_peak_dbtp")
    assert all(-24.0 <= v <= -22.0 for v in lufs), f"{sound}: {lufs} LUFS, want -23 +- 1"
    assert max(peaks) <= -1.0, f"{sound}: true peaks {peaks} dBTP, want <= -1"


@pytest.mark.parametrize("sound", EVENTS)
def test_sound_keeps_a_quiet_background_of_its_own(sound):
    dead = at_every_seed(sound, "dead_air")
    assert max(dead) <= 0.05, f"{sound}: {dead} of 50 ms windows 45 dB below its RMS"


@pytest.mark.parametrize("sound", BROADBAND)
def test_broadband_sound_has_no_spectral_hole(sound):
    for seed in SEEDS:
        f = figures(sound, seed)
        assert f["worst_hole_db"] <= 10.0, (
            f"{sound}@{seed}: the band at {f['worst_hole_hz']:.0f} Hz lies "
            f"{f['worst_hole_db']:.1f} dB below the bands two away")


@pytest.mark.parametrize("sound", EVENTS)
def test_sound_loses_no_band_in_a_mono_sum(sound):
    for seed in SEEDS:
        f = figures(sound, seed)
        assert f["mono_loss_db"] >= -6.0, (
            f"{sound}@{seed}: the mono sum loses {-f['mono_loss_db']:.1f} dB at "
            f"{f['mono_loss_hz']:.0f} Hz")


# ----------------------------------------------------------------- clock
def test_clock_tick_is_two_or_three_sharp_clicks_falling_30_db_within_40_ms():
    ticks = np.concatenate(at_every_seed("clock", "ticks"))
    fall, clicks, span = ticks[:, 0], ticks[:, 1], ticks[:, 2]
    assert np.mean((clicks >= 2) & (clicks <= 3)) >= 0.8, f"clicks per tick {np.bincount(clicks.astype(int))}"
    assert 20.0 <= np.median(span) <= 35.0, f"clicks span {np.median(span):.1f} ms"
    assert np.median(fall) <= 45.0, f"a tick takes {np.median(fall):.0f} ms to fall 30 dB"
    assert np.percentile(fall, 90) <= 60.0, f"p90 fall {np.percentile(fall, 90):.0f} ms"


def test_clock_has_a_body_down_to_400_hz():
    body = at_every_seed("clock", "body")
    assert min(body) >= -18.0, f"350-700 Hz holds {body} dB of the tick (real: about -9)"


# ----------------------------------------------------------------- keyboard
def test_keyboard_keystroke_is_a_press_a_bottom_out_and_a_softer_release():
    for seed in SEEDS:
        k = figures("keyboard", seed)["strokes"]
        assert k["clacks"] >= 150, f"@{seed}: only {k['clacks']} keys in a minute"
        assert len(k["presses"]) >= 0.4 * k["clacks"], f"@{seed}: few presses before the clack"
        assert 5.0 <= np.median(k["presses"]) <= 15.0, f"press {np.median(k['presses'])} ms before"
        assert len(k["releases"]) >= 0.4 * k["clacks"], f"@{seed}: few releases"
        assert 40.0 <= np.median(k["releases"]) <= 120.0, f"release {np.median(k['releases'])} ms"
        assert 5.0 <= np.median(k["drops"]) <= 13.0, f"release {np.median(k['drops'])} dB down"


def test_keyboard_keys_are_broadband_clicks_not_pitched_tones():
    # a real key (the audit): 1-8 kHz holds most of it, 250-500 Hz about -25 dB re total,
    # 8 kHz about -10; the old two-resonator "tonks" had a body at -7 and nothing at 8 kHz
    for seed in SEEDS:
        f = figures("keyboard", seed)
        assert f["keys_band"] >= -2.0, f"@{seed}: 1-8 kHz holds {f['keys_band']:.1f} dB"
        assert f["body"] <= -12.0, f"@{seed}: 200-700 Hz holds {f['body']:.1f} dB: a tonk"
        assert f["top"] >= -16.0, f"@{seed}: 6-12 kHz holds only {f['top']:.1f} dB"


# ----------------------------------------------------------------- heartbeat
def test_heartbeat_beats_over_a_murmur_of_the_body():
    # the audit: a continuous body and flow about 30 dB under the beats (the old layer was
    # digital silence 71 % of the time)
    depth = at_every_seed("heartbeat", "bed_depth")
    assert all(20.0 <= d <= 40.0 for d in depth), f"the body lies {depth} dB under the beats"


# ----------------------------------------------------------------- tapping
def test_tapping_knocks_are_damped_within_30_ms_not_ringing_bars():
    # knocks on wood or plastic are damped within about 10-30 ms; the old taps rang 81 ms
    for seed in SEEDS:
        falls = figures("tapping", seed)["falls"]
        assert len(falls) >= 30, f"@{seed}: {len(falls)} knocks in a minute"
        assert np.median(falls) <= 30.0, f"@{seed}: knocks take {np.median(falls):.0f} ms to fall 30 dB"
        assert np.percentile(falls, 90) <= 45.0, f"@{seed}: p90 {np.percentile(falls, 90):.0f} ms"


# ----------------------------------------------------------------- purr
def test_purr_never_stops_at_the_turn_of_the_breath():
    # a recorded purr: the loud (exhale) phase about 9 dB over the quiet one, no gap between;
    # the old purr paused at each turn (9 % of its 50 ms windows were dead air)
    for seed in SEEDS:
        f = figures("purr", seed)
        assert f["dip"] <= 15.0, f"@{seed}: a 50 ms window {f['dip']:.1f} dB under the median"
        assert 5.0 <= f["swing"] <= 14.0, f"@{seed}: the breath swings {f['swing']:.1f} dB"


# ----------------------------------------------------------------- paper
def test_paper_rustles_continuously_under_each_handling_with_a_few_snaps():
    # the audit: continuous 1-12 kHz "shh" under each handling, snaps standing out; the old
    # paper was clicks in silence
    for seed in SEEDS:
        f = figures("paper", seed)
        assert f["rustle"] <= 22.0, f"@{seed}: the handling's median lies {f['rustle']:.1f} dB under its peaks"
        snaps = f["snaps"]
        assert 3.0 <= snaps.rate(10.0) <= 60.0, f"@{seed}: {snaps.rate(10.0):.1f} crackles/s over 10 dB"
        assert 0.05 <= snaps.rate(20.0) <= 10.0, f"@{seed}: {snaps.rate(20.0):.2f} snaps/s over 20 dB"


# ----------------------------------------------------------------- brushing
def test_brushing_goes_back_and_forth_in_strokes_of_varied_colour():
    # the design alternates the sweep's direction, so both are common at every seed (the
    # old test found one of each by luck of its seed)
    for seed in SEEDS:
        k = figures("brushing", seed)["strokes"]
        n = len(k["colours"])
        assert n >= 15, f"@{seed}: {n} strokes in a minute"
        assert k["ups"] >= 0.25 * n and k["downs"] >= 0.25 * n, (
            f"@{seed}: of {n} strokes {k['ups']} sweep up, {k['downs']} down")
        spread = np.percentile(k["colours"], 90) / np.percentile(k["colours"], 10)
        assert spread >= 1.4, f"@{seed}: stroke centroids vary only x{spread:.2f}"


# ----------------------------------------------------------------- whisper
def test_whisper_has_broad_sibilants_and_soft_mouth_clicks():
    # the old whisper: sibilants in 2.7 % of 50 ms windows (narrow resonances), no click
    for seed in SEEDS:
        f = figures("whisper", seed)
        sib = f["sibilance"]
        assert sib["share"] >= 0.05, f"@{seed}: sibilants in {sib['share']:.1%} of windows"
        assert sib["flatness"] <= 6.0, f"@{seed}: the sibilants' 4-10 kHz spans {sib['flatness']:.1f} dB"
        clicks = f["clicks"].rate(20.0)
        assert 0.1 <= clicks <= 2.0, f"@{seed}: {clicks:.2f} mouth clicks a second"


# ----------------------------------------------------------------- night
def test_night_has_night_air_under_balanced_crickets_and_no_endless_trill():
    # summer-night.ogg: -12 to -21 dB re total in each octave from 63 Hz to 1 kHz (about -7
    # below 1 kHz in all), channels within 0.1 dB; the old night had no air (-99 dB),
    # leaned 3.2 dB left and trilled at 2.9 kHz without a break
    for seed in SEEDS:
        f = figures("night", seed)
        assert -16.0 <= f["air"] <= -5.0, f"@{seed}: below 1 kHz holds {f['air']:.1f} dB"
        assert abs(f["balance_db"]) <= 1.0, f"@{seed}: left - right {f['balance_db']:.1f} dB"
        assert f["trill"] <= 0.8, f"@{seed}: the 2.9 kHz trill sounds in {f['trill']:.0%} of 5 s"


# ----------------------------------------------------------------- birds
def test_birds_sing_about_half_the_time_over_a_forest_bed():
    # birds.ogg and the audit: song present 39-80 % of the time, a bed of leaves and air at
    # -16 to -22 dB re total per octave below 1 kHz; the old birds: 16 %, silence under them
    for seed in SEEDS:
        f = figures("birds", seed)
        assert 0.25 <= f["song"] <= 0.8, f"@{seed}: song in {f['song']:.0%} of 50 ms windows"
        assert -16.0 <= f["bed"] <= -6.0, f"@{seed}: below 1 kHz holds {f['bed']:.1f} dB"
