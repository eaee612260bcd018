"""Import pyo so that nothing it loads ever writes on the terminal.

pyo prints a WxPython notice on import; libasound and libjack write straight to fd 2 (where
Textual draws) when PortAudio probes devices or a JACK server is missing. We install no-op
error handlers in both the system and the wheel's bundled copies of those libraries, and
load the system libasound globally first so that PortAudio sees PulseAudio and PipeWire.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import glob
import importlib.util
import os
import sys
from pathlib import Path

_KEEP: list = []  # ctypes callbacks must outlive every call into the libraries
_pyo = None

# void handler(const char *file, int line, const char *func, int err, const char *fmt, ...)
_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_JACK_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p)


def _bundled_libs() -> Path | None:
    spec = importlib.util.find_spec("pyo")
    if spec is None or not spec.submodule_search_locations:
        return None
    libs = Path(list(spec.submodule_search_locations)[0]).parent / "pyo.libs"
    return libs if libs.is_dir() else None


def _load(path: str, global_: bool = False) -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL if global_ else ctypes.RTLD_LOCAL)
    except OSError:
        return None


def _silence(lib: ctypes.CDLL | None) -> None:
    if lib is None:
        return
    if hasattr(lib, "snd_lib_error_set_handler"):
        cb = _ALSA_HANDLER(lambda *args: None)
        _KEEP.append(cb)
        lib.snd_lib_error_set_handler(cb)
    for name in ("jack_set_error_function", "jack_set_info_function"):
        if hasattr(lib, name):
            cb = _JACK_HANDLER(lambda msg: None)
            _KEEP.append(cb)
            getattr(lib, name)(cb)


@contextlib.contextmanager
def fds_to_devnull():
    """Point fd 1 and 2 at /dev/null for a moment (booting, probing devices): the last guard
    for messages that bypass the handlers. Never used while the TUI draws."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = []
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
                os.dup2(devnull, fd)
            except OSError:
                pass
        yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def import_pyo():
    """The pyo module, imported once, silently, with system ALSA preferred."""
    global _pyo
    if _pyo is not None:
        return _pyo
    os.environ.setdefault("PYO_GUI_WX", "0")
    # libjack would otherwise try to spawn a JACK server when none runs
    os.environ.setdefault("JACK_NO_START_SERVER", "1")
    system_alsa = ctypes.util.find_library("asound")
    if system_alsa:
        _silence(_load(system_alsa, global_=True))
    system_jack = ctypes.util.find_library("jack")
    if system_jack:
        _silence(_load(system_jack))
    libs = _bundled_libs()
    if libs is not None:
        for pattern in ("libasound-*.so*", "libjack-*.so*"):
            for path in glob.glob(str(libs / pattern)):
                _silence(_load(path))
    with fds_to_devnull():
        import pyo  # noqa: PLC0415  (the only place pyo is imported from)
    _pyo = pyo
    return pyo
