"""`python -m benchmarks`: every benchmark, one table (see benchmarks/run.py)."""

from benchmarks.run import main

raise SystemExit(main())
