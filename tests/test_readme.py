"""The README tells the truth: its diagnostics table lists exactly the code table."""

from __future__ import annotations

import re
from pathlib import Path

from dlspec.diagnostics import CODES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_lists_every_code_with_its_name_and_summary() -> None:
    rows = re.findall(r"^\| (DLS\d{3}) \| ([\w-]+) \| (.+?) \|$", README, flags=re.MULTILINE)
    assert {code: (name, summary) for code, name, summary in rows} == CODES


def test_readme_setup_is_the_ci_command() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert 'python -m pip install -q -e ".[test]"' in ci
    # Style and types are checked before the tests, with the tools the test extra installs.
    for command in ("ruff check", "ruff format --check", "mypy"):
        assert f"python -m {command}" in ci and f"python -m {command}" in README, command
    assert 'python -m pip install -e ".[test]" && python -m pytest' in README
