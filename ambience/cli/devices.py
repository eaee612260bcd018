"""`ambience devices`: the audio outputs PortAudio can see (PipeWire and PulseAudio included)."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("devices", help="list the audio output devices")
    p.set_defaults(run=run)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ambience.engine.backends import PREFERRED, output_devices, pick_device

    devices = output_devices()
    console = Console()
    if not devices:
        console.print(
            "No audio output device found. `--audio jack` plays through a running JACK "
            "server; `--audio null` runs without sound."
        )
        return 0
    chosen = pick_device(devices, None)
    table = Table(title="Audio outputs (use --device NAME or --device INDEX)")
    table.add_column("index", justify="right")
    table.add_column("name")
    table.add_column("")
    for dev in devices:
        marks = []
        if dev.index == chosen.index:
            marks.append("used by --audio auto")
        if dev.is_default:
            marks.append("system default")
        table.add_row(str(dev.index), dev.name, ", ".join(marks))
    console.print(table)
    console.print(f"auto prefers: {', '.join(PREFERRED)}", style="dim")
    return 0
