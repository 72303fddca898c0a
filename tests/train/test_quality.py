"""Quality on built-in data, CI-sized: fewer epochs and looser bounds than bench/quality.py.

The full bounds (Iris 5-fold mean accuracy >= 0.94, digits hold-out test accuracy >= 0.96,
breast_cancer >= 0.95, moons >= 0.97, diabetes R² >= 0.40) are checked by
``python bench/quality.py``, which trains the specs as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlspec import check
from dlspec import train as training

pytestmark = pytest.mark.keras

SPECS = Path(__file__).resolve().parents[2] / "specs"

# spec, overrides, where the number is read ("validation" mean or "test"), metric, bound
CASES = [
    ("iris_mlp", ["training.epochs=40"], "validation", "accuracy", 0.92),
    ("digits_mlp", ["training.epochs=15"], "test", "accuracy", 0.94),
    ("breast_cancer", ["training.epochs=30"], "test", "accuracy", 0.93),
    ("moons_mlp", ["training.epochs=30"], "test", "accuracy", 0.95),
    (
        "diabetes_regression",
        ["training.epochs=60", "validation.folds=3"],
        "test",
        "r2",
        0.35,
    ),
]


@pytest.mark.parametrize(
    ("name", "overrides", "where", "metric", "bound"), CASES, ids=[c[0] for c in CASES]
)
def test_quality_on_built_in_data(
    name: str, overrides: list[str], where: str, metric: str, bound: float, tmp_path: Path
) -> None:
    spec_file = SPECS / f"{name}.yaml"
    spec, source_map, inference = check.analyse(spec_file, overrides)
    results = training.run(spec, spec_file, inference, source_map=source_map, output=tmp_path)
    if where == "validation":
        value = results.validation_summary()[metric]["mean"]
    else:
        value = results.test.metrics[metric]
    assert value >= bound, f"{name}: {where} {metric} {value:.4f} < {bound}"
