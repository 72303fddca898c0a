"""The training-settings rules: time order, early stopping, stratification, folds, layers."""

from __future__ import annotations

import pytest

from dlspec.check.rules.too_many_params import PARAMS_PER_EXAMPLE_LIMIT
from dlspec.diagnostics import Severity

IRIS = "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n  layers: [dense: 8]\n"
SINE = (
    "task: regression\ndata: {source: synthetic:sine, window: {length: 8}}\n"
    "model:\n  layers: [lstm: 4]\n"
)


def codes(inference) -> list[str]:
    return [d.code for d in inference.diagnostics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (IRIS + "validation: {type: time_series, shuffle: true}\n", ["DLS311"]),
        (IRIS + "validation: {type: time_series, shuffle: false}\n", []),
        (IRIS + "validation: {type: holdout, shuffle: true}\n", []),
        (SINE + "validation: {type: holdout, shuffle: true}\n", ["DLS311"]),
        (SINE + "validation: {type: holdout}\n", []),
    ],
)
def test_shuffled_time_order(infer, text, expected) -> None:
    assert codes(infer(text)) == expected


def test_shuffle_message_and_place(infer) -> None:
    inference = infer(SINE + "validation:\n  type: holdout\n  shuffle: true\n")
    (d,) = inference.diagnostics
    assert (d.span.line, d.span.col) == (7, 12)
    assert "windowed series" in d.message


@pytest.mark.parametrize(
    ("training", "warned"),
    [
        ("{epochs: 10, early_stopping: 10}", True),
        ("{epochs: 10, early_stopping: 12}", True),
        ("{epochs: 10, early_stopping: 9}", False),
        ("{epochs: 10}", False),
        ("{early_stopping: {patience: 10}}", True),  # default epochs: 10
    ],
)
def test_patience_not_shorter_than_epochs(infer, training, warned) -> None:
    inference = infer(IRIS + f"training: {training}\n")
    assert codes(inference) == (["DLS312"] if warned else [])
    if warned:
        assert inference.diagnostics[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            IRIS.replace("multiclass", "{type: regression, outputs: 1}")
            + "validation: {type: kfold, stratify: true}\n",
            1,
        ),
        (IRIS + "validation: {type: kfold, stratify: true}\n", 0),
        (SINE + "validation: {type: time_series, stratify: true}\n", 1),  # one finding per place
        (IRIS + "validation: {type: time_series, stratify: true}\n", 1),
    ],
)
def test_stratify(infer, text, count) -> None:
    assert codes(infer(text)).count("DLS323") == count


def test_folds_against_examples(infer) -> None:
    few = "task: binary\ndata: {source: synthetic:xor, samples: 20}\nmodel:\n  layers: []\n"
    assert codes(infer(few + "validation: {type: kfold, folds: 17}\n")) == ["DLS323"]
    assert codes(infer(few + "validation: {type: kfold, folds: 17, test_size: 0.1}\n")) == []


def test_dropout_zero_is_a_warning_at_the_item(infer) -> None:
    inference = infer(
        "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n  layers:\n"
        "    - dropout: 0\n    - dropout: 0.1\n"
    )
    (d,) = inference.diagnostics
    assert (d.code, d.severity, d.span.line, d.span.col) == ("DLS314", Severity.WARNING, 5, 7)


def test_too_many_parameters(infer) -> None:
    # iris: 150 examples, 120 after the 0.2 test split; the limit is 100 per example.
    total = (4 * 2_000 + 2_000) + (2_000 * 3 + 3)
    assert total > PARAMS_PER_EXAMPLE_LIMIT * 120
    inference = infer(
        "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n  layers: [dense: 2000]\n"
    )
    (d,) = inference.diagnostics
    assert (d.code, d.severity, d.span.line, d.span.col) == ("DLS315", Severity.WARNING, 4, 3)
    assert d.message == "16,003 parameters for about 120 training examples (133 per example)"


def test_small_model_is_fine(infer) -> None:
    assert infer(IRIS).diagnostics == []


def test_no_size_warning_without_data(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\nmodel:\n  input: [4]\n  layers: [dense: 5000]\n"
    )
    assert inference.diagnostics == []
