"""The light commands through the CLI: lint, summary, schema, --help, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dlspec import check
from dlspec.cli import app

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
runner = CliRunner()

BROKEN = """\
task: multiclass
model:
  input: [4]
  layers:
    - dens: {units: 16}
"""
WARNING_ONLY = """\
task: {type: multiclass, classes: 3}
model:
  input: [4]
  layers:
    - dropout: 0.0
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_lint_clean_folder_exits_0() -> None:
    result = runner.invoke(app, ["lint", str(SPECS)])
    assert result.exit_code == 0, result.output


def test_lint_error_exits_1_with_located_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", BROKEN)
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 1
    assert f"{path}:5:7: error[DLS203]: unknown layer kind 'dens'" in result.stdout
    assert "  hint: did you mean 'dense'?" in result.stdout


def test_lint_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = _write(tmp_path, "warn.yaml", WARNING_ONLY)
    assert runner.invoke(app, ["lint", str(path)]).exit_code == 0
    strict = runner.invoke(app, ["lint", "--strict", str(path)])
    assert strict.exit_code == 1
    assert "warning[DLS314]" in strict.stdout


def test_lint_json_is_one_object_per_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", BROKEN)
    result = runner.invoke(app, ["lint", "--format", "json", str(path)])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["line"], d["col"], d["code"]) for d in lines] == [(5, 7, "DLS203")]
    # The CLI prints the library's record as it is (its keys are pinned in test_diagnostics).
    assert lines[0] == json.loads(check.lint(path)[0].to_json())


def test_lint_github_annotations(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", BROKEN)
    result = runner.invoke(app, ["lint", "--format", "github", str(path)])
    assert result.stdout.startswith(f"::error file={path},line=5,col=7,")
    assert "title=DLS203::unknown layer kind 'dens'" in result.stdout


def test_lint_missing_path_and_bad_format_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["lint", str(tmp_path / "nope.yaml")]).exit_code == 2
    empty = runner.invoke(app, ["lint", str(tmp_path)])  # a folder without specs
    assert empty.exit_code == 2
    assert f"no *.yaml or *.yml files in {tmp_path}" in empty.stderr
    assert runner.invoke(app, ["lint", "--format", "xml", str(SPECS)]).exit_code == 2


def test_lint_set_override_is_located(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["lint", str(SPECS / "iris_mlp.yaml"), "--set", "training.epochs=zero"]
    )
    assert result.exit_code == 1
    assert "--set:1:17: error[DLS204]: expected an integer, got 'zero'" in result.stdout


def test_lint_prints_at_most_50_findings(tmp_path: Path) -> None:
    layers = "".join(f"    - dens{i}\n" for i in range(60))
    path = _write(tmp_path, "many.yaml", f"task: binary\nmodel:\n  input: [4]\n  layers:\n{layers}")
    result = runner.invoke(app, ["lint", str(path)])
    assert result.stdout.count("error[DLS203]") == 50
    assert "... and 10 more" in result.stdout


def test_summary_table_shows_every_layer_and_total() -> None:
    result = runner.invoke(app, ["summary", str(SPECS / "lenet5.yaml")])
    assert result.exit_code == 0, result.output
    for name in ("conv2d_1", "average_pooling2d_2", "flatten_1", "dense_2", "head", "61,706"):
        assert name in result.stdout


def test_summary_json_shape() -> None:
    result = runner.invoke(app, ["summary", str(SPECS / "iris_mlp.yaml"), "--json"])
    data = json.loads(result.stdout)
    assert [layer["name"] for layer in data["layers"]] == ["dense_1", "dropout_1", "head"]
    assert data["layers"][-1] == {
        "name": "head",
        "kind": "dense",
        "inputs": ["dropout_1"],
        "output_shape": [3],
        "params": 51,
    }
    assert data["total_params"] == data["trainable_params"] == 4 * 16 + 16 + 16 * 3 + 3


def test_summary_of_broken_spec_exits_1(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", BROKEN)
    result = runner.invoke(app, ["summary", str(path)])
    assert result.exit_code == 1
    assert "DLS203" in result.output
    assert "Traceback" not in result.output


def test_schema_is_json_with_every_section() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) >= {
        "dlspec",
        "name",
        "data",
        "task",
        "model",
        "optimizer",
        "training",
        "validation",
    }


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("lint", "summary", "schema", "train", "sweep", "export", "runs"):
        assert command in result.stdout


def test_summary_says_when_the_data_must_load_first(tmp_path: Path) -> None:
    (tmp_path / "table.npz").write_bytes(b"")  # exists; its arrays are read only by training
    path = _write(
        tmp_path, "npz.yaml", "data: {source: npz:table.npz}\ntask: binary\nmodel: {layers: []}\n"
    )
    result = runner.invoke(app, ["summary", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["layers"] == []
    assert "input shape of 'npz:table.npz' is known only once the data loads" in result.stderr


def test_lint_set_extends_and_a_field_of_a_shorthand_section_at_a_shell(shell, tmp_path) -> None:
    _write(tmp_path, "base.yaml", "task: {type: multiclass, classes: 3}\nmodel: {input: [4]}\n")
    _write(tmp_path, "exp.yaml", "training: {epochs: 20, early_stopping: 30}\n")
    alone = shell("lint", "exp.yaml")
    assert alone.returncode == 1 and "missing required key 'task'" in alone.stdout
    based = shell("lint", "exp.yaml", "--set", "extends=base.yaml", "--strict")
    assert based.returncode == 1 and "exp.yaml:1:40: warning[DLS312]" in based.stdout
    done = shell(
        "lint", "exp.yaml", "--strict", "--set", "extends=base.yaml",
        "--set", "training.early_stopping.patience=5",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout


def test_a_child_switching_the_base_optimizer_lints_clean_at_a_shell(shell, tmp_path) -> None:
    _write(
        tmp_path, "base.yaml",
        "data: {source: sklearn:iris}\ntask: multiclass\nmodel: {layers: [dense: 8]}\n"
        "optimizer: {type: adam, beta_1: 0.8}\n",
    )  # fmt: skip
    _write(tmp_path, "sgd.yaml", "extends: base.yaml\noptimizer: {type: sgd, momentum: 0.9}\n")
    done = shell("lint", "sgd.yaml", "--strict")
    assert done.returncode == 0, done.stdout  # was DLS201: 'beta_1' is no SGD argument
