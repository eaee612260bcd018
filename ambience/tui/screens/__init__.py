"""Modal screens: help, save, open, sleep timer."""
