"""``dlspec schema`` accepts every written form the parser accepts, and rejects mistakes."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from dlspec.spec import schema

SPECS = sorted((Path(__file__).resolve().parents[1] / "specs").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    generated = schema.generate()
    jsonschema.Draft202012Validator.check_schema(generated)
    return jsonschema.Draft202012Validator(generated)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_example_spec_is_valid(validator, path: Path) -> None:
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


BASE = {"task": "binary", "model": {"input": [4], "layers": []}}


@pytest.mark.parametrize(
    "layer",
    [
        {"dense": {"units": 8, "activation": "relu"}},
        {"dense": 8},
        "flatten",
        {"flatten": None},
        {"dropout": 0.5, "name": "drop"},
        {"residual": [{"dense": 4}]},
        {"residual": {"layers": [{"dense": 4}], "activation": "relu"}},
        {"bidirectional": {"layer": {"lstm": 4}}},
        {"time_distributed": {"dense": 4}},
        {"time_distributed": {"layer": {"conv2d": {"filters": 2, "kernel_size": 3}}}},
        {"positional_encoding": "learned"},
        {"dense": 8, "from": "input"},
        {"add": None, "from": ["input", "dense_1"], "name": "joined"},
        {"concatenate": {"axis": -1, "from": ["a", "b"]}},
        {"embedding": {"output_dim": 8, "from": "words"}},
        {"lstm": {"units": 4, "from": ["embedding_2", "encoder"]}},
    ],
)
def test_written_layer_forms_are_valid(validator, layer) -> None:
    spec = {**BASE, "model": {"input": [4], "layers": [layer]}}
    assert list(validator.iter_errors(spec)) == []


@pytest.mark.parametrize(
    "change",
    [
        {"model": {"layers": [{"dens": 8}]}},
        {"model": {"layers": [{"dense": {"units": 8, "activaton": "relu"}}]}},
        {"model": {"layers": [{"dense": 8, "dropout": 0.1}]}},
        {"model": {"layers": [{"dense": 8, "from": []}]}},
        {"optimizer": "adm"},
        {"training": {"epochs": 0}},
        {"unknown": 1},
    ],
)
def test_mistakes_are_invalid(validator, change) -> None:
    spec = {**BASE, **change}
    assert list(validator.iter_errors(spec)) != []


def test_named_inputs_and_column_groups_are_valid(validator) -> None:
    model = {"inputs": {"words": {"shape": [5], "dtype": "int32"}, "meta": [3]}, "layers": []}
    data = {"source": "csv:t.csv", "features": {"left": ["a"], "right": ["b", "c"]}}
    assert list(validator.iter_errors({**BASE, "model": model, "data": data})) == []
    wrong = {"inputs": {"bad name": [3]}, "layers": []}
    assert list(validator.iter_errors({**BASE, "model": wrong})) != []


def test_a_spec_that_extends_another_may_leave_out_what_its_base_gives(validator) -> None:
    assert list(validator.iter_errors({"extends": "base.yaml", "optimizer": "adam"})) == []
    assert list(validator.iter_errors({"optimizer": "adam"})) != []  # no base: task is missing


def test_bare_choices_are_valid(validator) -> None:
    spec = {**BASE, "optimizer": "sgd", "validation": "kfold", "task": "binary"}
    assert list(validator.iter_errors(spec)) == []
