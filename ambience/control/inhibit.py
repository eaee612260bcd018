"""Keep the computer awake while the sound plays (`--inhibit-sleep`, off by default).

A logind "sleep" block inhibitor (org.freedesktop.login1 on the system bus): logind hands back
a file descriptor and the block lasts while it is open. It is taken while the session sounds
and released on pause, at the timer's end and on quit, so a sleep timer still lets the machine
suspend once the night's sound is over. The bus is spoken to on a thread of its own, so a slow
or missing logind never holds up the interface; without one nothing happens and nothing is
printed.
"""

from __future__ import annotations

import os
import threading

LOGIND = "org.freedesktop.login1"


class SleepInhibitor:
    """Call `want(True/False)` as often as you like; only changes reach logind."""

    def __init__(self):
        self._wanted = False
        self._fd: int | None = None
        self._changed = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ambience-inhibit", daemon=True)
        self._thread.start()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def want(self, on: bool) -> None:
        if on != self._wanted:
            self._wanted = on
            self._changed.set()

    def close(self) -> None:
        """Release the block (at once, from the calling thread) and stop."""
        self._stop = True
        self._wanted = False
        self._changed.set()
        self._thread.join(timeout=2.0)
        self._release()

    def _run(self) -> None:
        while not self._stop:
            self._changed.wait()
            self._changed.clear()
            if self._stop:
                return
            if self._wanted and self._fd is None:
                fd = _take()
                if self._wanted and not self._stop:
                    self._fd = fd
                elif fd is not None:
                    os.close(fd)
            elif not self._wanted:
                self._release()

    def _release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass


def _take() -> int | None:
    """A logind sleep inhibitor's file descriptor, or None when there is no logind."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus="SYSTEM", enable_fds=True) as conn:
            manager = DBusAddress("/org/freedesktop/login1", bus_name=LOGIND,
                                  interface="org.freedesktop.login1.Manager")
            reply = conn.send_and_get_reply(new_method_call(
                manager, "Inhibit", "ssss",
                ("sleep", "ambience", "playing sound (ambience --inhibit-sleep)", "block")),
                timeout=10)
            fd = reply.body[0] if reply.body else None
            return fd.to_raw_fd() if hasattr(fd, "to_raw_fd") else None
    except Exception:  # no system bus, no logind, refused: the sound plays on regardless
        return None
