"""Opening the mixer from the command line, with the cyclic garbage collector held off.

Importing Textual and building the window makes some 70 000 long-lived objects; the collector
would scan them about 150 times before the first frame (some 60 ms of a 0.5 s launch) and find
next to nothing to free (a few hundred objects). So it is paused until the first frame; then the
objects made so far are frozen (never scanned again, which also keeps later collections short)
and collection resumes. This module imports no Textual, so the pause covers that import too.
"""

from __future__ import annotations

import gc

_held = False


def hold_collector() -> None:
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """After the first frame (a no-op unless `hold_collector` paused the collector)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()

