"""The engine plays drift and "now and then" (issue 18): rendered with the manual server and
measured. White noise is the cheap steady sound whose level is easy to read; a constant (DC)
file makes the output the gain curve itself, sample by sample; steady tones, each in a
frequency bin of its own, let one hour-long render measure four layers at once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ambience.core import alive
from ambience.core.alive import Life
from ambience.core.mix import Layer, Mix, slider_to_gain
from ambience.engine import Engine
from ambience.engine import alive as stage
from tests.conftest import RATE, write_audio
from tests.rendering import render_in_windows, window_levels_db

LIMITER_DELAY = 200  # samples the master's limiter delays the sound (engine/master.py)


def white(seed: int = 3) -> Engine:
    return Engine("manual", rate=RATE, seed=seed, fade_in=0.0)


def base_level(engine: Engine, level: float = 1.0) -> float:
    engine.apply(Mix(1.0, (Layer("white", level),)), ramp=0.0)
    return float(np.mean(window_levels_db(engine, 6.0)[1:]))


def life_of(engine: Engine, sound: str) -> tuple[Life, float]:
    """The slot's schedule and the engine time it started (to compare with the pure code)."""
    st = engine._slots[sound].alive
    return st.life, st._t0


@pytest.fixture
def dc(tmp_path):
    """100 s of a constant 0.1 on both channels: the output is 0.1 x every gain."""
    return write_audio(tmp_path / "dc.wav", np.full((100 * RATE, 2), 0.1), RATE,
                       subtype="FLOAT")


# ------------------------------------------------------------------------------ an hour
#: One hour-long render serves the drift test and the three presence tests: each plays a layer
#: of its own, a user file of one steady tone looped seamlessly (one second, whole cycles, its
#: sidecar sets no crossfade), so that each layer's level is read apart from the others in the
#: bin of its frequency (0 Hz: a constant), exactly and without the noise of a noise level.
#: The layers go through the engine's own gain path (slider, alive envelope, mixer, master,
#: limiter), and sum to well under the limiter's threshold, where its gain is exactly 1.
HOUR = 3600.0
#: role -> (tone in Hz, drift, presence); started in this order (seeds 7001-7004)
HOUR_LAYERS = {0.25: (1000, 0.0, 0.25), 0.5: (3000, 0.0, 0.5), 0.75: (5000, 0.0, 0.75),
               "drift": (0, 1.0, 1.0)}


def bin_levels_db(engine: Engine, seconds: float, freqs: list[int]) -> np.ndarray:
    """Render `seconds` and return the level (dB, both channels) of the output's component
    at each of `freqs` (whole Hz; 0 is the constant part) in each whole second: seconds x
    freqs. Over one second every whole-Hz tone is orthogonal to the others and to a constant,
    so each is read by its own two DFT terms (cheaper than whole spectra)."""
    n = engine.rate
    t = np.arange(n) / n
    basis = np.stack([f(2 * np.pi * freq * t) for freq in freqs for f in (np.cos, np.sin)],
                     axis=1)
    # a tone's power is half its amplitude squared; a constant's is its square
    scale = np.repeat(np.where(np.array(freqs) == 0, 1.0, 2.0), 2) / n ** 2

    def level(windows: np.ndarray) -> np.ndarray:
        power = (windows.transpose(0, 2, 1) @ basis) ** 2 * scale  # (k, channel, cos/sin)
        power = power.reshape(len(windows), 2, len(freqs), 2).sum(axis=3).mean(axis=1)
        return 10 * np.log10(np.maximum(power, 1e-30))

    return render_in_windows(engine, seconds, n, level)


@pytest.fixture(scope="module")
def hour(tmp_path_factory):
    """role -> (level in dB per second over the hour against the layer alone and steady,
    the layer's schedule, the schedule's time at the hour's start)."""
    from ambience.library.catalog import load_catalog

    folder = tmp_path_factory.mktemp("hour-sounds")
    t = np.arange(RATE) / RATE
    for role, (freq, _, _) in HOUR_LAYERS.items():
        tone = np.full(RATE, 0.1) if freq == 0 else 0.1 * np.cos(2 * np.pi * freq * t)
        write_audio(folder / f"tone-{freq}.wav", np.stack([tone, tone], axis=1), RATE,
                    subtype="FLOAT")
        (folder / f"tone-{freq}.toml").write_text("crossfade = 0\n")
    catalog = load_catalog(user_dir=folder)
    ids = {role: f"tone-{freq}" for role, (freq, _, _) in HOUR_LAYERS.items()}
    assert all(catalog.resolve(i).crossfade == 0.0 for i in ids.values()), catalog.problems
    freqs = [freq for freq, _, _ in HOUR_LAYERS.values()]
    engine = Engine("manual", rate=RATE, seed=7, fade_in=0.0, catalog=catalog)
    try:
        engine.apply(Mix(1.0, tuple(Layer(i, 1.0) for i in ids.values())), ramp=0.0)
        base = np.mean(bin_levels_db(engine, 6.0, freqs)[1:], axis=0)
        engine.apply(Mix(1.0, tuple(Layer(ids[role], 1.0, drift=drift, presence=presence)
                                    for role, (_, drift, presence) in HOUR_LAYERS.items())))
        start = engine.time()
        lives = {role: life_of(engine, i) for role, i in ids.items()}
        db = bin_levels_db(engine, HOUR, freqs) - base
    finally:
        engine.close()
    return {role: (db[:, k], lives[role][0], start - lives[role][1])
            for k, role in enumerate(HOUR_LAYERS)}


# ------------------------------------------------------------------------------ drift
@pytest.mark.slow  # half an hour of audio (the hour's render, ~30 s, is shared)
@pytest.mark.xdist_group("alive-hour")
def test_drift_wanders_within_its_bounds_and_speed_over_half_an_hour(hour):
    db, life, offset = hour["drift"]
    db = db[:1800]
    # the pure schedule, averaged over the same seconds, is what the engine played
    want = np.array([np.mean([20 * math.log10(life.gain(offset + i + f))
                              for f in (0.125, 0.375, 0.625, 0.875)]) for i in range(len(db))])
    assert np.abs(db - want).max() < 0.15
    assert db.min() >= -6.0 - 0.1 and db.max() <= 3.0 + 0.1
    assert db.min() < -4.0 and db.max() > 2.0  # it does wander
    speed = np.abs(db[2:] - db[:-2]) / 2.0  # over 2 s (a tone's level is read exactly)
    assert speed.max() <= alive.MAX_SPEED
    # slow: the level's autocorrelation takes 20-120 s to fall to 1/e
    x = db - db.mean()
    ac = np.correlate(x, x, "full")[len(x) - 1:] / np.dot(x, x)
    decay = int(np.argmax(ac < 1 / math.e))
    assert 20 <= decay <= 120, f"{decay} s"


def test_a_slider_move_while_drifting_moves_the_centre_and_never_jumps_back():
    engine = white()
    try:
        base = base_level(engine, 0.6)
        engine.apply(Mix(1.0, (Layer("white", 0.6, drift=1.0),)))
        life, t0 = life_of(engine, "white")
        start = engine.time()
        first = window_levels_db(engine, 60.0)
        engine.apply(Mix(1.0, (Layer("white", 0.9, drift=1.0),)))
        second = window_levels_db(engine, 90.0)
    finally:
        engine.close()
    lift = 20 * math.log10(slider_to_gain(0.9) / slider_to_gain(0.6))

    def expected(i: int) -> float:
        return 20 * math.log10(life.gain(start - t0 + i + 0.5))

    got = np.concatenate([first - base, second - base - lift])
    want = np.array([expected(i) for i in range(len(got))])
    # after the move the level is the new slider's plus the same wander: the centre moved
    # (the first second after the move holds the 50 ms slider ramp)
    err = np.abs(got - want)
    err[60] = 0.0
    assert err.max() < 0.2, f"off by {err.max():.2f} dB at second {err.argmax()}"
    assert np.ptp(want[60:]) > 1.0  # and the wander goes on around it


# ------------------------------------------------------------------------------ presence
@pytest.fixture
def short_spans(monkeypatch):
    """Spans and fades of seconds instead of minutes, so that minutes of audio hold many
    (and the envelope's breakpoints closer, as fades are shorter)."""
    monkeypatch.setattr(alive, "STEP", 0.1)
    monkeypatch.setattr(alive, "MINORITY_SPAN", 20.0)
    monkeypatch.setattr(alive, "MIN_SPAN", 12.0)
    monkeypatch.setattr(alive, "FADE", (4.0, 8.0))


def test_a_now_and_then_layer_follows_its_schedule_and_is_stopped_while_away(
        short_spans, monkeypatch):
    # silences shorter than this are not worth a stop: with these spans some are, some not
    monkeypatch.setattr(stage, "MIN_AWAY", 25.0)
    engine = white(5)
    try:
        base = base_level(engine)
        engine.apply(Mix(1.0, (Layer("white", 1.0, presence=0.4),)))
        life, t0 = life_of(engine, "white")
        step = 0.25  # asked for; a render is whole buffers (`got`)
        playing, levels, ends = [], [], []
        for _ in range(int(300 / step)):
            x = engine.render(step).astype(np.float64)
            levels.append(10 * math.log10(max(np.mean(np.square(x)), 1e-30)) - base)
            playing.append(bool(engine.playing()))
            ends.append(engine.time() - t0)
        got = len(x) / RATE
    finally:
        engine.close()
    times = np.array(ends)  # each window's end, schedule time
    presence = life.presence
    # what the schedule holds in each window (its mean power) against what was heard
    inside = times[:, None] - got * np.linspace(0, 1, 17)[None, :]
    gains = np.vectorize(presence.gain)(inside)
    want = 10 * np.log10(np.maximum(np.mean(gains ** 2, axis=1), 1e-30))
    heard = np.array(levels) >= -10.0
    assert np.abs(np.array(levels) - want)[want > -30].max() < 0.2
    assert np.all((heard == (want >= -10.0)) | (np.abs(want + 10.0) < 0.2))
    assert np.mean(heard) == pytest.approx(0.4, abs=0.1)
    # stopped exactly while the schedule has it away (its silences longer than MIN_AWAY)
    silences, t = [], 0.0
    while t < times[-1]:
        a, b = presence.quiet(t)
        silences.append((a, b))
        t = b
    away = np.array([any(b - a >= stage.MIN_AWAY and a + stage.STOP_MARGIN <= t < b - stage.PREROLL
                         for a, b in silences) for t in times])
    playing = np.array(playing)
    assert away.sum() > 100  # 25 s of the 300 stopped, at the least
    lengths = [b - a for a, b in silences]
    assert min(lengths) < stage.MIN_AWAY < max(lengths)
    assert np.mean(playing == ~away) > 0.99
    # silent while stopped, and never stopped while it could be heard
    stopped_throughout = ~playing & ~np.concatenate([[True], playing[:-1]])
    assert np.array(levels)[stopped_throughout].max() < -200.0  # digital silence
    assert not np.any(~playing & heard)


@pytest.mark.slow  # an hour of audio (the hour's render is shared)
@pytest.mark.xdist_group("alive-hour")
@pytest.mark.parametrize("share", [0.25, 0.5, 0.75])
def test_a_now_and_then_layer_is_there_about_the_share_asked_for_over_an_hour(hour, share):
    db, life, offset = hour[share]
    heard = float(np.mean(db >= -10.0))
    pure = life.presence.there_share(offset, offset + HOUR)
    assert heard == pytest.approx(pure, abs=0.01)
    assert heard == pytest.approx(share, abs=0.1)


def test_presence_zero_never_sounds_nor_runs(engine):
    engine.apply(Mix(1.0, (Layer("white", 1.0, presence=0.0),)), ramp=0.0)
    x = engine.render(1.0)
    assert engine.playing() == []
    assert np.abs(x).max() == 0.0


# ------------------------------------------------------------------------------ changes
def test_drift_and_presence_changes_glide_without_a_step(dc):
    engine = Engine("manual", rate=RATE, seed=4, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(dc, 1.0),)), ramp=0.0)
        engine.render(3.0)
        out = [engine.render(2.0)]
        # (drift, presence, seconds): the layer goes away (stopped) and comes back on the way
        steps = [(1.0, 1.0, 8.0), (1.0, 0.0, 24.0), (0.3, 0.0, 4.0), (0.3, 1.0, 8.0),
                 (0.0, 0.5, 8.0), (0.8, 0.2, 8.0)]
        playing = []
        for drift, presence, seconds in steps:
            engine.apply(Mix(1.0, (Layer(dc, 1.0, drift=drift, presence=presence),)))
            out.append(engine.render(seconds))
            playing.append(bool(engine.playing()))
    finally:
        engine.close()
    assert playing == [True, False, False, True, True, False]
    x = np.concatenate(out)[:, 0].astype(np.float64)
    assert x.max() > 0.1 * 10 ** (0.5 / 20) or x.min() < 0.1 * 10 ** (-0.5 / 20)  # it moved
    jump = np.abs(np.diff(x))
    # gains that glide move a 0.1 level by well under 1e-6 a sample; a step of 0.01 dB
    # would be 1.2e-4 (float32 output: steps of 7e-9 at 0.1)
    assert jump.max() < 1e-6, f"a step of {jump.max():.2e} at {jump.argmax() / RATE:.3f} s"


def test_the_sleep_fade_multiplies_a_living_layer_without_disturbing_its_schedule(dc):
    engine = Engine("manual", rate=RATE, seed=6, fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer(dc, 0.8, drift=1.0, presence=0.5),)), ramp=0.0)
        life, t0 = life_of(engine, dc)
        engine.render(30.0)  # into the drift (the file must not loop within the test)
        start = engine.time()
        engine.fade_master(0.0, 20.0, curve="linear")
        x = engine.render(24.0)[:, 0].astype(np.float64)
    finally:
        engine.close()
    n = np.arange(0, 23 * RATE, RATE // 10) + LIMITER_DELAY
    t = start + (n - LIMITER_DELAY) / RATE - 1.0 / RATE
    want = np.array([0.1 * slider_to_gain(0.8) * life.gain(x_ - t0) * max(0.0, 1 - (x_ - start) / 20)
                     for x_ in t])
    assert want[0] > 0.05 and np.ptp(want[:50] / (1 - (t[:50] - start) / 20)) > 1e-4  # drifting
    assert np.abs(x[n] - want).max() < 1e-4
    assert np.abs(x[21 * RATE:]).max() == 0.0  # and silent once the fade is over


def test_the_same_seed_repeats_drift_and_presence_sample_for_sample(dc):
    def run(seed):
        engine = Engine("manual", rate=RATE, seed=seed, fade_in=0.0)
        try:
            engine.apply(Mix(1.0, (Layer(dc, 1.0, drift=1.0, presence=0.5),)), ramp=0.0)
            a = engine.render(20.0)
            engine.apply(Mix(1.0, (Layer(dc, 0.8, drift=0.4, presence=0.2),)))
            return np.concatenate([a, engine.render(20.0)])
        finally:
            engine.close()

    first, again, other = run(21), run(21), run(22)
    assert np.array_equal(first, again)
    assert not np.allclose(first, other, atol=1e-4)


def test_a_real_time_engine_stops_a_layer_that_goes_away_and_starts_it_when_it_returns():
    """The null back-end runs in real time in its own thread: the alive chores are done by
    its housekeeping, not by `render`."""
    import time

    engine = Engine("null", fade_in=0.0)
    try:
        engine.apply(Mix(1.0, (Layer("pink", 0.5, drift=0.5, presence=0.0),)))
        time.sleep(0.5)
        assert engine.playing() == []
        engine.apply(Mix(1.0, (Layer("pink", 0.5, drift=0.5, presence=1.0),)))
        time.sleep(0.3)
        assert engine.playing() == ["pink"]
        assert engine._slots["pink"].alive.env.get() > 0.0  # gliding back in
    finally:
        engine.close()


def test_the_levels_snapshot_says_when_a_now_and_then_layer_is_away_and_when_it_is_back(
        short_spans):
    import io

    from ambience.guarded import receive, send

    engine = white(5)
    try:
        engine.apply(Mix(1.0, (Layer("white", 1.0, presence=0.25),)), ramp=0.0)
        life, t0 = life_of(engine, "white")
        presence = life.presence
        a, b = presence.quiet(0.0)  # the first silence of its schedule (level 0 throughout)
        grid = np.arange(0.0, b + 30.0, 0.05)
        level = np.array([presence.level(t) for t in grid])
        out_mid = grid[np.argmax(level < alive.THERE)]  # mid fade out: going, not gone
        back_mid = grid[(grid > b) & (level >= alive.THERE)][0]  # mid fade in: back
        assert 0.0 < out_mid < a < b < back_mid

        def at(t: float):
            engine.render(t0 + t - engine.time(), capture=False)
            snap = engine.levels()
            sent = io.BytesIO()
            send(sent, snap)  # the guarded engine's wire: the snapshot crosses unchanged
            got = receive(io.BytesIO(sent.getvalue()))
            assert got == snap
            return got.away, engine.playing()

        assert at(out_mid) == (frozenset(), ["white"])  # mid-fade is not away yet
        assert at((a + b) / 2) == (frozenset({"white"}), [])  # out, and stopped
        assert at(back_mid) == (frozenset(), ["white"])  # back
    finally:
        engine.close()
