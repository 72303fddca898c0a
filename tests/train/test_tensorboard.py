"""``training.tensorboard``: each fit's TensorBoard logs in the run folder hold its history.

The run trains in its own process, as from a shell; its event files are read back with
TensorBoard's own reader and must hold, epoch by epoch, the losses ``history.csv`` records.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import Shell

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ["--set", "training.epochs=3", "--set", "validation.folds=2", "--set"]


def scalars(folder: Path, tag: str) -> list[float]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    events = EventAccumulator(str(folder), size_guidance={"tensors": 0}).Reload()
    return [float(tensor_util.make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)]


def test_each_fit_logs_its_epochs_for_tensorboard(shell: Shell, tmp_path: Path) -> None:
    spec = ROOT / "specs" / "iris_mlp.yaml"
    done = shell("train", spec, *SETTINGS, "training.tensorboard=true", "--backend", "jax")
    (run,) = (tmp_path / "runs" / "iris-mlp").iterdir()
    assert done.ok() and sorted(p.name for p in (run / "tensorboard").iterdir()) == [
        "final",
        "fold_1",
        "fold_2",
    ]
    with open(run / "history.csv", newline="") as handle:
        history = list(csv.DictReader(handle))
    for fit in ("1", "2", "final"):
        rows = [row for row in history if row["fold"] == fit]
        logs = run / "tensorboard" / (f"fold_{fit}" if fit != "final" else "final")
        expected = [float(row["loss"]) for row in rows]
        assert scalars(logs / "train", "epoch_loss") == pytest.approx(expected, rel=1e-6)
        if fit != "final":  # the refit has no validation rows
            expected = [float(row["val_loss"]) for row in rows]
            assert scalars(logs / "validation", "epoch_loss") == pytest.approx(expected, rel=1e-6)
        else:
            assert not (logs / "validation").exists()


def test_without_tensorboard_installed_the_run_is_refused_before_it_starts(
    tmp_path: Path, shell: Shell
) -> None:
    spec = ROOT / "specs" / "iris_mlp.yaml"
    args = ["train", spec, "--set", "training.tensorboard=true"]
    done = shell(*args, without="tensorboard")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[DLS421]: training.tensorboard needs the tensorboard package" in done.stderr
    assert "pip install 'dlspec[tensorboard]'" in done.stderr
    assert not (tmp_path / "runs").exists()
