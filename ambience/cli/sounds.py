"""`ambience sounds`: the catalog as a table."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("sounds", help="list the sounds (bundled and your own files)")
    p.set_defaults(run=run)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ambience.library.catalog import load_catalog

    catalog = load_catalog()
    console = Console()
    table = Table(title="Sounds")
    for col in ("id", "name", "category", "intensity", "source"):
        table.add_column(col)
    for category, infos in catalog.by_category().items():
        for info in infos:
            source = "bundled (synthesized)" if info.kind == "synth" else f"{info.origin} file"
            if info.close:
                source += ", close-up"
            span = f"{info.intensity[0]} .. {info.intensity[1]}" if info.intensity else ""
            table.add_row(info.id, info.name, category, span, source)
    console.print(table)
    for problem in catalog.problems:
        console.print(f"[yellow]skipped:[/] {problem}")
    return 0
