"""Benchmarks of ambience: `python -m benchmarks` prints one table (see run.py)."""
