"""Run directories: never overwritten, the resolved spec lints and parses back, history rows."""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from dlspec import check
from dlspec import spec as spec_module
from dlspec.diagnostics import Severity, SpecError
from dlspec.sources import SOURCES
from dlspec.train import environment, rundir
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
    if original.data is not None and SOURCES[original.data.scheme].takes_path:
        # paths are made absolute, so the stored spec reads the same file from anywhere
        path = (spec_file.parent / original.data.location).resolve()
        assert again.data.source == f"{original.data.scheme}:{path}"
        again = again.model_copy(
            update={"data": again.data.model_copy(update={"source": original.data.source})}
        )
    assert again == original
    data = yaml.safe_load(stored.read_text())
    assert data["training"]["batch_size"] == original.training.batch_size  # defaults written out
    for item in data["model"]["layers"]:  # the one-key written form, 'from' beside the kind
        assert isinstance(item, dict) and len([key for key in item if key != "from"]) == 1


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


def fake_run(root: Path, name: str = "a", now: datetime = NOW) -> Path:
    """A run directory as ``rundir.write`` lays it out, with a stand-in model archive."""
    path = rundir.create(root, name, now)
    text = "name: a\ntask: binary\n"
    (path / rundir.SPEC).write_text(text)
    (path / rundir.METRICS).write_text('{"task": "binary", "test": {"accuracy": 0.75}}')
    env = {"spec_sha256": environment.sha256(text)}
    (path / rundir.ENVIRONMENT).write_text(json.dumps(env))
    (path / rundir.PREPROCESSING).mkdir()
    (path / rundir.PREPROCESSING / "preprocessing.json").write_text('{"format": 1}')
    write_model(path / rundir.MODEL, MODEL_CONFIG)
    return path


MODEL_CONFIG = {
    "module": "keras.src.models.functional",
    "class_name": "Functional",
    "registered_name": "Functional",
    "config": {
        "layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d"}},
            {
                "module": "dlspec.build.blocks",
                "class_name": "Residual",
                "config": {},
                "registered_name": "dlspec>Residual",
            },
            {
                "class_name": "__keras_tensor__",
                "config": {
                    "activation": {"module": "builtins", "class_name": "function", "config": "relu"}
                },
            },
        ]
    },
}


def write_model(path: Path, config: dict) -> None:
    """A stand-in ``.keras`` archive: the config given, and weights that are only bytes."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", b"W" * 400)


def test_a_whole_run_passes_its_check(tmp_path: Path) -> None:
    assert rundir.check(fake_run(tmp_path), deep=True) is None


def _truncate(path: Path) -> None:
    data = (path / rundir.MODEL).read_bytes()
    (path / rundir.MODEL).write_bytes(data[: len(data) // 2])


def _flip_a_weight_byte(path: Path) -> None:
    data = bytearray((path / rundir.MODEL).read_bytes())
    at = data.index(b"WWWW") + 10  # inside the weights, not the zip's directory
    data[at] ^= 0xFF
    (path / rundir.MODEL).write_bytes(bytes(data))


DAMAGES = {
    "edited spec": (
        lambda p: (p / rundir.SPEC).write_text("name: a\ntask: binary\nseed: 7\n"),
        "spec.yaml was changed after the run started",
    ),
    "truncated model": (_truncate, "model.keras is not a Keras model file"),
    "empty model": (lambda p: (p / rundir.MODEL).write_bytes(b""), "model.keras is empty"),
    "flipped byte": (_flip_a_weight_byte, "model.keras is corrupt"),
    "missing preprocessing": (
        lambda p: shutil.rmtree(p / rundir.PREPROCESSING),
        "preprocessing/preprocessing.json is missing",
    ),
    "corrupt metrics": (
        lambda p: (p / rundir.METRICS).write_text('{"task": '),
        "metrics.json is not valid JSON (line 1, column 10",
    ),
    "metrics not an object": (
        lambda p: (p / rundir.METRICS).write_text("[1, 2]"),
        "metrics.json does not hold a JSON object",
    ),
    "no recorded hash": (
        lambda p: (p / rundir.ENVIRONMENT).write_text("{}"),
        "environment.json has no 'spec_sha256'",
    ),
    "spec not UTF-8": (
        lambda p: (p / rundir.SPEC).write_bytes(b"name: \xff\n"),
        "spec.yaml cannot be read",
    ),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_check_names_the_damaged_file_and_what_is_wrong(tmp_path: Path, damage: str) -> None:
    path = fake_run(tmp_path)
    spoil, expected = DAMAGES[damage]
    spoil(path)
    found = rundir.check(path, deep=True)
    assert found is not None and str(found).startswith(expected)
    assert found.code == ("DLS407" if "missing" in damage else "DLS410")
    with pytest.raises(SpecError) as raised:
        rundir.verify(path)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == found.code and expected in diagnostic.message


def test_only_a_deep_check_reads_every_checksum(tmp_path: Path) -> None:
    path = fake_run(tmp_path)
    _flip_a_weight_byte(path)
    assert rundir.check(path) is None  # what dlspec runs does: the archive's directory only
    assert rundir.check(path, deep=True) is not None


def test_find_lists_whole_and_damaged_runs_and_locate_takes_the_latest_whole_one(
    tmp_path: Path,
) -> None:
    done = fake_run(tmp_path)
    later = fake_run(tmp_path)  # same second: the -2 directory
    (later / rundir.METRICS).write_text("not json")
    empty = rundir.create(tmp_path, "a", NOW)  # a run whose files were never written
    (tmp_path / "a" / "notes").mkdir()  # not a run: no time stamp
    runs = rundir.find(tmp_path)
    assert [(r.stamp, r.state) for r in runs] == [
        ("20250301-093005", "complete"),
        ("20250301-093005-2", "damaged"),
        ("20250301-093005-3", "damaged"),
    ]
    assert runs[0].metrics["test"] == {"accuracy": 0.75} and runs[1].metrics == {}
    assert str(runs[2].damage) == "spec.yaml is missing" and runs[2].path == empty
    assert rundir.locate(tmp_path, "a").path == done
    assert rundir.locate(tmp_path, "a/20250301-093005").path == done
    assert rundir.locate(tmp_path, str(later)).state == "damaged"
    assert rundir.locate(tmp_path, "b") is None


def test_a_missing_or_empty_folder_is_not_a_run(tmp_path: Path) -> None:
    for path in (tmp_path / "nope", tmp_path):
        with pytest.raises(SpecError) as raised:
            rundir.verify(path)
        assert raised.value.diagnostics[0].code == "DLS407"
        assert "is not a complete run directory" in raised.value.diagnostics[0].message


def test_a_run_starts_with_its_spec_and_a_running_status(tmp_path: Path) -> None:
    spec_file = tmp_path / "nested.yaml"
    spec_file.write_text(NESTED)
    spec, _ = spec_module.load(spec_file)
    path = rundir.start(tmp_path / "runs", spec, spec_file, NOW)
    assert sorted(p.name for p in path.iterdir()) == ["spec.yaml", "status.json"]
    assert rundir.status(path) == ("running", None)
    assert rundir.read(path).state == "running"
    rundir.mark(path, rundir.FAILED, "loss became nan at epoch 3")
    listed = rundir.find(tmp_path / "runs")[0]
    assert (listed.state, listed.why) == ("failed", "loss became nan at epoch 3")
    with pytest.raises(SpecError) as raised:
        rundir.verify(path)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "DLS407"
    assert "status.json says the run is failed: loss became nan at epoch 3" in diagnostic.message


def test_a_whole_run_marked_complete_passes_and_a_garbled_status_is_damage(
    tmp_path: Path,
) -> None:
    path = fake_run(tmp_path)
    rundir.mark(path, rundir.COMPLETE)
    assert rundir.check(path) is None and rundir.read(path).state == "complete"
    (path / rundir.STATUS).write_text('{"state": "finished"}')
    assert str(rundir.check(path)) == "status.json records an unknown state 'finished'"
    assert rundir.read(path).state == "damaged"
