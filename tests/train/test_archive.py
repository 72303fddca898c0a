"""train.archive: a saved model's config holds only Keras's and dlspec's classes, and no code."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from test_rundir import MODEL_CONFIG, write_model

from dlspec.train import archive


def with_layer(layer: dict) -> dict:
    config = copy.deepcopy(MODEL_CONFIG)
    # Inside a residual body: the walk reaches every depth.
    config["config"]["layers"][1]["config"]["body"] = [layer]
    return config


FOREIGN = {
    "lambda layer": (
        {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "sneaky"}},
        "a Lambda layer 'sneaky', which is Python code",
    ),
    "lambda function": (
        {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}},
        "a Lambda layer, which is Python code",
    ),
    "foreign class": (
        {"module": "evil.layers", "class_name": "Thing", "registered_name": "evil>Thing"},
        "'evil>Thing', a class outside Keras and dlspec",
    ),
    "foreign function": (
        {"module": "mine", "class_name": "function", "config": "f", "registered_name": "function"},
        "'function', a class outside Keras and dlspec",
    ),
    "unknown dlspec class": (
        {"module": "dlspec.build.blocks", "class_name": "X", "registered_name": "dlspec>X"},
        "'dlspec>X', a class outside Keras and dlspec",
    ),
    "class of no module": ({"class_name": "Thing"}, "the class 'Thing' of no module"),
}


def test_keras_and_dlspec_objects_pass() -> None:
    assert archive.foreign(MODEL_CONFIG) is None


@pytest.mark.parametrize("case", FOREIGN, ids=list(FOREIGN))
def test_code_and_foreign_classes_are_named(case: str, tmp_path: Path) -> None:
    layer, expected = FOREIGN[case]
    assert archive.foreign(with_layer(layer)) == expected
    path = tmp_path / "model.keras"
    write_model(path, with_layer(layer))
    code, reason = archive.problem(path)
    assert code == "DLS411" and reason.startswith(f"holds {expected}")


def test_a_deeply_nested_config_is_walked_without_recursion() -> None:
    config: dict = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "deep"}}
    for _ in range(50_000):
        config = {"class_name": "__tuple__", "config": {"value": [config]}}
    assert archive.foreign(config) == "a Lambda layer 'deep', which is Python code"
