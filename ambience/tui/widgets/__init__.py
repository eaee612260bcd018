"""Widgets of the mixer, one module per area."""
