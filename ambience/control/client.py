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
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        try:
            s.connect(str(path))
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK):
                raise NotRunning() from None
            raise
        s.sendall(protocol.encode(req))
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
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
