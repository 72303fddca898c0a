"""Shared fixtures of the training tests: the CLI runner and one trained Iris run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dlspec.cli import app

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
IRIS_EPOCHS = 3


@dataclass
class Trained:
    """A finished ``dlspec train --json`` run."""

    summary: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def path(self) -> Path:
        return Path(self.summary["run_dir"])

    def json(self, name: str) -> dict[str, Any]:
        return json.loads((self.path / name).read_text())


def invoke(*args: str) -> Any:
    """Run the dlspec CLI in-process; stdout and stderr stay apart."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def train(spec: Path | str, output: Path, *overrides: str) -> Trained:
    """``dlspec train SPEC --json`` with overrides; fails the test unless it exits 0."""
    sets = [part for o in overrides for part in ("--set", o)]
    result = invoke("train", str(spec), *sets, "--output", str(output), "--json")
    assert result.exit_code == 0, result.stderr
    return Trained(json.loads(result.stdout), result.stdout, result.stderr)


@pytest.fixture(scope="session")
def iris_run(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """The README's main job (5-fold Iris MLP), cut to a few epochs."""
    output = tmp_path_factory.mktemp("runs")
    return train(SPECS / "iris_mlp.yaml", output, f"training.epochs={IRIS_EPOCHS}")
