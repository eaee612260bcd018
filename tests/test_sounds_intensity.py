"""Intensity per sound (issue 18): from 0 to 1 a sound changes character (how many events,
how bright, how big) while its loudness stays within 2 LU of intensity 0.5, the sound as
designed; a change glides without a click; 0.5 is exactly the sound of before.

Each sound is rendered alone for 60 s at intensity 0, 0.5 and 1 (seed 1); the measures are
tests/sound_checks.py's where one fits (events over the bed, centroid, swells).
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
import pytest
from scipy import ndimage, signal

from ambience.core.mix import Layer, Mix
from ambience.engine import Engine
from ambience.engine.source import pyo
from tests import analysis as A
from tests import sound_checks as S
from tests.rendering import CATALOG, RATE

#: the sounds whose intensity is built (the catalog names the rest's ends too)
INTENSE = ("birds", "fire", "keyboard", "rain", "waves", "wind")
ENDS = (0.0, 0.5, 1.0)
SECONDS = 60.0
SEED = 1
#: continuous beds: issue 12's mono-safe lows and spectrum without a hole at every intensity
BEDS = ("fire", "rain", "waves", "wind")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sounds-intensity")]


def render(sound: str, intensity: float | None, seconds: float = SECONDS, seed: int = SEED,
           change: tuple[float, float] | None = None) -> np.ndarray:
    """`sound` alone at slider 1 (frames x 2, float64); `change` = (at s, new intensity)
    moves it while playing, as the mixer does (the engine's glide)."""
    shaping = {} if intensity is None else {"intensity": intensity}
    engine = Engine("manual", rate=RATE, seed=seed, fade_in=0.0, catalog=CATALOG)
    try:
        engine.apply(Mix(1.0, (Layer(sound, 1.0, **shaping),)), ramp=0.0)
        if change is None:
            return engine.render(seconds).astype(np.float64)
        at, to = change
        before = engine.render(at)
        engine.apply(Mix(1.0, (Layer(sound, 1.0, intensity=to),)))
        return np.concatenate([before, engine.render(seconds - at)]).astype(np.float64)
    finally:
        engine.close()


# ------------------------------------------------------------------ the designed changes
def _song_share(x):
    """Birds: share of 50 ms windows whose 1.8-8 kHz band stands 10 dB over its quiet part."""
    sos = signal.butter(4, [1800, 8000], "bandpass", fs=RATE, output="sos")
    lv = A.short_term_rms_db(signal.sosfilt(sos, A.mono(x)), RATE, 0.05)
    return float(np.mean(lv > np.percentile(lv, 10) + 10))


def _burst_seconds(x):
    """Keyboard: mean length of a run of typing (keys over +10 dB less than 0.8 s apart)."""
    t = S.events(x, RATE, over_db=10.0).times
    if t.size < 2:
        return 0.0
    breaks = np.flatnonzero(np.diff(t) > 0.8)
    starts = np.concatenate([[t[0]], t[breaks + 1]])
    ends = np.concatenate([t[breaks], [t[-1]]])
    return float(np.mean(ends - starts))


def _surges(x):
    times, _, _ = S.swells(x, RATE, prominence=6.0)
    return len(times) * 60.0 / (len(x) / RATE)


#: per sound, (what, measure, +1 rising / -1 falling with intensity, least change 0 -> 1)
DESIGN = {
    "rain": [("drops over +6 dB a second", lambda x: S.events(x, RATE).rate(6.0), 1, 1.5),
             ("drops standing over +10 dB a second",
              lambda x: S.events(x, RATE).rate(10.0), -1, 1.5),
             ("centroid Hz", lambda x: S.centroid(x, RATE), 1, 1.3)],
    "wind": [("centroid Hz", lambda x: S.centroid(x, RATE), 1, 1.5),
             ("whistle share", lambda x: S.whistle_share(x, RATE) + 0.01, 1, 5.0)],
    "fire": [("crackles over +10 dB a second", lambda x: S.events(x, RATE).rate(10.0), 1, 3.0),
             ("roar share 40-150 Hz (power)",
              lambda x: 10 ** (S.band_share_db(x, RATE, 40, 150) / 10), 1, 1.5)],
    "waves": [("surges a minute", _surges, 1, 2.0),
              ("foam fizz over +10 dB a second (2-6 kHz)",
               lambda x: S.events(x, RATE, band=(2000.0, 6000.0)).rate(10.0), 1, 2.0),
              ("50 ms level spread dB", lambda x: S.level_spread(x, RATE), 1, 1.5)],
    "birds": [("song share", _song_share, 1, 2.5)],
    "keyboard": [("keys over +10 dB a second", lambda x: S.events(x, RATE).rate(10.0), 1, 2.5),
                 ("seconds a burst of typing lasts", _burst_seconds, 1, 1.5)],
}


@functools.cache
def figures(sound: str, intensity: float) -> dict[str, float]:
    x = render(sound, intensity)
    out = {"lufs": S.loudness(x, RATE), "true_peak": S.true_peak(x, RATE),
           "dead_air": S.dead_air(x, RATE), "low_corr": S.low_correlation(x, RATE),
           "worst_hole": S.worst_hole(x, RATE)[1]}
    for what, measure, _, _ in DESIGN[sound]:
        out[what] = measure(x)
    return out


@pytest.mark.parametrize("sound", INTENSE)
def test_intensity_keeps_the_loudness_within_2_lu_of_the_middle(sound):
    middle = figures(sound, 0.5)["lufs"]
    for x in (0.0, 1.0):
        lufs = figures(sound, x)["lufs"]
        assert abs(lufs - middle) <= 2.0, (
            f"{sound} at intensity {x}: {lufs:.2f} LUFS, at 0.5 {middle:.2f}")


@pytest.mark.parametrize(("sound", "what"), [(s, d[0]) for s in INTENSE for d in DESIGN[s]])
def test_intensity_changes_the_sound_as_designed(sound, what):
    _, _, direction, least = next(d for d in DESIGN[sound] if d[0] == what)
    values = [figures(sound, x)[what] for x in ENDS]
    shown = ", ".join(f"{v:.3g}" for v in values)
    ordered = values if direction > 0 else values[::-1]
    assert ordered[0] < ordered[1] < ordered[2], f"{sound} {what} at 0/0.5/1: {shown}"
    assert ordered[2] >= least * ordered[0], f"{sound} {what} at 0/0.5/1: {shown}"


@pytest.mark.parametrize("sound", INTENSE)
@pytest.mark.parametrize("intensity", (0.0, 1.0))
def test_every_intensity_keeps_the_sounds_issue_12_properties(sound, intensity):
    f = figures(sound, intensity)
    assert f["true_peak"] <= -1.0, f"{sound} at {intensity}: {f['true_peak']:.2f} dBTP"
    assert f["dead_air"] <= 0.05, f"{sound} at {intensity}: {f['dead_air']:.0%} dead air"
    if sound in BEDS:
        assert f["low_corr"] >= 0.4, f"{sound} at {intensity}: lows correlate {f['low_corr']:.2f}"
        assert f["worst_hole"] <= 10.0, f"{sound} at {intensity}: a {f['worst_hole']:.1f} dB hole"


# ------------------------------------------------------------------ gliding
def _jumps(x, a, b):
    """In a..b s: the largest sample-to-sample step, the largest 10 ms step of the bed's
    level (dB) and the loudest 0.4 s (dB)."""
    part = x[int(a * RATE): int(b * RATE)]
    # the bed's level: 10 ms levels with the events (1-30 ms) taken out by a running median
    bed = ndimage.median_filter(A.short_term_rms_db(part, RATE, 0.01), size=9, mode="nearest")
    return (float(np.max(np.abs(np.diff(part, axis=0)))), float(np.max(np.abs(np.diff(bed)))),
            float(np.max(A.short_term_rms_db(part, RATE, 0.4))))


@pytest.mark.parametrize("sound", INTENSE)
@pytest.mark.parametrize("move", ((0.0, 1.0), (1.0, 0.0)))
def test_changing_intensity_while_playing_glides_without_a_click_or_a_swell(sound, move):
    start, to = move
    x = render(sound, start, seconds=24.0, change=(10.0, to))
    # steady before (2-10 s) and after the 2 s glide (13-24 s); the glide itself 10-13 s
    steady = [_jumps(x, 2.0, 10.0), _jumps(x, 13.0, 24.0)]
    sample, level, loudest = _jumps(x, 10.0, 13.0)
    worst_sample = max(s[0] for s in steady)
    worst_level = max(s[1] for s in steady)
    assert loudest <= max(s[2] for s in steady) + 1.5, (
        f"{sound} {start}->{to}: {loudest:.1f} dB for 0.4 s in the glide, louder than "
        "either end")
    assert sample <= 1.25 * worst_sample, (
        f"{sound} {start}->{to}: a sample step of {sample:.3g} in the glide, "
        f"{worst_sample:.3g} at most when steady")
    assert level <= worst_level + 1.0, (
        f"{sound} {start}->{to}: the bed's level stepped {level:.1f} dB in 10 ms in the glide, "
        f"{worst_level:.1f} at most when steady")


# ------------------------------------------------------------------ older presets unchanged
def layer_fingerprint(sound: str, seed: int = 11, seconds: float = 25.0, **shaping) -> str:
    """sha256 of the layer's own output (before the master chain, which other work may
    change) for `seconds` at `seed`, built as a mix without any intensity builds it."""
    engine = Engine("manual", rate=RATE, seed=seed, fade_in=0.0, catalog=CATALOG)
    try:
        engine.apply(Mix(1.0, (Layer(sound, 1.0, **shaping),)), ramp=0.0)
        output = engine._slots[sound].layer.output
        frames = int(seconds * RATE) // engine.buffer * engine.buffer
        table = pyo.NewTable(length=frames / RATE, chnls=2)
        rec = pyo.TableRec(output, table).play()
        engine.render(frames / RATE, capture=False)
        rec.stop()
        data = np.stack([np.asarray(table.getBuffer(c), dtype=np.float32).copy()
                         for c in range(2)], axis=1)
        del rec, table
        return hashlib.sha256(data.tobytes()).hexdigest()[:16]
    finally:
        engine.close()


#: `layer_fingerprint` of each sound made by the code before intensity existed (main at
#: 20bf415): `python -m tests.test_sounds_intensity` prints them for the code on the path.
#: A deliberate change of a sound's design changes its line here.
BEFORE = {
    "birds": "1fed3be1c06b063a",
    "fire": "3766189e85dbb9d1",
    "keyboard": "a9d8e2e25bdb4d18",
    "rain": "db465aef10359bc8",
    "waves": "7d398682a3efa3e4",
    "wind": "9009cbc6acb74bf0",
}


@pytest.mark.parametrize("sound", INTENSE)
def test_intensity_one_half_renders_the_samples_of_before(sound):
    assert layer_fingerprint(sound) == BEFORE[sound], (
        f"{sound} at intensity 0.5 no longer renders what it did before intensity existed")


if __name__ == "__main__":
    for name in INTENSE:
        print(f"    {name!r}: {layer_fingerprint(name)!r},")
