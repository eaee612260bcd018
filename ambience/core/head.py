"""A listener's head as a rigid sphere: what a sound at some azimuth and distance does at each ear.

Pure (no pyo): the engine samples these functions into lookup tables for its placement stage,
and the tests compare the rendered sound with them.

Why a sphere and not pyo's `HRTF`/`Binaural`: measured in this project (benchmarks/spatial.py),
`HRTF` costs about 2.5 % of a core per source and `Binaural` about 30 %, several times a whole
close-up layer, and both use far-field (KEMAR, 1.4 m) responses, whose level difference below
700 Hz is only about 4.5 dB at 90 degrees. A source within arm's reach differs mainly in that
level difference, which grows large even at low frequencies as it comes closer, while the time
difference stays about the same (Brungart and Rabinowitz; Sridhar and Choueiri). So:

- time: each ear hears the source after the shortest path to it, straight where the ear sees
  the source, otherwise along the tangent and around the sphere (Woodworth's path, valid at
  any distance); the nearer ear is the reference (delay 0).
- level, all frequencies: 1/distance along that path (a point source near the head), scaled
  so that the two ears' power adds up to the same as straight ahead (moving never makes the
  layer louder, only places it);
- head shadow: Brown and Duda's one-pole, one-zero filter per ear, split as
  lowpass(x) + alpha * highpass(x) with the corner at c / (pi * radius) (~1.25 kHz), alpha 2
  facing the ear (+6 dB) and 0.1 at 150 degrees (-20 dB); alpha is divided by its value
  straight ahead so that a sound in front is not coloured.
"""

from __future__ import annotations

import math

#: head radius (m) and the speed of sound (m/s)
RADIUS = 0.0875
SOUND = 343.0
#: distance of a close-up trigger (a whisper at the ear, a brush beside it) and of other sounds
CLOSE = 0.2
FAR = 1.5
#: the head-shadow filter's corner (Hz): 2 * c / (2 * pi * radius)
SHADOW_CORNER = SOUND / (math.pi * RADIUS)
_ALPHA_MIN = 0.1
_THETA_MIN = 150.0


def _ear_angle(azimuth: float, ear: int) -> float:
    """Angle (radians, 0..pi) between the source's direction and the ear's (ear -1 left, +1
    right)."""
    c = ear * math.sin(math.radians(azimuth))
    return math.acos(max(-1.0, min(1.0, c)))


def path_length(azimuth: float, distance: float, ear: int) -> float:
    """Metres from a source at `azimuth` degrees and `distance` m (from the head's centre) to
    the ear: straight if the ear sees it, else tangent plus arc round the sphere."""
    r = max(distance, RADIUS * 1.05)
    theta = _ear_angle(azimuth, ear)
    grazing = math.acos(RADIUS / r)
    if theta <= grazing:
        return math.sqrt(r * r + RADIUS * RADIUS - 2 * r * RADIUS * math.cos(theta))
    return math.sqrt(r * r - RADIUS * RADIUS) + RADIUS * (theta - grazing)


def delays(azimuth: float, distance: float) -> tuple[float, float]:
    """(left, right) delay in seconds after the nearer ear (which gets 0)."""
    left = path_length(azimuth, distance, -1)
    right = path_length(azimuth, distance, +1)
    near = min(left, right)
    return (left - near) / SOUND, (right - near) / SOUND


def itd(azimuth: float, distance: float) -> float:
    """Interaural time difference in seconds: how much later the left ear hears the sound
    (negative when the source is on the left)."""
    left, right = delays(azimuth, distance)
    return left - right


def gains(azimuth: float, distance: float) -> tuple[float, float]:
    """(left, right) broadband gains: 1/path, with left^2 + right^2 = 2 (as straight ahead)."""
    left = 1.0 / path_length(azimuth, distance, -1)
    right = 1.0 / path_length(azimuth, distance, +1)
    norm = math.sqrt(2.0 / (left * left + right * right))
    return left * norm, right * norm


def _alpha(theta: float) -> float:
    return (1 + _ALPHA_MIN / 2) + (1 - _ALPHA_MIN / 2) * math.cos(
        theta / math.radians(_THETA_MIN) * math.pi)


def shadow(azimuth: float, ear: int) -> float:
    """The high-frequency factor (alpha) of the ear's shadow filter, 1 straight ahead."""
    return _alpha(_ear_angle(azimuth, ear)) / _alpha(math.pi / 2)


def ild_db(azimuth: float, distance: float, high: bool = False) -> float:
    """Level difference left minus right in dB, below the shadow's corner (`high=False`) or
    well above it."""
    gl, gr = gains(azimuth, distance)
    if high:
        gl *= shadow(azimuth, -1)
        gr *= shadow(azimuth, +1)
    return 20 * math.log10(gl / gr)


def close_ild_db(azimuth: float) -> float:
    """The level difference (left minus right, dB) of a close-up trigger at `azimuth`, as
    the ear weighs it: whisper, brushing and paper have most of their energy around and above
    the shadow's corner, so 35 % of the low and 65 % of the high figure (within 10 % of their
    rendered broadband level difference)."""
    return 0.35 * ild_db(azimuth, CLOSE) + 0.65 * ild_db(azimuth, CLOSE, high=True)
