"""Starting a real headless player for the tests that drive it from outside (`ambience ctl`,
media keys, the sleep inhibitor): one way to start it and to know it is listening."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from ambience.control.server import probe, socket_path

AMBIENCE = str(Path(sys.executable).with_name("ambience"))
PLAY = [AMBIENCE, "play", "--audio", "null", "--layer", "pink=0.5"]
#: generous: the machine running the tests may be busy
UP = 60.0


def wait_until_serving(proc: subprocess.Popen, timeout: float = UP) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()
        if probe(socket_path()) == proc.pid:
            return
        time.sleep(0.1)
    raise AssertionError("the player never served its control socket")


def start_player(*extra: str) -> subprocess.Popen:
    proc = subprocess.Popen(PLAY + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    wait_until_serving(proc)
    return proc
