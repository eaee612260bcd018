"""The control socket of a running mixer or player: one per user, private, never blocking.

The socket lives in the user's runtime folder (`$XDG_RUNTIME_DIR`, else a 0700 folder of our
own under /tmp) with mode 0600, and each peer's uid is checked (SO_PEERCRED) as well. Claiming
it is also how one mixer per user is kept: `claim` binds it, or finds a live one and raises
`AlreadyRunning`; a socket left by a crash (nobody answers) is replaced.

A thread accepts connections; each gets its own short-lived thread with a read timeout and a
size limit, so a silent, slow or hostile client costs nothing but that thread. A valid command
is handed to `dispatch`, which the front end supplies and which runs it on the session's
thread (see `Inbox` for a loop, or Textual's `call_from_thread`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import queue
import select
import socket
import stat
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ambience.control import protocol
from ambience.control.protocol import BadRequest, Command

SOCKET_NAME = "ambience.sock"
#: a client has this long to send its request line
READ_TIMEOUT = 5.0
#: a command waits this long for the session's thread (a front end busy booting, quitting)
DISPATCH_TIMEOUT = 15.0
#: connections served at once; more are told to retry
MAX_CLIENTS = 8


class ControlUnavailable(OSError):
    """The runtime folder or the socket cannot be made safely (the message says why)."""


class AlreadyRunning(Exception):
    """Another mixer or player of this user answers on the socket."""

    def __init__(self, path: Path, pid: int | None):
        self.path = path
        self.pid = pid
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"a mixer is already running{who}: steer it with `ambience ctl` (for example "
            "`ambience ctl status`, `ambience ctl set rain 0.5`, `ambience ctl preset NAME`, "
            "`ambience ctl quit`), or start this one with --replace to take over (the other "
            "fades out)"
        )


def runtime_dir() -> Path:
    """`$XDG_RUNTIME_DIR`, or `/tmp/ambience-UID` (made 0700, and refused unless it is ours
    and private: another user could otherwise plant a socket there)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base) and os.stat(base).st_uid == os.getuid():
        return Path(base)
    folder = Path("/tmp") / f"ambience-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ControlUnavailable(f"cannot make {folder}: {exc.strerror}") from None
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ControlUnavailable(f"{folder} is not a private folder of this user; remove it")
    return folder


def socket_path() -> Path:
    return runtime_dir() / SOCKET_NAME


def peer_pid_uid(conn: socket.socket) -> tuple[int, int]:
    pid, uid, _gid = struct.unpack("3i", conn.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid, uid


def probe(path: Path, timeout: float = 2.0) -> int | None:
    """The pid of whoever serves `path`, or None when nobody does (no socket, or a stale one)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        return None
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK):
            return None
        raise
    else:
        pid, _ = peer_pid_uid(s)
        return pid or -1
    finally:
        s.close()


@dataclass
class Listener:
    """A bound, listening socket that is this process's to serve."""

    sock: socket.socket
    path: Path
    inode: int

    def release(self) -> None:
        """Close, and remove the socket file unless someone else's has replaced it."""
        try:
            self.sock.close()
        finally:
            try:
                if os.stat(self.path).st_ino == self.inode:
                    os.unlink(self.path)
            except OSError:
                pass


def claim(path: Path | None = None) -> Listener:
    """Bind the control socket: ours now, or `AlreadyRunning` when a live one answers.
    A stale socket (left by a crash) is replaced. Claims are serialised by a lock file, so
    two mixers started at once cannot both take over the same stale socket."""
    path = Path(path) if path is not None else socket_path()
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        if os.path.lexists(path):
            pid = probe(path)
            if pid is not None:
                raise AlreadyRunning(path, pid)
            os.unlink(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(path))
            os.chmod(path, 0o600)  # the folder is private already; this is the second lock
            sock.listen(64)
        except OSError as exc:
            sock.close()
            raise ControlUnavailable(f"cannot listen on {path}: {exc.strerror}") from None
        return Listener(sock, path, os.stat(path).st_ino)
    finally:
        os.close(lock_fd)  # closing releases the lock


class ControlServer:
    """Serves `listener`: each valid command goes to `dispatch(command) -> reply`."""

    def __init__(self, listener: Listener, dispatch: Callable[[Command], dict]):
        self.listener = listener
        self.dispatch = dispatch
        self._wake_r, self._wake_w = os.pipe()
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)
        self._thread = threading.Thread(target=self._serve, name="ambience-control", daemon=True)
        self._closed = False

    @property
    def path(self) -> Path:
        return self.listener.path

    def start(self) -> ControlServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting and remove the socket (connections being served finish alone)."""
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_w, b"x")
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self.listener.release()
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)

    def _serve(self) -> None:
        sock = self.listener.sock
        while True:
            try:
                ready, _, _ = select.select([sock, self._wake_r], [], [])
            except (OSError, ValueError):
                return
            if self._wake_r in ready or self._closed:
                return
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            if not self._slots.acquire(blocking=False):
                _reply(conn, protocol.failed("busy: too many connections, try again"))
                conn.close()
                continue
            threading.Thread(target=self._serve_one, args=(conn,), daemon=True,
                             name="ambience-control-client").start()

    def _serve_one(self, conn: socket.socket) -> None:
        try:
            with conn:
                _pid, uid = peer_pid_uid(conn)
                if uid != os.getuid():
                    _reply(conn, protocol.failed("refused: another user's mixer"))
                    return
                conn.settimeout(READ_TIMEOUT)
                try:
                    line = _read_line(conn)
                except TimeoutError:
                    _reply(conn, protocol.failed("no request within "
                                                 f"{READ_TIMEOUT:g}s; closing"))
                    return
                except BadRequest as exc:  # too long
                    _reply(conn, protocol.failed(str(exc)))
                    return
                if line is None:  # closed without asking (a liveness probe)
                    return
                try:
                    command = protocol.decode(line)
                except BadRequest as exc:
                    _reply(conn, protocol.failed(str(exc)))
                    return
                try:
                    reply = self.dispatch(command)
                except Exception as exc:  # the front end went away or broke: say so, serve on
                    reply = protocol.failed(f"the mixer could not do it: {exc}", 1)
                _reply(conn, reply)
        except OSError:  # the client hung up, or the peer check failed
            pass
        finally:
            self._slots.release()


def _read_line(conn: socket.socket) -> bytes | None:
    """One request line, at most MAX_REQUEST bytes (BadRequest beyond)."""
    data = b""
    while b"\n" not in data:
        chunk = conn.recv(1024)
        if not chunk:
            if not data:
                return None
            break
        data += chunk
        if len(data) > protocol.MAX_REQUEST:
            raise _TooLong
    line = data.split(b"\n", 1)[0]
    if len(line) >= protocol.MAX_REQUEST:
        raise _TooLong
    return line


class _TooLong(BadRequest):
    def __init__(self):
        super().__init__(f"request longer than {protocol.MAX_REQUEST} bytes")


def _reply(conn: socket.socket, reply: dict) -> None:
    try:
        conn.settimeout(READ_TIMEOUT)
        conn.sendall(protocol.encode(reply))
    except OSError:
        pass


class Inbox:
    """Commands from the server thread to a loop's thread: the server calls `submit` (it waits
    for the reply), the loop calls `drain` between its ticks; `wake` interrupts its wait."""

    def __init__(self, wake: Callable[[], None]):
        self._queue: queue.Queue = queue.Queue()
        self._wake = wake
        self._lock = threading.Lock()
        self.closed = False

    def submit(self, command: Command) -> dict:
        done = threading.Event()
        box: dict = {}
        with self._lock:  # never queued after `close` has answered the last ones
            if self.closed:
                return protocol.failed("the player is stopping", 1)
            self._queue.put((command, box, done))
        self._wake()
        if not done.wait(DISPATCH_TIMEOUT):
            return protocol.failed("the player did not answer in time", 1)
        return box["reply"]

    def drain(self, handle: Callable[[Command], dict]) -> None:
        while True:
            try:
                command, box, done = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                box["reply"] = handle(command)
            except Exception as exc:  # never let a command take the loop down
                box["reply"] = protocol.failed(f"the player could not do it: {exc}", 1)
            done.set()

    def close(self) -> None:
        """Answer whatever is left; later submits are told the player is stopping."""
        with self._lock:
            self.closed = True
        self.drain(lambda c: protocol.failed("the player is stopping", 1))
