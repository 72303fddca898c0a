"""Every example spec whose data is at hand trains end to end: they are shared to be rerun.

Each is cut to one epoch (and at most two folds or splits) and trained in-process; the run must
hold a loadable model and finite scores. Specs on ``keras:`` datasets need a download and are
built, not trained (tests/build/test_backends.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dlspec import check
from dlspec import spec as spec_module
from dlspec import train as training

pytestmark = pytest.mark.keras

SPECS = Path(__file__).resolve().parents[2] / "specs"
OFFLINE = sorted(
    path
    for path in SPECS.glob("*.yaml")
    if not spec_module.load(path)[0].data.source.startswith("keras:")  # type: ignore[union-attr]
)


def _one_epoch(path: Path) -> list[str]:
    spec, _ = spec_module.load(path)
    overrides = ["training.epochs=1"]
    if spec.validation.type == "kfold":
        overrides.append("validation.folds=2")
    if spec.validation.type == "time_series":
        overrides.append("validation.splits=2")
    return overrides


def test_most_example_specs_train_offline() -> None:
    assert len(OFFLINE) >= 12


@pytest.mark.parametrize("path", OFFLINE, ids=lambda p: p.stem)
def test_example_spec_trains(path: Path, tmp_path: Path) -> None:
    spec, source_map, inference = check.analyse(path, _one_epoch(path))
    results = training.run(spec, path, inference, source_map=source_map, output=tmp_path)
    run = Path(results.run_dir)
    assert (run / "model.keras").is_file()
    metrics = json.loads((run / "metrics.json").read_text())
    scores = [v for v in metrics["test"].values() if isinstance(v, int | float)]
    assert scores and all(math.isfinite(v) for v in scores)
