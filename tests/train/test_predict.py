"""``dlspec evaluate``, ``dlspec predict`` and ``dlspec runs`` on a saved run."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml
from conftest import Trained, invoke

from dlspec import check, sources
from dlspec.spec.tasks import BinaryTask, RegressionTask
from dlspec.train import experiment
from dlspec.train.environment import sha256
from dlspec.train.predict import table
from tests.conftest import Shell

pytestmark = pytest.mark.keras


def _write_test_rows(run: Trained, path: Path) -> np.ndarray:
    """The run's own test rows as a CSV with the feature columns and a 'target' column."""
    spec_file = run.path / "spec.yaml"
    spec, source_map, _ = check.analyse(spec_file)
    dataset = sources.load(spec, spec_file, source_map=source_map)
    _, x, y = experiment.test_set(spec, dataset)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*dataset.feature_names, "target"])
        for row, label in zip(x, y, strict=True):
            writer.writerow([*(repr(float(v)) for v in row), dataset.class_names[label]])
    return y


def test_evaluate_reproduces_the_runs_test_metrics(iris_run: Trained) -> None:
    result = invoke("evaluate", str(iris_run.path), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    stored = iris_run.json("metrics.json")
    assert payload["examples"] == stored["test_size"] == 30
    assert payload["confusion_matrix"] == stored["confusion_matrix"]
    for name, value in stored["test"].items():
        assert payload["metrics"][name] == pytest.approx(value, rel=1e-6), name
    table_output = invoke("evaluate", str(iris_run.path))
    assert table_output.exit_code == 0
    words = " ".join(table_output.stdout.split())  # a long path wraps
    assert f"run {iris_run.path}, scored on test set" in words
    assert "Test set (30 examples)" in table_output.stdout
    assert "Confusion matrix" in table_output.stdout


def test_predict_on_a_csv_reproduces_evaluate(iris_run: Trained, tmp_path: Path) -> None:
    rows = tmp_path / "test_rows.csv"
    truth = _write_test_rows(iris_run, rows)
    evaluated = invoke("evaluate", str(iris_run.path), "--data", f"csv:{rows}", "--json")
    assert evaluated.exit_code == 0, evaluated.stderr
    accuracy = json.loads(evaluated.stdout)["metrics"]["accuracy"]
    assert accuracy == iris_run.json("metrics.json")["test"]["accuracy"]

    out = tmp_path / "predictions.csv"
    predicted = invoke("predict", str(iris_run.path), str(rows), "-o", str(out))
    assert predicted.exit_code == 0, predicted.stderr
    assert predicted.stdout == ""
    with open(out, newline="") as handle:
        lines = list(csv.DictReader(handle))
    names = ["setosa", "versicolor", "virginica"]
    assert list(lines[0]) == [*names, "predicted"]
    assert len(lines) == len(truth) == 30
    probabilities = np.array([[float(line[n]) for n in names] for line in lines])
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    labels = [line["predicted"] for line in lines]
    assert labels == [names[i] for i in probabilities.argmax(axis=1)]
    hits = sum(label == names[t] for label, t in zip(labels, truth, strict=True))
    assert hits / len(truth) == accuracy


def test_predict_never_overwrites_without_force(iris_run: Trained, tmp_path: Path) -> None:
    rows = tmp_path / "test_rows.csv"
    _write_test_rows(iris_run, rows)
    out = tmp_path / "mine.csv"
    out.write_text("a file the user wrote\n")
    refused = invoke("predict", str(iris_run.path), str(rows), "-o", str(out))
    assert refused.exit_code == 2
    assert "pass --force" in refused.stderr
    assert out.read_text() == "a file the user wrote\n"
    forced = invoke("predict", str(iris_run.path), str(rows), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert out.read_text().startswith("setosa,versicolor,virginica,predicted")


def test_predict_into_a_missing_folder_or_onto_a_folder_is_refused(
    iris_run: Trained, tmp_path: Path, shell
) -> None:
    rows = tmp_path / "rows.csv"
    _write_test_rows(iris_run, rows)
    missing = shell("predict", iris_run.path, rows, "-o", tmp_path / "nowhere" / "out.csv")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert f"there is no folder '{tmp_path / 'nowhere'}'" in missing.stderr
    folder = tmp_path / "a-folder"
    folder.mkdir()
    onto = invoke("predict", str(iris_run.path), str(rows), "-o", str(folder), "--force")
    assert onto.exit_code == 2 and f"cannot write '{folder}': Is a directory" in onto.stderr
    assert folder.is_dir()


def test_predict_writes_csv_to_stdout_without_output(iris_run: Trained, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    _write_test_rows(iris_run, rows)
    result = invoke("predict", str(iris_run.path), str(rows))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "setosa,versicolor,virginica,predicted" and len(lines) == 31


def test_evaluate_and_predict_name_a_missing_run(tmp_path: Path) -> None:
    for command in (["evaluate", str(tmp_path / "nope")], ["predict", str(tmp_path), "x.csv"]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert "error[DLS407]" in result.stderr


def _copied(run: Path, to: Path, epochs: int | None = None) -> Path:
    """A copy of a run, its spec saying it trained ``epochs`` epochs (its hash to match)."""
    shutil.copytree(run, to)
    if epochs is not None:
        spec = yaml.safe_load((to / "spec.yaml").read_text())
        spec["training"]["epochs"] = epochs
        text = yaml.safe_dump(spec, sort_keys=False)
        (to / "spec.yaml").write_text(text)
        env = json.loads((to / "environment.json").read_text())
        (to / "environment.json").write_text(json.dumps({**env, "spec_sha256": sha256(text)}))
    return to


def test_runs_lists_and_compares(iris_run: Trained, tmp_path: Path) -> None:
    root = tmp_path / "runs"
    _copied(iris_run.path, root / "iris-mlp" / "20250101-000000")
    second = _copied(iris_run.path, root / "iris-mlp" / "20250102-000000", epochs=7)
    listing = invoke("runs", "--output", str(root))
    assert listing.exit_code == 0
    assert "20250101-000000" in listing.stdout and "20250102-000000" in listing.stdout
    mean = iris_run.summary["validation"]["accuracy"]
    assert f"{mean['mean']:.4f}" in listing.stdout and f"± {mean['std']:.4f}" in listing.stdout
    compared = invoke(
        "runs", "--output", str(root), "--compare", "iris-mlp/20250101-000000", str(second)
    )
    assert compared.exit_code == 0, compared.stderr
    assert "training.epochs" in compared.stdout and "7" in compared.stdout
    assert "model.layers" not in compared.stdout  # only the fields that differ
    assert "accuracy" in compared.stdout
    missing = invoke("runs", "--output", str(root), "--compare", "a", "b")
    assert missing.exit_code == 1


def test_runs_compares_several_runs_and_draws_their_curves(
    iris_run: Trained, shell: Shell, tmp_path: Path
) -> None:
    root = tmp_path / "runs"
    for day, epochs in ((1, None), (2, 7), (3, 9)):
        _copied(iris_run.path, root / "iris-mlp" / f"2025010{day}-000000", epochs=epochs)
    names = [f"iris-mlp/2025010{day}-000000" for day in (1, 2, 3)]
    done = shell("runs", "--compare", *names).ok()
    lines = done.stdout.splitlines()
    for letter, name in zip("ABC", names, strict=True):  # the legend names each run
        assert any(line.split()[:2] == [letter, name] for line in lines), done.stdout
    (epochs,) = [line for line in lines if "training.epochs" in line]
    assert [cell.strip() for cell in epochs.split("│")][3:5] == ["7", "9"]
    accuracy = iris_run.summary["validation"]["accuracy"]
    (row,) = [line for line in lines if "validation accuracy" in line]
    assert row.count(f"{accuracy['mean']:.4f} ± {accuracy['std']:.4f}") == 3
    assert sum("test accuracy" in line for line in lines) == 1
    (png,) = root.glob("compare-*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert f"learning curves of the 3 runs: {png.relative_to(tmp_path)}" in done.stdout
    # a second comparison draws a new file; an existing --plot file is never overwritten
    shell("runs", "--compare", *names[:2]).ok()
    assert len(list(root.glob("compare-*.png"))) == 2
    refused = shell("runs", "--compare", *names[:2], "--plot", png)
    assert refused.returncode == 2 and "nothing is overwritten" in refused.stderr
    one = shell("runs", "--compare", names[0])
    assert one.returncode == 2 and "two runs or more" in one.stderr
    loose = shell("runs", names[0])
    assert loose.returncode == 2 and "only with --compare" in loose.stderr


def test_prediction_tables_for_binary_and_regression() -> None:
    binary = SimpleNamespace(
        spec=SimpleNamespace(task=BinaryTask(type="binary", threshold=0.5)),
        class_names=["benign", "malignant"],
    )
    header, rows = table(binary, np.array([[0.2], [0.9]]))
    assert header == ["benign", "malignant", "predicted"]
    assert rows == [[0.8, 0.2, "benign"], [pytest.approx(0.1), 0.9, "malignant"]]
    task = RegressionTask(type="regression")
    regression = SimpleNamespace(spec=SimpleNamespace(task=task, data=None))
    assert table(regression, np.array([[1.5], [2.0]])) == (["prediction"], [[1.5], [2.0]])
    header, _ = table(regression, np.zeros((2, 2)))
    assert header == ["prediction_0", "prediction_1"]
    columns = SimpleNamespace(target=["y1", "y2"])  # a CSV's target columns name the outputs
    named = SimpleNamespace(spec=SimpleNamespace(task=task, data=columns))
    assert table(named, np.zeros((2, 2)))[0] == ["prediction_y1", "prediction_y2"]
