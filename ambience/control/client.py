"""The client side of the control socket: send one request, read one reply."""

from __future__ import annotations

import errno
import json
import socket
import time
from pathlib import Path

from ambience.control import protocol
from ambience.control.server import DISPATCH_TIMEOUT, ControlUnavailable, probe, socket_path


class NotRunning(Exception):
    """No mixer or player of this user answers."""

    def __init__(self):
        super().__init__("no mixer is running: start one with `ambience` or `ambience play`")


def request(req: dict, path: Path | None = None,
            timeout: float = DISPATCH_TIMEOUT + 5.0) -> dict:
    """Send `req` (validated first: BadRequest) and return the decoded reply."""
    protocol.validate(req)
    try:
        path = Path(path) if path is not None else socket_path()
    except ControlUnavailable:
        raise NotRunning() from None
    s = _connect(path, timeout)
    try:
        try:
            s.sendall(protocol.encode(req))
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered before it was asked (busy, refused): the answer is still there
        data = b""
        while not data.endswith(b"\n"):
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    try:
        reply = json.loads(data.decode("utf-8"))
    except ValueError:
        return protocol.failed("the mixer closed the connection without answering", 1)
    return reply if isinstance(reply, dict) else protocol.failed("a reply that is not an object", 1)


def _connect(path: Path, timeout: float) -> socket.socket:
    """A connected socket; a full backlog (EAGAIN: many clients at once) is waited out."""
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(str(path))
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.02)
        except OSError as exc:
            s.close()
            if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK):
                raise NotRunning() from None
            raise


def replace_running(path: Path | None = None, timeout: float = 20.0) -> bool:
    """Ask the running mixer to quit (it fades out) and wait until it has gone; False when it
    is still there after `timeout` seconds."""
    path = Path(path) if path is not None else socket_path()
    try:
        request({"cmd": "quit"}, path)
    except NotRunning:
        return True
    except OSError:
        pass
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if probe(path) is None:
            return True
        time.sleep(0.1)
    return False
