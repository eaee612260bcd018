"""ambience: a terminal sleep-and-focus ambience mixer."""

__version__ = "0.1.0"
