"""The duration parser behind --timer, --fade, --duration and presets: one test per case."""

import pytest

from ambience.core.durations import EXAMPLES, DurationError, parse_duration
from ambience.core.timer import parse_adjustment

ACCEPTED = {
    "seconds": ("90s", 90.0),
    "minutes": ("45m", 2700.0),
    "hours_and_minutes": ("1h30m", 5400.0),
    "bare_number_is_minutes": ("20", 1200.0),
    "decimal_hours": ("1.5h", 5400.0),
    "spaces_and_capitals": (" 1H 30M ", 5400.0),
    "exactly_24_hours": ("24h", 86400.0),
}

REFUSED = {
    "zero": "0",
    "zero_minutes": "0m",
    "zero_in_parts": "0h0m0s",
    "negative_minutes": "-5m",
    "negative_bare_number": "-5",
    "over_24_hours": "25h",
    "just_over_24_hours": "24h1s",
    "bare_number_over_24_hours": "1441",
    "word": "soon",
    "empty": "",
    "unit_without_number": "m",
    "trailing_number": "5m30",
    "units_out_of_order": "30m1h",
    "unit_twice": "5m5m",
    "scientific_notation": "1e1",
    "underscore_digits": "1_0",
    "infinity": "inf",
    "not_a_number": "nan",
    "non_ascii_digits": "\u0663m",
    "unknown_unit": "5d",
}


@pytest.mark.parametrize("text,seconds", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepts(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_refuses_with_valid_examples_in_the_message(text):
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert EXAMPLES in str(info.value)
    assert "Traceback" not in str(info.value)


def test_zero_message_says_it_must_be_longer_than_zero():
    with pytest.raises(DurationError, match="longer than zero"):
        parse_duration("0m")


def test_negative_message_says_negative():
    with pytest.raises(DurationError, match="negative"):
        parse_duration("-45m")


def test_over_24_hours_message_names_the_limit():
    with pytest.raises(DurationError, match="longer than 24h"):
        parse_duration("30h")


@pytest.mark.parametrize("text,seconds", [("+5m", 300.0), ("-5m", -300.0), ("5m", 300.0),
                                          ("+1h", 3600.0)])
def test_timer_adjustments_take_a_sign(text, seconds):
    assert parse_adjustment(text) == seconds


@pytest.mark.parametrize("text", ["+", "--5m", "+0", "+soon"])
def test_timer_adjustment_nonsense_is_refused_with_examples(text):
    with pytest.raises(DurationError, match=r"\+5m"):
        parse_adjustment(text)
