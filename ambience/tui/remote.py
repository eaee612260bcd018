"""The mixer's side of `ambience ctl` and media keys: commands run on the interface's thread
through the same methods as its keys, so a change shows at once and the last session is
saved as usual."""

from __future__ import annotations

from ambience.control.commands import execute
from ambience.control.protocol import Command, failed
from ambience.core.mix import Mix


class MixerFront:
    """The mixer seen by `ambience.control.commands` (called on the interface's thread)."""

    def __init__(self, app):
        self.app = app

    @property
    def session(self):
        return self.app.session

    @property
    def catalog(self):
        return self.app.catalog

    def label(self) -> str:
        return self.app.preset_name

    def change_mix(self, mix: Mix, ramp: float | None = None) -> None:
        self.app.change_mix(mix, ramp=ramp)
        if self.app.active_only:
            self.app._apply_filters()

    def open_preset(self, preset) -> None:
        self.app.open_preset(preset)

    def changed(self) -> None:
        self.app.check_timer()  # a timer shortened past its end ends now; shows the header

    def quit(self) -> None:
        if not self.app._quitting:
            self.app.action_quit_fade()


class MixerControl:
    """Serves a claimed control socket for `app` until `close`."""

    def __init__(self, app, listener):
        from ambience.control.server import ControlServer

        self.app = app
        self.front = MixerFront(app)
        self.server = ControlServer(listener, self.dispatch)
        self.mpris = None
        self.closed = False

    def start(self) -> MixerControl:
        from ambience.control import mpris

        self.server.start()
        self.mpris = mpris.start(self.dispatch)
        return self

    def dispatch(self, command: Command) -> dict:
        """On the server's thread: run `command` on the interface's thread, wait for it."""
        if self.closed:
            return failed("the mixer is quitting", 1)
        try:
            return self.app.call_from_thread(execute, self.front, command)
        except BaseException:  # the app ended meanwhile (its loop cancels what was queued)
            return failed("the mixer is quitting", 1)

    def close(self) -> None:
        """On the interface's thread, as it unmounts: waits for nothing that needs it."""
        self.closed = True
        if self.mpris is not None:
            self.mpris.close(wait=False)
        self.server.close()
