"""Kill a preset writer at random points, many times, and check the file after each kill.

Run as a script: `python tests/kill_writer.py PATH STEPPED TIMED SEED [save_preset|last_session]`.
It imports the saver once, then forks children that save two versions of a preset over PATH
in a loop and SIGKILLs each; after each kill the file must hold one whole version, and only
hidden, non-.toml temporary files may lie beside it. Forking costs a millisecond where
starting Python costs a hundred, so hundreds of kills fit in a few seconds.

STEPPED kills come at a random step of the save itself: the child counts its file-system
calls (os.open/write/fsync/replace/link/unlink/close..., opens, writes, flushes and closes of
file objects) and kills itself right after the N-th, N drawn from one save's steps (a small
preset, so each kill takes milliseconds). TIMED kills come at a random moment from outside,
during saves of a big preset. Timing alone rarely lands inside a non-atomic write: the old
test (6 timed kills) caught a non-atomic copy in 2 of 15 runs, and 300 timed kills on tmpfs
still missed one in 1 run of 3, for the write is microseconds of a 30 ms loop and the loaded
machine often runs the writer and the killer in turn. Counting lands there on a fixed share
of the kills, whatever the file system or the load.

Measured on the build machine (load average 9-15), 20 runs of each test against a planted
copy: written in place with fsync (torn after 1-8 kills), in place without fsync (1-4), a
fsynced temporary file copied over with shutil.copyfile (1-27 of 220; one step in 13 is
torn, so a miss has odds of (12/13)**200, about 1e-7), and a last session written in place
(1-3): each test failed in 20 of 20 runs, and passed 20 of 20 on the real code.

Prints one JSON line: kills done, the first torn state (or null), steps per save.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import random
import signal
import sys
import time

#: the calls that change what is on disk, wrapped in the child so it can die right after one
OS_CALLS = ("open", "write", "close", "fsync", "fdatasync", "replace", "rename", "link",
            "unlink", "remove", "truncate", "ftruncate", "sendfile", "copy_file_range")


def big(tag: str):
    from ambience.library.preset import Preset, PresetLayer

    layers = [PresetLayer(f"{tag}-{i}", (i % 100) / 100) for i in range(600)]
    return Preset(name=tag, description=tag * 30000, layers=layers)


class _Steps:
    """Counts file-system steps; SIGKILLs this process right after step number `kill_at`."""

    def __init__(self, kill_at: float):
        self.kill_at = kill_at
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.count >= self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def install(self) -> None:
        for name in OS_CALLS:
            if hasattr(os, name):
                setattr(os, name, self._after(getattr(os, name)))
        real_open = io.open

        def watched_open(*args, **kwargs):
            file = _Watched(real_open(*args, **kwargs), self)
            self.tick()  # opened: for "wb", already emptied
            return file

        io.open = builtins.open = watched_open

    def _after(self, call):
        def wrapper(*args, **kwargs):
            result = call(*args, **kwargs)
            self.tick()
            return result

        return wrapper


class _Watched:
    """A file object whose writes, flushes and closes are steps."""

    def __init__(self, file, steps: _Steps):
        self._file = file
        self._steps = steps

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __iter__(self):
        return iter(self._file)

    def __enter__(self):
        self._file.__enter__()
        return self

    def __exit__(self, *exc):
        result = self._file.__exit__(*exc)
        self._steps.tick()
        return result

    def _step(name):  # noqa: N805 - a decorator factory used in the class body
        def method(self, *args, **kwargs):
            result = getattr(self._file, name)(*args, **kwargs)
            self._steps.tick()
            return result

        return method

    write = _step("write")
    writelines = _step("writelines")
    flush = _step("flush")
    close = _step("close")
    truncate = _step("truncate")


def small(tag: str):
    from ambience.library.preset import Preset, PresetLayer

    return Preset(name=tag, description=f"version {tag}",
                  layers=[PresetLayer("rain", 0.5), PresetLayer("brown", 0.25)])


def main(path: str, stepped: int, timed: int, seed: int, what: str = "save_preset") -> dict:
    """`stepped` kills at a random step of a small preset's save (a millisecond each), then
    `timed` kills at a random moment of a big one's (whose writes take longest)."""
    from pathlib import Path

    from ambience.library.presets import last_session_path, save_last_session
    from ambience.library.preset import save_preset

    if what == "last_session":
        target = last_session_path()
        save = save_last_session
    else:
        target = Path(path)

        def save(preset):
            save_preset(preset, target, force=True)

    rng = random.Random(seed)
    result = {"kills": 0, "torn": None}
    for kills, make, by_step in ((stepped, small, True), (timed, big, False)):
        if kills:
            result.update(_kill_many(target, save, [make("a"), make("b")], kills, by_step, rng,
                                     result))
        if result["torn"]:
            break
    return result


def _kill_many(target, save, versions, kills, by_step, rng, result) -> dict:
    from ambience.library.preset import dumps_preset

    good = {dumps_preset(v).encode("utf-8") for v in versions}
    save(versions[0])
    start = time.perf_counter()
    for n in range(4):
        save(versions[n % 2])
    period = (time.perf_counter() - start) / 4  # one save, so timed kills spread over it
    steps = _measure_steps(save, versions[1])
    out = {"steps_per_save": steps} if by_step else {"save_ms": round(period * 1000, 1)}
    for _ in range(kills):
        result["kills"] += 1
        kill_at = rng.randint(1, steps) if by_step else float("inf")
        first = rng.randrange(2)
        delay = rng.uniform(0.0, 2.0 * period)
        pid = os.fork()
        if pid == 0:  # the writer: save, save, save... until killed
            try:
                _Steps(kill_at).install()
                n = first
                while True:
                    n += 1
                    save(versions[n % 2])
            finally:
                os._exit(1)
        if by_step:
            _, status = os.waitpid(pid, 0)
            assert os.WIFSIGNALED(status), "the writer stopped without being killed"
        else:
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            data = b"(no file)"
        how = f"after step {kill_at} of {steps}" if by_step else f"at {delay * 1000:.1f} ms"
        if data not in good:
            out["torn"] = {"kill": result["kills"], "how": how, "size": len(data),
                           "head": data[:40].decode("utf-8", "replace")}
            return out
        for leftover in target.parent.iterdir():  # a killed atomic save leaves its temp file
            if leftover == target:
                continue
            if not leftover.name.startswith(f".{target.name}.") or leftover.suffix == ".toml":
                out["torn"] = {"kill": result["kills"], "how": how, "leftover": leftover.name}
                return out
            leftover.unlink()
    return out


def _measure_steps(save, preset) -> int:
    """How many file-system steps one save takes (in a child, which is then discarded)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            counter = _Steps(float("inf"))
            counter.install()
            save(preset)
            os.write(write, str(counter.count).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as fh:
        return int(fh.read())


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(main(args[0], int(args[1]), int(args[2]), int(args[3]), *args[4:])),
          flush=True)
