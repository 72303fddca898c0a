"""``dlspec summary SPEC --keras``: Keras's shapes and counts beside the static ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlspec
from dlspec.cli import app

pytestmark = pytest.mark.keras

ROOT = Path(dlspec.__file__).resolve().parent.parent
LENET5 = str(ROOT / "specs" / "lenet5.yaml")
runner = CliRunner()

NESTED = """
task: {type: regression, outputs: 1}
model:
  input: [6, 4]
  layers:
    - residual:
        layers:
          - conv1d: {filters: 8, kernel_size: 3, strides: 2, padding: same}
          - residual: [dense: 8, layer_normalization]
    - flatten
"""


def test_keras_table_for_lenet5_agrees():
    result = runner.invoke(app, ["summary", LENET5, "--keras"])
    assert result.exit_code == 0, result.output
    header = [line.split("┃") for line in result.output.splitlines() if line.startswith("┃")]
    cells = [
        " ".join(part.strip() for part in column).strip() for column in zip(*header, strict=True)
    ]
    assert cells[1:-1] == [
        "layer",
        "kind",
        "output shape",
        "params",
        "keras shape",
        "keras params",
        "keras",
    ]
    conv = next(line for line in result.output.splitlines() if "conv2d_1" in line)
    assert conv.count("(28, 28, 6)") == 2 and conv.count("156") == 2 and "ok" in conv
    assert "DIFFERS" not in result.output
    assert "keras agrees on every layer" in result.output
    total = next(line for line in result.output.splitlines() if "total" in line)
    assert total.count("61,706") == 2 and "ok" in total


def test_keras_json_for_lenet5_has_keras_counts():
    result = runner.invoke(app, ["summary", LENET5, "--keras", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["keras_total_params"] == data["total_params"] == 61_706
    assert data["keras_differences"] == []
    for layer in data["layers"]:
        assert layer["keras_output_shape"] == layer["output_shape"]
        assert layer["keras_params"] == layer["params"]
    assert data["layers"][-1]["name"] == "head"


def test_without_keras_the_json_has_no_keras_fields():
    data = json.loads(runner.invoke(app, ["summary", LENET5, "--json"]).output)
    assert "keras_total_params" not in data
    assert "keras_params" not in data["layers"][0]


def test_a_difference_is_flagged_and_exits_1(monkeypatch):
    from dlspec.base import Params
    from dlspec.layers.dense import DenseSpec

    original = DenseSpec.params
    monkeypatch.setattr(DenseSpec, "params", lambda self, shape: original(self, shape) + Params(1))
    result = runner.invoke(app, ["summary", LENET5, "--keras", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["keras_differences"] == ["dense_1", "dense_2"]
    dense = next(layer for layer in data["layers"] if layer["name"] == "dense_1")
    assert dense["params"] == dense["keras_params"] + 1
    table = runner.invoke(app, ["summary", LENET5, "--keras"])
    assert table.exit_code == 1
    line = next(line for line in table.output.splitlines() if "dense_1" in line)
    assert "DIFFERS" in line
    assert "keras differs: dense_1, dense_2" in table.output


def test_a_spec_with_errors_exits_1_before_building(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("task: binary\nmodel: {input: [4], layers: [lstm: 3]}\n")
    result = runner.invoke(app, ["summary", str(path), "--keras"])
    assert result.exit_code == 1
    assert "DLS301" in result.output


def test_compare_matches_nested_residual_rows(tmp_path):
    from dlspec import check, compiler
    from dlspec.report import summary as summary_module

    path = tmp_path / "nested.yaml"
    path.write_text(NESTED)
    spec, _, inference = check.analyse(path)
    view = summary_module.compare(inference, compiler.model(spec, inference))
    nested = [row for _, row in summary_module.rows(inference)]
    assert [row.kind for row in nested] == [
        "residual",
        "conv1d",
        "residual",
        "dense",
        "layer_normalization",
        "flatten",
        "dense",
    ]
    for row in nested:
        found = view.get(row)
        assert found is not None, row.name
        assert found.output_shape == row.output_shape, row.name
        assert found.params == row.params.total, row.name
    assert view.agrees


def test_a_head_known_only_at_load_cannot_be_compared(tmp_path):
    (tmp_path / "table.csv").write_text("a,b,label\n1,2,x\n3,4,y\n")
    path = tmp_path / "csv.yaml"
    path.write_text(
        "data: {source: csv:table.csv, target: label}\ntask: multiclass\n"
        "model: {layers: [dense: 4]}\n"
    )
    result = runner.invoke(app, ["summary", str(path), "--keras"])
    assert result.exit_code == 1
    assert "known only once the data loads" in result.output


def test_a_graph_builds_as_inferred_with_each_layer_on_what_it_takes(shell, tmp_path):
    (tmp_path / "graph.yaml").write_text(
        "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n  layers:\n"
        "    - dense: {units: 16, name: deep}\n    - dense: 8\n      from: input\n"
        "    - concatenate:\n      from: [deep, dense_2]\n    - dense: 16\n"
        "    - add:\n      from: [deep, dense_3]\n"
    )
    done = shell("summary", "graph.yaml", "--keras", "--json").ok()
    data = done.json()
    assert data["keras_differences"] == [] and data["keras_total_params"] == data["total_params"]
    assert [layer["inputs"] for layer in data["layers"]] == [
        ["input"], ["input"], ["deep", "dense_2"], ["concatenate_1"], ["deep", "dense_3"],
        ["add_1"],
    ]  # fmt: skip


def test_named_inputs_build_as_inferred_and_the_model_takes_a_dict(shell, tmp_path):
    (tmp_path / "two.yaml").write_text(
        "task: {type: regression, outputs: 2}\nmodel:\n  inputs:\n"
        "    words: {shape: [5], dtype: int32}\n    pixels: [4, 4, 1]\n  layers:\n"
        "    - embedding: {input_dim: 30, output_dim: 3, from: words}\n"
        "    - flatten: {name: sequence}\n"
        "    - conv2d: {filters: 2, kernel_size: 3, from: pixels}\n    - flatten\n"
        "    - concatenate: {from: [sequence, flatten_2]}\n"
    )
    done = shell("summary", "two.yaml", "--keras", "--json").ok()
    data = done.json()
    assert data["keras_differences"] == [] and data["keras_total_params"] == data["total_params"]
    assert data["inputs"] == {"words": [5], "pixels": [4, 4, 1]}
    # The built model's inputs are the named ones, with their dtypes, and it takes a dict.
    import numpy as np

    from dlspec import compiler

    model = compiler.from_file(tmp_path / "two.yaml")
    assert sorted((t.name, str(t.dtype)) for t in model.inputs) == [
        ("pixels", "float32"), ("words", "int32")
    ]  # fmt: skip
    x = {"words": np.ones((3, 5), "int32"), "pixels": np.ones((3, 4, 4, 1), "float32")}
    assert model.predict(x, verbose=0).shape == (3, 2)


def test_an_encoder_state_starts_the_decoder_in_the_built_model(tmp_path):
    import numpy as np

    from dlspec import compiler

    (tmp_path / "s2s.yaml").write_text(
        "task: {type: regression, outputs: 2}\nmodel:\n  inputs:\n"
        "    source: {shape: [7], dtype: int32}\n    target: {shape: [6], dtype: int32}\n"
        "  layers:\n    - embedding: {input_dim: 30, output_dim: 8, from: source}\n"
        "    - lstm: {units: 16, name: encoder}\n"
        "    - embedding: {input_dim: 30, output_dim: 8, from: target}\n"
        "    - lstm: {units: 16}\n      from: [embedding_2, encoder]\n"
    )
    result = runner.invoke(app, ["summary", str(tmp_path / "s2s.yaml"), "--keras", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["keras_differences"] == []
    model = compiler.from_file(tmp_path / "s2s.yaml")
    assert model.get_layer("encoder").return_state
    target = np.ones((2, 6), "int32")
    first = model.predict({"source": np.ones((2, 7), "int32"), "target": target}, verbose=0)
    other = model.predict({"source": np.full((2, 7), 9, "int32"), "target": target}, verbose=0)
    assert first.shape == (2, 2)
    assert not np.allclose(first, other)  # the source reaches the decoder through the state alone
