"""``dlspec train --resume``: an interrupted run goes on to the numbers of an uninterrupted one.

The shell-level test (a real SIGINT or SIGTERM, then ``--resume`` in a new process, on both
TensorFlow and JAX) is in ``test_faults.py``; here the stop lands at chosen points.
"""

from __future__ import annotations

import json
import signal
import tempfile
from pathlib import Path

import numpy as np
import pytest

from dlspec import check, sources
from dlspec import train as training
from dlspec.data.problems import Problems
from dlspec.diagnostics import SpecError
from dlspec.train import experiment, resuming, rundir
from dlspec.train import fit as fitting
from dlspec.train.checkpoint import Checkpoint
from dlspec.train.stopping import Interrupted, Stop

pytestmark = pytest.mark.keras

# Dropout, early stopping with its best weights, a learning rate lowered on plateaus,
# balanced class weights and shuffled mini-batches: every state a fit carries across epochs.
SPEC = """\
name: iris
seed: 3
data: {source: "sklearn:iris"}
task: multiclass
model: {layers: [{dense: {units: 16, activation: relu}}, {dropout: 0.3}]}
optimizer: {type: adam, learning_rate: 0.02}
training:
  epochs: 12
  batch_size: 16
  class_weight: balanced
  early_stopping: {patience: 6}
  reduce_lr_on_plateau: {patience: 2, factor: 0.5}
validation: {type: kfold, folds: 2, test_size: 0.2}
"""


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec_file = tmp_path_factory.mktemp("spec") / "iris.yaml"
    spec_file.write_text(SPEC)
    return spec_file


class StopAfter(Stop):
    """A stop request that comes after ``calls`` checks (each batch checks twice)."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    @property
    def requested(self) -> bool:
        self.calls -= 1
        if self.calls < 0:
            self.signal = signal.SIGINT
        return self.signal is not None


# The stop comes in epoch 12, one epoch after the best val_loss, so the learning-rate
# reduction and early stopping are each one epoch into their wait. Through model.fit the stop
# is checked twice a batch (4 batches an epoch) and cuts epoch 12 short; on the fused path it
# is checked once an epoch, before it begins, so epoch 12 is not begun.
@pytest.mark.parametrize(("fused", "checks"), [(False, 2 * 4 * 11 + 3), (True, 11)])
def test_a_fit_cut_in_an_epoch_goes_on_to_the_same_weights_and_history(
    iris: Path, fused: bool, checks: int
) -> None:
    spec, source_map, inference = check.analyse(iris, ["training.epochs=20"])
    dataset = sources.load(spec, iris, source_map=source_map)
    inference = experiment.complete(spec, inference, dataset, Problems(iris, source_map))
    split = experiment.test_set(spec, dataset)[0].folds[0]

    def fit(stop: Stop, resume: Checkpoint | None = None) -> fitting.Fitted:
        return fitting.fit(
            spec, inference, dataset, split.train, split.validation, epochs=20, stop=stop,
            resume=resume, fused=fused,
        )  # fmt: skip

    whole = fit(Stop())
    cut = fit(StopAfter(checks))
    assert cut.cut and cut.checkpoint is not None and cut.checkpoint.epoch == 11
    assert cut.checkpoint.counters["reduce_lr_on_plateau"]["wait"] == 1
    assert cut.checkpoint.counters["early_stopping"]["wait"] == 1
    assert cut.history == {k: v[:11] for k, v in whole.history.items()}  # whole epochs only
    with tempfile.TemporaryDirectory() as folder:
        cut.checkpoint.save(Path(folder))
        saved = Checkpoint.load(Path(folder), cut.checkpoint.describe())
    resumed = fit(Stop(), saved)
    assert not resumed.cut and resumed.history == whole.history
    assert "learning_rate" in whole.history and min(whole.history["learning_rate"]) < 0.02
    assert (resumed.epochs, resumed.best_epoch) == (whole.epochs, whole.best_epoch)
    for ours, theirs in zip(resumed.model.variables, whole.model.variables, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


class StopWhen:
    """A progress display that asks to stop at one point of a run: a fit's start, epoch or end.

    ``at_epoch`` 0 stops when the fit ``at_label`` starts, a number after that epoch ends,
    None when the fit ends.
    """

    def __init__(self, request: Stop, at_label: str, at_epoch: int | None = None) -> None:
        self.request, self.at_label, self.at_epoch = request, at_label, at_epoch
        self.seen: list[str] = []
        self.current = ""

    def start(self, label: str, epochs: int) -> None:
        self.current = label
        self.seen.append(label)
        if label == self.at_label and self.at_epoch == 0:
            self.request.signal = signal.SIGINT

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        if self.current == self.at_label and self.at_epoch and epoch == self.at_epoch:
            self.request.signal = signal.SIGTERM

    def stop(self) -> None:
        if self.current == self.at_label and self.at_epoch is None:
            self.request.signal = signal.SIGINT


@pytest.fixture(scope="module")
def straight(iris: Path, tmp_path_factory: pytest.TempPathFactory) -> training.Results:
    spec, source_map, inference = check.analyse(iris, [])
    output = tmp_path_factory.mktemp("straight")
    return training.run(spec, iris, inference, source_map=source_map, output=output)


@pytest.mark.parametrize(
    ("label", "epoch", "fit", "epochs"),
    [
        ("fold 1/2", 5, 0, 5),  # mid-fold: after epoch 5, the cut epoch 6 runs again
        ("fold 1/2", None, 1, 0),  # between two folds: fold 2 starts afresh
        ("fold 2/2", 0, 1, 0),  # in the first epoch of a fold: no whole epoch to keep
        ("final", 2, 2, 2),  # in the final refit
    ],
)
def test_a_run_stopped_anywhere_resumes_to_the_numbers_of_an_uninterrupted_one(
    iris: Path,
    straight: training.Results,
    tmp_path: Path,
    label: str,
    epoch: int | None,
    fit: int,
    epochs: int,
) -> None:
    spec, source_map, inference = check.analyse(iris, [])
    request = Stop()
    shown = StopWhen(request, label, epoch)
    with pytest.raises(Interrupted) as stopped:
        training.run(
            spec, iris, inference, source_map=source_map, output=tmp_path, progress=shown,
            stop=request,
        )  # fmt: skip
    run = stopped.value.directory
    assert rundir.status(run)[0] == rundir.INTERRUPTED
    resume = resuming.read(run)
    assert (resume.fit, resume.epoch, len(resume.folds)) == (fit, epochs, fit)

    spec, source_map, inference = check.analyse(run / rundir.SPEC, [])
    again = StopWhen(Stop(), "never")
    results = training.run(
        spec, run / rundir.SPEC, inference, source_map=source_map, progress=again,
        resume=resume, stop=Stop(),
    )  # fmt: skip
    assert again.seen[0] == ["fold 1/2", "fold 2/2", "final"][fit]  # the rest are kept
    assert results.to_json() == straight.to_json()
    assert (run / rundir.HISTORY).read_text() == (
        Path(straight.run_dir) / rundir.HISTORY
    ).read_text()
    assert rundir.status(run)[0] == rundir.COMPLETE and rundir.check(run, deep=True) is None
    assert not (run / rundir.CHECKPOINT).exists()


def test_each_epochs_batches_follow_from_the_seed_and_the_epoch_alone() -> None:
    x, y = np.arange(10).reshape(10, 1), np.arange(10) % 3
    weights = np.linspace(0, 1, 10)

    def epochs(first: int, shuffle: bool = True) -> list[list[int]]:
        found = fitting.batches(
            x, y, weights, batch_size=4, seed=7, epochs=range(first, 5), shuffle=shuffle
        )
        return [batch[0][:, 0].tolist() for batch in found]

    every = epochs(0)
    assert [len(b) for b in every] == [4, 4, 2] * 5  # the last batch of an epoch is short
    orders = [sum(every[3 * e : 3 * e + 3], []) for e in range(5)]
    assert all(sorted(order) == list(range(10)) for order in orders)  # each row once an epoch
    assert len({tuple(order) for order in orders}) == 5  # and a new order every epoch
    assert epochs(3) == every[9:]  # a fit resumed at epoch 3 sees what it would have seen
    assert sum(epochs(0, shuffle=False), []) == list(range(10)) * 5
    x_batch, y_batch, w_batch = next(
        fitting.batches(x, y, weights, batch_size=4, seed=7, epochs=range(1), shuffle=True)
    )
    np.testing.assert_array_equal(y_batch, y[x_batch[:, 0]])  # rows stay together
    np.testing.assert_array_equal(w_batch, weights[x_batch[:, 0]])


@pytest.mark.parametrize(
    "y",
    [
        np.array([0, 2, 1, 2, 0]),  # labels
        np.eye(3)[[0, 2, 1, 2, 0]],  # one-hot rows (categorical cross-entropy)
        np.array([[0.0], [1.0], [1.0], [0.0], [1.0]]),  # binary targets
    ],
)
def test_class_weights_become_the_row_weights_keras_derives(y: np.ndarray) -> None:
    from keras.src.trainers.data_adapters.data_adapter_utils import (
        class_weight_to_sample_weights,
    )

    weights = {0: 0.5, 1: 2.0, 2: 3.0}
    np.testing.assert_array_equal(
        fitting.row_weights(weights, y), class_weight_to_sample_weights(y, weights)
    )
    assert fitting.row_weights(None, y) is None


def test_a_run_whose_data_or_checkpoint_changed_is_refused_and_stays_interrupted(
    tmp_path: Path,
) -> None:
    rows = "".join(f"{i / 10},{i / 5 + 1}\n" for i in range(40))
    (tmp_path / "table.csv").write_text("x,y\n" + rows)
    spec_file = tmp_path / "line.yaml"
    spec_file.write_text(
        "name: line\nseed: 0\ndata: {source: csv:table.csv, target: y}\ntask: regression\n"
        "model: {layers: [dense: 4]}\ntraining: {epochs: 6, batch_size: 8}\n"
        "validation: {type: holdout, validation_size: 0.25, test_size: 0.2}\n"
    )
    spec, source_map, inference = check.analyse(spec_file, [])
    request = Stop()
    with pytest.raises(Interrupted) as stopped:
        training.run(
            spec, spec_file, inference, source_map=source_map, output=tmp_path / "runs",
            progress=StopWhen(request, "holdout", 2), stop=request,
        )  # fmt: skip
    run = stopped.value.directory
    (tmp_path / "table.csv").write_text("x,y\n" + rows.replace("0.1,", "0.15,"))
    stored, _, inference = check.analyse(run / rundir.SPEC, [])
    with pytest.raises(SpecError) as refused:
        training.run(stored, run / rundir.SPEC, inference, resume=resuming.read(run))
    (found,) = refused.value.diagnostics
    assert found.code == "DLS414" and "changed since it started" in found.message
    assert rundir.status(run) == (rundir.INTERRUPTED, "SIGTERM after epoch 2 (holdout)")
    (tmp_path / "table.csv").write_text("x,y\n" + rows)  # the data it started with
    state_file = run / rundir.CHECKPOINT / resuming.STATE
    state = state_file.read_text()
    edited = json.loads(state)
    edited["checkpoint"]["paths"]["model"][0] = "another/kernel"
    state_file.write_text(json.dumps(edited))
    with pytest.raises(SpecError) as refused:
        training.run(stored, run / rundir.SPEC, inference, resume=resuming.read(run))
    (found,) = refused.value.diagnostics
    assert found.code == "DLS410" and "model variables are not the ones" in found.message
    assert rundir.status(run)[0] == rundir.INTERRUPTED
    state_file.write_text(state)
    results = training.run(stored, run / rundir.SPEC, inference, resume=resuming.read(run))
    assert results.folds[0].epochs == 6 and rundir.status(run)[0] == rundir.COMPLETE
