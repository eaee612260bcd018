"""Synthesized sounds, one module per sound.

Each module defines `SOUNDS = {"id": LayerClass}`; this package collects them, so adding a
sound touches only its own module and its manifest in `sounds/`.
"""

from __future__ import annotations

import importlib
import pkgutil

SYNTHS: dict[str, type] = {}

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_mod.name}")
    for _id, _cls in getattr(_module, "SOUNDS", {}).items():
        if _id in SYNTHS:
            raise RuntimeError(f"sound id {_id!r} defined twice")
        SYNTHS[_id] = _cls
