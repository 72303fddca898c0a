"""The README tells the truth: its code table, its set-up and its command examples."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from dlspec.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[1]

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
    # The tests run in parallel processes, one per core (pytest-xdist, from the test extra).
    assert "python -m pytest -q -p no:cacheprovider -n auto" in ci
    assert 'python -m pip install -e ".[test]" && python -m pytest -n auto' in README


def _examples() -> list[tuple[str, list[str]]]:
    """Each ```text block that starts with ``$ dlspec ...``: the command and the lines shown.

    A line ``...`` stands for lines left out.
    """
    found = []
    for block in re.findall(r"```text\n(.*?)```", README, re.S):
        lines = block.rstrip("\n").splitlines()
        if lines and lines[0].startswith("$ dlspec "):
            found.append((lines[0][2:], lines[1:]))
    return found


EXAMPLES = _examples()


def test_the_readme_has_command_examples() -> None:
    assert {command.split()[1] for command, _ in EXAMPLES} >= {"lint", "summary"}


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(command: str, shown: list[str]) -> None:
    # Run as typed at a shell in the project folder, in a fresh process, on a wide terminal.
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "dlspec", *shlex.split(command)[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    printed = done.stdout.splitlines()
    # Every shown line is printed, in order; '...' skips any number of lines.
    position = 0
    for line in shown:
        if line == "...":
            continue
        assert line.rstrip() in [p.rstrip() for p in printed[position:]], (line, done.stdout)
        position = [p.rstrip() for p in printed].index(line.rstrip(), position) + 1


def test_every_timing_in_the_readme_names_the_bench_that_measures_it() -> None:
    timings = list(re.finditer(r"\b\d+(?:\.\d+)? ?(?:s|ms|seconds|minutes)\b", README))
    for match in timings:
        around = README[max(0, match.start() - 200) : match.end() + 200]
        assert "bench/" in around, f"'{match.group()}' in the README names no bench command"
