"""Pure values and maths: the mix and its one slider-to-gain curve, fades, the sleep timer,
durations. Imports neither pyo nor Textual."""
