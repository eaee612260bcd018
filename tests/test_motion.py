"""The moving layer's path around the head and the spherical head's cues (pure code)."""

from __future__ import annotations

import numpy as np
import pytest

from ambience.core import head, motion


def _track(seed: int, scale: float = 1.0):
    path = motion.Path(seed)
    t = np.arange(0, motion.CYCLE + 1e-9, motion.STEP)
    az = np.array([path.azimuth(x, scale) for x in t])
    return t, az, np.array([head.close_ild_db(a) for a in az])


@pytest.mark.parametrize("seed", [1, 2, 7, 3001])
def test_path_is_as_much_left_as_right_and_slow_with_pauses(seed):
    t, az, ild = _track(seed)
    assert az[0] == az[-1] == 0.0
    assert abs(ild.mean()) < 1e-9  # mirrored halves: exactly as much left as right
    lead = np.cumsum(ild) * motion.STEP  # how far one side leads (dB x s)
    assert np.abs(lead).max() <= motion.BALANCE * 1.15
    speed = np.abs(np.diff(az)) / motion.STEP
    assert speed.max() <= motion.MAX_SPEED
    assert np.abs(np.diff(ild)).max() / motion.STEP <= motion.LEVEL_RATE * 1.02
    assert az.max() > 30 and az.min() < -30  # it goes well to each side
    assert (speed < 0.5).mean() > 0.1  # pauses: standing still a good share of the time


@pytest.mark.parametrize("scale", [0.25, 0.5, 0.8])
def test_less_motion_moves_less_far_and_slower_never_changing_the_level_faster(scale):
    _, full, _ = _track(5)
    _, part, ild = _track(5, scale)
    assert np.all(np.abs(part) <= np.abs(full) + 1e-9)
    assert np.abs(np.diff(part)).max() / motion.STEP <= motion.MAX_SPEED * scale + 1e-9
    assert np.abs(np.diff(ild)).max() / motion.STEP <= motion.LEVEL_RATE * scale * 1.02


def test_a_seed_repeats_its_path_and_another_seed_does_not():
    assert motion.path_points(3) == motion.path_points(3)
    assert motion.path_points(3) != motion.path_points(4)
    assert motion.azimuth_of(motion.level_of(37.0)) == pytest.approx(37.0)


def test_a_source_at_arms_length_has_a_large_level_difference_and_a_normal_time_difference():
    # near field: the level difference below 1 kHz grows as the source comes closer, the
    # time difference hardly changes
    assert head.ild_db(-90, head.CLOSE) > 8.0
    assert head.ild_db(-90, head.FAR) < 2.0
    for distance in (head.CLOSE, head.FAR):
        assert 0.3e-3 <= -head.itd(-90, distance) <= 0.8e-3
    assert head.itd(0, head.CLOSE) == 0.0 and head.ild_db(0, head.CLOSE) == 0.0
    gl, gr = head.gains(70, head.CLOSE)
    assert gl * gl + gr * gr == pytest.approx(2.0)  # placing never makes a layer louder
