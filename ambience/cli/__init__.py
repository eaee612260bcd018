"""The command line: argument parsing and thin subcommands.

Parsing imports neither pyo nor Textual (a test pins this), so `ambience --help` is instant
and a broken audio stack never stops the help or the preset tools from working. Each
subcommand lives in its own module and imports the engine or the TUI only when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys

from ambience import __version__
from ambience.cli import common, ctl, devices, play, presets, render, sounds

#: modules that add subcommands: each has `add_parser(subparsers)`; its parser sets `run`
COMMANDS = [play, render, presets, devices, sounds, ctl]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ambience",
        description="A terminal sleep-and-focus ambience mixer. With no command, opens the mixer.",
    )
    parser.add_argument("--version", action="version", version=f"ambience {__version__}")
    common.add_audio_options(parser)
    common.add_replace_option(parser)
    common.add_inhibit_option(parser)
    common.add_listening_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def single_threaded_blas(env=os.environ) -> None:
    """One OpenBLAS thread, unless the user chose otherwise. numpy's OpenBLAS starts a thread
    per core, and idle ones spin: with them the engine's one least-squares fit (the limiter's
    filters) made `ambience render` of 2 s cost 0.50-0.59 CPU-s, and 0.29-0.32 with one
    thread (4 runs each on 2 cores, the file identical). Nothing here needs threaded linear
    algebra; the engine's and render's child processes inherit the setting. It must be set
    before numpy loads (parsing the command line does not load it)."""
    env.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # run as the program (a caller passing argv keeps its environment)
        single_threaded_blas()
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    run = getattr(args, "run", None)
    try:
        common.refuse_inapplicable(parser, args, extras)
        if run is None:
            return common.open_mixer(args)
        return int(run(args) or 0)
    except common.CliError as exc:
        common.error(str(exc))
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
