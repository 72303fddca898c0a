"""The light side (spec, check, lint, summary, schema, --help) never imports the heavy side."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("tensorflow", "keras", "sklearn", "jax", "torch", "matplotlib", "optuna")

RUN_COMMAND = """
import json, sys
from dlspec.cli import app
try:
    app(sys.argv[1:], standalone_mode=True)
except SystemExit:
    pass
print("HEAVY=" + json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def _heavy_modules(*args: str) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    code = RUN_COMMAND.format(heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("HEAVY=")]
    assert marker, result.stderr
    return json.loads(marker[-1][len("HEAVY=") :]), result


def test_importing_spec_and_check_stays_light() -> None:
    code = (
        "import sys, json, dlspec.spec, dlspec.check, dlspec.layers, dlspec.sources, "
        "dlspec.check.runner, dlspec.report.summary, dlspec.report.lint, dlspec.spec.schema, "
        "dlspec.cli\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "specs"],
        ["lint", "specs", "--format", "json"],
        ["summary", "specs/lenet5.yaml"],
        ["summary", "specs/imdb_transformer.yaml", "--json"],
        ["schema"],
        ["--help"],
        ["lint", "--help"],
        ["lint", "tests/cases/check_bad_search.yaml"],
        ["sweep", "--help"],
    ],
    ids=lambda args: " ".join(args),
)
def test_light_commands_never_import_heavy_modules(args: list[str]) -> None:
    heavy, result = _heavy_modules(*args)
    assert heavy == [], f"dlspec {' '.join(args)} imported {heavy}"
    assert "Traceback" not in result.stderr
