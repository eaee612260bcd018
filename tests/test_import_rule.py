"""The layering: the import-linter contracts in pyproject.toml hold (only the engine imports pyo,
only the TUI imports Textual, core and library stay pure, no cycles), each contract catches a
planted breach, and parsing the command line loads neither pyo nor Textual."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the checkout at `root` (its pyproject.toml, its `ambience`)."""
    command = str(LINT_IMPORTS) if LINT_IMPORTS.exists() else shutil.which("lint-imports")
    assert command, "import-linter is not installed: pip install -e '.[test]'"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return subprocess.run([command, "--no-cache"], cwd=str(root), env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_import_contracts_hold():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


#: (module, line planted at its end, the contract that must break)
PLANTS = [
    ("core/mix.py", "from ambience.engine import Engine", "core is pure"),
    ("core/timer.py", "import textual", "Only ambience.tui imports Textual"),
    ("library/catalog.py", "from ambience.cli import common", "ambience.library imports only"),
    ("tui/app.py", "import pyo", "Only ambience.engine imports pyo"),
    ("tui/saving.py", "from ambience.engine.backends import output_devices",
     "ambience.tui uses the engine through the package"),
    ("engine/master.py", "from ambience.render import offline", "ambience.engine imports neither"),
    ("core/durations.py", "from ambience.core import timer", "No import cycles"),
    ("session.py", "from ambience.engine import Engine", "ambience.session drives the engine"),
]


@pytest.mark.parametrize(("module", "line", "contract"), PLANTS,
                         ids=[f"{m}:{line.split()[1]}" for m, line, _ in PLANTS])
def test_a_planted_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(REPO / "ambience", tmp_path / "ambience",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "ambience" / module, "a", encoding="utf-8") as f:
        f.write(f"\n{line}  # planted\n")
    done = lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout[-4000:]
    report = done.stdout.partition("Broken contracts")[2]
    assert contract in report, done.stdout[-4000:]


def test_mix_model_and_cli_parsing_load_neither_pyo_nor_textual():
    """Every pure module must import (a failure fails the test) and leave pyo and Textual out."""
    code = (
        "import sys\n"
        "import ambience.core.mix, ambience.core.durations, ambience.core.fades, ambience.core.timer\n"
        "import ambience.library.catalog, ambience.library.preset, ambience.library.presets\n"
        "import ambience.library.share, ambience.library.paths\n"
        "import ambience.session\n"
        "from ambience.cli import build_parser\n"
        "p = build_parser()\n"
        "p.parse_args(['render', '--layer', 'pink=0.5', '--duration', '30s', '-o', 'x.wav'])\n"
        "p.parse_args(['play', '--layer', 'rain=0.5'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pyo', 'pyo64', 'textual'))\n"
        "print('loaded:', ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(REPO), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "loaded:"
