"""Benchmarks of ambience: `python -m benchmarks` prints one table (see run.py)."""

import os

# What users run: the `ambience` command gives numpy one OpenBLAS thread
# (`ambience.cli.single_threaded_blas`), because idle OpenBLAS threads spin after each call. Without
# it here the spin after an engine's one least-squares fit was read as the engine's own cost (an
# empty engine rendered 30 s: 0.72-0.82 % of a core against 0.40-0.42 %). Set before numpy loads;
# child processes inherit it; a value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
