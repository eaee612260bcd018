"""The headless player: plays a mix until Ctrl-C or the sleep timer's end, with one status line.

A thin front end over the session core (`ambience.session`), which owns the timer, its fade
and its end; this turns signals into calls and the session's state into a status line. It
never touches pyo: it sees the engine only as `Playback`.

Ctrl-C or SIGTERM fades out over about a second and returns 0; a second one returns at once.
On a terminal the status is a rich live line; otherwise plain lines, one per change.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable

from ambience.core.durations import format_clock, format_duration
from ambience.core.mix import Mix
from ambience.core.playback import DirectPort, Playback
from ambience.core.timer import SleepTimer
from ambience.guarded import GuardedEngine
from ambience.session import Session

#: the fade when the user stops playback (Ctrl-C, SIGTERM)
STOP_FADE = 1.0


class Interrupts:
    """SIGINT/SIGTERM handling: the first asks for a calm stop, the second for an exit now."""

    def __init__(self):
        self.stop = threading.Event()
        self.abort = threading.Event()
        #: set by signals and by remote commands: the loop's wait ends at once
        self.wake = threading.Event()
        self.count = 0
        self._old: dict = {}

    def _handle(self, signum, frame) -> None:
        self.count += 1
        if self.count == 1:
            self.stop.set()
        else:
            self.abort.set()
            self.stop.set()
        self.wake.set()

    def install(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        self._old.clear()


def describe_mix(mix: Mix) -> str:
    from ambience.library.describe import shaping_words

    parts = [f"{layer.sound} {layer.level:.2f}" + (" (muted)" if layer.muted else "")
             + (f" ({shaping_words(layer.shaping)})" if layer.shaping else "")
             for layer in mix.layers]
    text = ", ".join(parts) or "no layers"
    if mix.master != 1.0:
        text += f", master {mix.master:.2f}"
    if mix.breathing:
        text += f", breathing {mix.breathing:g}/min"
    if mix.headphones:
        text += ", headphones"
    return text


def describe_timer(timer: SleepTimer | None) -> str:
    if timer is None:
        return "no timer"
    return (f"timer {format_duration(timer.duration)}, fade {format_duration(timer.fade)}, "
            f"then {timer.then}")


class Status:
    """The words and the bar for one moment; the same text feeds the live line and plain lines."""

    def __init__(self, label: str, timer: SleepTimer | None):
        self.label = label
        self.timer = timer

    def phase(self, now: float, stopping: bool, silent: bool) -> str:
        if stopping:
            return "stopping"
        if silent:
            return "silent"
        if self.timer is None:
            return "playing"
        return self.timer.state(now).phase

    def final(self, what: str):
        from rich.text import Text

        return Text.assemble(("■ ", "dim"), (self.label, "bold"), (f"  {what}", "dim"))

    def line(self, now: float, stopping: bool = False, silent: bool = False,
             lost: bool = False, paused: bool = False):
        from rich.text import Text

        text = Text()
        text.append("▶ ", style="green")
        text.append(self.label, style="bold")
        if lost:
            text.append("  sound server lost, reconnecting…", style="yellow")
        phase = self.phase(now, stopping, silent)
        if phase == "stopping":
            text.append("  stopping…", style="yellow")
            return text
        if phase == "silent" and paused:
            text.append("  paused · `ambience ctl resume` plays again", style="dim")
            return text
        if phase == "silent":
            text.append("  timer ended: silent · Ctrl-C to quit", style="dim")
            return text
        timer = self.timer
        if timer is None or phase == "cancelled":
            text.append("  no timer · Ctrl-C to stop", style="dim")
            return text
        state = timer.state(now)
        text.append(f"  {format_clock(state.remaining)} left", style="cyan")
        if state.phase == "fading":
            cells = 10
            full = int(round(state.fade_progress * cells))
            text.append("  fading ")
            text.append("█" * full, style="magenta")
            text.append("░" * (cells - full), style="dim")
            text.append(f" {state.fade_progress * 100:3.0f}%")
        else:
            text.append(f"  fade in {format_clock(max(0.0, timer.fade_start - now))}", style="dim")
        text.append(f"  then {timer.then}", style="dim")
        return text


def play(
    engine: Playback,
    mix: Mix,
    *,
    timer: SleepTimer | None = None,
    label: str = "custom mix",
    console=None,
    clock: Callable[[], float] = time.monotonic,
    interrupts: Interrupts | None = None,
    control=None,
    catalog=None,
    inhibit_sleep: bool = False,
) -> int:
    """Play `mix` on `engine` until stopped; returns the exit status (0). Closes the engine.
    What happens over the night is the session's (`ambience.session`); this shows it.
    `control` (a claimed `ambience.control.server.Listener`) is served for `ambience ctl`."""
    from rich.console import Console

    console = console or Console(highlight=False)
    live_mode = console.is_terminal
    interrupts = interrupts or Interrupts().install()
    session = Session(DirectPort(engine), mix, clock=clock)
    session.timer = timer
    states: queue.SimpleQueue[str] = queue.SimpleQueue()
    if isinstance(engine, GuardedEngine):
        engine.on_state = states.put
    lost = False
    told: dict[str, str] = {}
    checked = clock()
    status = Status(label, timer)
    said: set[str] = set()
    front = PlayerFront(session, catalog, label, interrupts)
    remote = _Remote(front, control, interrupts)
    inhibitor = None
    if inhibit_sleep:
        from ambience.control.inhibit import SleepInhibitor

        inhibitor = SleepInhibitor()

    def say(key: str, message: str) -> None:
        """Plain mode: one line per change of state."""
        if live_mode or key in said:
            return
        said.add(key)
        console.print(message, markup=False, highlight=False, soft_wrap=True)
        console.file.flush()

    live = None
    final = "stopped"
    try:
        session.begin()  # the countdown starts when the sound does
        say("start", f"playing {label}: {describe_mix(mix)}; output: {engine.device}; "
                     f"{describe_timer(timer)}; Ctrl-C to stop")
        if live_mode:
            from rich.live import Live

            live = Live(status.line(clock()), console=console, refresh_per_second=4,
                        transient=False, redirect_stdout=False, redirect_stderr=False)
            live.start()
        remote.start()
        while not interrupts.stop.is_set():
            remote.drain()
            while not states.empty():
                lost = states.get() == "lost"
                if lost:
                    said.discard("back")
                    say("lost", "sound server lost, reconnecting… (the timer keeps its time)")
                else:
                    said.discard("lost")
                    session.restore()
                    say("back", f"sound back: {engine.device}")
            timer = session.timer
            if clock() - checked >= 1.0:  # a layer that stopped while playing is told once
                checked = clock()
                for sound, reason in engine.failures().items():
                    if told.get(sound) != reason:
                        told[sound] = reason
                        console.print(f"{reason}; the rest plays on", markup=False,
                                      highlight=False, soft_wrap=True)
            for event in session.tick():
                if event.kind == "fading" and timer is not None:
                    say("fade", f"fading out: {format_duration(timer.remaining(clock()))} to silence")
                elif event.kind == "ended" and event.then == "quit":
                    say("end", "timer ended: quitting")
                    final = "timer ended"
                    interrupts.abort.wait(event.quiet_in)
                    return 0
                elif event.kind == "ended":
                    say("end", "timer ended: silent, layers stopped; Ctrl-C to quit")
            if inhibitor is not None:  # held while the sound plays, not paused or ended
                inhibitor.want(not session.silent)
            if live is not None:
                status.label, status.timer = front.name, session.timer
                live.update(status.line(clock(), silent=session.silent, lost=lost,
                                        paused=session.paused))
            interrupts.wake.wait(session.next_check())
            interrupts.wake.clear()
        remote.close()
        # a calm stop: fade out, unless a second interrupt comes or nothing sounds
        if not session.silent and not interrupts.abort.is_set():
            say("stop", f"stopping: fading out over {STOP_FADE:g}s")
            if live is not None:
                live.update(status.line(clock(), stopping=True))
            session.fade_out(STOP_FADE)
            interrupts.abort.wait(STOP_FADE + 0.1)
        return 0
    finally:
        remote.close()
        if inhibitor is not None:
            inhibitor.close()
        if live is not None:
            live.update(status.final(final))
            live.stop()
        # from here on a further Ctrl-C is the default one: it ends the process quickly
        interrupts.restore()
        engine.close()


class PlayerFront:
    """What a remote command changes in the player (see `ambience.control.commands`)."""

    def __init__(self, session: Session, catalog, name: str, interrupts: Interrupts):
        self.session = session
        self._catalog = catalog
        self.name = name
        self.interrupts = interrupts

    @property
    def catalog(self):
        if self._catalog is None:
            from ambience.library.catalog import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    def label(self) -> str:
        return self.name

    def change_mix(self, mix: Mix, ramp: float | None = None) -> None:
        self.session.set_mix(mix, ramp=ramp)

    def open_preset(self, preset) -> None:
        from ambience.session import OPEN_RAMP

        mix, _missing = preset.to_mix(self.catalog)
        self.name = preset.name
        self.session.set_mix(mix, ramp=OPEN_RAMP)

    def changed(self) -> None:
        pass  # the loop shows the session's state at its next turn

    def quit(self) -> None:
        self.interrupts.stop.set()
        self.interrupts.wake.set()


class _Remote:
    """The control socket of the player: commands wait in an inbox the loop drains."""

    def __init__(self, front: PlayerFront, listener, interrupts: Interrupts):
        self.front = front
        self.listener = listener
        self.server = None
        self.inbox = None
        self.mpris = None
        self.interrupts = interrupts

    def start(self) -> None:
        if self.listener is None:
            return
        from ambience.control.server import ControlServer, Inbox

        from ambience.control import mpris

        self.inbox = Inbox(self.interrupts.wake.set)
        self.server = ControlServer(self.listener, self.inbox.submit).start()
        self.mpris = mpris.start(self.inbox.submit)

    def drain(self) -> None:
        if self.inbox is not None:
            from ambience.control.commands import execute

            self.inbox.drain(lambda command: execute(self.front, command))

    def close(self) -> None:
        if self.inbox is not None:  # answered from here on: the loop drains no more
            self.inbox.close()
        if self.mpris is not None:
            self.mpris.close(wait=False)  # it leaves the bus within a second, alone
            self.mpris = None
        if self.server is not None:
            self.server.close()
            self.server = None
        elif self.listener is not None:
            self.listener.release()
        self.listener = None
