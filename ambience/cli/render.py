"""`ambience render`: a mix to an audio file, offline, faster than real time, no sound card."""

from __future__ import annotations

import argparse

from ambience.cli import common



def add_parser(sub) -> None:
    p = sub.add_parser(
        "render", help="render a mix to a WAV, FLAC or Ogg file",
        description="Render a mix offline (no sound card needed). The format follows the "
        "output file's extension: .wav, .flac or .ogg.",
    )
    common.add_layer_options(p)
    p.add_argument("--duration", "-d", type=common.duration_arg, required=True,
                   help="length, e.g. 30s, 45m, 1h30m")
    p.add_argument("--output", "-o", required=True, help="the file to write (.wav, .flac, .ogg)")
    p.add_argument("--seed", type=int, default=None, help="make the render reproducible")
    p.add_argument("--rate", type=int, default=48000, help="sample rate (default 48000)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    mix, catalog = common.mix_from_args(args)
    if not mix.layers:
        raise common.CliError("nothing to render: add layers with --layer SOUND=LEVEL")
    from ambience.render import RenderError, render_to_file

    try:
        render_to_file(mix, Path(args.output), args.duration, catalog=catalog, seed=args.seed, rate=args.rate)
    except RenderError as exc:
        raise common.CliError(str(exc)) from None
    return 0
