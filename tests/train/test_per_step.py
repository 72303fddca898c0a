"""A label per time step (``per_step: true``) from the shell: train, evaluate and predict.

Each example is a sequence of 12 frames of three signals; each frame's label is the signal whose
running sum is largest so far, so a recurrent body that keeps the sequence can learn it. Each
command runs in its own fresh process, on files the test writes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

FRAMES = """\
name: frames
seed: 1
task: {type: TYPE, per_step: true}
data: {source: npz:frames.npz}
model:
  layers:
    - gru: {units: 32, return_sequences: true}
optimizer: {type: adam, learning_rate: 0.01}
training: {epochs: 30, batch_size: 32}
"""


def frames(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    signals = np.random.default_rng(seed).normal(size=(rows, 12, 3)).astype("float32")
    return signals, np.cumsum(signals, axis=1)


def test_a_frame_labeller_scores_every_step_and_predicts_a_row_per_step(
    shell, tmp_path: Path
) -> None:
    x, running = frames(300)
    np.savez(tmp_path / "frames.npz", x=x, y=running.argmax(axis=-1))
    (tmp_path / "frames.yaml").write_text(FRAMES.replace("TYPE", "multiclass"))
    done = shell("train", "frames.yaml", "--output", "runs", "--json").ok()
    run = tmp_path / done.json()["run_dir"]
    metrics = json.loads((run / "metrics.json").read_text())
    majority = np.bincount(running.argmax(axis=-1).ravel()).max() / running[..., 0].size
    assert metrics["test"]["accuracy"] >= majority + 0.35  # the majority class gets ~0.4
    # the confusion matrix counts positions: 12 steps of each of the test examples
    assert np.sum(metrics["confusion_matrix"]) == 12 * metrics["test_size"]
    new, _ = frames(2, seed=5)
    np.savez(tmp_path / "new.npz", x=new)
    scored, predicted = shell.together(["evaluate", run, "--json"], ["predict", run, "new.npz"])
    evaluation = scored.ok().json()
    assert evaluation["examples"] == metrics["test_size"]
    assert evaluation["metrics"] == pytest.approx(metrics["test"], rel=1e-6)
    header, *rows = list(csv.reader(io.StringIO(predicted.ok().stdout)))
    assert header == ["example", "step", "0", "1", "2", "predicted"] and len(rows) == 24
    assert [(row[0], row[1]) for row in rows[11:13]] == [("0", "11"), ("1", "0")]


def test_a_value_at_every_step_is_learnt_as_regression(shell, tmp_path: Path) -> None:
    x, running = frames(300)
    np.savez(tmp_path / "frames.npz", x=x, y=running[..., 0])  # the first signal's running sum
    (tmp_path / "frames.yaml").write_text(FRAMES.replace("TYPE", "regression"))
    done = shell("train", "frames.yaml", "--output", "runs", "--json").ok()
    assert done.json()["test"]["r2"] >= 0.9
