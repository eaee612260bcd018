"""Seeded renders that repeat within one process, not only from one process to the next.

pyo 1.1.0 seeds each new random object from a process-wide count of the objects of its type
made so far (`global seed + count x a prime`), and every random object then draws from one
process-wide generator. So the same seed gave the same sound in a fresh process, but a
different one after any other engine had run in it: seeded tests depended on which tests
ran before them. `restart(server, seed)` sets the counts back to zero and the generator to
the seed, as a fresh process has them.

The counts and the generator live in pyo's module state (`PyoModuleState`: 256 server
pointers, the current server's index, 29 counts, the generator's state). pyo offers no call
for this, so the state is written through ctypes, and only after checking the layout on the
running server: the slot of the current server must hold this very server object. If the
check fails (another pyo build), nothing is written and seeded renders stay repeatable only
from a fresh process.
"""

from __future__ import annotations

import ctypes

MAX_SERVERS = 256
RANDOM_TYPES = 29


class _State(ctypes.Structure):
    _fields_ = [
        ("servers", ctypes.c_void_p * MAX_SERVERS),
        ("current_server_id", ctypes.c_int),
        ("rnd_objs_count", ctypes.c_int * RANDOM_TYPES),
        ("rand_seed", ctypes.c_uint),
    ]


def _module_state(module) -> _State | None:
    get = ctypes.pythonapi.PyModule_GetState
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object]
    address = get(module)
    return _State.from_address(address) if address else None


def restart(server, seed: int) -> bool:
    """Make the random objects made from now on, and their draws, depend on `seed` alone.
    Returns False (and changes nothing) where pyo's state does not have the expected
    layout."""
    import pyo._pyo as native

    state = _module_state(native)
    if state is None or not 0 <= state.current_server_id < MAX_SERVERS:
        return False
    native_server = getattr(server, "_server", None)
    if native_server is None or state.servers[state.current_server_id] != id(native_server):
        return False
    if any(not 0 <= n < 2**30 for n in state.rnd_objs_count):
        return False
    for i in range(RANDOM_TYPES):
        state.rnd_objs_count[i] = 0
    state.rand_seed = int(seed) % 2**32
    return True
