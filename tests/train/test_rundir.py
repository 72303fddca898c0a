"""Run directories: never overwritten, the resolved spec lints and parses back, history rows."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from dlspec import check
from dlspec import spec as spec_module
from dlspec.diagnostics import Severity
from dlspec.train import rundir
from dlspec.train.results import FoldResult

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
NOW = datetime(2025, 3, 1, 9, 30, 5)

NESTED = """
name: nested
data: {source: "csv:table.csv", target: y}
task: binary
model:
  input: [20, 4]
  layers:
    - residual:
        layers:
          - dense: {units: 4, activation: relu, name: inner}
    - bidirectional: {layer: {lstm: 8}, merge_mode: concat}
    - dense: {units: 4, kernel_regularizer: {l2: 0.01}}
    - dropout: 0.2
    - flatten
training: {epochs: 3, early_stopping: 2}
validation: kfold
"""


def test_runs_in_the_same_second_get_their_own_directories(tmp_path: Path) -> None:
    first = rundir.create(tmp_path, "iris", NOW)
    second = rundir.create(tmp_path, "iris", NOW)
    third = rundir.create(tmp_path, "iris", NOW)
    assert first.name == "20250301-093005"
    assert second.name == "20250301-093005-2"
    assert third.name == "20250301-093005-3"
    assert first.parent == tmp_path / "iris"


def test_concurrent_creates_never_share_a_directory(tmp_path: Path) -> None:
    made: list[Path] = []
    threads = [
        threading.Thread(target=lambda: made.append(rundir.create(tmp_path, "x", NOW)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 8


def _store(spec_file: Path, tmp_path: Path) -> Path:
    spec, _ = spec_module.load(spec_file)
    stored = tmp_path / "spec.yaml"
    stored.write_text(rundir.spec_text(spec, spec_file))
    return stored


def _errors_and_warnings(path: Path) -> tuple[list[str], set[str]]:
    found = check.lint(path)
    errors = [d.format() for d in found if d.severity is Severity.ERROR]
    return errors, {d.code for d in found if d.severity is Severity.WARNING}


@pytest.mark.parametrize("spec_file", SPECS, ids=[p.stem for p in SPECS])
def test_resolved_spec_lints_clean_and_parses_to_an_equal_spec(
    spec_file: Path, tmp_path: Path
) -> None:
    stored = _store(spec_file, tmp_path)
    errors, warnings = _errors_and_warnings(stored)
    assert errors == []
    assert warnings == _errors_and_warnings(spec_file)[1]
    original, _ = spec_module.load(spec_file)
    again, _ = spec_module.load(stored)
    if original.data is not None and original.data.scheme in rundir.PATH_SCHEMES:
        # paths are made absolute, so the stored spec reads the same file from anywhere
        path = (spec_file.parent / original.data.location).resolve()
        assert again.data.source == f"{original.data.scheme}:{path}"
        again = again.model_copy(
            update={"data": again.data.model_copy(update={"source": original.data.source})}
        )
    assert again == original
    data = yaml.safe_load(stored.read_text())
    assert data["training"]["batch_size"] == original.training.batch_size  # defaults written out
    for item in data["model"]["layers"]:
        assert isinstance(item, dict) and len(item) == 1  # the one-key written form


def test_nested_layers_and_data_paths_are_written_back(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "table.csv").write_text("a,b,c,d,y\n" + "1,2,3,4,0\n" * 5)
    spec_file = folder / "nested.yaml"
    spec_file.write_text(NESTED)
    original, _ = spec_module.load(spec_file)
    elsewhere = tmp_path / "run"
    elsewhere.mkdir()
    stored = _store(spec_file, elsewhere)
    data = yaml.safe_load(stored.read_text())
    assert data["data"]["source"] == f"csv:{(folder / 'table.csv').resolve()}"
    residual = data["model"]["layers"][0]["residual"]
    assert residual["layers"][0]["dense"]["name"] == "inner"
    assert data["model"]["layers"][1]["bidirectional"]["layer"]["lstm"]["units"] == 8
    again, _ = spec_module.load(stored)
    assert again.model == original.model
    assert again.data.model_copy(update={"source": original.data.source}) == original.data


def test_history_rows_cover_every_fold_and_epoch() -> None:
    folds = [
        FoldResult(
            "1",
            8,
            2,
            3,
            None,
            {"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 1.5], "accuracy": [0.1, 0.2, 0.3]},
        ),
        FoldResult("final", 10, 0, 2, None, {"loss": [2.0, 1.0], "accuracy": [0.2, 0.4]}),
    ]
    header, rows = rundir.history_rows(folds)
    assert header == ["fold", "epoch", "loss", "val_loss", "accuracy"]
    assert len(rows) == 5
    assert rows[0] == ["1", 1, 3.0, 3.5, 0.1]
    assert rows[-1] == ["final", 2, 1.0, "", 0.4]


def test_find_and_locate_read_only_complete_runs(tmp_path: Path) -> None:
    done = rundir.create(tmp_path, "a", NOW)
    (done / rundir.SPEC).write_text("name: a\n")
    (done / rundir.METRICS).write_text('{"task": "binary"}')
    rundir.create(tmp_path, "a", NOW)  # incomplete: still training, or failed
    runs = rundir.find(tmp_path)
    assert [(r.name, r.stamp) for r in runs] == [("a", "20250301-093005")]
    assert rundir.locate(tmp_path, "a").path == done
    assert rundir.locate(tmp_path, "a/20250301-093005").path == done
    assert rundir.locate(tmp_path, str(done)).path == done
    assert rundir.locate(tmp_path, "b") is None
