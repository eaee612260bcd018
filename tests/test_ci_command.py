"""`.ci/run` runs the README's test command word for word, and that command is the full suite
(no marker left out); the README names the quick check to run while working."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_test_command() -> str:
    found = re.search(r"# install the test dependencies and run the whole suite\n(.+)\n", README)
    assert found, "README lost its test command"
    return found.group(1)


def test_ci_runs_the_readme_test_command_word_for_word():
    command = readme_test_command()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # `.ci/run` says `$SUDO` where the README says `sudo` (empty when CI runs as root)
    assert re.sub(r"^sudo ", "$SUDO ", command) in ci.splitlines()


def test_the_readme_test_command_is_the_whole_suite():
    assert readme_test_command().endswith("&& .venv/bin/python -m pytest")


def test_the_readme_names_the_quick_check():
    assert '.venv/bin/python -m pytest -m "not slow and not realtime"' in README
