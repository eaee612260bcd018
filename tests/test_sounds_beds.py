"""Issue 12's targets for the continuous beds (rain, wind, waves, stream, fire, thunder, fan),
each rendered alone for 60 s at three seeds (once per session: `measured` takes every figure
the tests need while the render is in tests.sound_checks' small cache). The measures are
defined in tests/sound_checks.py; the figures of the reference recordings quoted here were
measured the same way (benchmarks/sound_pictures.py).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tests import sound_checks as S

RATE = 48000
SEEDS = (1, 2, 3)
BEDS = ("rain", "fire", "wind", "waves", "stream", "thunder", "fan")
#: beds that are broadband noise (issue 12's list): no 1/3-octave hole from 100 Hz to 16 kHz
BROADBAND = tuple(b for b in BEDS if b != "thunder")
#: the 6-12 kHz band within this many dB of the 1-4 kHz band (issue 12)
HIGHS = {"rain": -18.0, "stream": -18.0, "waves": -20.0, "fire": -22.0}

#: one worker runs the module, so each render (cached per process) is made once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sounds-beds")]


def cases(sounds):
    return [(s, seed) for s in sounds for seed in SEEDS]


def octaves(x: np.ndarray) -> dict[int, float]:
    """Share (dB re total) of the 4, 8 and 16 kHz octaves."""
    return {k: S.band_share_db(x, RATE, k / 2 ** 0.5, k * 2 ** 0.5) for k in (4000, 8000, 16000)}


def _waves(x: np.ndarray) -> dict:
    times, heights, _ = S.swells(x, RATE, smooth=0.5, prominence=4.0)
    return {"surges_per_minute": len(times) / (len(x) / RATE / 60), "surge_heights": heights,
            "fizz": S.events(x, RATE, band=(2000.0, 6000.0))}


def _fire(x: np.ndarray) -> dict:
    return {"crackle_centroid": S.event_centroid(x, RATE, S.events(x, RATE), 10.0),
            "holes_300_2000": S.holes(x, RATE, 300.0, 2000.0, depth=6.0)}


#: what each bed's own tests measure of its render, besides tests.sound_checks' figures
OWN = {
    "rain": lambda x: {"drop_centroid": S.event_centroid(x, RATE, S.events(x, RATE), 10.0)},
    "fire": _fire,
    "wind": lambda x: {"whistles": S.whistle_share(x, RATE, prominence=6.0)},
    "waves": _waves,
    "stream": lambda x: {"octaves": octaves(x)},
    "thunder": lambda x: {"rolls": S.rolls(x, RATE)},
    "fan": lambda x: {"rhythm": S.rhythm(x, RATE), "octaves": octaves(x)},
}


@functools.cache
def measured(sound: str, seed: int) -> dict:
    """tests/sound_checks.py's figures of the 60 s render, plus this bed's own (taken while
    the render is still in sound_checks' small cache, so the first test to ask renders it
    and no later one renders it again)."""
    out = dict(S.figures_of(sound, seed))
    out.update(OWN[sound](S.render(sound, seed)))
    return out


# ------------------------------------------------------------------------------ every bed
@pytest.mark.parametrize(("sound", "seed"), cases(BEDS))
def test_bed_is_at_reference_loudness_with_true_peak_under_minus_one_dbtp(sound, seed):
    f = measured(sound, seed)
    assert -24.0 <= f["lufs"] <= -22.0, f"{sound}/{seed}: {f['lufs']:.2f} LUFS"
    assert f["true_peak_dbtp"] <= -1.0, f"{sound}/{seed}: {f['true_peak_dbtp']:.2f} dBTP"


@pytest.mark.parametrize(("sound", "seed"), cases(BROADBAND))
def test_broadband_bed_has_no_hole_in_its_spectrum(sound, seed):
    f = measured(sound, seed)
    assert f["worst_hole_db"] <= 10.0, (
        f"{sound}/{seed}: the {f['worst_hole_hz']:.0f} Hz band lies {f['worst_hole_db']:.1f} dB "
        "below its neighbours two bands away")


# sorted: every xdist worker must collect the same order
@pytest.mark.parametrize(("sound", "seed"), cases(sorted(set(HIGHS) & set(BEDS))))
def test_bed_keeps_its_highs(sound, seed):
    f = measured(sound, seed)
    assert f["high_ratio_db"] >= HIGHS[sound], (
        f"{sound}/{seed}: 6-12 kHz is {f['high_ratio_db']:.1f} dB re 1-4 kHz")


@pytest.mark.parametrize(("sound", "seed"), cases(BEDS))
def test_bed_bass_is_mono_safe(sound, seed):
    f = measured(sound, seed)
    assert f["low_corr"] >= 0.4, f"{sound}/{seed}: channels correlate {f['low_corr']:.2f} < 300 Hz"
    assert f["mono_loss_db"] >= -6.0, (
        f"{sound}/{seed}: a mono sum loses {-f['mono_loss_db']:.1f} dB at "
        f"{f['mono_loss_hz']:.0f} Hz")


@pytest.mark.parametrize(("sound", "seed"), cases(BEDS))
def test_bed_never_falls_into_dead_air(sound, seed):
    f = measured(sound, seed)
    assert f["dead_air"] <= 0.05, f"{sound}/{seed}: {f['dead_air']:.1%} of 50 ms windows dead"


# ------------------------------------------------------------------------------ rain
# reference rain (rain.ogg, alex36917, CC BY): 1.7 events a second > 10 dB, 0.17 > 15 dB,
# 0.5 ms wide; slow drift (2 s levels, p90-p10) 4.2 dB
@pytest.mark.parametrize("seed", SEEDS)
def test_rain_drops_are_short_clicks_about_two_a_second_over_the_hiss(seed):
    f = measured("rain", seed)
    assert 1.0 <= f["events_10db_per_s"] <= 4.0, f"{f['events_10db_per_s']:.2f} drops/s > 10 dB"
    assert f["events_20db_per_s"] <= 0.2, "drops too loud: real rain drops are fairly uniform"
    assert f["event_width_ms"] <= 1.0, f"drops {f['event_width_ms']:.2f} ms wide"


@pytest.mark.parametrize("seed", SEEDS)
def test_rain_drifts_slowly_by_a_few_db(seed):
    f = measured("rain", seed)
    assert 1.5 <= f["drift_2s_db"] <= 7.0, f"2 s levels spread {f['drift_2s_db']:.1f} dB"


def test_rain_drops_are_bright_broadband_clicks():
    assert measured("rain", 1)["drop_centroid"] > 4500.0


# ------------------------------------------------------------------------------ fire
# reference fireplace (fireplace.ogg, ezwa, public domain): 0.74 crackles a second > 15 dB,
# 0.12 > 20 dB, crackle centroid 9.1 kHz; the audit's campfire: 6.4 > 15 dB, 3.3 > 20 dB
@pytest.mark.parametrize("seed", SEEDS)
def test_fire_crackles_stand_15_and_20_db_over_the_bed_as_often_as_real_ones(seed):
    f = measured("fire", seed)
    assert 1.0 <= f["events_15db_per_s"] <= 6.0, f"{f['events_15db_per_s']:.2f}/s > 15 dB"
    assert 0.1 <= f["events_20db_per_s"] <= 3.0, f"{f['events_20db_per_s']:.2f}/s > 20 dB"


@pytest.mark.parametrize("seed", SEEDS)
def test_fire_roar_does_not_swamp_the_flames(seed):
    # the old fire's roar held -1.6 dB of the total; real fires -3.5 (fireplace) to -18
    f = measured("fire", seed)
    assert -9.0 <= f["below_300_db"] <= -3.0, f"<300 Hz holds {f['below_300_db']:.1f} dB"


@pytest.mark.parametrize("seed", SEEDS)
def test_fire_crackles_are_bright(seed):
    # the first 3 ms of every event > 10 dB, pops included (the fireplace: 9.6 kHz)
    assert 6500.0 <= measured("fire", seed)["crackle_centroid"] <= 10000.0


@pytest.mark.parametrize("seed", SEEDS)
def test_fire_has_no_hole_between_roar_and_hiss(seed):
    assert measured("fire", seed)["holes_300_2000"] == []


# ------------------------------------------------------------------------------ wind
# reference wind (wind.ogg, felix.blume, CC0): 50 ms levels spread 9.5 dB; above 2.5 kHz
# -30 dB re total (the old wind: nothing above 2.5 kHz); the audit's winds -22 to -40 dB at
# the 1-8 kHz octaves; no whistles in that recording
@pytest.mark.parametrize("seed", SEEDS)
def test_wind_gusts_and_keeps_some_energy_above_2500_hz(seed):
    f = measured("wind", seed)
    assert -35.0 <= f["above_2500_db"] <= -15.0, f">2.5 kHz holds {f['above_2500_db']:.1f} dB"
    assert 6.0 <= f["spread_50ms_db"] <= 16.0, f"50 ms levels spread {f['spread_50ms_db']:.1f} dB"


@pytest.mark.parametrize("seed", SEEDS)
def test_wind_whistles_come_and_go(seed):
    share = measured("wind", seed)["whistles"]
    assert 0.08 <= share <= 0.7, f"a whistle in {share:.0%} of half-seconds"


# ------------------------------------------------------------------------------ waves
# reference waves (waves.ogg, Luftrum, CC BY): 22 surges a minute standing 4 dB out (0.5 s
# smoothing), prominences p10-p90 4.9-15.4 dB; 1.8 fizz clicks a second > 10 dB in 2-6 kHz;
# the audit's beaches: 18-22 surges a minute, 50 ms spread 11-12 dB
@pytest.mark.parametrize("seed", SEEDS)
def test_waves_surge_15_to_25_times_a_minute_in_uneven_sizes(seed):
    f = measured("waves", seed)
    per_minute, heights = f["surges_per_minute"], f["surge_heights"]
    assert 15 <= per_minute <= 25, f"{per_minute:.1f} surges a minute"
    assert np.percentile(heights, 90) - np.percentile(heights, 10) >= 4.0, "surges all alike"
    assert f["spread_50ms_db"] >= 8.0


@pytest.mark.parametrize("seed", SEEDS)
def test_waves_leave_a_fizz_of_foam(seed):
    ev = measured("waves", seed)["fizz"]
    assert 0.8 <= ev.rate(10.0) <= 5.0, f"{ev.rate(10.0):.2f} fizz clicks a second > 10 dB"


# ------------------------------------------------------------------------------ stream
# the audit's river (issue 12): the 4 / 8 / 16 kHz octaves at -8 / -10 / -17 dB re total,
# 7 splashes a second about 4 ms wide; the old stream had nothing above 4 kHz
@pytest.mark.parametrize("seed", SEEDS)
def test_stream_keeps_the_highs_of_running_water_falling_above_10_khz(seed):
    octave = measured("stream", seed)["octaves"]
    assert -13.0 <= octave[4000] <= -5.0, f"4 kHz octave {octave[4000]:.1f} dB re total"
    assert -14.0 <= octave[8000] <= -6.0, f"8 kHz octave {octave[8000]:.1f} dB re total"
    assert -22.0 <= octave[16000] <= -13.0, f"16 kHz octave {octave[16000]:.1f} dB re total"


@pytest.mark.parametrize("seed", SEEDS)
def test_stream_splashes_are_short_bright_clicks_a_few_a_second(seed):
    f = measured("stream", seed)
    assert 1.0 <= f["events_10db_per_s"] <= 8.0, f"{f['events_10db_per_s']:.2f} splashes/s > 10 dB"
    assert f["events_20db_per_s"] <= 0.2, "splashes too loud for the bed of a brook"
    assert f["event_width_ms"] <= 6.0, f"splashes {f['event_width_ms']:.2f} ms wide"


# ------------------------------------------------------------------------------ thunder
# issue 12 (from real thunder): rolls 15-25 dB over the bed, rising in 0.5-1 s, decaying
# 3-4 dB/s, 1-4 after-rumbles, 95 % roll-off about 1.3 kHz at the peak and 0.35 kHz 10 s
# later. The reference storm (storm.ogg, Digifish music, CC BY), measured the same way: one
# roll 17 dB over its bed (rain) rising 3 s, decaying 1.4 dB/s, 6 after-rumbles, 0.44 kHz at
# the peak (its rain masks the thunder's decay and its highs).
def thunder_rolls() -> dict[int, list[dict]]:
    return {seed: measured("thunder", seed)["rolls"] for seed in SEEDS}


def test_thunder_rolls_stand_15_to_25_db_over_the_rumble_and_rise_in_under_a_second():
    found = thunder_rolls()
    for seed, rolls in found.items():
        assert rolls, f"seed {seed}: no whole roll in a minute"
        for r in rolls:
            assert 15.0 <= r["height_db"] <= 25.0, f"seed {seed}: {r}"
            assert 0.4 <= r["rise_s"] <= 1.1, f"seed {seed}: {r}"


def test_thunder_rolls_decay_3_to_4_db_a_second_with_after_rumbles():
    found = thunder_rolls()
    decays = [r["decay_db_per_s"] for rolls in found.values() for r in rolls]
    assert 3.0 <= np.mean(decays) <= 4.0, f"decays {np.round(decays, 2)} dB/s"
    for seed, rolls in found.items():
        for r in rolls:
            assert 2.5 <= r["decay_db_per_s"] <= 5.0, f"seed {seed}: {r}"
            assert 1 <= r["after_rumbles"] <= 4, f"seed {seed}: {r}"


def test_thunder_rolls_darken_from_about_1300_hz_to_350_hz_in_ten_seconds():
    found = thunder_rolls()
    for seed, rolls in found.items():
        for r in rolls:
            assert 1000.0 <= r["bright_peak_hz"] <= 2000.0, f"seed {seed}: {r}"
            assert 280.0 <= r["bright_later_hz"] <= 420.0, f"seed {seed}: {r}"


# ------------------------------------------------------------------------------ fan
# the audit's ceiling fan (issue 12): the level pulses at the blade pass, 3.4 Hz with a
# 2.9 dB swing; the 4 / 8 / 16 kHz octaves at -14 / -14 / -17 dB re total. The reference
# recordings (no fan among them) show no such line: their strongest 1.5-8 Hz line stands
# 9-11 dB over the median.
@pytest.mark.parametrize("seed", SEEDS)
def test_fan_air_pulses_faintly_at_its_blade_pass(seed):
    rate, stands, swing = measured("fan", seed)["rhythm"]
    assert 2.5 <= rate <= 5.0, f"blade pass {rate:.1f} Hz"
    assert stands >= 15.0, f"the blade line stands only {stands:.1f} dB out"
    assert 1.5 <= swing <= 4.0, f"blade swing {swing:.1f} dB"


@pytest.mark.parametrize("seed", SEEDS)
def test_fan_keeps_its_highs_up_to_16_khz(seed):
    for k, share in measured("fan", seed)["octaves"].items():
        assert -19.0 <= share <= -10.0, f"{k} Hz octave {share:.1f} dB re total"
