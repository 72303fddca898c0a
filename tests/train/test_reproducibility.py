"""The spec's seed makes training repeatable: the same spec twice gives identical numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from dlspec import check
from dlspec import train as training
from dlspec.train import rundir

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 1, 9, 30, 5)


def test_training_twice_gives_identical_metrics(tmp_path: Path) -> None:
    # Dropout, shuffled mini-batches and k-fold splits: every source of randomness is seeded.
    spec_file = ROOT / "specs" / "iris_mlp.yaml"
    spec, source_map, inference = check.analyse(
        spec_file, ["training.epochs=3", "validation.folds=2"]
    )
    first = training.run(
        spec, spec_file, inference, source_map=source_map, output=tmp_path, now=NOW
    )
    second = training.run(
        spec, spec_file, inference, source_map=source_map, output=tmp_path, now=NOW
    )
    # the same second: a second directory, never the first one overwritten
    assert Path(first.run_dir).name == "20250301-093005"
    assert Path(second.run_dir).name == "20250301-093005-2"
    assert first.to_json() == second.to_json()
    assert [f.history for f in first.folds] == [f.history for f in second.folds]
    assert first.final.history == second.final.history
    a, b = Path(first.run_dir), Path(second.run_dir)
    for name in (rundir.METRICS, rundir.HISTORY, rundir.SPEC):
        assert (a / name).read_text() == (b / name).read_text(), name
    env_a = (a / rundir.ENVIRONMENT).read_text()
    assert env_a == (b / rundir.ENVIRONMENT).read_text()  # same spec hash, data fingerprint


def test_another_seed_gives_other_numbers(tmp_path: Path) -> None:
    spec_file = ROOT / "specs" / "single_neuron.yaml"
    runs = []
    for seed in (1, 2):
        spec, source_map, inference = check.analyse(
            spec_file, ["training.epochs=1", f"seed={seed}"]
        )
        runs.append(
            training.run(spec, spec_file, inference, source_map=source_map, output=tmp_path)
        )
    assert runs[0].to_json()["validation"] != runs[1].to_json()["validation"]
