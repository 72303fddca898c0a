"""``dlspec train`` end to end: each validation scheme, the run directory's files and their
contents, --json, backends, lint errors, and no leakage from validation or test rows."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import IRIS_EPOCHS, ROOT, SPECS, Trained, invoke, train

from dlspec import check, sources
from dlspec import spec as spec_module
from dlspec.diagnostics import Severity
from dlspec.train import experiment

pytestmark = pytest.mark.keras

RUN_FILES = {
    "spec.yaml",
    "metrics.json",
    "history.csv",
    "model.keras",
    "environment.json",
    "learning_curves.png",
    "preprocessing",
}


def _history(run: Trained) -> list[dict[str, str]]:
    with open(run.path / "history.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_stored_spec(run: Trained, spec_file: Path, overrides: list[str]) -> None:
    stored = run.path / "spec.yaml"
    errors = [d for d in check.lint(stored) if d.severity is Severity.ERROR]
    assert errors == []
    original, _ = spec_module.load(spec_file, overrides)
    again, _ = spec_module.load(stored)
    assert again == original


def _check_model(run: Trained, examples: int, width: int) -> None:
    import keras

    model = keras.saving.load_model(run.path / "model.keras", safe_mode=True)
    assert model.output_shape[-1] == width
    assert model.count_params() > 0
    assert examples > 0


def _check_environment(run: Trained) -> dict[str, object]:
    env = run.json("environment.json")
    for key in (
        "python",
        "keras",
        "tensorflow",
        "numpy",
        "backend",
        "device",
        "seed",
        "spec_sha256",
        "data_fingerprint",
        "dlspec",
        "command",
    ):
        assert key in env, key
    import hashlib

    text = (run.path / "spec.yaml").read_text()
    assert env["spec_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert len(env["data_fingerprint"]) == 64
    assert env["command"][0] == "dlspec" and all(isinstance(a, str) for a in env["command"])
    return env


def test_iris_kfold_run_directory_holds_every_file(iris_run: Trained) -> None:
    run = iris_run
    assert run.path.parent.name == "iris-mlp"
    assert RUN_FILES | {"confusion_matrix.png"} <= {p.name for p in run.path.iterdir()}
    assert (run.path / "preprocessing" / "preprocessing.json").is_file()
    for png in ("learning_curves.png", "confusion_matrix.png"):
        assert (run.path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _check_stored_spec(run, SPECS / "iris_mlp.yaml", [f"training.epochs={IRIS_EPOCHS}"])
    _check_model(run, 30, 3)
    env = _check_environment(run)
    assert env["seed"] == 42 and env["backend"] == "tensorflow"


def test_iris_kfold_metrics_json_has_folds_test_and_verdict(iris_run: Trained) -> None:
    metrics = iris_run.json("metrics.json")
    assert metrics["task"] == "multiclass" and metrics["scheme"] == "kfold"
    assert metrics["class_names"] == ["setosa", "versicolor", "virginica"]
    accuracy = metrics["validation"]["accuracy"]
    assert len(accuracy["folds"]) == 5
    assert all(0 <= a <= 1 for a in accuracy["folds"])
    assert accuracy["mean"] == pytest.approx(np.mean(accuracy["folds"]))
    assert accuracy["std"] == pytest.approx(np.std(accuracy["folds"]))
    assert set(metrics["test"]) == {"accuracy", "precision", "recall", "f1", "loss"}
    assert 0 <= metrics["test"]["accuracy"] <= 1
    assert metrics["test_size"] == 30  # 20% of 150, split off first
    confusion = np.array(metrics["confusion_matrix"])
    assert confusion.shape == (3, 3) and confusion.sum() == 30
    assert np.trace(confusion) / 30 == pytest.approx(metrics["test"]["accuracy"])
    assert [c["support"] for c in metrics["per_class"]] == [10, 10, 10]  # stratified
    assert [f["validation_size"] for f in metrics["folds"]] == [24] * 5
    assert metrics["final"]["name"] == "final" and metrics["final"]["train_size"] == 120
    assert metrics["final"]["epochs"] == IRIS_EPOCHS
    assert metrics["verdict"]["name"] in ("underfitting", "just right", "overfitting")


def test_iris_history_has_a_row_per_fold_and_epoch(iris_run: Trained) -> None:
    rows = _history(iris_run)
    assert len(rows) == IRIS_EPOCHS * 6  # 5 folds and the final model
    assert [r["fold"] for r in rows[::IRIS_EPOCHS]] == ["1", "2", "3", "4", "5", "final"]
    assert [int(r["epoch"]) for r in rows[:IRIS_EPOCHS]] == list(range(1, IRIS_EPOCHS + 1))
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(rows[0])
    assert rows[0]["val_loss"] != "" and rows[-1]["val_loss"] == ""  # the final fit: no validation
    metrics = iris_run.json("metrics.json")
    last = rows[IRIS_EPOCHS - 1]
    assert float(last["val_loss"]) == pytest.approx(
        metrics["folds"][0]["validation"]["loss"], rel=1e-4
    )


def test_json_prints_one_object_and_nothing_else(iris_run: Trained) -> None:
    assert iris_run.stdout.count("\n") == 1 and iris_run.stdout.endswith("}\n")
    summary = iris_run.summary
    assert set(summary) == {
        *("run_dir", "validation", "test", "verdict", "verdict_numbers"),
        *("backend", "device", "precision"),
    }
    assert set(summary["validation"]["accuracy"]) == {"mean", "std", "folds"}
    environment = iris_run.json("environment.json")
    assert [summary[k] for k in ("backend", "device", "precision")] == [
        environment["backend"],
        environment["device"],
        "float32",
    ]
    assert summary["test"] == iris_run.json("metrics.json")["test"]
    assert summary["verdict"] == iris_run.json("metrics.json")["verdict"]["name"]
    assert "━" not in iris_run.stderr  # no progress bar with --json


def test_holdout_binary_run(tmp_path: Path) -> None:
    run = train(SPECS / "single_neuron.yaml", tmp_path, "training.epochs=2")
    assert RUN_FILES | {"confusion_matrix.png"} <= {p.name for p in run.path.iterdir()}
    metrics = run.json("metrics.json")
    assert metrics["scheme"] == "holdout" and len(metrics["folds"]) == 1
    assert metrics["final"]["name"] == "1"  # the hold-out model is the saved one
    assert {"accuracy", "auc", "precision", "recall", "f1", "loss"} <= set(metrics["test"])
    assert metrics["test"]["auc"] > 0.5
    # 569 examples: 114 test, then 20% of the other 455 for validation
    assert metrics["test_size"] == 114
    assert metrics["folds"][0]["validation_size"] == 91
    assert len(_history(run)) == 2
    _check_stored_spec(run, SPECS / "single_neuron.yaml", ["training.epochs=2"])
    _check_model(run, 114, 1)


def test_time_series_run_in_time_order(tmp_path: Path) -> None:
    overrides = ["training.epochs=2", "validation.splits=2"]
    run = train(SPECS / "sine_lstm.yaml", tmp_path, *overrides)
    names = {p.name for p in run.path.iterdir()}
    assert RUN_FILES <= names and "confusion_matrix.png" not in names
    metrics = run.json("metrics.json")
    assert metrics["scheme"] == "time_series"
    assert set(metrics["validation"]) == {"rmse", "mae", "r2", "loss"}
    assert set(metrics["test"]) == {"rmse", "mae", "r2", "loss"}
    assert metrics["confusion_matrix"] is None
    # 600 samples make 576 windows: the last 116 are the test set, the final model sees 460
    assert metrics["test_size"] == 116
    assert metrics["final"]["train_size"] == 460
    train_sizes = [f["train_size"] for f in metrics["folds"]]
    assert train_sizes == sorted(train_sizes)  # expanding windows
    assert len(_history(run)) == 2 * 3
    _check_stored_spec(run, SPECS / "sine_lstm.yaml", overrides)
    _check_model(run, 116, 1)


def test_time_series_test_rows_are_the_last_windows() -> None:
    spec, source_map, _ = check.analyse(SPECS / "sine_lstm.yaml")
    dataset = sources.load(spec, SPECS / "sine_lstm.yaml", source_map=source_map)
    assert dataset.series
    plan, x_test, _ = experiment.test_set(spec, dataset)
    n = len(dataset.x)
    assert plan.test.tolist() == list(range(n - len(plan.test), n))
    assert np.array_equal(x_test, dataset.x[-len(plan.test) :])
    for split in plan.folds:
        assert split.validation.min() > split.train.max()
        assert split.validation.max() < plan.test.min()


def test_preprocessing_is_fitted_on_each_fits_training_rows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlspec import train as training
    from dlspec.data.preprocessing import Preprocessor

    fitted_on: list[np.ndarray] = []
    original = Preprocessor.fit

    def spy(self: Preprocessor, x: np.ndarray) -> Preprocessor:
        fitted_on.append(np.array(x, copy=True))
        return original(self, x)

    monkeypatch.setattr(Preprocessor, "fit", spy)
    spec_file = SPECS / "iris_mlp.yaml"
    spec, source_map, inference = check.analyse(
        spec_file, ["training.epochs=1", "validation.folds=3"]
    )
    results = training.run(spec, spec_file, inference, source_map=source_map, output=tmp_path)
    dataset = sources.load(spec, spec_file, source_map=source_map)
    plan, _, _ = experiment.test_set(spec, dataset)
    expected = [dataset.x[s.train] for s in plan.folds] + [dataset.x[plan.rest]]
    assert len(fitted_on) == len(expected) == 4
    for seen, rows in zip(fitted_on, expected, strict=True):
        assert np.array_equal(seen, rows)
    # The saved statistics are the non-test rows' own, not the whole data set's.
    stored = json.loads(
        (Path(results.run_dir) / "preprocessing" / "preprocessing.json").read_text()
    )
    rest = dataset.x[plan.rest].astype(np.float64)
    assert np.allclose(stored["offset"], rest.mean(axis=0))
    assert np.allclose(stored["divisor"], rest.std(axis=0))
    assert not np.allclose(stored["offset"], dataset.x.astype(np.float64).mean(axis=0))
    assert set(plan.test.tolist()).isdisjoint(plan.rest.tolist())


def test_report_goes_to_stdout_and_progress_to_stderr(tmp_path: Path) -> None:
    result = invoke(
        "train",
        str(SPECS / "single_neuron.yaml"),
        "--set",
        "training.epochs=1",
        "--output",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.stderr
    for part in (
        "Validation (holdout",
        "Test set",
        "Confusion matrix",
        "Learning curve",
        "Bias-variance diagnosis",
        "run saved in",
    ):
        assert part in result.stdout
    assert "holdout" in result.stderr and "epochs" in result.stderr  # the progress bar
    quiet = invoke(
        "train",
        str(SPECS / "single_neuron.yaml"),
        "--set",
        "training.epochs=1",
        "--output",
        str(tmp_path),
        "--quiet",
    )
    assert quiet.exit_code == 0 and "━" not in quiet.stderr and "Test set" in quiet.stdout
    assert len(list((tmp_path / "single-neuron").iterdir())) == 2  # never overwritten


def test_lint_errors_stop_training_before_keras_is_imported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n  layers:\n    - dens: 4\n"
    )
    code = (
        "import sys\nfrom dlspec.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "print('CODE', code, 'KERAS', 'keras' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "train", str(bad), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert f"{bad}:5:7: error[DLS203]" in result.stderr
    assert "CODE 1 KERAS False" in result.stderr
    assert result.stdout == ""


def test_unavailable_backend_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("train", str(SPECS / "iris_mlp.yaml"), "--backend", "not-a-backend")
    assert result.exit_code == 2
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        result = invoke("train", str(SPECS / "iris_mlp.yaml"), "--backend", "torch")
        assert result.exit_code == 2
        assert "error[DLS408]: the Keras backend 'torch' is not installed" in result.stderr


def test_jax_backend_trains_in_memory_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlspec",
            "train",
            str(SPECS / "single_neuron.yaml"),
            "--backend",
            "jax",
            "--set",
            "training.epochs=1",
            "--output",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    env = json.loads((Path(summary["run_dir"]) / "environment.json").read_text())
    assert env["backend"] == "jax"
    assert env["command"][:3] == ["dlspec", "train", str(SPECS / "single_neuron.yaml")]
    assert 0 <= summary["test"]["accuracy"] <= 1


def test_a_sources_own_test_set_is_used_once_at_the_end(tmp_path: Path) -> None:
    # npz files with x_train/x_test, as in Keras's own dataset files: no test rows are split
    # off; class weights and learning-rate reduction run too.
    rng = np.random.default_rng(0)
    x, x_test = rng.normal(size=(120, 5)), rng.normal(size=(40, 5))
    np.savez(
        tmp_path / "data.npz",
        x_train=x.astype("float32"),
        y_train=(x[:, 0] > 0.5).astype("int64"),
        x_test=x_test.astype("float32"),
        y_test=(x_test[:, 0] > 0.5).astype("int64"),
    )
    spec_file = tmp_path / "npz.yaml"
    spec_file.write_text(
        "name: npz-binary\n"
        'data: {source: "npz:data.npz", scale: standard}\n'
        "task: binary\n"
        "model: {layers: [{dense: {units: 4, activation: relu}}]}\n"
        "training: {epochs: 2, class_weight: balanced, reduce_lr_on_plateau: {patience: 1}}\n"
        "validation: {type: kfold, folds: 2}\n"
    )
    run = train(spec_file, tmp_path / "runs")
    metrics = run.json("metrics.json")
    assert metrics["test_size"] == 40
    assert sum(sum(row) for row in metrics["confusion_matrix"]) == 40
    assert [f["train_size"] + f["validation_size"] for f in metrics["folds"]] == [120, 120]
    assert metrics["final"]["train_size"] == 120
    stored = (run.path / "spec.yaml").read_text()
    assert f"npz:{(tmp_path / 'data.npz').resolve()}" in stored  # trains again from anywhere
