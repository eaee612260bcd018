"""The house rule: only the engine imports pyo, only the TUI imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ambience"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engine_imports_pyo_and_only_the_tui_imports_textual():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        names = _imports(path)
        if {"pyo", "pyo64"} & names and not rel.startswith("engine/"):
            offenders.append(f"{rel} imports pyo")
        if "textual" in names and not rel.startswith("tui/"):
            offenders.append(f"{rel} imports textual")
    assert offenders == []


def test_the_engine_never_imports_textual_and_the_tui_never_imports_pyo():
    for path in (PACKAGE / "engine").rglob("*.py"):
        assert "textual" not in _imports(path), path
    tui = PACKAGE / "tui"
    if tui.is_dir():
        for path in tui.rglob("*.py"):
            assert not {"pyo", "pyo64"} & _imports(path), path


def test_mix_model_and_cli_parsing_load_neither_pyo_nor_textual():
    code = (
        "import sys\n"
        "import ambience.core.mix, ambience.library.catalog, ambience.core.durations, ambience.core.fades\n"
        "for mod in ('ambience.library.preset', 'ambience.core.timer', 'ambience.library.presets'):\n"
        "    try:\n"
        "        __import__(mod)\n"
        "    except ModuleNotFoundError:\n"
        "        pass\n"
        "from ambience.cli import build_parser\n"
        "p = build_parser()\n"
        "p.parse_args(['render', '--layer', 'pink=0.5', '--duration', '30s', '-o', 'x.wav'])\n"
        "p.parse_args(['play', '--layer', 'rain=0.5'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pyo', 'pyo64', 'textual'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
