"""Media keys: an MPRIS2 player (`org.mpris.MediaPlayer2.ambience`) on the session D-Bus.

Desktop media keys, headset buttons and `playerctl` speak MPRIS2. This maps it onto the
control commands (`ambience.control.protocol`), so it needs nothing from a front end but the
same `dispatch` the control socket uses: PlayPause/Play/Pause/Stop pause and resume (a sleep
mixer's "stop" is a pause: the mix stays), Volume is the master slider, Metadata's title is
the preset's name, Quit fades out and quits.

It runs in one daemon thread over jeepney (pure Python). Without a session bus, or when the
name is taken, it quietly does nothing: the mixer never prints over its interface.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from ambience.control.protocol import Command

BUS_NAME = "org.mpris.MediaPlayer2.ambience"
PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPS = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
TRACK_ID = "/org/ambience/mix"
#: how often the state is compared for PropertiesChanged (seconds)
POLL = 1.0

INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="{ROOT}">
  <method name="Raise"/><method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
 </interface>
 <interface name="{PLAYER}">
  <method name="Next"/><method name="Previous"/><method name="Pause"/>
  <method name="PlayPause"/><method name="Stop"/><method name="Play"/>
  <method name="Seek"><arg direction="in" name="Offset" type="x"/></method>
  <method name="SetPosition"><arg direction="in" name="TrackId" type="o"/>
   <arg direction="in" name="Position" type="x"/></method>
  <method name="OpenUri"><arg direction="in" name="Uri" type="s"/></method>
  <signal name="Seeked"><arg name="Position" type="x"/></signal>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="Rate" type="d" access="readwrite"/>
  <property name="Metadata" type="a{{sv}}" access="read"/>
  <property name="Volume" type="d" access="readwrite"/>
  <property name="Position" type="x" access="read"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
 </interface>
 <interface name="{PROPS}">
  <method name="Get"><arg direction="in" type="s"/><arg direction="in" type="s"/>
   <arg direction="out" type="v"/></method>
  <method name="GetAll"><arg direction="in" type="s"/><arg direction="out" type="a{{sv}}"/></method>
  <method name="Set"><arg direction="in" type="s"/><arg direction="in" type="s"/>
   <arg direction="in" type="v"/></method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{{sv}}"/><arg type="as"/></signal>
 </interface>
 <interface name="{INTROSPECTABLE}">
  <method name="Introspect"><arg direction="out" type="s"/></method>
 </interface>
</node>
"""

#: MPRIS method -> control command
METHODS = {"PlayPause": "toggle", "Play": "resume", "Pause": "pause", "Stop": "pause",
           "Quit": "quit"}


def playback_status(status: dict) -> str:
    if status.get("stopped"):
        return "Stopped"
    return "Paused" if status.get("paused") else "Playing"


def root_properties() -> dict:
    return {
        "CanQuit": ("b", True), "CanRaise": ("b", False), "HasTrackList": ("b", False),
        "Identity": ("s", "ambience"), "SupportedUriSchemes": ("as", []),
        "SupportedMimeTypes": ("as", []),
    }


def player_properties(status: dict) -> dict:
    return {
        "PlaybackStatus": ("s", playback_status(status)),
        "Metadata": ("a{sv}", {
            "mpris:trackid": ("o", TRACK_ID),
            "xesam:title": ("s", str(status.get("preset", "ambience"))),
            "xesam:artist": ("as", ["ambience"]),
        }),
        "Volume": ("d", float(status.get("master", 1.0))),
        "Rate": ("d", 1.0), "MinimumRate": ("d", 1.0), "MaximumRate": ("d", 1.0),
        "Position": ("x", 0),
        "CanGoNext": ("b", False), "CanGoPrevious": ("b", False), "CanPlay": ("b", True),
        "CanPause": ("b", True), "CanSeek": ("b", False), "CanControl": ("b", True),
    }


class MprisPlayer:
    """The MPRIS2 service; `dispatch` carries out control commands (see `ControlServer`)."""

    def __init__(self, dispatch: Callable[[Command], dict]):
        self.dispatch = dispatch
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ambience-mpris", daemon=True)
        self.connected = threading.Event()
        self._conn = None

    def start(self) -> MprisPlayer:
        self._thread.start()
        return self

    def close(self, wait: bool = True) -> None:
        """Stop serving; with `wait`, until the thread has left the bus (a front end whose
        dispatch needs the calling thread passes False)."""
        self._stop.set()
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=POLL + 2.0)

    # ---------------------------------------------------------------- the bus
    def _run(self) -> None:
        try:
            self._serve()
        except Exception:  # no bus, a bus gone away: media keys are a nicety, never fatal
            pass
        finally:
            if self._conn is not None:
                try:
                    self._conn.close()
                except Exception:
                    pass

    def _serve(self) -> None:
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.environ.get(
                "XDG_RUNTIME_DIR"):
            return
        from jeepney import MessageType
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self._conn = conn = open_dbus_connection(bus="SESSION")
        reply = conn.send_and_get_reply(message_bus.RequestName(BUS_NAME, 4), timeout=10)
        if reply.body[0] != 1:  # not the primary owner: another player has the name
            return
        self.connected.set()
        last = self._status()
        while not self._stop.is_set():
            try:
                msg = conn.receive(timeout=POLL)
            except TimeoutError:
                msg = None
            if msg is not None and msg.header.message_type == MessageType.method_call:
                self._handle(msg)
            if self._stop.is_set():
                return
            now = self._status()
            if now is not None and now != last:
                self._announce(last, now)
                last = now

    def _status(self) -> dict | None:
        reply = self.dispatch(Command("status"))
        return reply.get("status") if reply.get("ok") else None

    def _announce(self, old: dict | None, new: dict) -> None:
        from jeepney import DBusAddress, new_signal

        before = player_properties(old or {})
        after = player_properties(new)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            signal = new_signal(DBusAddress(PATH, interface=PROPS), "PropertiesChanged",
                                "sa{sv}as", (PLAYER, changed, []))
            self._conn.send(signal)

    def _handle(self, msg) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        fields = msg.header.fields
        iface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        path = fields.get(HeaderFields.path, "")
        conn = self._conn
        if path != PATH:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject", "s",
                                (f"no object {path}",)))
            return
        try:
            result = self._call(iface, member, msg.body)
        except _DBusError as exc:
            conn.send(new_error(msg, exc.name, "s", (exc.text,)))
            return
        if result is None:
            conn.send(new_method_return(msg))
        else:
            conn.send(new_method_return(msg, *result))

    def _call(self, iface: str, member: str, body: tuple):
        if member == "Introspect" and iface in (INTROSPECTABLE, ""):
            return "s", (INTROSPECTION,)
        if iface == PROPS and member in ("Get", "GetAll", "Set"):
            return self._properties(member, body)
        if member in METHODS and iface in (PLAYER, ROOT, ""):
            if (member == "Quit") != (iface == ROOT) and iface:
                raise _DBusError("org.freedesktop.DBus.Error.UnknownMethod", member)
            self.dispatch(Command(METHODS[member]))
            return None
        if member in ("Next", "Previous", "Seek", "SetPosition", "OpenUri", "Raise"):
            return None  # not supported (CanGoNext etc. say so): a no-op, as MPRIS asks
        raise _DBusError("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member}")

    def _properties(self, member: str, body: tuple):
        iface = body[0] if body else ""
        status = self._status() or {}
        table = {ROOT: root_properties(), PLAYER: player_properties(status)}.get(iface)
        if table is None:
            raise _DBusError("org.freedesktop.DBus.Error.UnknownInterface", str(iface))
        if member == "GetAll":
            return "a{sv}", (table,)
        name = body[1] if len(body) > 1 else ""
        if name not in table:
            raise _DBusError("org.freedesktop.DBus.Error.UnknownProperty", str(name))
        if member == "Get":
            return "v", (table[name],)
        # Set: only Volume (Rate is fixed at 1)
        if iface == PLAYER and name == "Volume":
            _sig, value = body[2]
            level = min(1.0, max(0.0, float(value)))
            self.dispatch(Command("master", {"level": level}))
            return None
        if iface == PLAYER and name == "Rate":
            return None
        raise _DBusError("org.freedesktop.DBus.Error.PropertyReadOnly", name)


class _DBusError(Exception):
    def __init__(self, name: str, text: str):
        super().__init__(text)
        self.name = name
        self.text = text


def start(dispatch: Callable[[Command], dict]) -> MprisPlayer | None:
    """An MPRIS2 player serving `dispatch`, or None when jeepney is missing."""
    import importlib.util

    if importlib.util.find_spec("jeepney") is None:
        return None
    return MprisPlayer(dispatch).start()
