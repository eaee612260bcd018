"""Preset commands: `presets`, `preset show|validate`, `share`, `import`, `export`.

None of them touches the audio stack, so they work on a machine with no sound at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ambience.cli.common import CliError


def add_parser(sub) -> None:
    p = sub.add_parser("presets", help="list the presets (bundled and your own)")
    p.set_defaults(run=run_list)

    p = sub.add_parser("preset", help="show or validate presets",
                       description="Show a preset's mix, or check preset files for problems.")
    psub = p.add_subparsers(dest="preset_command", metavar="ACTION", required=True)
    show = psub.add_parser("show", help="show a preset's layers and settings")
    show.add_argument("name", metavar="NAME", help="a preset name or a .toml file")
    show.add_argument("--toml", action="store_true", help="print the preset as TOML")
    show.set_defaults(run=run_show)
    check = psub.add_parser(
        "validate", help="check preset files (exit 0 when all are valid, 1 otherwise)")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=run_validate)

    p = sub.add_parser("share", help="print a preset as one line to paste in a chat",
                       description="Print the preset as one line (`ambience import LINE` reads it).")
    p.add_argument("name", metavar="NAME", help="a preset name or a .toml file")
    p.set_defaults(run=run_share)

    p = sub.add_parser(
        "import", help="save a shared line or a preset file as one of your presets",
        description="Validate a share line, a .toml file or standard input (-) and save it "
        "in your preset folder.")
    p.add_argument("source", metavar="LINE|FILE|-")
    p.add_argument("--name", default=None, help="save under another name")
    p.add_argument("--force", action="store_true", help="replace a preset with the same name")
    p.set_defaults(run=run_import)

    p = sub.add_parser("export", help="write a preset to a .toml file")
    p.add_argument("name", metavar="NAME", help="a preset name")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="the file to write (- for standard output)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=run_export)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _find(name: str):
    from ambience.library.preset import PresetError
    from ambience.library.presets import PresetNotFound, find_preset

    try:
        return find_preset(name)
    except (PresetNotFound, PresetError) as exc:
        raise CliError(str(exc)) from None


def _warn_missing(console, preset, catalog=None) -> None:
    from ambience.library.catalog import load_catalog
    from ambience.library.preset import missing_message

    _, missing = preset.to_mix(catalog if catalog is not None else load_catalog())
    if missing:
        console.print(f"[yellow]warning:[/] {missing_message(missing)}", markup=True)


def run_list(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from ambience.library.presets import DEFAULT_PRESET, bundled_presets, list_presets, slug

    problems: list[str] = []
    presets = list_presets(problems)
    bundled = {slug(p.name) for p in bundled_presets()}
    console = _console()
    table = Table(title="Presets")
    for col in ("name", "layers", "source", "description"):
        table.add_column(col)
    for preset in presets:
        source = preset.origin
        if preset.origin == "user" and slug(preset.name) in bundled:
            source = "user (replaces bundled)"
        name = escape(preset.name)
        if slug(preset.name) == slug(DEFAULT_PRESET):
            name += " [dim](default)[/]"
        sounds = ", ".join(layer.sound for layer in preset.layers)
        table.add_row(name, escape(sounds), source, escape(preset.description))
    console.print(table)
    for problem in problems:
        console.print(f"[yellow]skipped:[/] {escape(problem)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from ambience.library.catalog import load_catalog
    from ambience.library.describe import shaping_words
    from ambience.library.preset import dumps_preset

    preset = _find(args.name)
    console = _console()
    if args.toml:
        console.print(dumps_preset(preset), markup=False, end="")
        return 0
    catalog = load_catalog()
    console.print(f"[bold]{escape(preset.name)}[/]")
    if preset.description:
        console.print(escape(preset.description))
    if preset.author:
        console.print(f"by {escape(preset.author)}")
    console.print(f"[dim]{preset.origin}: {escape(str(preset.source))}[/]")
    console.print(f"master {preset.master:.2f}")
    if preset.timer is not None:
        t = preset.timer
        parts = [f"{k} {v}" for k, v in (("duration", t.duration), ("fade", t.fade),
                                         ("then", t.then)) if v is not None]
        console.print("timer: " + escape(", ".join(parts)))
    if preset.breathing:
        inhale = preset.inhale if preset.inhale is not None else 0.4
        breath = 60.0 / preset.breathing
        console.print(f"breathing pacer: {preset.breathing:g} breaths a minute "
                      f"({breath * inhale:.1f} s in, {breath * (1 - inhale):.1f} s out)")
    if preset.for_headphones:
        console.print("made for headphones (your own setting decides; --headphones/--speakers "
                      "for one run)")
    table = Table()
    alive = any(layer.shaping for layer in preset.layers)
    for col in ("sound", "level", "muted") + (("alive",) if alive else ()) + ("status",):
        table.add_column(col)
    for layer in preset.layers:
        if layer.sound in catalog:
            status = "ok"
        else:
            close = catalog.suggest(layer.sound)
            status = "[yellow]unknown sound[/]" + (
                f" (did you mean {' or '.join(close)}?)" if close else "")
        cells = [escape(layer.sound), f"{layer.level:.2f}", "yes" if layer.muted else ""]
        if alive:
            info = catalog.get(layer.sound) if layer.sound in catalog else None
            words = getattr(info, "intensity", None)
            cells.append(escape(shaping_words(layer.shaping, words, has_intensity=bool(
                words) or info is None)))
        table.add_row(*cells, status)
    console.print(table)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from ambience.library.catalog import load_catalog
    from ambience.library.preset import PresetError, load_preset, missing_message

    console = _console()
    catalog = None
    failed = 0
    for name in args.files:
        try:
            preset = load_preset(name)
        except PresetError as exc:
            failed += 1
            for problem in exc.problems:
                console.print(f"[red]error:[/] {escape(str(problem))}")
            continue
        catalog = catalog if catalog is not None else load_catalog()
        _, missing = preset.to_mix(catalog)
        console.print(f"[green]ok:[/] {escape(name)} ({escape(preset.name)}, "
                      f"{len(preset.layers)} layer{'' if len(preset.layers) == 1 else 's'})")
        if missing:
            console.print(f"[yellow]warning:[/] {escape(name)}: {escape(missing_message(missing))}")
        for index, layer in enumerate(preset.layers, start=1):
            info = catalog.get(layer.sound) if layer.sound in catalog else None
            if info is not None and "intensity" in layer.shaping and info.intensity is None:
                console.print(f"[yellow]warning:[/] {escape(name)}: layers[{index}].intensity: "
                              f"`{escape(layer.sound)}` has no intensity, so it changes "
                              "nothing (kept as written)")
    if failed:
        console.print(f"{failed} of {len(args.files)} files have problems")
    return 1 if failed else 0


def run_share(args: argparse.Namespace) -> int:
    from ambience.library.share import ShareError, encode_share_line

    preset = _find(args.name)
    try:
        line = encode_share_line(preset)
    except ShareError as exc:
        raise CliError(str(exc)) from None
    _console().print(line, markup=False)
    return 0


def _read_import(source: str):
    from pathlib import Path

    from ambience.library.preset import PresetError, load_preset, loads_preset
    from ambience.library.share import decode_share_line, is_share_line

    try:
        if source == "-":
            data = sys.stdin.buffer.read(1024 * 1024)
            text = data.decode("utf-8", "replace")
            if is_share_line(text):
                return decode_share_line(text)
            return loads_preset(data, source="<stdin>")
        if is_share_line(source):
            return decode_share_line(source)
        path = Path(source).expanduser()
        if path.is_file():
            with open(path, "rb") as fh:
                head = fh.read(16).decode("utf-8", "replace")
            if is_share_line(head):  # a share line kept in a text file
                return decode_share_line(path.read_text(encoding="utf-8", errors="replace"))
            return load_preset(path)
    except PresetError as exc:
        raise CliError(str(exc)) from None
    raise CliError(f"{source!r} is neither a file nor a share line (share lines start with "
                   "`ambience:1:`); pass `-` to read standard input")


def run_import(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from ambience.library.preset import PresetError, PresetExists
    from ambience.library.presets import import_preset

    preset = _read_import(args.source)
    try:
        done = import_preset(preset, name=args.name, force=args.force)
    except PresetExists as exc:
        raise CliError(f"{exc} (or pick another name with --name)") from None
    except PresetError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot save the preset: {exc}") from None
    console = _console()
    name = escape(preset.name)
    if done.outcome == "same":
        where = "a bundled preset" if done.existing.origin == "bundled" else escape(
            str(done.path))
        console.print(f"you already have [bold]{name}[/] ({where}): the same mix, nothing "
                      "saved")
        return 0
    if done.outcome == "renamed":
        other = done.existing
        whose = "a bundled preset" if other.origin == "bundled" else "one of yours"
        console.print(f"saved as [bold]{name}[/] to {escape(str(done.path))}: "
                      f"`{escape(other.name)}` is {whose}, with another mix")
    else:
        console.print(f"saved [bold]{name}[/] to {escape(str(done.path))}")
    _warn_missing(console, preset)
    return 0


def _check_export_path(path: Path, force: bool) -> None:
    """As `render` checks its output: the extension says what the file holds, and a missing
    folder is a typo to report, not a folder to create."""
    if path.suffix.lower() != ".toml":
        raise CliError(f"{path}: a preset is a TOML text file; name it with .toml "
                       f"(e.g. {path.with_suffix('.toml').name}), or use - for standard output")
    if not path.parent.is_dir():
        raise CliError(f"{path}: the folder {path.parent} does not exist; create it first "
                       "or pick another --output")
    if not force and (path.exists() or path.is_symlink()):
        raise CliError(f"{path} already exists; add --force to replace it")


def run_export(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from ambience.library.preset import PresetError, PresetExists, dumps_preset, save_preset

    preset = _find(args.name)
    if args.output == "-":
        sys.stdout.write(dumps_preset(preset))
        return 0
    _check_export_path(Path(args.output), args.force)
    try:
        path = save_preset(preset, args.output, force=args.force)
    except PresetExists as exc:
        raise CliError(str(exc)) from None
    except PresetError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    _console().print(f"wrote [bold]{escape(preset.name)}[/] to {escape(str(path))}")
    return 0
