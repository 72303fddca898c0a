"""bench/run.py gives every contender dlspec's own rows, and each baseline scores them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py)

pytestmark = pytest.mark.keras


@pytest.mark.parametrize("case", sorted(run.CASES))
def test_the_splits_are_the_rows_dlspec_trains_and_tests_on(case: str, tmp_path: Path) -> None:
    from dlspec import sources
    from dlspec import spec as spec_module
    from dlspec.train import experiment

    written = np.load(run.write_splits(case, tmp_path, epochs=None))
    spec_file = run.SPECS / run.CASES[case]
    spec, _ = spec_module.load(spec_file)
    dataset = sources.load(spec, spec_file)
    plan, x_test, _ = experiment.test_set(spec, dataset)
    np.testing.assert_array_equal(written["x"][written["test"]], x_test)
    np.testing.assert_array_equal(written["rest"], plan.rest)
    for k, split in enumerate(plan.folds):
        np.testing.assert_array_equal(written[f"train_{k}"], split.train)
        np.testing.assert_array_equal(written[f"validation_{k}"], split.validation)


def test_the_scikit_learn_baseline_scores_the_folds_and_the_test_rows(tmp_path: Path) -> None:
    splits = run.write_splits("iris", tmp_path, epochs=None)
    command = [sys.executable, str(ROOT / "bench" / "baselines.py"), "sklearn", "iris", str(splits)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(done.stdout)
    assert result["metric"] == "accuracy"
    # Iris, one hidden layer of 16, 5 folds: a working MLP is far above the 1/3 of guessing.
    assert result["validation"] > 0.8 and result["test"] > 0.8


def test_an_unknown_case_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--cases", "irs"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "unknown cases: irs" in done.stderr
